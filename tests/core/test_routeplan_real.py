"""Every real file plans or gets a clear refusal; the hilly walks' bouts sit on flat or rising ground."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrowalk.core.check import check
from retrowalk.core.plan import PlanError
from retrowalk.core.routeplan import RouteRequest, check_on_profile, route_plan
from retrowalk.core.track import TrackError
from retrowalk.core.units import Units
from retrowalk.formats.read import read_track
from tests.real import REAL, ids, needs_real, real_files

ALL = real_files("gpx", "tcx", "fit", "fit-workouts", "malformed")


@needs_real
@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_every_real_file_plans_or_is_refused_in_one_sentence(path: Path) -> None:
    try:
        result = route_plan(read_track(path), RouteRequest(units=Units.MPH, week=3))
    except (TrackError, PlanError) as err:
        assert "\n" not in str(err) and len(str(err)) < 300
        return
    assert check(result.plan) == []
    assert check_on_profile(result.plan, result.profile, result.usable) == []


@needs_real
def test_a_switchback_trail_holds_what_its_straight_legs_hold_and_says_the_turns_are_why() -> None:
    """The hilly run climbs by zigzags (85 turns over 45° in 6 km): its rising ground is mostly corners."""
    result = route_plan(read_track(REAL / "tcx/sportslib-1604524853-hilly-run.tcx"), RouteRequest(units=Units.KMH,
                                                                                                   week=3))
    assert 0 < result.plan.backward_s < 420
    assert any("sharp turns" in w for w in result.plan.warnings)
    assert check_on_profile(result.plan, result.profile, result.usable) == []


@needs_real
@pytest.mark.parametrize(("name", "week"), [("fit/workoutizer-walk-2020-08-20-fr645m.fit", 1),
                                            ("gpx/gpxpy-korita-zbevnica-hike.gpx", 6),
                                            ("fit/workoutizer-hike-muggenbrunn-fr645m.fit", 3)])
def test_hilly_walks_get_their_full_dose_on_rising_ground(name: str, week: int) -> None:
    result = route_plan(read_track(REAL / name), RouteRequest(units=Units.KMH, week=week))
    plan = result.plan
    assert plan.backward_s == {1: 300, 3: 420, 6: 600}[week]
    for seg in plan.segments:
        if seg.backward:
            assert seg.terrain in ("uphill", "flat", "steep")
            assert seg.grade_pct is not None and seg.grade_pct > -1.0


@needs_real
def test_minutes_walk_only_the_first_part_of_a_long_route() -> None:
    result = route_plan(read_track(REAL / "gpx/gpxpy-korita-zbevnica-hike.gpx"),
                        RouteRequest(units=Units.KMH, minutes=60))
    assert abs(result.plan.total_s - 3600) < 120
    assert any("covers the first" in w for w in result.plan.warnings)


@needs_real
@pytest.mark.parametrize("name", ["fit/fitparse-wahoo-elemnt-ride.fit", "gpx/sportslib-movescount.gpx",
                                  "fit/workoutizer-walk-2020-08-20-fr645m.fit"])
def test_long_walks_get_their_bouts_through_the_walk_or_say_why_not(name: str) -> None:
    """Issue 12: all five bouts sat in the first mile of these. Spread, the last starts in the last third, unless
    the ground there allows none, and then the plan says so."""
    result = route_plan(read_track(REAL / name), RouteRequest(units=Units.MPH))
    plan = result.plan
    starts = [s.start_s for s in plan.segments if s.backward]
    assert len(starts) >= 2
    if starts[-1] < plan.total_s * 2 / 3:
        assert any(w.startswith("No backward bout after") for w in plan.warnings)
    else:
        assert not any(w.startswith("No backward bout after") for w in plan.warnings)
