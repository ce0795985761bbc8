"""In Chromium (issue 15): a client opens a session in her log, reads how to film, uploads a video with a
progress bar, watches it being checked, and sees the picture and the verdict; her coach sees them too; she
deletes it. Screenshots kept in $RETROWALK_SCREENSHOTS when it is set."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connections

from retrowalk.web.recordings import knee
from retrowalk.web.recordings.models import KneeVideo
from tests.videos import FORWARD, frames_of, write
from tests.web.conftest import Studio, needs_chromium
from tests.web.test_browser import VIEWPORTS, log_in, shoot

pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_a_client_checks_her_knee_from_the_log_and_her_coach_sees_it(
        chromium, live_server, studio: Studio, settings, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # worked by the test
    video = write(tmp_path / "walk.mp4", frames_of(FORWARD, 40, 190))
    context = chromium.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/clients/{studio.ann.pk}/")
    page.click("text=check my knee")
    page.wait_for_load_state("networkidle")
    assert "whole body" in page.inner_text("main").lower()
    shoot(page, "knee-howto-phone", tmp_path)
    page.set_input_files("#knee-form input[type=file]", str(video))
    page.click("#knee-form button[type=submit]")
    page.wait_for_url("**/knee/*/", timeout=20_000)
    assert "Waiting" in page.inner_text("main")
    check = KneeVideo.objects.get()

    def work() -> None:
        try:
            knee.run_check(check.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=120)
    page.wait_for_function("() => document.body.innerText.includes('The left knee straightened on')",
                           timeout=20_000)
    page.wait_for_function("() => { const i = document.querySelector('.knee-picture img');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=10_000)
    shoot(page, "knee-result-phone", tmp_path)
    assert "Step by step" in page.inner_text("main")
    context.close()

    coach = chromium.new_context(viewport=VIEWPORTS["desktop"])
    page = coach.new_page()
    log_in(page, live_server.url, "coach")
    page.goto(f"{live_server.url}/knee/{check.pk}/")
    page.wait_for_function("() => { const i = document.querySelector('.knee-picture img');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=10_000)
    assert "The left knee straightened on" in page.inner_text("main")
    assert page.locator("text=Delete this video").count() == 0
    shoot(page, "knee-result-coach-desktop", tmp_path)
    coach.close()

    context = chromium.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/knee/{check.pk}/")
    page.click("text=Delete this video and its result")
    page.wait_for_load_state("networkidle")
    assert "are deleted" in page.inner_text("main") and not KneeVideo.objects.exists()
    context.close()
