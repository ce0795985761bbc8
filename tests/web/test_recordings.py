"""Recorded walks on the site (issue 14): a client uploads a recording or a whole export, it is read in the
background, each walk is kept once with its review, and the coach's dashboard shows the latest."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from retrowalk.web.recordings import services
from retrowalk.web.recordings.models import Import, RecordedWalk
from tests.archives import garmin_archive, strava_archive
from tests.fitactivity import walk_fit
from tests.real import needs_real
from tests.web.conftest import Studio, logged_in


@pytest.fixture
def jobs_at_once(settings):
    """The job runs as soon as the upload is committed (django-tasks' immediate backend), in the request."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, studio: Studio, name: str, data: bytes, capture):
    with capture(execute=True):
        return client.post(reverse("recordings:list", args=[studio.ann.pk]),
                           {"file": SimpleUploadedFile(name, data)})


@needs_real
def test_an_export_becomes_its_walks_once_and_the_same_file_again_is_the_same_import(
        studio: Studio, tmp_path, jobs_at_once, django_capture_on_commit_callbacks) -> None:
    ann = logged_in(studio.ann.user)
    strava = strava_archive(tmp_path / "strava.zip").read_bytes()
    response = upload(ann, studio, "export.zip", strava, django_capture_on_commit_callbacks)
    job = Import.objects.get()
    assert response["Location"] == reverse("recordings:import", args=[job.pk])
    assert job.status == Import.Status.DONE and job.walks_new == 3 and job.skipped_count == 2
    page = ann.get(response["Location"]).content.decode()
    assert "3 new walks" in page and "a run in Strava&#x27;s list, not a walk" in page
    again = upload(ann, studio, "same.zip", strava, django_capture_on_commit_callbacks)
    assert again["Location"] == response["Location"] and Import.objects.count() == 1
    garmin = garmin_archive(tmp_path / "garmin.zip").read_bytes()
    upload(ann, studio, "garmin.zip", garmin, django_capture_on_commit_callbacks)
    second = Import.objects.exclude(pk=job.pk).get()
    assert second.walks_new == 2 and second.walks_known == 1  # the hike was in the Strava export too
    assert RecordedWalk.objects.filter(client=studio.ann).count() == 5
    # Each walk is a session in her log; an old walk without a plan is credited no backward time for pace alone.
    walks = list(RecordedWalk.objects.filter(client=studio.ann).select_related("session"))
    assert all(w.session is not None for w in walks)
    assert all(w.session.backward_s == round(w.review["confirmed_s"]) for w in walks if w.plan is None)
    listing = ann.get(reverse("recordings:list", args=[studio.ann.pk])).content.decode()
    assert listing.count('href="/recorded/') == 5


def test_a_walk_on_the_day_of_a_plan_is_reviewed_against_it_and_the_coach_sees_it(
        studio: Studio, jobs_at_once, django_capture_on_commit_callbacks) -> None:
    plan = studio.ann_plan
    data = walk_fit(plan.plan, descent_bouts={2}, start=timezone.now().astimezone(UTC).replace(microsecond=0))
    upload(logged_in(studio.ann.user), studio, "walk.fit", data, django_capture_on_commit_callbacks)
    walk = RecordedWalk.objects.get()
    bouts = sum(1 for s in plan.plan.segments if s.backward)
    assert walk.plan == plan and walk.bouts_planned == bouts and walk.bouts_confirmed == bouts
    assert walk.descents == 1
    page = logged_in(studio.ann.user).get(reverse("recordings:walk", args=[walk.pk])).content.decode()
    assert f"Bouts done: {bouts}/{bouts} confirmed" in page and "never downhill (S3)" in page
    board = logged_in(studio.coach.user).get(reverse("coach:dashboard")).content.decode()
    assert f"bouts done: {bouts}/{bouts} confirmed" in board and "backward on a descent" in board


def test_a_refused_upload_saves_nothing(studio: Studio, jobs_at_once, django_capture_on_commit_callbacks) -> None:
    ann = logged_in(studio.ann.user)
    response = upload(ann, studio, "empty.fit", b"", django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "empty.fit is empty" in response.content.decode()
    assert Import.objects.count() == 0


def test_an_unreadable_upload_is_reported_on_its_page(studio: Studio, jobs_at_once,
                                                      django_capture_on_commit_callbacks) -> None:
    ann = logged_in(studio.ann.user)
    response = upload(ann, studio, "export.zip", b"PK\x03\x04 broken", django_capture_on_commit_callbacks)
    job = Import.objects.get()
    assert job.status == Import.Status.FAILED
    assert "not a zip archive that can be read" in ann.get(response["Location"]).content.decode()


def test_an_import_being_read_shows_its_progress_and_none_of_its_walks(studio: Studio, tmp_path) -> None:
    """No worker here: the import waits. Its page refreshes itself and shows no walk until it is read whole."""
    job = Import.objects.create(client=studio.ann, original_name="big.zip", size=1, digest="x" * 64,
                                status=Import.Status.RUNNING, done=40, total=100, heartbeat_at=timezone.now())
    RecordedWalk.objects.create(client=studio.ann, source=job, source_name="a.fit", fingerprint="f", day="2026-01-01",
                                review={"words": [], "bouts": []})
    ann = logged_in(studio.ann.user)
    page = ann.get(reverse("recordings:import", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and 'value="40"' in page and "40 of 100 files read" in page
    assert "a.fit" not in ann.get(reverse("recordings:list", args=[studio.ann.pk])).content.decode()
    assert ann.get(reverse("recordings:import_status", args=[job.pk])).json()["percent"] == 40


def test_a_stalled_import_is_queued_again_and_a_live_one_is_not(studio: Studio, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    old = timezone.now() - timedelta(seconds=services.STALL_S + 5)
    stalled = Import.objects.create(client=studio.ann, original_name="a.zip", size=1, digest="a" * 64,
                                    status=Import.Status.RUNNING, heartbeat_at=old)
    Import.objects.create(client=studio.ann, original_name="b.zip", size=1, digest="b" * 64,
                          status=Import.Status.RUNNING, heartbeat_at=timezone.now())
    assert services.recover_stalled() == 1
    assert services.claim(stalled.pk) is not None  # the retried job may take it
    assert services.claim(stalled.pk) is None  # …and then it is alive: no second job takes it


def test_a_recorded_walk_becomes_a_session_she_rates_and_its_time_counts_for_progression(
        studio: Studio, jobs_at_once, django_capture_on_commit_callbacks) -> None:
    """Each walk becomes a session in the log (the plan of its day attached) with pain and effort left for her;
    the dashboard asks for them, nothing is pre-set, and once given the next step reads the recorded time."""
    from retrowalk.core.plan import Kind
    from retrowalk.core.timeplan import TimeRequest, time_plan
    from retrowalk.web.walks.models import WalkSession
    from retrowalk.web.walks.services import decide

    short = time_plan(TimeRequest(total_s=1800, kind=Kind.OUTDOOR, week=1))
    data = walk_fit(short, skip_bouts={2, 3, 4, 5}, start=timezone.now().astimezone(UTC).replace(microsecond=0))
    ann = logged_in(studio.ann.user)
    before = decide(studio.ann)
    upload(ann, studio, "walk.fit", data, django_capture_on_commit_callbacks)
    walk = RecordedWalk.objects.get()
    session = walk.session
    assert session is not None and session.plan == studio.ann_plan and session.pain_during is None
    assert session.backward_s == walk.backward_s and session.effort is None
    assert decide(studio.ann) == before  # an unrated session does not move the programme
    dashboard = ann.get(reverse("walks:dashboard", args=[studio.ann.pk])).content.decode()
    rate = reverse("walks:session_rate", args=[session.pk])
    assert "Your watch recorded a walk" in dashboard and rate in dashboard and "say how it felt" in dashboard
    page = ann.get(rate).content.decode()
    assert '<option value="" selected>choose</option>' in page  # no pain or effort chosen for her
    refused = ann.post(rate, {"pain_during": "", "effort": ""})
    assert refused.status_code == 400 and WalkSession.objects.get(pk=session.pk).pain_during is None
    assert ann.post(rate, {"pain_during": "1", "pain_next_morning": "0", "effort": "2"}).status_code == 302
    decision = decide(studio.ann)
    shown = f"{walk.backward_s // 60}:{walk.backward_s % 60:02d}"
    assert f"the recording shows {shown} backward" in decision.reason, decision.reason


def test_a_walk_on_a_day_she_logged_is_that_sessions_record(studio: Studio, jobs_at_once,
                                                             django_capture_on_commit_callbacks) -> None:
    logged = studio.ann_session
    start = datetime.combine(logged.day, time(12), tzinfo=UTC)
    upload(logged_in(studio.ann.user), studio, "walk.fit", walk_fit(studio.ann_plan.plan, start=start),
           django_capture_on_commit_callbacks)
    assert RecordedWalk.objects.get().session == logged
    assert studio.ann.sessions.count() == 1
