"""Her data, on request (issue 16): everything the studio holds about a client downloads as one archive that
other tools read; asked, and confirmed by her coach, her account goes with its files, and only the consent
trail stays, anonymised. End to end, through the site."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import gpxpy
import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.forms.models import model_to_dict
from django.utils import timezone

from retrowalk.web.accounts.models import Profile
from retrowalk.web.frontdesk import sms
from retrowalk.web.frontdesk.models import Booking, GroupSession, IntroRequest, Message, Question, SmsConsent
from retrowalk.web.recordings.models import Import, KneeVideo, RecordedWalk
from retrowalk.web.sharing import services as sharing
from retrowalk.web.sharing.models import DeletionRequest, ShareLink
from retrowalk.web.walks.models import Route
from tests.web.conftest import Studio, logged_in

PHONE = "+12025550143"


@pytest.fixture
def anns_life(studio: Studio) -> dict[str, object]:
    """Ann with one of everything: a zone, a link, a recording and its file, a knee video and its picture, a
    booking, a question, her intro request, her consents, texts to her and a text about her to her coach."""
    ann = studio.ann
    ann.phone = PHONE
    ann.save()
    sharing.add_zone(ann, 40.7128, -74.0060, 400.0, "Home")
    ShareLink.issue(studio.ann_route_plan, 7)
    recording = default_storage.save("imports/test/morning.gpx", ContentFile(b"<gpx>morning</gpx>"))
    upload = Import.objects.create(client=ann, file=recording, original_name="morning.gpx", size=18,
                                   digest="e" * 64, status=Import.Status.DONE, done=1, total=1, walks_new=1)
    RecordedWalk.objects.create(client=ann, source=upload, source_name="morning.gpx", fingerprint="fp", shown=True,
                                day=timezone.localdate(), title="Morning walk",
                                review={"words": ["Three bouts, all uphill."], "bouts": [], "planned": False})
    video = default_storage.save("knee/test/walk.mp4", ContentFile(b"\0\0\0\x18ftypmp42 video"))
    picture = default_storage.save("knee/test/knee.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 32))
    KneeVideo.objects.create(client=ann, session=studio.ann_session, file=video, picture=picture,
                             original_name="walk.mp4", size=20, status=KneeVideo.Status.DONE,
                             verdict="The left knee straightened on 3 of 4 steps.", result={"side": "left"})
    group = GroupSession.objects.create(coach=studio.coach, starts_at=timezone.now() + timedelta(days=2),
                                        place="Riverside Park", capacity=4)
    Booking.objects.create(session=group, client=ann, status=Booking.Status.BOOKED)
    Question.objects.create(client=ann, text="Uphill or flat first?", answer="Flat first.")
    IntroRequest.objects.create(name="Ann Walker", email="ann@example.com", phone=PHONE, goals="Stairs", client=ann)
    sms.record_consent(PHONE, True, "I agree to texts", "1", "/intro/", ip="203.0.113.9", user_agent="Phone")
    sms.record_consent(PHONE, False, "STOP", "1", "sms:STOP")
    Message.objects.create(channel="sms", to=PHONE, body="Ann, your session is tomorrow.", purpose="reminder",
                           status="sent")
    Message.objects.create(channel="email", to="coach@example.com", body="Ann booked Riverside Park.",
                           purpose="booking", status="sent")
    return {"files": [studio.ann_route.file.name, recording, video, picture]}


def test_her_archive_holds_everything_in_formats_other_tools_read(studio: Studio, anns_life) -> None:
    response = logged_in(studio.ann.user).get(f"/clients/{studio.ann.pk}/my-data.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    for expected in ("README.txt", "profile.json", "plans.json", "sessions.csv", "recorded-walks.json",
                     "knee-checks.json", "bookings.csv", "questions.json", "privacy-zones.json", "share-links.csv",
                     "consent.csv", "messages.csv"):
        assert expected in names, expected
    readme = archive.read("README.txt").decode()
    assert all(n in readme for n in names if "/" not in n and n != "README.txt"), sorted(names)
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == "ann@example.com" and profile["phone"] == PHONE and profile["coach"] == "Coach"
    # The GPX opens in gpxpy: her whole route, with its waypoints.
    gpx_name = f"plans/plan-{studio.ann_route_plan.pk}.gpx"
    gpx = gpxpy.parse(archive.read(gpx_name).decode())
    assert gpx.tracks[0].segments[0].points and gpx.waypoints
    # The CSVs open in any reader.
    sessions = list(csv.DictReader(io.StringIO(archive.read("sessions.csv").decode())))
    assert len(sessions) == 1 and sessions[0]["backward_s"] == "300" and sessions[0]["pain_during"] == "1"
    consent = list(csv.DictReader(io.StringIO(archive.read("consent.csv").decode())))
    assert [c["granted"] for c in consent] == ["True", "False"] and consent[0]["ip"] == "203.0.113.9"
    messages = list(csv.DictReader(io.StringIO(archive.read("messages.csv").decode())))
    assert [m["to"] for m in messages] == [PHONE], "texts to her, not the studio's mail to others"
    assert json.loads(archive.read("plans.json"))[0]["plan"]["segments"]
    assert json.loads(archive.read("knee-checks.json"))[0]["verdict"].startswith("The left knee")
    # Her files as she uploaded them.
    uploaded = {n: archive.read(n) for n in names if n.startswith("files/")}
    assert any(n.endswith("morning.gpx") and b == b"<gpx>morning</gpx>" for n, b in uploaded.items())
    assert any(n.endswith("walk.mp4") for n in uploaded) and any(n.endswith(".gpx") and "routes" in n for n in uploaded)


def test_no_one_else_downloads_her_data_or_asks_to_delete_her(studio: Studio, anns_life) -> None:
    for user in (studio.coach.user, studio.ben.user, studio.staff):
        for path in ("my-data/", "my-data.zip"):
            assert logged_in(user).get(f"/clients/{studio.ann.pk}/{path}").status_code == 404
        assert logged_in(user).post(f"/clients/{studio.ann.pk}/delete-account/").status_code == 404
    assert not DeletionRequest.objects.exists()


def everything() -> str:
    """Every row of every model of ours (and the users), as one text to search."""
    rows = [str(model_to_dict(o)) for config in apps.get_app_configs() if config.name.startswith("retrowalk.")
            for m in config.get_models() for o in m.objects.all()]
    return "\n".join(rows + [str(model_to_dict(u)) for u in User.objects.all()])


def test_asked_and_confirmed_everything_of_hers_goes_but_the_consent_trail(
        studio: Studio, anns_life, django_capture_on_commit_callbacks) -> None:
    ann = logged_in(studio.ann.user)
    assert ann.post(f"/clients/{studio.ann.pk}/delete-account/").status_code == 302
    assert "your coach has been asked to confirm" in ann.get(f"/clients/{studio.ann.pk}/my-data/").content.decode()
    asked = DeletionRequest.objects.get()
    # Another coach cannot confirm it, nor can Ben, nor she herself; nothing changes.
    for user in (studio.other_coach.user, studio.ben.user, studio.ann.user):
        assert logged_in(user).post(f"/deletions/{asked.pk}/confirm/").status_code == 404
    assert Profile.objects.filter(pk=studio.ann.pk).exists()
    coach = logged_in(studio.coach.user)
    page = coach.get("/coach/").content.decode()
    assert "Asked to delete their account" in page and "Ann" in page
    consents_before = SmsConsent.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as done_after_commit:
        response = coach.post(f"/deletions/{asked.pk}/confirm/")
    assert response.status_code == 302 and len(done_after_commit) == 1, "the files go once the database has"
    # She is gone: her login, her profile, every row of hers, every file.
    assert not User.objects.filter(username="ann").exists() and not Profile.objects.filter(pk=studio.ann.pk).exists()
    assert not Route.objects.filter(pk=studio.ann_route.pk).exists()
    for name in anns_life["files"]:
        assert not default_storage.exists(name), name
    text = everything()
    for personal in ("ann@example.com", PHONE, "Ann Walker", "Ann,", "Ann booked", "203.0.113.9",
                     "Uphill or flat first?", "Morning walk"):
        assert personal not in text, f"{personal!r} is still stored"
    # The consent trail stays, every record, without her number; the studio can still match a number to it.
    from retrowalk.web.sharing.mydata import pseudonym

    assert SmsConsent.objects.count() == consents_before
    assert set(SmsConsent.objects.values_list("phone", flat=True)) == {pseudonym(PHONE)}
    assert list(SmsConsent.objects.order_by("at", "pk").values_list("granted", "text")) == \
        [(True, "I agree to texts"), (False, "STOP")]
    # The request is the record it was done: when, by whom, how much; no one named.
    done = DeletionRequest.objects.get()
    assert done.client is None and done.done is not None and done.confirmed_by == studio.coach.user
    assert done.removed["files"] == 4 and done.removed["plans"] == 2
    # The rest of the studio is as it was.
    assert Profile.objects.filter(pk=studio.ben.pk).exists() and Route.objects.filter(pk=studio.ben_route.pk).exists()
    assert logged_in(studio.ben.user).get(f"/clients/{studio.ben.pk}/").status_code == 200


def test_she_can_withdraw_her_request(studio: Studio, anns_life) -> None:
    ann = logged_in(studio.ann.user)
    ann.post(f"/clients/{studio.ann.pk}/delete-account/")
    ann.post(f"/clients/{studio.ann.pk}/delete-account/")  # twice is one request
    assert DeletionRequest.objects.count() == 1
    ann.post(f"/clients/{studio.ann.pk}/delete-account/", {"cancel": "1"})
    assert not DeletionRequest.objects.exists()
    assert "Asked to delete" not in logged_in(studio.coach.user).get("/coach/").content.decode()
