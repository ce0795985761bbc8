"""Issue 17's five pages (home, coach dashboard, route plan, session form, live coach) in English and Spanish, on
a phone (390×844) and a desktop (1280×800), in real headless Chromium: the page says its language, nothing runs
off the side (also at 200 % text), and a session is logged and a walk started with the keyboard alone.

Screenshots go to $RETROWALK_SCREENSHOTS when it is set (``lang-<page>-<lang>-<width>.png``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrowalk.core.plan import Kind
from retrowalk.web.accounts.models import Profile
from retrowalk.web.frontdesk.models import Studio
from retrowalk.web.walks import services
from retrowalk.web.walks.models import WalkSession
from tests.web.conftest import Studio as Fixture
from tests.web.conftest import needs_chromium
from tests.web.test_browser import log_in, shoot
from tests.web.test_home import public  # noqa: F401  (the fixture)

pytestmark = needs_chromium

SIZES = [(390, 844), (1280, 800)]
VOICE = {"en": "en-US", "es": "es-US"}


def speaking(profile: Profile, lang: str) -> None:
    profile.language = VOICE[lang]
    profile.save(update_fields=["language"])


def overflow(page, width: int) -> list[str]:
    """What sticks out past the right edge (a sideways scroll), by tag, class and a little text."""
    return page.evaluate(f"""document.documentElement.scrollWidth <= {width} ? [] :
        [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > {width} + 1
          && !e.closest('thead'))
        .map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))""")


def pages(studio: Fixture) -> dict[str, tuple[str | None, str]]:
    """Page name -> (who signs in, or None for a visitor; path). The route plan is made now, in her language."""
    plan = services.make_plan(studio.ann, studio.ann.user, services.PlanOptions(kind=Kind.ROUTE), studio.ann_route)
    return {"home": (None, "/"),
            "dashboard": ("coach", "/coach/"),
            "route-plan": ("ann", f"/plans/{plan.pk}/"),
            "session-form": ("ann", f"/clients/{studio.ann.pk}/sessions/new/"),
            "live-coach": ("ann", f"/plans/{plan.pk}/walk/")}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_each_page_speaks_her_language_and_fits_the_screen_also_at_200_percent_text(
        chromium, live_server, studio: Fixture, public: Studio, lang: str, width: int, height: int,  # noqa: F811
        tmp_path: Path) -> None:
    speaking(studio.coach, lang)
    speaking(studio.ann, lang)
    problems = []
    for name, (who, path) in pages(studio).items():
        # A visitor's language is her browser's (Accept-Language from the locale); a client's, her profile's.
        context = chromium.new_context(viewport={"width": width, "height": height},
                                       locale="es-MX" if lang == "es" else "en-US")
        page = context.new_page()
        if who:
            log_in(page, live_server.url, who)
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == lang, (name, lang)
        if wide := overflow(page, width):
            problems.append((name, "100 %", wide[:3]))
        shoot(page, f"lang-{name}-{lang}-{width}", tmp_path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        if wide := overflow(page, width):
            problems.append((name, "200 %", wide[:3]))
        context.close()
    assert not problems, "\n".join(map(str, problems))


def test_a_session_is_logged_with_the_keyboard_alone(chromium, live_server, studio: Fixture) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/clients/{studio.ann.pk}/sessions/new/")
    before = WalkSession.objects.filter(client=studio.ann).count()
    # Tab to each choice and type it, as a keyboard user does (a select takes the typed option's first letters).
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name || document.activeElement.id || ''")
        seen.append(name)
        if name in ("backward_minutes", "forward_minutes"):
            page.keyboard.type("5" if name == "backward_minutes" else "25")
        elif name == "pain_during":
            page.keyboard.type("2")
        elif name == "effort":
            page.keyboard.type("3")
        elif page.evaluate("document.activeElement.tagName") == "BUTTON" and "pain_during" in seen:
            break
    assert "pain_during" in seen and "effort" in seen, seen
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    # The focused control shows it has the focus.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    with page.expect_navigation():  # wait for the answer to the POST, not for the form page to be idle again
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert WalkSession.objects.filter(client=studio.ann).count() == before + 1, (page.url, page.inner_text("main"))
    saved = WalkSession.objects.filter(client=studio.ann).latest("created")
    assert (saved.pain_during, saved.effort, saved.backward_s) == (2, 3, 300)
    context.close()


def test_the_live_coach_starts_and_pauses_from_the_keyboard(chromium, live_server, studio: Fixture) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/plans/{studio.ann_plan.pk}/walk/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "start":
            break
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('walk').dataset.state === 'running'")
    assert page.locator("#announce").inner_text()  # the first cue, for a screen reader too
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") in ("pause", "skip", "stop")
    page.locator("#pause").focus()
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('walk').dataset.state === 'paused'")
    context.close()
