"""The knee check on the site (issue 15): a client uploads a phone video of a session's walk, it is checked in the
background, she and her coach see the picture and the verdict, nobody else does, and she can delete it all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from retrowalk.web.recordings import knee
from retrowalk.web.recordings.models import KneeVideo
from tests.videos import FORWARD, LUNGE, frames_of, write
from tests.web.conftest import Studio, logged_in

pytestmark = pytest.mark.slow


@pytest.fixture
def jobs_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="module")
def walk_video(tmp_path_factory) -> bytes:
    """Five seconds of the forward clip at half size: her left side to the camera."""
    return write(tmp_path_factory.mktemp("knee") / "walk.mp4", frames_of(FORWARD, 40, 190)).read_bytes()


def stored_files(studio_media: Path) -> list[Path]:
    return [p for p in studio_media.rglob("*") if p.is_file()]


def post_video(client, studio: Studio, name: str, data: bytes, capture, **headers):
    with capture(execute=True):
        return client.post(reverse("recordings:knee_session", args=[studio.ann_session.pk]),
                           {"video": SimpleUploadedFile(name, data, content_type="video/mp4")}, **headers)


def test_she_uploads_a_video_it_is_checked_and_she_and_her_coach_see_the_picture_and_verdict(
        studio: Studio, walk_video: bytes, jobs_at_once, django_capture_on_commit_callbacks) -> None:
    ann = logged_in(studio.ann.user)
    page = ann.get(reverse("recordings:knee_session", args=[studio.ann_session.pk])).content.decode()
    assert "Check my knee" in page and "From the side" in page and "phone steady at hip height" in page
    response = post_video(ann, studio, "my walk.mp4", walk_video, django_capture_on_commit_callbacks)
    video = KneeVideo.objects.get()
    assert response["Location"] == reverse("recordings:knee", args=[video.pk])
    assert video.status == KneeVideo.Status.DONE and video.client == studio.ann
    assert video.verdict.startswith("The left knee straightened on ")
    assert video.result["side"] == "left" and len(video.steps) >= 3
    for viewer in (studio.ann.user, studio.coach.user):
        shown = logged_in(viewer).get(response["Location"]).content.decode()
        assert "The left knee straightened on" in shown and "Step by step" in shown
        picture = logged_in(viewer).get(reverse("recordings:knee_picture", args=[video.pk]))
        assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
        assert picture.content[:8] == b"\x89PNG\r\n\x1a\n" and "no-store" in picture["Cache-Control"]
    # Her coach sees it but cannot delete it, nor upload in her name.
    coach_page = logged_in(studio.coach.user).get(response["Location"]).content.decode()
    assert "Delete this video" not in coach_page
    assert logged_in(studio.coach.user).post(reverse("recordings:knee_delete", args=[video.pk])).status_code == 403
    # The log links each session to its checks.
    dashboard = ann.get(reverse("walks:dashboard", args=[studio.ann.pk])).content.decode()
    assert reverse("recordings:knee_session", args=[studio.ann_session.pk]) in dashboard


def test_nobody_else_sees_her_video(studio: Studio, walk_video: bytes, jobs_at_once,
                                    django_capture_on_commit_callbacks) -> None:
    post_video(logged_in(studio.ann.user), studio, "walk.mp4", walk_video, django_capture_on_commit_callbacks)
    video = KneeVideo.objects.get()
    for outsider in (studio.ben.user, studio.other_coach.user, studio.cat.user):
        for name in ("recordings:knee", "recordings:knee_picture", "recordings:knee_status"):
            assert logged_in(outsider).get(reverse(name, args=[video.pk])).status_code == 404
        assert logged_in(outsider).get(reverse("recordings:knee_session",
                                               args=[studio.ann_session.pk])).status_code == 404
    from django.test import Client

    anonymous = Client().get(reverse("recordings:knee_picture", args=[video.pk]))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_she_deletes_the_video_and_everything_made_from_it_goes(
        studio: Studio, walk_video: bytes, settings, jobs_at_once, django_capture_on_commit_callbacks) -> None:
    ann = logged_in(studio.ann.user)
    post_video(ann, studio, "walk.mp4", walk_video, django_capture_on_commit_callbacks)
    video = KneeVideo.objects.get()
    names = [video.file.name, video.picture.name]
    assert all(default_storage.exists(n) for n in names)
    response = ann.post(reverse("recordings:knee_delete", args=[video.pk]))
    assert response.status_code == 302 and not KneeVideo.objects.exists()
    assert not any(default_storage.exists(n) for n in names)
    assert ann.get(reverse("recordings:knee_picture", args=[video.pk])).status_code == 404


@pytest.mark.parametrize(("name", "data", "says"), [
    ("notes.mp4", b"shopping: eggs\n", "notes.mp4 is not a video retrowalk can read"),
    ("empty.mp4", b"", "empty.mp4 is empty"),
])
def test_a_file_that_is_no_video_is_refused_at_once_and_nothing_is_saved(
        studio: Studio, settings, name: str, data: bytes, says: str, django_capture_on_commit_callbacks) -> None:
    ann = logged_in(studio.ann.user)
    before = stored_files(Path(settings.MEDIA_ROOT))
    response = post_video(ann, studio, name, data, django_capture_on_commit_callbacks)
    assert response.status_code == 400 and says in response.content.decode()
    as_json = post_video(ann, studio, name, data, django_capture_on_commit_callbacks, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 400 and json.loads(as_json.content)["error"].startswith(says)
    assert not KneeVideo.objects.exists() and stored_files(Path(settings.MEDIA_ROOT)) == before


def test_the_upload_script_gets_the_checks_page_back_as_data(
        studio: Studio, walk_video: bytes, jobs_at_once, django_capture_on_commit_callbacks) -> None:
    response = post_video(logged_in(studio.ann.user), studio, "walk.mp4", walk_video,
                          django_capture_on_commit_callbacks, HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    assert json.loads(response.content)["location"] == reverse("recordings:knee", args=[KneeVideo.objects.get().pk])


def test_her_coach_cannot_upload_in_her_name(studio: Studio, walk_video: bytes,
                                              django_capture_on_commit_callbacks) -> None:
    response = post_video(logged_in(studio.coach.user), studio, "walk.mp4", walk_video,
                          django_capture_on_commit_callbacks)
    assert response.status_code == 403 and not KneeVideo.objects.exists()


def test_a_video_that_cannot_be_told_is_checked_and_says_why(
        studio: Studio, jobs_at_once, django_capture_on_commit_callbacks, tmp_path) -> None:
    """A video that can be read but not judged (filmed front-oblique) is a result, kept and shown with its reason."""
    data = write(tmp_path / "lunge.mp4", frames_of(LUNGE, 0, 100, scale=0.5), fps=60).read_bytes()
    post_video(logged_in(studio.ann.user), studio, "lunge.mp4", data, django_capture_on_commit_callbacks)
    video = KneeVideo.objects.get()
    assert video.status == KneeVideo.Status.DONE and video.result["measured"] is False
    assert "off the side" in video.verdict and video.picture


def test_a_check_deleted_while_it_runs_leaves_nothing_behind(
        studio: Studio, walk_video: bytes, django_capture_on_commit_callbacks, monkeypatch) -> None:
    ann = logged_in(studio.ann.user)
    post_video(ann, studio, "walk.mp4", walk_video, django_capture_on_commit_callbacks)  # queued, not run
    video = KneeVideo.objects.get()
    from retrowalk.formats import kneecheck

    real = kneecheck.check_video

    def deleted_midway(path, progress=None):
        knee.delete(KneeVideo.objects.get(pk=video.pk))
        return real(path, progress)

    monkeypatch.setattr(kneecheck, "check_video", deleted_midway)
    assert knee.run_check(video.pk) == "deleted while being checked"
    assert not KneeVideo.objects.exists()
    assert not any(p.name.startswith("knee-") for p in Path(default_storage.location).rglob("*.png"))


def test_a_stalled_check_is_queued_again_and_a_finished_one_is_not_run_twice(
        studio: Studio, walk_video: bytes, django_capture_on_commit_callbacks) -> None:
    from datetime import timedelta

    from django.utils import timezone

    post_video(logged_in(studio.ann.user), studio, "walk.mp4", walk_video, django_capture_on_commit_callbacks)
    video = KneeVideo.objects.get()
    KneeVideo.objects.filter(pk=video.pk).update(status=KneeVideo.Status.RUNNING,
                                                  heartbeat_at=timezone.now() - timedelta(hours=1))
    assert knee.recover_stalled() == 1
    assert knee.run_check(video.pk).startswith("The left knee straightened on")
    assert knee.run_check(video.pk).startswith("nothing to do")
    assert knee.recover_stalled() == 0


@pytest.mark.parametrize(("limit", "says"), [
    (("retrowalk.web.recordings.knee.MAX_VIDEO_BYTES", 1000), "videos are limited to 1 GiB"),
    (("retrowalk.formats.pose.MAX_SECONDS", 2.0), "minutes long; film 10 to 60 seconds of walking"),
])
def test_a_video_too_large_or_too_long_is_refused_at_once_and_nothing_is_saved(
        studio: Studio, walk_video: bytes, settings, monkeypatch, limit, says: str,
        django_capture_on_commit_callbacks) -> None:
    monkeypatch.setattr(*limit)  # the real limits (1 GiB, 3 minutes) lowered to what a test can upload
    before = stored_files(Path(settings.MEDIA_ROOT))
    response = post_video(logged_in(studio.ann.user), studio, "walk.mp4", walk_video,
                          django_capture_on_commit_callbacks)
    assert response.status_code == 400 and says in response.content.decode()
    assert not KneeVideo.objects.exists() and stored_files(Path(settings.MEDIA_ROOT)) == before
