"""Every text a user can set, set to markup, and every page rendered in Chromium: no dialog opens, no element of
the payload exists in the page, and no Content-Security-Policy violation is reported (which an inline handler
that got through would cause: tests/browser.py fails the test on any)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from retrowalk.core.plan import Kind
from retrowalk.web.walks import services
from tests.security.conftest import Desk, ann_values
from tests.security.routes import pages
from tests.web.conftest import Studio, needs_chromium

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "\"'><img src=x id=xss-probe onerror=alert(1)><svg onload=alert(2)></svg><script>alert(3)</script>"
SHORT = "'\"><i id=xss-probe>"
"""For a field too short for the long one (a phone number's 20 characters)."""

# Text the code reads as a value of its own, never shown as typed: leaving it alone keeps the pages working.
NOT_TEXT = {"Profile.timezone", "IntroRequest.timezone", "ApiToken.digest", "Route.elevation", "Reminder.kind",
            "SmsConsent.version", "InboundMessage.provider_id", "Message.provider_id", "Message.purpose",
            "Reminder.claimed_by"}


def text_fields() -> list[tuple[type[models.Model], models.Field]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("retrowalk."):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if (isinstance(field, models.CharField | models.TextField) and not field.choices
                        and f"{model.__name__}.{field.name}" not in NOT_TEXT):
                    found.append((model, field))
    return found


def poison(studio: Studio) -> int:
    """Every text field of every row, and people's names, set to markup; returns how many fields were set."""
    route = studio.ann_route
    route.name = LONG[:120]
    route.save()
    services.make_plan(studio.ann, studio.ann.user, services.PlanOptions(kind=Kind.ROUTE), route)  # the name in a plan
    count = 0
    for model, field in text_fields():
        payload = LONG if (field.max_length or 10_000) >= len(LONG) else SHORT
        if (field.max_length or 10_000) < len(SHORT):
            continue
        count += model.objects.update(**{field.name: payload}) and 1
    User.objects.update(first_name=LONG[:150], last_name=SHORT)
    return count


def _signed_in_cookie(user: User) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value}


@needs_chromium
def test_no_text_a_user_sets_runs_as_markup_on_any_page(chromium, live_server, studio: Studio, desk: Desk) -> None:
    set_fields = poison(studio)
    assert set_fields >= 20, set_fields  # the intro form, notes, names, questions and answers, places, messages…
    visited: list[str] = []
    dialogs: list[str] = []
    for user in (studio.ann.user, studio.coach.user, None):
        context = chromium.new_context()
        if user is not None:
            context.add_cookies([{**_signed_in_cookie(user), "url": live_server.url}])
        page = context.new_page()
        page.on("dialog", lambda d, seen=page: (dialogs.append(f"{seen.url}: {d.message}"), d.dismiss()))
        for route in pages():
            if route.name.startswith(("admin:", "logout")) or route.route.startswith("admin/"):
                continue  # the admin is Django's own (escaped by its templates); logging out ends the session
            if route.route.endswith((".xml", ".txt")):
                continue  # files for crawlers, no user text (test_home.py); Chromium's XML viewer styles inline
            values = ann_values(route, studio, desk)
            assert values is not None, f"{route.name} ({route.route}): add its parameters to ann_values"
            url = route.url(**values)
            try:
                response = page.goto(live_server.url + url)
            except PlaywrightError:  # Chromium shows no page at all for some refusals (an empty 403)
                continue
            if response is None or response.status >= 400:
                continue  # not this person's page (403/404: tests/security/test_roles.py, ownership)
            kind = response.headers.get("content-type", "")
            if not kind.startswith(("text/html", "image/svg")):
                continue
            page.wait_for_timeout(50)
            assert page.locator("#xss-probe").count() == 0, f"{url}: the payload became an element"
            visited.append(url)
        context.close()
    assert not dialogs, dialogs
    assert len(visited) >= 25, visited
