"""Terrain classes on generated routes of known shape, and elevation cleaning on the cases reality produces."""

from __future__ import annotations

import numpy as np
import pytest

from retrowalk.core.geo import along_m, bearing_deg, destination, haversine_m
from retrowalk.core.ground import Elevation, Terrain
from retrowalk.core.routeplan import RouteRequest, route_plan
from retrowalk.core.terrain import profile
from retrowalk.core.track import TrackError, make_track
from retrowalk.core.units import Units
from tests.builders import make_route

STEP = 10 / 3


def classes(prof, lo_m: float, hi_m: float) -> set[Terrain]:
    sel = (prof.dist_m >= lo_m) & (prof.dist_m < hi_m)
    return {Terrain.of_code(c) for c in prof.terrain[sel].tolist()}


def test_haversine_matches_a_known_distance() -> None:
    # One degree of latitude on the mean sphere: 2πR/360.
    assert haversine_m(np.array([0.0]), np.array([0.0]), np.array([1.0]), np.array([0.0]))[0] == pytest.approx(
        111_195.08, abs=0.1)


@pytest.mark.parametrize("bearing", [0.0, 45.0, 90.0, 200.0, 359.0])
def test_destination_and_bearing_round_trip(bearing: float) -> None:
    lat, lon = destination(47.0, 8.0, bearing, 500.0)
    assert haversine_m(np.array([47.0]), np.array([8.0]), np.array([lat]), np.array([lon]))[0] == pytest.approx(500)
    assert bearing_deg(np.array([47.0]), np.array([8.0]), np.array([lat]), np.array([lon]))[0] == pytest.approx(
        bearing, abs=1e-6)


def test_along_distance_does_not_modify_its_inputs() -> None:
    lat = np.array([47.0, 47.001, 47.002])
    lon = np.array([8.0, 8.0, 8.0])
    before = lat.copy()
    assert along_m(lat, lon)[-1] == pytest.approx(222.4, abs=0.1)
    assert (lat == before).all()


def test_a_flat_route_is_flat() -> None:
    track, _, _ = make_route([0.0], [2000])
    prof = profile(track, STEP)
    assert classes(prof, 100, 1900) == {Terrain.FLAT}
    assert f"{prof.descent_m:.0f} {prof.ascent_m:.0f}" == "0 0"  # never "-0 m" of descent


def test_a_climb_is_uphill_and_a_descent_downhill() -> None:
    track, _, _ = make_route([0.0, 5.0, -5.0, 0.0], [400, 600, 600, 400])
    prof = profile(track, STEP)
    assert classes(prof, 500, 900) == {Terrain.UPHILL}
    assert classes(prof, 1100, 1500) == {Terrain.DOWNHILL}


def test_a_gentle_descent_of_one_and_a_half_percent_is_downhill() -> None:
    track, _, _ = make_route([-1.5], [2000])
    assert classes(profile(track, STEP), 100, 1900) == {Terrain.DOWNHILL}


def test_steep_is_above_fifteen_percent() -> None:
    track, _, _ = make_route([18.0], [600])
    assert classes(profile(track, STEP), 100, 500) == {Terrain.STEEP}


def test_a_noisy_descent_never_reads_as_flat() -> None:
    # GPS-like elevation noise (σ = 4 m) on a steady −3 % descent: the window grows, the bound stays cautious.
    track, _, _ = make_route([-3.0], [3000], noise_m=4.0, seed=7)
    prof = profile(track, STEP)
    assert prof.noise_m == pytest.approx(4.0, rel=0.3)
    assert prof.window_m > 200
    inside = classes(prof, 300, 2700)
    assert Terrain.FLAT not in inside and Terrain.UPHILL not in inside


def test_a_route_without_elevation_is_unknown_and_says_so() -> None:
    track, _, _ = make_route([5.0], [1000], with_elevation=False)
    prof = profile(track, STEP)
    assert prof.elevation == "unknown"
    assert set(prof.terrain.tolist()) == {Terrain.UNKNOWN.code}
    assert "no elevation" in prof.notes[0]


def test_all_zero_elevations_are_unknown_not_flat() -> None:
    track, _, _ = make_route([0.0], [1000], start_ele_m=0.0)
    prof = profile(track, STEP)
    assert prof.elevation == "unknown"
    assert "zero" in prof.notes[0]


def test_zero_dropouts_high_up_are_removed_not_read_as_cliffs() -> None:
    track, _, _ = make_route([0.0], [2000], start_ele_m=800.0)
    ele = track.ele_m.copy()
    ele[[100, 300, 301]] = 0.0
    prof = profile(make_track(track.lat_deg, track.lon_deg, ele), STEP)
    assert classes(prof, 100, 1900) == {Terrain.FLAT}
    assert "exactly 0 m" in prof.notes[0]


def test_a_single_spike_is_filtered() -> None:
    track, _, _ = make_route([0.0], [2000])
    ele = track.ele_m.copy()
    ele[250] += 40.0
    prof = profile(make_track(track.lat_deg, track.lon_deg, ele), STEP)
    assert classes(prof, 100, 1900) == {Terrain.FLAT}


def test_an_elevation_jump_leaves_the_grade_across_it_unknown() -> None:
    track, _, _edges = make_route([0.0, 0.0], [1000, 1000])
    ele = track.ele_m.copy()
    ele[track.lat_deg > track.lat_deg[len(ele) // 2]] += 60.0  # a barometer recalibrating mid-walk
    prof = profile(make_track(track.lat_deg, track.lon_deg, ele), STEP)
    assert Terrain.UNKNOWN in classes(prof, 990, 1010)
    assert Terrain.UPHILL not in classes(prof, 0, 2000)
    assert "jumps" in " ".join(prof.notes)


def test_segments_far_apart_are_not_walked_between() -> None:
    a, _, _ = make_route([0.0], [1000])
    lat = np.r_[a.lat_deg, a.lat_deg + 0.1]  # the second piece 11 km north
    lon = np.r_[a.lon_deg, a.lon_deg]
    ele = np.r_[a.ele_m, a.ele_m + 300]
    seg = np.r_[np.zeros(len(a)), np.ones(len(a))]
    prof = profile(make_track(lat, lon, ele, segment=seg), STEP)
    assert prof.length_m == pytest.approx(2000, abs=10)
    assert Terrain.UPHILL.code not in set(prof.terrain.tolist())


def test_points_at_null_island_are_dropped() -> None:
    track, _, _ = make_route([0.0], [1000])
    lat = np.r_[0.0, 0.0, track.lat_deg]
    lon = np.r_[0.0, 0.0, track.lon_deg]
    prof = profile(make_track(lat, lon, np.r_[200, 200, track.ele_m]), STEP)
    assert prof.length_m < 1100
    assert "latitude 0, longitude 0" in prof.notes[0]


def test_a_route_too_short_is_refused_with_its_length() -> None:
    track, _, _ = make_route([0.0], [20])
    with pytest.raises(TrackError, match=r"only \d+ m long"):
        profile(track, STEP)


def test_standing_still_with_jitter_adds_no_distance() -> None:
    """Ten minutes at 1 Hz where only the last digit of the longitude flips (under a centimetre a step): those
    points are dropped, and the step after them is the straight line, not the sum of the jitter (review)."""
    from retrowalk.core.track import Track
    from retrowalk.core.walk import walked

    walk = np.arange(200) * 1e-5  # about 1.1 m a second, north
    lat = np.r_[50 + walk, np.full(600, 50 + walk[-1]), 50 + walk[-1] + 1e-5 + walk]
    lon = np.r_[np.full(200, 4.0), 4.0 + np.where(np.arange(600) % 2 == 0, 1e-7, 0.0), np.full(200, 4.0)]
    track = Track(lat, lon, np.full(len(lat), 10.0), np.arange(len(lat), dtype=float),
                  np.zeros(len(lat), dtype=np.int64), "standing", ())
    points = walked(track)
    assert points.dist_m[-1] == pytest.approx(haversine_m(lat[0], lon[0], lat[-1], lon[-1]), abs=0.05)


def test_elevations_no_walk_reaches_are_unknown_not_recorded() -> None:
    """A GPX whose elevations were all 1.2×10¹⁹ m was planned as recorded with 79,872 m of ascent (issue 12)."""
    track, _, _ = make_route([0.0], [2000])
    wild = make_track(track.lat_deg, track.lon_deg, np.full(len(track), 1.2e19))
    prof = profile(wild, STEP)
    assert prof.elevation is Elevation.UNKNOWN and prof.ascent_m == 0
    assert any("−500" in n and "9,000 m" in n for n in prof.notes)


def test_a_few_impossible_elevations_are_dropped_and_counted() -> None:
    track, _, _ = make_route([3.0], [2000])
    ele = track.ele_m.copy()
    ele[[100, 300, 301]] = [-9999.0, 65535.0, 12000.0]
    prof = profile(make_track(track.lat_deg, track.lon_deg, ele), STEP)
    assert prof.elevation is Elevation.RECORDED
    assert any(n.startswith("3 elevations outside") for n in prof.notes)
    assert classes(prof, 200, 1800) == {Terrain.UPHILL}


def test_a_route_of_two_points_far_apart_is_cut_where_the_minutes_end() -> None:
    """A drawn route may be a single 3.3 km line: planned for 20 minutes, its first 1.6 km are planned, not
    "0 m" of it (the cut falls between its two points)."""
    from retrowalk.core.routeplan import RouteRequest, route_plan
    from retrowalk.core.track import make_track
    from retrowalk.core.units import Units

    track = make_track([47.0, 47.03], [8.0, 8.0], [400.0, 460.0])  # 3.3 km gently uphill
    plan = route_plan(track, RouteRequest(units=Units.KMH, minutes=20)).plan
    assert plan.route is not None
    assert 1000 < plan.route.distance_m < 2000 and plan.backward_s > 0


def test_a_gap_between_segments_is_walked_as_unknown_ground_not_left_out() -> None:
    # One walk along a straight line whose file holds nothing between 1000 m and 2500 m, the two pieces written as
    # two segments (a recording paused, a route drawn in two parts). The walker still walks that 1.5 km: distances
    # after it (the cues, the watch's metres) count it, and its ground is unknown, never flat.
    whole, _, _ = make_route([0.0], [4500.0], spacing_m=5.0)
    d = np.arange(len(whole)) * 5.0
    keep = (d < 1000) | (d > 2500)
    seg = (d[keep] > 2500).astype(float)
    track = make_track(whole.lat_deg[keep], whole.lon_deg[keep], whole.ele_m[keep], segment=seg)
    prof = profile(track, STEP)
    assert prof.length_m == pytest.approx(4495, abs=2 * STEP)  # its last point is at 4495 m
    assert classes(prof, 1050, 2450) == {Terrain.UNKNOWN}
    assert classes(prof, 100, 900) == {Terrain.FLAT} and classes(prof, 2600, 4400) == {Terrain.FLAT}
    assert any("gap" in note for note in prof.notes)
    result = route_plan(track, RouteRequest(units=Units.KMH))
    for seg_ in result.plan.segments:
        if seg_.backward:
            assert seg_.end_m <= 1000 or seg_.start_m >= 2500, (seg_.start_m, seg_.end_m)
    assert any("gap" in w for w in result.plan.warnings)
