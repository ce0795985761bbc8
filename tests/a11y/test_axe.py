"""Every page through axe-core (axe-playwright-python, which bundles it) in real Chromium, as a visitor, a client
and a coach, on a phone's screen and a desktop's: no serious or critical violation (issue 17 item 3).

The pages are every route of the site (tests/security/routes.py walks the URL configuration), each with the
demo studio's objects filled in; those a person may not open (403/404) and files that are not pages are passed
over. The admin is Django's own and is left to it."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from tests.browser import CSP_VIOLATIONS
from tests.security.conftest import Desk, ann_values
from tests.security.routes import pages
from tests.web.conftest import Studio, needs_chromium

pytestmark = needs_chromium

SERIOUS = {"serious", "critical"}
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def _cookie(user: User) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value}


def _problems(results: dict) -> list[str]:
    out = []
    for violation in results.get("violations", []):
        if violation.get("impact") in SERIOUS:
            where = "; ".join(" ".join(node.get("target", [])) for node in violation.get("nodes", [])[:3])
            out.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {where}")
    return out


@pytest.mark.parametrize(("screen", "lang"), [("phone", "en"), ("desktop", "en"), ("phone", "es")])
def test_no_page_has_a_serious_or_critical_accessibility_violation(chromium, live_server, studio: Studio,
                                                                    desk: Desk, screen: str, lang: str) -> None:
    # In Spanish too (on a phone): longer words, other labels, the same rules.
    for profile in (studio.ann, studio.coach):
        profile.language = "es-US" if lang == "es" else "en-US"
        profile.save(update_fields=["language"])
    axe = Axe()
    found: dict[str, list[str]] = {}
    skipped: list[str] = []
    checked = 0
    for who, user in (("visitor", None), ("client", studio.ann.user), ("coach", studio.coach.user)):
        context = chromium.new_context(viewport=SCREENS[screen], locale="es-MX" if lang == "es" else "en-US")
        if user is not None:
            context.add_cookies([{**_cookie(user), "url": live_server.url}])
        page = context.new_page()
        for route in pages():
            if route.name.startswith(("admin:", "logout")) or route.route.startswith(("admin/", "api/")):
                continue  # Django's admin and django-ninja's Swagger UI: developer tools, theirs to keep
            if route.route.endswith((".xml", ".txt")):
                continue
            values = ann_values(route, studio, desk)
            assert values is not None, f"{route.name}: add its parameters to ann_values"
            url = route.url(**values)
            try:
                response = page.goto(live_server.url + url)
            except PlaywrightError as first:
                # A page left mid-navigation by the one before (a download, an error page) interrupts the next:
                # a fresh tab, and once more; a route that is no page at all (a download, POST only) still fails.
                page.close()
                page = context.new_page()
                try:
                    response = page.goto(live_server.url + url)
                except PlaywrightError:
                    skipped.append(f"{who} {url}: {str(first).splitlines()[0][:60]}")
                    continue
            if response is None or response.status >= 400:
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            page.wait_for_timeout(30)  # the page's own console messages (a CSP violation fails the test) first
            before = len(CSP_VIOLATIONS)
            problems = _problems(axe.run(page).response)
            page.wait_for_timeout(30)
            # axe measures contrast by styling elements of its own inline, which the site's policy refuses
            # (and reports): those reports are axe's, not the page's.
            CSP_VIOLATIONS[before:] = [v for v in CSP_VIOLATIONS[before:] if "inline style" not in v]
            checked += 1
            if problems:
                found[f"{who} {url}"] = problems
        context.close()
    print(f"axe {screen} {lang}: {checked} pages checked as a visitor, a client and a coach; not pages: {len(skipped)}")
    assert checked >= 30, checked
    assert not found, "\n".join(f"{page}: {p}" for page, ps in found.items() for p in ps)
