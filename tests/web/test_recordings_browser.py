"""In Chromium (issue 14): a client uploads a whole export, watches it being read, sees the walks and a review;
her coach sees the column on the dashboard. Screenshots kept in $RETROWALK_SCREENSHOTS when it is set."""

from __future__ import annotations

import threading
from datetime import UTC
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from retrowalk.web.recordings import services
from retrowalk.web.recordings.models import Import
from tests.archives import strava_archive
from tests.fitactivity import walk_fit
from tests.real import needs_real
from tests.web.conftest import Studio, needs_chromium
from tests.web.test_browser import VIEWPORTS, log_in, shoot

pytestmark = [needs_chromium, needs_real]


@pytest.mark.django_db(transaction=True)
def test_a_client_uploads_an_export_watches_it_read_and_her_coach_sees_the_review(
        chromium, live_server, studio: Studio, settings, tmp_path: Path) -> None:
    # The job waits for a worker (none runs here); the test then works it, slowly, while the page watches.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.IMPORT_PAUSE_S = 0.8
    export = tmp_path / "strava-export.zip"
    strava_archive(export)
    context = chromium.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/clients/{studio.ann.pk}/recordings/")
    page.set_input_files("input[type=file]", str(export))
    page.click("#recording-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Waiting" in page.inner_text("main")
    job = Import.objects.get()

    def work() -> None:
        try:
            services.run_import(job.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    page.wait_for_function("() => document.querySelector('#import-progress') !== null "
                           "&& document.body.innerText.includes('files read')", timeout=20_000)
    shoot(page, "recordings-reading-phone", tmp_path)
    worker.join(timeout=60)
    page.wait_for_function("() => document.body.innerText.includes('3 new walks')", timeout=20_000)
    shoot(page, "recordings-done-phone", tmp_path)
    page.click("text=Morning Walk")
    page.wait_for_load_state("networkidle")
    assert "cannot be checked" in page.inner_text("main")  # a GPX: no cadence
    context.close()

    # A walk recorded while the watch ran today's plan, with one bout on a descent: the coach sees both.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.IMPORT_PAUSE_S = 0
    walk = tmp_path / "watch-walk.fit"
    walk.write_bytes(walk_fit(studio.ann_plan.plan, descent_bouts={2},
                              start=timezone.now().astimezone(UTC).replace(microsecond=0)))
    context = chromium.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/clients/{studio.ann.pk}/recordings/")
    page.set_input_files("input[type=file]", str(walk))
    page.click("#recording-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("main ul a")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    assert "confirmed by the watch's laps" in text and "never downhill (S3)" in text
    shoot(page, "recordings-review-desktop", tmp_path)
    context.close()
    context = chromium.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    log_in(page, live_server.url, "coach")
    page.goto(f"{live_server.url}/coach/")
    board = page.inner_text("main")
    assert "bouts done:" in board and "backward on a descent" in board
    shoot(page, "recordings-coach-desktop", tmp_path)
    context.close()

    # Ann's dashboard asks how the recorded walk felt; the form pre-sets nothing.
    context = chromium.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/clients/{studio.ann.pk}/")
    assert "Your watch recorded a walk" in page.inner_text("main")
    shoot(page, "recordings-dashboard-phone", tmp_path)
    page.click("text=Say how it felt")
    page.wait_for_load_state("networkidle")
    assert page.input_value("select[name=pain_during]") == "" and page.input_value("select[name=effort]") == ""
    page.select_option("select[name=pain_during]", "1")
    page.select_option("select[name=effort]", "2")
    shoot(page, "recordings-rate-phone", tmp_path)
    page.click("form.stack button.primary")
    page.wait_for_load_state("networkidle")
    assert "Saved." in page.inner_text("main")
    context.close()

