"""The programme ladder follows DOMAIN.md:48: minutes first, then speed, then incline."""

from __future__ import annotations

import pytest

from retrowalk.core.plan import PlanError
from retrowalk.core.program import Level, dose_for_level, dose_for_week
from retrowalk.core.rules import kmh_from_mph


def test_levels_start_at_five_seven_and_ten_minutes() -> None:
    assert [dose_for_level(lv).backward_s for lv in Level] == [300, 420, 600]


def test_minutes_rise_one_a_week_before_speed_or_incline_change() -> None:
    doses = [dose_for_week(w) for w in range(1, 7)]
    assert [d.backward_s for d in doses] == [300, 360, 420, 480, 540, 600]
    assert {round(d.treadmill_backward_kmh, 6) for d in doses} == {round(kmh_from_mph(2.0), 6)}
    assert {d.incline_pct for d in doses} == {1.0}


def test_speed_rises_next_then_incline() -> None:
    assert dose_for_week(7).treadmill_backward_kmh == pytest.approx(kmh_from_mph(2.2))
    top = dose_for_week(14)
    assert top.treadmill_backward_kmh == pytest.approx(kmh_from_mph(3.6))
    assert top.incline_pct == 1.0
    assert dose_for_week(15).incline_pct == 2.0
    assert dose_for_week(104).incline_pct == 10.0
    assert dose_for_week(104).treadmill_backward_kmh <= kmh_from_mph(3.7)


def test_beginners_take_short_outdoor_bouts() -> None:
    assert dose_for_week(1).outdoor_bout_max_s == 60
    assert dose_for_week(3).outdoor_bout_max_s == 90
    assert dose_for_week(6).outdoor_bout_max_s == 120


@pytest.mark.parametrize("week", [0, -1, 105])
def test_weeks_outside_the_programme_are_refused(week: int) -> None:
    with pytest.raises(PlanError, match="week must be between 1 and 104"):
        dose_for_week(week)
