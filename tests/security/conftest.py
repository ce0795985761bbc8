"""The security probes use the web tests' studio and their fast password hasher, and one of each front-desk thing
(an intro, a group session Ann booked, her question, a consent record) so that every route has something to name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from retrowalk.web.frontdesk import sms
from retrowalk.web.frontdesk.models import Booking, GroupSession, IntroRequest, Question
from retrowalk.web.recordings.models import Import, KneeVideo, RecordedWalk
from retrowalk.web.sharing.models import DeletionRequest, ShareLink
from tests.security.routes import Page
from tests.web.conftest import Studio, _fast_passwords, studio  # noqa: F401  (fixtures)

PHONE = "+12025550143"


@dataclass
class Desk:
    intro: IntroRequest
    session: GroupSession
    """The coach's; Ann is booked on it."""
    booking: Booking
    question: Question
    """Ann's."""
    upload: Import
    """Ann's import of a recording, read to its end, with one walk."""
    walk: RecordedWalk
    knee: KneeVideo
    """Ann's knee check of her session, done, with its picture."""
    share: ShareLink
    """Ann's link to her route plan; ``share_token`` opens it."""
    share_token: str
    deletion: DeletionRequest
    """Ann's request that her account be deleted, waiting for her coach."""


@pytest.fixture
def desk(studio: Studio) -> Desk:  # noqa: F811  (the fixture imported above)
    intro = IntroRequest.objects.create(name="Eve", email="eve@example.com", phone=PHONE, goals="Stairs")
    sms.record_consent(PHONE, True, "I agree to texts", "1", "/intro/")
    session = GroupSession.objects.create(coach=studio.coach, starts_at=timezone.now() + timedelta(days=2),
                                          place="Riverside Park", capacity=4)
    booking = Booking.objects.create(session=session, client=studio.ann, status=Booking.Status.BOOKED)
    question = Question.objects.create(client=studio.ann, text="Uphill or flat first?", answer="Flat first.",
                                       published=True, public_question="Uphill or flat?", public_answer="Flat.")
    upload = Import.objects.create(client=studio.ann, original_name="walk.fit", size=10, digest="d" * 64,
                                   status=Import.Status.DONE, done=1, total=1, walks_new=1)
    walk = RecordedWalk.objects.create(client=studio.ann, source=upload, source_name="walk.fit", fingerprint="fp",
                                       shown=True, day=timezone.localdate(), title="Morning walk",
                                       review={"words": ["No stretch looks like a backward bout."], "bouts": [],
                                               "planned": False})
    picture = default_storage.save("knee/test/knee.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 32))
    video = default_storage.save("knee/test/walk.mp4", ContentFile(b"\0\0\0\x18ftypmp42"))
    knee = KneeVideo.objects.create(client=studio.ann, session=studio.ann_session, file=video, picture=picture,
                                    original_name="walk.mp4", size=12, status=KneeVideo.Status.DONE,
                                    verdict="The left knee straightened on 3 of 4 steps.",
                                    result={"side": "left", "steps": [], "method_error": "4–7°"})
    share, token = ShareLink.issue(studio.ann_route_plan, 7)
    deletion = DeletionRequest.objects.create(client=studio.ann)
    return Desk(intro, session, booking, question, upload, walk, knee, share, token, deletion)


def ann_values(page: Page, studio: Studio, desk: Desk) -> dict[str, object] | None:  # noqa: F811
    """Values naming Ann's things (or her coach's desk) for each parameter of ``page``; None for a route this
    table does not know, so a new route with a parameter is noticed (the tests using this fail on it)."""
    by_route: dict[str, dict[str, object]] = {
        "walks:dashboard": {"client_id": studio.ann.pk}, "walks:plan_new": {"client_id": studio.ann.pk},
        "walks:session_new": {"client_id": studio.ann.pk}, "walks:profile": {"client_id": studio.ann.pk},
        "walks:plan": {"pk": studio.ann_route_plan.pk}, "walks:plan_profile": {"pk": studio.ann_route_plan.pk},
        "walks:plan_again": {"pk": studio.ann_route_plan.pk}, "walks:walk": {"pk": studio.ann_route_plan.pk},
        "walks:plan_export": {"pk": studio.ann_route_plan.pk, "fmt": "gpx"},
        "walks:route_replan": {"pk": studio.ann_route.pk}, "walks:session_morning": {"pk": studio.ann_session.pk},
        "walks:session_rate": {"pk": studio.ann_session.pk},
        "frontdesk:intro": {"pk": desk.intro.pk}, "frontdesk:attendance": {"pk": desk.session.pk},
        "frontdesk:answer": {"pk": desk.question.pk}, "frontdesk:book": {"pk": desk.session.pk},
        "frontdesk:cancel": {"pk": desk.booking.pk}, "frontdesk:booking_ics": {"pk": desk.booking.pk},
        "password_reset_confirm": {"uidb64": "MQ", "token": "not-a-token"},  # the "link no longer valid" page
        "recordings:list": {"client_id": studio.ann.pk}, "recordings:import": {"pk": desk.upload.pk},
        "recordings:import_status": {"pk": desk.upload.pk}, "recordings:walk": {"pk": desk.walk.pk},
        "recordings:knee_session": {"pk": studio.ann_session.pk}, "recordings:knee": {"pk": desk.knee.pk},
        "recordings:knee_status": {"pk": desk.knee.pk}, "recordings:knee_picture": {"pk": desk.knee.pk},
        "recordings:knee_delete": {"pk": desk.knee.pk},
        "sharing:privacy": {"client_id": studio.ann.pk}, "sharing:share_new": {"pk": studio.ann_route_plan.pk},
        "sharing:share_revoke": {"pk": desk.share.pk}, "sharing:shared": {"token": desk.share_token},
        "sharing:shared_profile": {"token": desk.share_token}, "sharing:shared_gpx": {"token": desk.share_token},
        "sharing:my_data": {"client_id": studio.ann.pk}, "sharing:my_data_zip": {"client_id": studio.ann.pk},
        "sharing:delete_account": {"client_id": studio.ann.pk}, "sharing:deletion_confirm": {"pk": desk.deletion.pk},
    }
    if not page.params:
        return {}
    return by_route.get(page.name)
