"""What plans say, said right: no "−0 %", no "1 bouts", no durations that read as clocks ("5:30 min"), on every
kind of plan the engine makes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.core.plan import Kind, Plan, PlanError
from retrowalk.core.routeplan import RouteRequest, route_plan
from retrowalk.core.timeplan import TimeRequest, time_plan
from retrowalk.core.units import Units
from tests.builders import make_route

WRONG = [
    (re.compile(r"[−-]0 %"), "a negative zero grade"),
    (re.compile(r"\b1 (bouts|fixes|records|minutes|seconds|points)\b"), "a plural after 1"),
    (re.compile(r"\d:\d\d(:\d\d)? min\b"), "a clock time read as minutes"),
    (re.compile(r"\bnan\b|\binf\b", re.IGNORECASE), "a number that is not one"),
]


def texts(plan: Plan) -> list[str]:
    return [s.cue for s in plan.segments] + list(plan.warnings) + list(plan.safety)


def assert_well_said(plan: Plan | None, refusal: str = "") -> None:
    for text in ([*texts(plan)] if plan else []) + ([refusal] if refusal else []):
        for pattern, what in WRONG:
            assert not pattern.search(text), f"{what} in {text!r}"


@settings(deadline=None)
@given(grades=st.lists(st.floats(-3.0, 6.0), min_size=1, max_size=5), week=st.integers(1, 12),
       units=st.sampled_from(list(Units)), minutes=st.one_of(st.none(), st.floats(8.0, 120.0)))
def test_route_plans_say_it_right(grades: list[float], week: int, units: Units, minutes: float | None) -> None:
    track, _, _ = make_route(grades, [600.0] * len(grades), noise_m=0.3)
    try:
        plan = route_plan(track, RouteRequest(units=units, week=week, minutes=minutes)).plan
    except PlanError as err:
        assert_well_said(None, str(err))
        return
    assert_well_said(plan)


@settings(deadline=None)
@given(total=st.integers(60, 250 * 60), week=st.integers(1, 30), units=st.sampled_from(list(Units)),
       kind=st.sampled_from([Kind.OUTDOOR, Kind.TREADMILL, Kind.DEADMILL]),
       backward=st.one_of(st.none(), st.integers(60, 700)))
def test_time_plans_and_their_refusals_say_it_right(total: int, week: int, units: Units, kind: Kind,
                                                     backward: int | None) -> None:
    try:
        plan = time_plan(TimeRequest(total_s=total, kind=kind, week=week, units=units, backward_s=backward))
    except PlanError as err:
        assert_well_said(None, str(err))
        return
    assert_well_said(plan)
