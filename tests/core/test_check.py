"""The checker finds each way a plan can break DOMAIN.md, and passes a plan that breaks none."""

from __future__ import annotations

import dataclasses

import pytest

from retrowalk.core.check import check
from retrowalk.core.plan import Flag, Kind
from tests.builders import make_plan

GOOD_OUTDOOR = [("f", 400), ("b", 60), ("f", 300), ("b", 60), ("f", 300), ("b", 60), ("f", 300),
                ("b", 60), ("f", 300), ("b", 60), ("f", 300)]


def rules_broken(plan) -> set[str]:
    return {v.rule for v in check(plan)}


def test_it_passes_a_plan_that_keeps_every_rule() -> None:
    assert check(make_plan(GOOD_OUTDOOR)) == []


def test_it_passes_a_locked_treadmill_plan_at_one_percent() -> None:
    plan = make_plan([("f", 600), ("b", 300), ("f", 900)], Kind.TREADMILL, speed_kmh=3.2, incline_pct=1.0)
    assert check(plan) == []


@pytest.mark.parametrize("incline", [None, 0.0, 0.5, 0.99])
def test_it_refuses_a_locked_treadmill_below_one_percent(incline: float | None) -> None:
    plan = make_plan([("f", 600), ("b", 300), ("f", 900)], Kind.TREADMILL, speed_kmh=3.2, incline_pct=incline)
    assert "S5" in rules_broken(plan)


def test_it_refuses_a_locked_treadmill_without_belt_speed() -> None:
    plan = make_plan([("f", 600), ("b", 300), ("f", 900)], Kind.TREADMILL, incline_pct=1.0)
    assert "S5" in rules_broken(plan)


def test_it_refuses_a_motor_speed_on_a_deadmill() -> None:
    plan = make_plan([("f", 600), ("b", 300), ("f", 900)], Kind.DEADMILL, speed_kmh=3.0)
    assert "S4" in rules_broken(plan)


def test_it_refuses_more_than_ten_backward_minutes() -> None:
    plan = make_plan([("f", 600), ("b", 660), ("f", 1800)], Kind.DEADMILL)
    assert "S1" in rules_broken(plan)


def test_it_refuses_more_than_a_third_of_a_short_session() -> None:
    plan = make_plan([("f", 180), ("b", 200), ("f", 120)], Kind.DEADMILL,  # 200 s of 500 s
                     flags=frozenset({Flag.SHORT_SESSION}), warnings=("short walk",))
    assert [v.message for v in check(plan)] == ["3:20 backward is more than the 2:46 a 8:20 session may hold"]


def test_it_refuses_a_dose_below_five_minutes_that_the_plan_does_not_mention() -> None:
    plan = make_plan([("f", 900), ("b", 120), ("f", 900)], Kind.DEADMILL)
    assert "S1" in rules_broken(plan)


def test_it_accepts_a_low_dose_that_the_plan_flags_and_explains() -> None:
    plan = make_plan([("f", 900), ("b", 120), ("f", 900)], Kind.DEADMILL,
                     flags=frozenset({Flag.DOSE_BELOW_MINIMUM}), warnings=("the route is mostly downhill",))
    assert check(plan) == []


def test_it_refuses_a_short_warm_up() -> None:
    plan = make_plan([("f", 120), ("b", 300), ("f", 1380)], Kind.DEADMILL)
    assert [v.segment for v in check(plan)] == [1]


def test_it_refuses_a_plan_that_starts_backward() -> None:
    plan = make_plan([("b", 60), ("f", 1740)])
    assert "§2 Session shape" in rules_broken(plan)


def test_it_refuses_a_plan_that_ends_backward() -> None:
    plan = make_plan([("f", 1740), ("b", 60)])
    assert "§2 Session shape" in rules_broken(plan)


def test_it_refuses_an_outdoor_bout_over_two_minutes() -> None:
    plan = make_plan([("f", 600), ("b", 180), ("f", 600), ("b", 120), ("f", 300)])
    assert "S2, §2 Bout lengths" in rules_broken(plan)


def test_it_counts_back_to_back_backward_segments_as_one_bout() -> None:
    plan = make_plan([("f", 600), ("b", 90), ("b", 90), ("f", 600), ("b", 120), ("f", 300)])
    assert "S2, §2 Bout lengths" in rules_broken(plan)


def test_it_allows_one_continuous_bout_on_a_treadmill() -> None:
    plan = make_plan([("f", 600), ("b", 600), ("f", 600)], Kind.TREADMILL, speed_kmh=3.2, incline_pct=2)
    assert check(plan) == []


def test_it_refuses_a_bout_shorter_than_thirty_seconds() -> None:
    pieces = [("f", 600), ("b", 20), ("f", 300)] + [("b", 70), ("f", 70)] * 4 + [("f", 300)]
    assert "§2 Bout lengths" in rules_broken(make_plan(pieces))


def test_it_refuses_less_than_a_minute_of_recovery_between_bouts() -> None:
    pieces = [("f", 600), ("b", 100), ("f", 45), ("b", 100), ("f", 300), ("b", 100), ("f", 600)]
    assert [v.segment for v in check(make_plan(pieces))] == [3]


def test_it_refuses_a_speed_rise_inside_a_backward_bout() -> None:
    plan = make_plan([("f", 600), ("b", 150), ("b", 150), ("f", 900)], Kind.TREADMILL,
                     speed_kmh=3.0, incline_pct=1.0)
    segments = list(plan.segments)
    segments[2] = dataclasses.replace(segments[2], speed_kmh=3.4)
    faster = dataclasses.replace(plan, segments=tuple(segments))
    assert [v.segment for v in check(faster)] == [3]


def test_it_refuses_a_gap_in_the_timeline() -> None:
    plan = make_plan(GOOD_OUTDOOR)
    segments = list(plan.segments)
    segments[3] = dataclasses.replace(segments[3], start_s=segments[3].start_s + 5)
    assert "structure" in rules_broken(dataclasses.replace(plan, segments=tuple(segments)))


def test_it_refuses_a_plan_without_safety_notes() -> None:
    plan = dataclasses.replace(make_plan(GOOD_OUTDOOR), safety=())
    assert "§2 Safety cues" in rules_broken(plan)


def test_violations_read_as_sentences_with_their_rule() -> None:
    plan = make_plan([("f", 600), ("b", 300), ("f", 900)], Kind.TREADMILL, speed_kmh=3.2, incline_pct=0.5)
    assert str(check(plan)[0]) == "segment 1: 0.5 % incline on a locked treadmill; set 1 % or more (S5)"
