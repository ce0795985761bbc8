"""The app in real headless Chromium (Debian's, driven by Playwright): a client's whole loop and a coach's look,
on a phone-sized and a desktop viewport, with screenshots (kept in $RETROWALK_SCREENSHOTS when it is set)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from retrowalk.web.walks.management.commands.demo import loop_gpx
from tests.web.conftest import PASSWORD, Studio, needs_chromium

pytestmark = needs_chromium
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def shoot(page, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("RETROWALK_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000
    return path


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_client_uploads_a_hilly_route_downloads_the_workout_logs_pain_and_sees_the_plan_change(
        chromium, live_server, studio: Studio, viewport: str, tmp_path: Path) -> None:
    from garmin_fit_sdk import Decoder, Stream

    studio.ann.week = 4
    studio.ann.save()
    context = chromium.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    assert page.locator("h1").inner_text() == studio.ann.display_name
    shoot(page, f"{viewport}-client-dashboard", tmp_path)

    page.click("text=Make a plan")
    route = tmp_path / "hills.gpx"
    route.write_bytes(loop_gpx("Hills of home", 14.0, 600, 11))
    page.set_input_files("input[name=r-file]", str(route))
    shoot(page, f"{viewport}-new-plan", tmp_path)
    page.click("button[name=route-plan]")
    page.wait_for_url("**/plans/*/")
    page.wait_for_load_state("networkidle")
    assert "Hills of home" in page.locator("h1").inner_text()
    assert page.locator("svg.route-map polyline").count() > 3
    assert page.locator("img.profile").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("tr.backward").count() >= 1
    shoot(page, f"{viewport}-route-plan", tmp_path)

    with page.expect_download() as download:
        page.click("text=Watch workout (FIT)")
    fit = Path(download.value.path()).read_bytes()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(fit))).read()
    assert errors == [] and messages["workout_step_mesgs"]

    page.click("text=Log this session")
    page.fill("input[name=day]", date.today().isoformat())
    page.select_option("select[name=pain_during]", "7")
    page.select_option("select[name=effort]", "6")
    shoot(page, f"{viewport}-log-session", tmp_path)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    message = page.locator(".messages").inner_text()
    assert "Pain 7/10 during the walk" in message and "one step back" in message
    studio.ann.refresh_from_db()
    assert studio.ann.week == 3
    shoot(page, f"{viewport}-after-log", tmp_path)
    context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_coach_sees_every_client_with_flags_and_opens_one(chromium, live_server, studio: Studio, viewport: str,
                                                           tmp_path: Path) -> None:
    context = chromium.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    log_in(page, live_server.url, "coach")
    rows = page.locator("table.clients tbody tr")
    assert rows.count() == 2  # Ann and Ben; never the other coach's Cat
    assert "no session in 7 days" in page.locator("table.clients").inner_text()  # Ben has never walked
    shoot(page, f"{viewport}-coach-dashboard", tmp_path)
    page.click("text=Ann")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == studio.ann.display_name
    context.close()


def test_a_file_that_is_not_a_route_shows_the_readers_sentence(chromium, live_server, studio: Studio,
                                                                tmp_path: Path) -> None:
    context = chromium.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/clients/{studio.ann.pk}/plans/new/")
    bad = tmp_path / "broken.gpx"
    bad.write_bytes(b"<gpx><trk><trkseg><trkpt lat='1'")
    page.set_input_files("input[name=r-file]", str(bad))
    page.click("button[name=route-plan]")
    page.wait_for_selector(".error")
    assert "not well-formed XML" in page.locator(".error").inner_text()
    shoot(page, "phone-upload-error", tmp_path)
    context.close()


def in_view(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight && r.height > 0; }")


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_a_refused_upload_is_shown_beside_the_form_on_a_phone_and_nothing_is_saved(
        chromium, live_server, studio: Studio, tmp_path: Path, script: bool) -> None:
    """A route that holds no bout (straight down a hill) on a phone: the reason, naming the file, is scrolled to
    and focused; no route is saved. With the script, the chosen file stays chosen and "Plan it the other way"
    plans it walked uphill, saving it once."""
    from retrowalk.web.walks.models import Route, WalkPlan
    from tests.builders import gpx_bytes, make_route

    routes, plans = Route.objects.count(), WalkPlan.objects.count()
    downhill = tmp_path / "down-the-hill.gpx"
    downhill.write_bytes(gpx_bytes(make_route([-6.0], [1500.0])[0]))
    context = chromium.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=script)
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/clients/{studio.ann.pk}/plans/new/")
    page.set_input_files("input[name=r-file]", str(downhill))
    page.click("button[name=route-plan]")
    page.wait_for_selector("#route-refusal .error")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'route-refusal'")
    text = page.locator("#route-refusal").inner_text()
    assert "down-the-hill.gpx was not saved" in text and "flat or rising" in text
    assert in_view(page, "#route-refusal .error")
    shoot(page, f"phone-upload-refused-{'script' if script else 'plain'}", tmp_path)
    assert (Route.objects.count(), WalkPlan.objects.count()) == (routes, plans)
    if script:
        assert page.locator("input[name=r-file]").evaluate("i => i.files.length") == 1
        page.click("#route-refusal button:has-text('Plan it the other way')")
        page.wait_for_url("**/plans/*/")
        page.wait_for_load_state("networkidle")
        assert page.locator("tr.backward").count() >= 1
        assert (Route.objects.count(), WalkPlan.objects.count()) == (routes + 1, plans + 1)
    else:
        assert "choose the file again" in text
    context.close()
