"""The session form and the client's own units (issue 17 item 2): nothing chosen for her in advance, so a hurried
Save records nothing nobody chose, and distances in the units she walks in, on the form and on her saved routes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from retrowalk.core.units import Units
from retrowalk.web.walks.models import WalkSession
from tests.web.conftest import Studio, logged_in

SESSION = {"day": str(date.today()), "setting": "outdoor", "backward_minutes": 6, "forward_minutes": 24,
           "followed": "on"}


def selected(html: str, name: str) -> str | None:
    """The value the browser would send for the <select name=...> as served: the option marked selected, or
    the first option."""
    block = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert block, f"no select {name}"
    options = re.findall(r'<option value="([^"]*)"( selected)?', block.group(1))
    chosen = [value for value, mark in options if mark]
    return chosen[0] if chosen else options[0][0]


def test_the_form_starts_with_no_pain_and_no_effort_chosen(studio: Studio) -> None:
    html = logged_in(studio.ann.user).get(reverse("walks:session_new", args=[studio.ann.pk])).content.decode()
    assert selected(html, "pain_during") == ""
    assert selected(html, "effort") == ""
    assert selected(html, "pain_next_morning") == ""


@pytest.mark.parametrize("missing", ["pain_during", "effort"])
def test_saving_without_choosing_pain_or_effort_says_what_is_missing_and_saves_nothing(studio: Studio,
                                                                                       missing: str) -> None:
    before = WalkSession.objects.count()
    data = {**SESSION, "pain_during": 2, "effort": 3}
    del data[missing]
    response = logged_in(studio.ann.user).post(reverse("walks:session_new", args=[studio.ann.pk]), data)
    assert response.status_code == 400
    words = "how much the knee hurt" if missing == "pain_during" else "how hard it felt"
    assert words in response.content.decode()
    assert WalkSession.objects.count() == before


@pytest.mark.parametrize(("units", "label", "typed", "metres"), [
    (Units.MPH, "Distance (mi)", "1.5", 2414.0),
    (Units.KMH, "Distance (km)", "2.25", 2250.0),
])
def test_the_distance_is_typed_in_her_units_and_kept_in_metres(studio: Studio, units: Units, label: str,
                                                               typed: str, metres: float) -> None:
    studio.ann.units = units.value
    studio.ann.save()
    ann = logged_in(studio.ann.user)
    assert label in ann.get(reverse("walks:session_new", args=[studio.ann.pk])).content.decode()
    response = ann.post(reverse("walks:session_new", args=[studio.ann.pk]),
                        {**SESSION, "pain_during": 1, "effort": 4, "distance_m": typed})
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = WalkSession.objects.filter(client=studio.ann).order_by("-pk").first()
    assert saved is not None and saved.distance_m == pytest.approx(metres, abs=1.0)


def test_a_distance_past_the_limit_is_refused_in_her_units(studio: Studio) -> None:
    studio.ann.units = Units.MPH.value
    studio.ann.save()
    response = logged_in(studio.ann.user).post(reverse("walks:session_new", args=[studio.ann.pk]),
                                               {**SESSION, "pain_during": 1, "effort": 4, "distance_m": "500"})
    assert response.status_code == 400 and "distance must be at most 124.27 mi" in response.content.decode()


@pytest.mark.parametrize(("units", "shown", "not_shown"), [(Units.MPH, " mi", " km"), (Units.KMH, " km", " mi")])
def test_saved_routes_show_her_units(studio: Studio, units: Units, shown: str, not_shown: str) -> None:
    studio.ann.units = units.value
    studio.ann.save()
    html = logged_in(studio.ann.user).get(reverse("walks:dashboard", args=[studio.ann.pk])).content.decode()
    routes = html[html.index("Saved routes"):]
    routes = routes[:routes.index("</section>")]
    line = re.search(r'<span class="muted">([^<]*)</span>', routes)
    assert line, routes
    assert (shown in line.group(1) or (units is Units.MPH and " ft" in line.group(1))) \
        and not_shown not in line.group(1), line.group(1)
    if units is Units.MPH:
        assert re.search(r"\+\d+ ft", line.group(1)), line.group(1)


def profile_post(units: str, forward: str, backward: str) -> dict[str, str]:
    return {"units": units, "language": "", "treadmill": "none", "pain_baseline": "0", "speed_forward": forward,
            "speed_backward": backward, "knee_notes": ""}


@pytest.mark.parametrize(("before", "after"), [(Units.MPH, Units.KMH), (Units.KMH, Units.MPH)])
def test_changing_units_alone_keeps_her_speeds(studio: Studio, before: Units, after: Units) -> None:
    # She changes only the units and saves: the speeds on the form were hers in the old units, so they stay the
    # same speeds (4.8 km/h is 3.0 mph), not the same numbers read in the new units.
    ann = studio.ann
    ann.units, ann.speed_forward_kmh, ann.speed_backward_kmh = before, 4.83, 2.41
    ann.save()
    client = logged_in(ann.user)
    url = reverse("walks:profile", args=[ann.pk])
    html = client.get(url).content.decode()
    shown = [re.search(rf'name="{name}" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
             for name in ("speed_forward", "speed_backward")]
    assert client.post(url, profile_post(after, *shown)).status_code == 302
    ann.refresh_from_db()
    assert ann.units == after
    assert (round(ann.speed_forward_kmh, 1), round(ann.speed_backward_kmh, 1)) == (4.8, 2.4)
    # Speeds she types anew with the new units are read in them.
    typed = {"kmh": ("5.5", "2.5"), "mph": ("3.4", "1.6")}[after.value]
    assert client.post(url, profile_post(after, *typed)).status_code == 302
    ann.refresh_from_db()
    assert (ann.speed_forward_kmh, ann.speed_backward_kmh) == pytest.approx(
        tuple(float(v) * (1.609344 if after == Units.MPH else 1.0) for v in typed))


def test_the_same_form_saved_twice_is_one_session(studio: Studio) -> None:
    # Save, then the browser's Back (which restores the filled form, its hidden fields too) and Save again.
    client = logged_in(studio.ann.user)
    url = reverse("walks:session_new", args=[studio.ann.pk])
    html = client.get(url).content.decode()
    ref = re.search(r'name="ref" value="([^"]+)"', html)
    assert ref, "the form carries its own reference"
    data = {**SESSION, "pain_during": 1, "effort": 2, "ref": ref.group(1)}
    before = WalkSession.objects.count()
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert WalkSession.objects.count() == before + 1
    assert "saved already" in again.content.decode()
    # A new form is a new session.
    fresh = re.search(r'name="ref" value="([^"]+)"', client.get(url).content.decode())
    assert fresh and fresh.group(1) != ref.group(1)
    assert client.post(url, {**data, "ref": fresh.group(1)}).status_code == 302
    assert WalkSession.objects.count() == before + 2


def test_the_plans_minutes_are_filled_in_as_a_person_would_type_them(studio: Studio) -> None:
    plan = studio.ann_route_plan
    plan.total_s = 3530  # a route plan's walk is seldom whole minutes: 53 min 50 s forward
    plan.save(update_fields=["total_s"])
    html = logged_in(studio.ann.user).get(reverse("walks:session_new", args=[studio.ann.pk]),
                                          {"plan": plan.pk}).content.decode()
    for name in ("backward_minutes", "forward_minutes"):
        value = re.search(rf'name="{name}" value="([^"]+)"', html)
        assert value and re.fullmatch(r"\d+(\.\d)?", value.group(1)), value and value.group(1)


def test_a_tampered_form_reference_is_refused_and_nothing_saved(studio: Studio) -> None:
    before = WalkSession.objects.count()
    response = logged_in(studio.ann.user).post(reverse("walks:session_new", args=[studio.ann.pk]),
                                               {**SESSION, "pain_during": 1, "effort": 2, "ref": "<x>" * 20})
    assert response.status_code == 400 and b"Traceback" not in response.content
    assert WalkSession.objects.count() == before
