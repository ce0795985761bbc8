"""Time-only plans: worked examples, refusals that say what is possible, and properties over all inputs."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from retrowalk.core.check import check
from retrowalk.core.plan import Direction, Flag, Kind, PlanError, plan_from_dict
from retrowalk.core.rules import DEFAULTS, TREADMILL_START_SPEED_KMH, kmh_from_mph
from retrowalk.core.timeplan import TimeRequest, lay_out, max_backward_s, shortest_session_s, time_plan
from retrowalk.core.units import Units

SCHEMA = json.loads(files("retrowalk").joinpath("schemas/plan.schema.json").read_text())


def test_a_beginner_thirty_minute_walk_has_five_one_minute_bouts_spread_through_it() -> None:
    plan = time_plan(TimeRequest(total_s=1800))
    assert plan.backward_s == 300
    assert [d for _, d in plan.bouts()] == [60] * 5
    gaps = [s.duration_s for s in plan.segments if s.direction is Direction.FORWARD]
    assert gaps[0] >= 180 and gaps[-1] >= 120
    assert max(gaps[1:-1]) - min(gaps[1:-1]) <= 5  # evenly spread


def test_an_advanced_walk_holds_ten_minutes_in_two_minute_bouts() -> None:
    plan = time_plan(TimeRequest(total_s=1800, week=6))
    assert plan.backward_s == 600
    assert [d for _, d in plan.bouts()] == [120] * 5


def test_a_treadmill_walk_is_one_continuous_bout_at_two_mph_and_one_percent() -> None:
    plan = time_plan(TimeRequest(total_s=1800, kind=Kind.TREADMILL))
    (bout,) = [s for s in plan.segments if s.backward]
    assert bout.duration_s == 300
    assert bout.speed_kmh == pytest.approx(kmh_from_mph(2.0))
    assert all(s.incline_pct == 1.0 for s in plan.segments)
    assert "hips to the console" in bout.cue


def test_a_deadmill_walk_has_no_motor_speed_and_a_self_paced_cue() -> None:
    plan = time_plan(TimeRequest(total_s=1800, kind=Kind.DEADMILL, week=4))
    assert plan.backward_s == 480
    assert all(s.speed_kmh is None and s.incline_pct is None for s in plan.segments)
    assert "at your pace" in next(s for s in plan.segments if s.backward).cue


def test_a_six_minute_walk_refuses_five_backward_minutes_and_says_what_fits() -> None:
    with pytest.raises(PlanError, match=r"cannot hold 5 min backward .* at most 1 min fits"):
        time_plan(TimeRequest(total_s=360, backward_s=300))


def test_a_six_minute_walk_by_default_holds_what_fits_and_says_the_minimum_is_missed() -> None:
    plan = time_plan(TimeRequest(total_s=360))
    assert plan.backward_s == 60
    assert Flag.SHORT_SESSION in plan.flags
    assert "does not reach the 5-minute minimum" in plan.warnings[0]


def test_a_walk_too_short_for_warm_up_and_cool_down_is_refused() -> None:
    with pytest.raises(PlanError, match="a walk needs at least 5 min 30 s"):
        time_plan(TimeRequest(total_s=300))


def test_a_twenty_four_minute_advanced_walk_holds_a_third_and_warns() -> None:
    plan = time_plan(TimeRequest(total_s=24 * 60, week=6))
    assert plan.backward_s == 480
    assert "Week 6 aims for 10 min backward" in plan.warnings[0]


def test_week_one_refuses_a_faster_treadmill_speed() -> None:
    with pytest.raises(PlanError, match=r"week 1 on a locked treadmill starts at 2\.0 mph"):
        time_plan(TimeRequest(total_s=1800, kind=Kind.TREADMILL, backward_speed_kmh=kmh_from_mph(2.5)))


def test_a_later_week_progresses_the_treadmill_speed() -> None:
    plan = time_plan(TimeRequest(total_s=1800, kind=Kind.TREADMILL, week=8))
    bout = next(s for s in plan.segments if s.backward)
    assert bout.speed_kmh == pytest.approx(kmh_from_mph(2.4))
    assert bout.duration_s == 600


def test_outdoor_bouts_longer_than_two_minutes_are_refused() -> None:
    with pytest.raises(PlanError, match="outdoors a backward bout lasts at most 120 s"):
        time_plan(TimeRequest(total_s=1800, bout_max_s=300))


def test_a_requested_bout_count_is_honoured() -> None:
    plan = time_plan(TimeRequest(total_s=1800, kind=Kind.TREADMILL, bouts=2, backward_s=360))
    assert [d for _, d in plan.bouts()] == [180, 180]


def test_max_backward_is_exact_for_a_ten_minute_beginner_walk() -> None:
    # 10 min: 4 min between warm-up and cool-down; three 60 s bouts and two 60 s recoveries fill it exactly.
    assert max_backward_s(600, 30, 60) == 180
    layout = lay_out(600, 180, 30, 60, None)
    assert layout.bouts == (60, 60, 60) and layout.forward == (180, 60, 60, 120)


# --- properties over the whole input space --------------------------------------------------------------

KINDS = st.sampled_from([Kind.OUTDOOR, Kind.TREADMILL, Kind.DEADMILL])
TOTALS = st.integers(min_value=shortest_session_s(), max_value=240 * 60)


@st.composite
def requests(draw: st.DrawFn) -> TimeRequest:
    kind = draw(KINDS)
    units = draw(st.sampled_from(list(Units)))
    machine = kind is not Kind.OUTDOOR
    bout_min = draw(st.none() | st.integers(30, 150))
    bout_max = draw(st.none() | st.integers(30, 600 if machine else 120))
    return TimeRequest(
        total_s=draw(TOTALS),
        kind=kind,
        week=draw(st.integers(1, 30)),
        units=units,
        backward_s=draw(st.none() | st.integers(30, 660)),
        bout_min_s=bout_min,
        bout_max_s=bout_max,
        bouts=draw(st.none() | st.integers(1, 12)),
        forward_speed_kmh=None if kind is Kind.DEADMILL else draw(st.none() | st.floats(2.0, 7.5)),
        backward_speed_kmh=None if kind is Kind.DEADMILL else draw(st.none() | st.floats(1.0, 3.2)),
        incline_pct=draw(st.none() | st.floats(1.0, 15.0)) if kind is Kind.TREADMILL else None,
    )


def assert_plan_keeps_the_rules(req: TimeRequest) -> None:
    plan = time_plan(req)
    assert check(plan) == []
    # Segments are contiguous and add up to the session.
    t = 0
    for seg in plan.segments:
        assert seg.start_s == t and seg.duration_s > 0
        t += seg.duration_s
    assert t == plan.total_s == req.total_s
    # S1: 5–10 minutes, or at most a third of a short session, which the plan then says.
    if req.total_s >= DEFAULTS.short_session_s:
        assert 300 <= plan.backward_s <= 600
    else:
        assert plan.backward_s <= req.total_s / 3
        if plan.backward_s < 300:
            assert Flag.SHORT_SESSION in plan.flags and plan.warnings
    # S5: a locked treadmill never below 1 %; week 1 never faster than 2 mph backward.
    if plan.kind is Kind.TREADMILL:
        assert all(s.incline_pct is not None and s.incline_pct >= 1.0 for s in plan.segments)
        if req.week == 1:
            assert all(s.speed_kmh <= TREADMILL_START_SPEED_KMH + 1e-9 for s in plan.segments if s.backward)
    if plan.kind is Kind.DEADMILL:
        assert all(s.speed_kmh is None for s in plan.segments)
    if plan.kind is Kind.OUTDOOR:
        assert all(d <= 120 for _, d in plan.bouts())
        if req.week <= 2 and req.bout_max_s is None:
            assert all(d <= 60 for _, d in plan.bouts())
    # The JSON form is valid against the schema and reads back to the same plan.
    data = plan.to_dict()
    jsonschema.validate(data, SCHEMA)
    assert plan_from_dict(data).to_dict() == data


@given(requests())
def test_every_plan_from_any_request_keeps_the_rules_or_is_refused_with_a_reason(req: TimeRequest) -> None:
    try:
        assert_plan_keeps_the_rules(req)
    except PlanError as err:
        message = str(err)
        assert message and "\n" not in message and len(message) < 300


@given(total_s=TOTALS, kind=KINDS, week=st.integers(1, 104), units=st.sampled_from(list(Units)))
def test_the_defaults_are_never_refused(total_s: int, kind: Kind, week: int, units: Units) -> None:
    assert_plan_keeps_the_rules(TimeRequest(total_s=total_s, kind=kind, week=week, units=units))


@given(total_s=TOTALS, kind=KINDS, asked=st.integers(300, 600))
def test_a_refused_target_comes_with_a_maximum_that_works(total_s: int, kind: Kind, asked: int) -> None:
    req = TimeRequest(total_s=total_s, kind=kind, week=6, backward_s=asked)
    lo, hi = 30, (120 if kind is Kind.OUTDOOR else 600)
    possible = max_backward_s(total_s, lo, hi)
    assume(asked // 5 * 5 > possible)
    with pytest.raises(PlanError):
        time_plan(req)
    if total_s >= DEFAULTS.short_session_s and possible < 300:
        return  # nothing S1 accepts fits; the message says "walk longer"
    plan = time_plan(TimeRequest(total_s=total_s, kind=kind, week=6, backward_s=possible))
    assert plan.backward_s == possible
