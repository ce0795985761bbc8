"""Each range a person may type is stated once (core/bounds.py) and refused alike, in the same words, by the
planner, the forms and the API; an API body with a field it does not know is refused, not ignored.

Before: forward speed was 0.5–5 in the profile form (in the client's units: 5 km/h was the most a km/h client
could type), 1–8 km/h in the API and "more than 0, at most 8" in the planner; `"setting": "treadmill"` on a
minutes plan was dropped and an outdoor plan came back."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.core import bounds
from retrowalk.core.bounds import Bound, OutOfBoundsError
from retrowalk.core.plan import Kind, PlanError
from retrowalk.core.timeplan import TimeRequest, time_plan
from retrowalk.core.units import Units, from_kmh
from retrowalk.web.walks.forms import MinutesPlanForm, ProfileForm, SessionForm
from retrowalk.web.walks.models import WalkPlan, WalkSession
from tests.web.conftest import Studio, logged_in

pytestmark = pytest.mark.django_db

ALL = [b for b in vars(bounds).values() if isinstance(b, Bound)]


def api(client, method: str, url: str, body: dict):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_every_bound_says_its_limits_in_the_units_the_person_reads() -> None:
    assert len(ALL) >= 12
    for bound in ALL:
        for units in Units:
            lo, hi = bound.limits(units)
            if bound.unit == "km/h":
                assert f"{hi:.1f} {units.speed_label}" in bound.too_high(units)
                assert f"{lo:.1f} {units.speed_label}" in bound.too_low(units)
            if bound.unit == bounds.DISTANCE:
                assert f"{hi:g} {bound.label(units)}" in bound.too_high(units)
                assert bound.label(units) == ("mi" if units is Units.MPH else "km")
            # Each end is inside (also converted and shown in the other unit), a step past it, of at least two
            # of the smallest steps shown, is not.
            step = max(1.0, 2 * bound.stored(10.0 ** -bound.places, units))
            assert not bound.refuses(bound.hi, units) and not bound.refuses(bound.lo, units)
            assert bound.refuses(bound.hi * 1.2 + step, units) and bound.refuses(bound.lo - step, units)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.05, 12.0), st.sampled_from(list(Units)))
def test_forward_speed_is_accepted_or_refused_alike_by_the_planner_and_the_profile_form(kmh: float,
                                                                                         units: Units) -> None:
    typed = round(from_kmh(kmh, units), 2)
    from retrowalk.core.units import to_kmh

    stored = to_kmh(typed, units)
    try:
        time_plan(TimeRequest(total_s=1800, kind=Kind.OUTDOOR, week=1, units=units, forward_speed_kmh=stored,
                              backward_speed_kmh=min(stored / 2, 2.4) if stored > 1.2 else 0.6))
        planner = None
    except PlanError as err:
        planner = str(err)
    form = ProfileForm(data={"units": units.value, "language": "en-US", "treadmill": "none", "pain_baseline": 0,
                             "knee_notes": "", "speed_forward": typed,
                             "speed_backward": round(from_kmh(min(stored / 2, 2.4) if stored > 1.2 else 0.6, units),
                                                     2)},
                       instance=_profile(units))
    refused = None if form.is_valid() else " ".join(str(e) for errs in form.errors.values() for e in errs)
    if planner is not None and "forward speed" in planner:
        assert refused is not None and planner in refused
    elif refused is not None:
        assert "forward speed" not in refused


def _profile(units: Units):
    from django.contrib.auth.models import User

    from retrowalk.web.accounts.models import Profile, Role

    user, _ = User.objects.get_or_create(username=f"p-{units.value}")
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"role": Role.CLIENT, "units": units.value})
    return profile


def test_a_km_h_client_can_set_a_forward_speed_the_planner_takes(studio: Studio) -> None:
    studio.ann.units = Units.KMH.value
    studio.ann.save()
    response = logged_in(studio.ann.user).post(reverse("walks:profile", args=[studio.ann.pk]), {
        "units": "kmh", "language": "en-US", "treadmill": "none", "pain_baseline": 0, "knee_notes": "",
        "speed_forward": 6.0, "speed_backward": 3.0})
    assert response.status_code == 302
    studio.ann.refresh_from_db()
    assert studio.ann.speed_forward_kmh == pytest.approx(6.0)


@pytest.mark.parametrize(("bound", "body", "form_data"), [
    (bounds.WALK_MINUTES, {"minutes": 300}, {"minutes": 300, "kind": "outdoor"}),
    (bounds.WALK_MINUTES, {"minutes": 2}, {"minutes": 2, "kind": "outdoor"}),
    (bounds.BACKWARD_MINUTES, {"minutes": 30, "backward_minutes": 0.2},
     {"minutes": 30, "kind": "outdoor", "backward_minutes": 0.2}),
])
def test_a_plan_refused_by_the_form_is_refused_by_the_api_in_the_same_words(studio: Studio, bound: Bound, body,
                                                                             form_data) -> None:
    form = MinutesPlanForm(data=form_data)
    assert not form.is_valid()
    sentence = next(str(e) for errs in form.errors.values() for e in errs)
    assert sentence in (bound.too_low(), bound.too_high())
    before = WalkPlan.objects.count()
    response = api(logged_in(studio.ann.user), "post", f"/api/clients/{studio.ann.pk}/plans/minutes", body)
    assert response.status_code == 400
    assert response.json()["detail"] == sentence
    with pytest.raises(OutOfBoundsError, match=sentence.split(":")[0]):
        bound.check(next(v for k, v in body.items() if k != "minutes" or len(body) == 1))
    assert WalkPlan.objects.count() == before


def test_a_session_refused_by_the_form_is_refused_by_the_api_in_the_same_words(studio: Studio) -> None:
    form = SessionForm(data={"day": "2026-01-05", "setting": "treadmill", "followed": True, "backward_minutes": 5,
                             "forward_minutes": 20, "speed": 20, "pain_during": 1, "effort": 3}, units="kmh")
    assert not form.is_valid()
    sentence = form.errors["speed"][0]
    assert sentence == bounds.BELT_SPEED.too_high(Units.KMH)
    before = WalkSession.objects.count()
    response = api(logged_in(studio.ann.user), "post", f"/api/clients/{studio.ann.pk}/sessions", {
        "day": "2026-01-05", "setting": "treadmill", "backward_s": 300, "forward_s": 1200, "speed_kmh": 20,
        "pain_during": 1, "effort": 3})
    assert response.status_code == 400 and response.json()["detail"] == sentence
    assert WalkSession.objects.count() == before


def test_an_unknown_field_is_refused_and_names_itself(studio: Studio) -> None:
    before = WalkPlan.objects.count()
    response = api(logged_in(studio.ann.user), "post", f"/api/clients/{studio.ann.pk}/plans/minutes",
                   {"minutes": 30, "setting": "treadmill"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("setting is not a field of this request")
    assert response.json()["errors"][0]["field"] == "setting"
    assert WalkPlan.objects.count() == before
    right = api(logged_in(studio.ann.user), "post", f"/api/clients/{studio.ann.pk}/plans/minutes",
                {"minutes": 30, "kind": "treadmill"})
    assert right.status_code == 201 and right.json()["kind"] == "treadmill"


def test_a_missing_field_and_a_wrong_type_are_400_sentences(studio: Studio) -> None:
    ann = logged_in(studio.ann.user)
    missing = api(ann, "post", f"/api/clients/{studio.ann.pk}/plans/minutes", {"kind": "outdoor"})
    assert missing.status_code == 400 and missing.json()["detail"] == "minutes is missing"
    wrong = api(ann, "post", f"/api/clients/{studio.ann.pk}/plans/minutes", {"minutes": "half an hour"})
    assert wrong.status_code == 400 and wrong.json()["detail"].startswith("minutes: input should be a valid number")


def test_the_openapi_document_states_each_range(studio: Studio) -> None:
    schema = logged_in(studio.ann.user).get("/api/openapi.json").json()["components"]["schemas"]
    minutes = schema["MinutesPlanIn"]["properties"]["minutes"]
    assert (minutes["minimum"], minutes["maximum"]) == (bounds.WALK_MINUTES.lo, bounds.WALK_MINUTES.hi)
    assert schema["MinutesPlanIn"]["additionalProperties"] is False
