"""Sharp turns (DOMAIN.md §2 Terrain classes): no bout holds a heading change over 45°, and none starts or ends
within 10 m of one, judged on the true path of generated walks with GPS-like noise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.core.plan import PlanError
from retrowalk.core.routeplan import RouteRequest, check_on_profile, route_plan
from retrowalk.core.units import Units
from retrowalk.core.walk import walked
from tests.builders import Winding, make_route

SHARP_DEG = 45.0
CLEARANCE_M = 10.0
CORNER_M = 1.0
"""A corner turns over this much path: sharp, as a street corner or a hairpin is."""


def legs(lengths: list[float], turns: list[float]) -> list[tuple[float, float]]:
    """Straight legs with a corner of ``turns[i]`` degrees before leg ``i + 1``."""
    pieces: list[tuple[float, float]] = [(lengths[0], 0.0)]
    for length, turn in zip(lengths[1:], turns, strict=False):
        pieces += [(CORNER_M, turn), (length, 0.0)]
    return pieces


def bouts_on_true_path(walk: Winding, week: int = 6):
    """The plan's bouts as true distances along the generated path, or None when the plan is refused."""
    try:
        result = route_plan(walk.track, RouteRequest(units=Units.KMH, week=week))
    except PlanError:
        return None
    assert check_on_profile(result.plan, result.profile, result.usable) == []
    dist = walked(walk.track).dist_m
    return [(walk.true_m(dist, s.start_m), walk.true_m(dist, s.end_m)) for s in result.plan.segments if s.backward]


def assert_clear_of_turns(walk: Winding, bouts) -> None:
    for a, b in bouts:
        within = walk.true_turn_deg(a, b)
        around = walk.true_turn_deg(a - CLEARANCE_M, b + CLEARANCE_M)
        assert within <= SHARP_DEG, f"bout {a:.0f}–{b:.0f} m turns {within:.0f}°"
        assert around <= SHARP_DEG, f"bout {a:.0f}–{b:.0f} m is within 10 m of a {around:.0f}° turn"


@st.composite
def winding_walks(draw: st.DrawFn) -> Winding:
    shape = draw(st.sampled_from(["grid", "switchbacks", "zigzag", "mixed"]))
    count = draw(st.integers(8, 40))
    if shape == "grid":  # city blocks: right-angle corners
        lengths = [draw(st.floats(30.0, 120.0)) for _ in range(count)]
        turns = [draw(st.sampled_from([-90.0, 90.0])) for _ in range(count)]
    elif shape == "switchbacks":  # a climbing trail of hairpins
        lengths = [draw(st.floats(60.0, 140.0))] * count
        turns = [(160.0 if i % 2 else -160.0) for i in range(count)]
    elif shape == "zigzag":
        angle = draw(st.floats(40.0, 100.0))
        lengths = [draw(st.floats(30.0, 80.0)) for _ in range(count)]
        turns = [(angle if i % 2 else -angle) for i in range(count)]
    else:  # anything: corners of any angle, bends, long straights
        lengths = [draw(st.floats(30.0, 300.0)) for _ in range(count)]
        turns = [draw(st.floats(-170.0, 170.0)) for _ in range(count)]
    pieces = legs(lengths, turns)
    if shape == "mixed" and draw(st.booleans()):  # a long bend somewhere: 90° over 60–200 m
        pieces.insert(len(pieces) // 2, (draw(st.floats(60.0, 200.0)), draw(st.sampled_from([-90.0, 90.0]))))
    if sum(p[0] for p in pieces) < 1500:  # room for warm-up, cool-down and bouts
        pieces.append((1500.0, 0.0))
    return Winding(pieces, spacing_m=draw(st.sampled_from([1.0, 3.0, 5.0])),
                   jitter_m=draw(st.sampled_from([0.0, 0.2, 0.4, 0.6])), drift_m=draw(st.sampled_from([0.0, 2.0, 4.0])),
                   grade_pct=draw(st.sampled_from([0.0, 3.0])), seed=draw(st.integers(0, 2**16)))


@settings(deadline=None)  # the profile's count: 300 for a developer, 1,000 in CI
@given(winding_walks())
def test_no_bout_holds_or_comes_near_a_sharp_turn(walk: Winding) -> None:
    bouts = bouts_on_true_path(walk)
    if bouts is not None:
        assert_clear_of_turns(walk, bouts)


@pytest.mark.parametrize("jitter", [0.0, 1.0])
def test_a_grid_of_corners_every_30_m_holds_no_bout_and_says_the_turns_are_why(jitter: float) -> None:
    walk = Winding(legs([30.0] * 120, [90.0, -90.0] * 60), jitter_m=jitter, drift_m=2.0, seed=3)
    with pytest.raises(PlanError, match="sharp turn"):
        route_plan(walk.track, RouteRequest(units=Units.KMH))


def test_switchbacks_get_bouts_between_the_hairpins_clear_of_each() -> None:
    walk = Winding(legs([300.0] + [80.0] * 40 + [300.0], [160.0, -160.0] * 21), jitter_m=0.7, drift_m=2.0,
                   grade_pct=6.0, seed=5)
    bouts = bouts_on_true_path(walk, week=1)
    assert bouts, "the straight legs between the hairpins hold 30–60 s bouts"
    assert_clear_of_turns(walk, bouts)


def test_a_corner_just_past_a_bout_is_measured_at_its_full_angle() -> None:
    """The old 20 m chord saw half of a corner at a bout's edge: a 70° corner read as 35° and passed."""
    walk = Winding(legs([500.0, 60.0, 60.0, 60.0, 60.0, 500.0], [70.0, -70.0, 70.0, -70.0, 70.0]), spacing_m=1.0,
                   seed=1)
    bouts = bouts_on_true_path(walk)
    assert bouts is not None
    assert_clear_of_turns(walk, bouts)


@pytest.mark.parametrize(("first", "second"), [(38.0, 14.0), (35.0, 14.0), (30.0, 20.0)])
def test_two_gentle_turns_either_side_of_a_bouts_end_are_added_up(first: float, second: float) -> None:
    """Neither turn is sharp, but together they turn the bout's clearance by more than 45°: a turn at the very
    edge of the 10 m is read whole (the chords reach a half-chord past the clearance), not half of it."""
    for seed in range(12):
        pieces = [(600.0, 0.0)]
        for _ in range(12):
            pieces += [(1.0, first), (40.0, 0.0), (1.0, second), (47.0 + seed % 7, 0.0),
                       (1.0, -first), (40.0, 0.0), (1.0, -second), (47.0 + seed % 7, 0.0)]
        walk = Winding([*pieces, (600.0, 0.0)], spacing_m=1.0, drift_m=0.0, jitter_m=0.0, seed=seed)
        bouts = bouts_on_true_path(walk)
        assert bouts is not None
        assert_clear_of_turns(walk, bouts)


def test_a_straight_walk_is_not_held_back_by_gps_jitter() -> None:
    walk = Winding([(3000.0, 0.0)], jitter_m=1.0, drift_m=4.0, seed=2)
    result = route_plan(walk.track, RouteRequest(units=Units.KMH, week=6))
    assert result.plan.backward_s == 600


# --- the measurement itself ---------------------------------------------------------------------------------

def test_a_right_angle_corner_is_found_where_it_is_at_its_full_angle() -> None:
    from retrowalk.core.terrain import profile

    track, _, _ = make_route([0.0, 0.0], [500, 500], turns_deg=[0.0, 90.0])
    prof = profile(track, 10 / 3)
    (corner,) = prof.turns.corners
    assert corner.at_m == pytest.approx(500, abs=3)
    assert corner.angle_deg == pytest.approx(90, abs=2)
    assert prof.turns.inner_lo[10] == pytest.approx(0.0, abs=1)
    assert prof.turns.inner_hi[-10] == pytest.approx(90.0, abs=1)
    # Walked the other way, the same corner at the same place from the other end.
    back = prof.reversed()
    assert back.turns.corners[0].at_m == pytest.approx(prof.length_m - 500, abs=3)


@pytest.mark.parametrize("jitter", [0.0, 0.3, 1.0])
def test_the_jitter_is_estimated_from_the_points_and_lowers_the_limit(jitter: float) -> None:
    from retrowalk.core.terrain import profile

    walk = Winding([(2000.0, 0.0)], spacing_m=3.0, jitter_m=jitter, seed=4)
    turns = profile(walk.track, 10 / 3).turns
    assert turns.jitter_m == pytest.approx(max(jitter, 0.05), rel=0.25, abs=0.05)
    assert turns.limit_deg <= SHARP_DEG
    assert turns.limit_deg > 25.0  # not so cautious that a gently bending road is lost


def test_a_walk_across_the_antimeridian_has_no_false_turn() -> None:
    from retrowalk.core.geo import destination
    from retrowalk.core.terrain import profile
    from retrowalk.core.track import make_track

    lat, lon = [-16.5], [179.99]
    for _ in range(700):
        a, b = destination(lat[-1], lon[-1], 95.0, 3.0)
        lat.append(a)
        lon.append(b)
    prof = profile(make_track(lat, lon, [10.0] * len(lat)), 10 / 3)
    assert any(v < 0 for v in lon) and prof.turns.corners == ()
