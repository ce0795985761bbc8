"""Walked distance: fixes that would mean moving faster than anyone walks, runs or rides are dropped as jumps."""

from __future__ import annotations

import numpy as np
import pytest

from retrowalk.core.geo import destination
from retrowalk.core.track import make_track
from retrowalk.core.walk import walked


def line(count: int, speed_ms: float = 1.3, start: tuple[float, float] = (47.0, 8.0), heading: float = 90.0,
         t0: float = 0.0):
    """``count`` fixes a second apart, walking at ``speed_ms`` along ``heading``."""
    lat, lon = [start[0]], [start[1]]
    for _ in range(count - 1):
        a, b = destination(lat[-1], lon[-1], heading, speed_ms)
        lat.append(a)
        lon.append(b)
    return np.array(lat), np.array(lon), t0 + np.arange(count, dtype=float)


def walk_of(lat, lon, time):
    return walked(make_track(lat, lon, np.full(len(lat), 300.0), time))


def test_a_fix_300_m_off_for_one_second_is_dropped_and_counted() -> None:
    lat, lon, t = line(200)
    lat[100], lon[100] = destination(lat[100], lon[100], 0.0, 300.0)
    points = walk_of(lat, lon, t)
    assert len(points.lat_deg) == 199
    assert points.dist_m[-1] == pytest.approx(199 * 1.3, rel=0.01)
    assert points.dropped == 1


def test_a_run_of_wild_fixes_is_dropped_the_walk_either_side_kept() -> None:
    lat, lon, t = line(300)
    for i in (150, 151, 152):
        lat[i], lon[i] = destination(lat[i], lon[i], 45.0 * i, 2000.0)
    points = walk_of(lat, lon, t)
    assert len(points.lat_deg) == 297
    assert not points.jump.any()
    assert points.dist_m[-1] == pytest.approx(299 * 1.3, rel=0.01)
    assert points.dropped == 3


def test_a_first_fix_far_from_the_walk_is_dropped() -> None:
    lat, lon, t = line(100)
    lat[0], lon[0] = lat[0] + 0.5, lon[0]  # 55 km away: the last fix of yesterday's drive
    points = walk_of(lat, lon, t)
    assert len(points.lat_deg) == 99
    assert points.dist_m[-1] == pytest.approx(98 * 1.3, rel=0.01)


def test_a_drive_between_two_walks_is_a_jump_both_walks_are_kept() -> None:
    lat1, lon1, t1 = line(200)
    lat2, lon2, t2 = line(200, start=(47.2, 8.1), t0=t1[-1] + 600)  # 20 km away ten minutes later
    points = walk_of(np.r_[lat1, lat2], np.r_[lon1, lon2], np.r_[t1, t2])
    assert len(points.lat_deg) == 400
    assert points.jump.sum() == 1
    assert points.dist_m[-1] == pytest.approx(398 * 1.3, rel=0.01)
    assert points.dropped == 0


def test_a_ride_at_60_kmh_is_not_taken_for_glitches() -> None:
    lat, lon, t = line(300, speed_ms=16.7)
    points = walk_of(lat, lon, t)
    assert len(points.lat_deg) == 300 and not points.jump.any()


def test_without_times_only_the_distance_can_tell() -> None:
    lat, lon, _ = line(100, speed_ms=25.0)  # a drawn route: points 25 m apart, no clock
    points = walk_of(lat, lon, np.full(100, np.nan))
    assert len(points.lat_deg) == 100 and not points.jump.any()


@pytest.mark.parametrize(("units", "said"), [("mph", "faster than 34 mph"), ("kmh", "faster than 54 km/h")])
def test_the_plan_says_how_many_fixes_were_dropped_in_the_walkers_units(units: str, said: str) -> None:
    from retrowalk.core.routeplan import RouteRequest, route_plan
    from retrowalk.core.units import Units

    lat, lon, t = line(3000)
    for i in (1000, 2000):
        lat[i], lon[i] = destination(lat[i], lon[i], 0.0, 500.0)
    plan = route_plan(make_track(lat, lon, np.full(len(lat), 300.0), t), RouteRequest(units=Units(units))).plan
    assert f"2 fixes were dropped as jumps: they would mean moving {said}" in " ".join(plan.warnings)


def spiky(count: int = 3000, at: tuple[int, ...] = (1000, 2000), metres: float = 500.0):
    lat, lon, t = line(count)
    for i in at:
        lat[i], lon[i] = destination(lat[i], lon[i], 0.0, metres)
    return lat, lon, t


def test_the_walk_the_other_way_drops_the_same_glitches() -> None:
    lat, lon, t = spiky()
    track = make_track(lat, lon, np.full(len(lat), 300.0), t)
    there, back = walked(track), walked(track.reversed())
    assert there.dropped == back.dropped == 2
    assert back.dist_m[-1] == pytest.approx(there.dist_m[-1], rel=1e-9)


@pytest.mark.parametrize("garbled", [0.0, -1e9, 4e9, np.nan], ids=["zeroed", "far-back", "far-ahead", "missing"])
def test_a_spike_whose_clock_is_garbled_is_still_a_glitch(garbled: float) -> None:
    lat, lon, t = line(300, t0=1.5e9)
    lat[100], lon[100] = destination(lat[100], lon[100], 0.0, 350.0)
    t[100] = garbled  # the damaged record's timestamp: the clock cannot vouch for the step
    points = walk_of(lat, lon, t)
    assert points.dropped == 1
    assert points.dist_m[-1] == pytest.approx(298 * 1.3, rel=0.02)


def test_a_paused_walk_keeps_its_clock_and_its_distance() -> None:
    """A long pause is no garbled clock: the step across it is judged on the time it really had."""
    lat1, lon1, t1 = line(200)
    lat2, lon2, t2 = line(200, start=(float(lat1[-1]), float(lon1[-1]) + 0.004), t0=t1[-1] + 1800)  # 300 m, 30 min
    points = walk_of(np.r_[lat1, lat2], np.r_[lon1, lon2], np.r_[t1, t2])
    assert points.dropped == 0 and not points.jump.any()


def test_two_pieces_too_short_to_be_walked_still_leave_a_walk() -> None:
    lat = np.array([47.0, 47.0001, 47.1, 47.1001])  # two fixes, then 11 km on, two more
    lon = np.array([8.0, 8.0, 8.0, 8.0])
    points = walk_of(lat, lon, np.arange(4.0))
    assert len(points.lat_deg) == len(points.dist_m) >= 2


def test_a_damaged_fix_that_comes_back_costs_nothing_after_it() -> None:
    """In a damaged file, a record 4 km off with its clock zeroed is a glitch the walk comes back from: the
    records after it are trusted, and the walk drops the bad one."""
    from retrowalk.core.walk import trusted_fixes

    lat, lon, t = line(300, t0=1.5e9)
    lat[100], lon[100] = destination(lat[100], lon[100], 0.0, 4000.0)
    t[100] = 6.3e8
    track = make_track(lat, lon, np.full(300, 300.0), t)
    assert trusted_fixes(track) == 300
    assert walked(track).dropped == 1


def test_a_damaged_file_in_step_is_trusted_until_its_clock_runs_back() -> None:
    """Records swapped in a damaged file: each decodes, but the clock runs back where the swapped ones end.
    A few garbled timestamps are no such sign (they are mended from their neighbours)."""
    from retrowalk.core.walk import clock_trusted

    lat, lon, t = line(300, t0=1.5e9)
    order = np.r_[0:100, 150:200, 100:150, 200:300]  # fixes 150-199 written before 100-149
    track = make_track(lat[order], lon[order], np.full(300, 300.0), t[order])
    assert clock_trusted(track) == 150
    t[120], t[121] = 0.0, 4e9
    assert clock_trusted(make_track(lat, lon, np.full(300, 300.0), t)) == 300
