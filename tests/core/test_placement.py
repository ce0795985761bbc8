"""Bout placement: optimal against brute force, and safe on any profile (S3) whatever the noise."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.core.placement import place, place_spread
from retrowalk.core.plan import PlanError
from retrowalk.core.routeplan import RouteRequest, check_on_profile, route_plan
from retrowalk.core.units import Units
from tests.builders import make_route, sample_turns


def arrangements(usable, k_lo, k_hi, budget, warmup, cooldown, recovery, turns=None):
    """Every arrangement of bouts that keeps the constraints, as lists of (start, end)."""
    n = len(usable)
    out = []

    def extend(start: int, total: int, bouts: list) -> None:
        out.append(list(bouts))
        for s in range(start, n):
            for k in range(k_lo, k_hi + 1):
                e = s + k
                if e > n - cooldown or total + k > budget:
                    break
                if usable[s:e].all() and (turns is None or turns.range_deg(s, e) <= turns.limit_deg):
                    extend(e + recovery, total + k, [*bouts, (s, e)])

    extend(warmup, 0, [])
    return out


def brute_force(usable, uphill, k_lo, k_hi, budget, warmup, cooldown, recovery, turns=None):
    """Every arrangement of bouts, scored (total, uphill, −bouts): the reference the DP must match."""
    return max((sum(e - s for s, e in a), sum(int(uphill[s:e].sum()) for s, e in a), -len(a))
               for a in arrangements(usable, k_lo, k_hi, budget, warmup, cooldown, recovery, turns))


def spares(bouts, n, warmup, cooldown, recovery):
    """Each forward stretch beyond its minimum: the warm-up's, each recovery's, the cool-down's."""
    if not bouts:
        return []
    gaps = [b[0] - a[1] - recovery for a, b in itertools.pairwise(bouts)]
    return [bouts[0][0] - warmup, *gaps, n - cooldown - bouts[-1][1]]


def brute_force_spread(usable, uphill, k_lo, k_hi, budget, warmup, cooldown, recovery, turns=None):
    """The spread objective by enumeration: (samples, uphill, −bouts) of the best arrangement, and S."""
    n = len(usable)
    every = arrangements(usable, k_lo, k_hi, budget, warmup, cooldown, recovery, turns)
    total = max(sum(e - s for s, e in a) for a in every)
    if total == 0:
        return (0, 0, 0), 0
    holding = [a for a in every if sum(e - s for s, e in a) == total]
    fewest = -(-total // min(k_hi, budget, n - cooldown - warmup))
    even = max(n - warmup - cooldown - total - (fewest - 1) * recovery, 0) // (fewest + 1)
    best_smallest = max(min(spares(a, n, warmup, cooldown, recovery)) for a in holding)
    floor = max(even * i // 10 for i in range(9) if even * i // 10 <= best_smallest)
    ok = [a for a in holding if min(spares(a, n, warmup, cooldown, recovery)) >= floor]
    score = max((total, sum(int(uphill[s:e].sum()) for s, e in a), -len(a)) for a in ok)
    return score, floor


@settings(deadline=None)  # the profile's count: 300 for a developer, 1,000 in CI
@given(
    usable=st.lists(st.booleans(), min_size=8, max_size=26),
    data=st.data(),
)
def test_the_dynamic_programme_is_optimal(usable: list[bool], data: st.DataObject) -> None:
    n = len(usable)
    uphill = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    k_lo = data.draw(st.integers(1, 3))
    k_hi = data.draw(st.integers(k_lo, 5))
    budget = data.draw(st.integers(0, 10))
    warmup, cooldown, recovery = (data.draw(st.integers(0, 3)) for _ in range(3))
    ok = np.array(usable)
    turns = None
    if data.draw(st.booleans()):  # a winding walk: headings that wander, a clearance of 0–2 samples
        heading = np.cumsum(data.draw(st.lists(st.sampled_from([0.0, 0.0, 10.0, -20.0, 50.0]), min_size=n,
                                               max_size=n)))
        turns = sample_turns(heading, data.draw(st.integers(0, 2)))
    kw = {"k_lo": k_lo, "k_hi": k_hi, "budget": budget, "warmup": warmup, "cooldown": cooldown,
          "recovery": recovery, "turns": turns}
    got = place(ok, uphill, **kw)
    want = brute_force(ok, uphill, k_lo, k_hi, budget, warmup, cooldown, recovery, turns)
    assert (got.samples, got.uphill_samples, -len(got.bouts)) == want
    # Asked for the total alone (the reverse direction's figure), it may skip the tie-breaks, not the optimum.
    total = place(ok, uphill, **kw, samples_only=True)
    assert total.samples == want[0] == sum(b.length for b in total.bouts)
    # Spread through the walk: the same backward total, then exactly the spread objective's optimum.
    spread = place_spread(ok, uphill, **kw)
    score, floor = brute_force_spread(ok, uphill, k_lo, k_hi, budget, warmup, cooldown, recovery, turns)
    assert (spread.samples, spread.uphill_samples, -len(spread.bouts)) == score
    if spread.bouts:
        placed = [(b.start, b.end) for b in spread.bouts]
        assert min(spares(placed, n, warmup, cooldown, recovery)) >= floor
    # And the bouts each returns keep every constraint.
    for placed in (got, total, spread):
        for a, b in itertools.pairwise(placed.bouts):
            assert b.start - a.end >= recovery
        for bout in placed.bouts:
            assert k_lo <= bout.length <= k_hi and ok[bout.start:bout.end].all()
            assert turns is None or turns.range_deg(bout.start, bout.end) <= turns.limit_deg
            assert bout.start >= warmup and bout.end <= n - cooldown


@pytest.mark.parametrize(("usable", "k_lo", "k_hi", "budget", "warmup", "cooldown", "recovery"), [
    ("......##", 1, 1, 2, 0, 0, 0),  # two bouts back to back: the gap is exactly the recovery, here none
    ("###.###", 3, 3, 6, 0, 0, 1),  # the second bout starts exactly `recovery` after the first ends
    ("##########", 2, 3, 10, 0, 0, 2),  # as many bouts as fit, each at its earliest
    ("#.##.###.####", 1, 4, 10, 1, 1, 1),
    ("#####", 1, 9, 15, 1, 2, 0),  # bouts allowed longer than the route itself
    ("###.##", 3, 8, 17, 0, 1, 8),
])
def test_the_programme_on_tight_fits(usable, k_lo, k_hi, budget, warmup, cooldown, recovery) -> None:
    """Cases where a bout fits with not one sample to spare: an off-by-one anywhere loses a bout."""
    ok = np.array([c == "#" for c in usable])
    uphill = np.zeros(len(ok), dtype=bool)
    got = place(ok, uphill, k_lo=k_lo, k_hi=k_hi, budget=budget, warmup=warmup, cooldown=cooldown,
                recovery=recovery, turns=sample_turns(np.zeros(len(ok))))
    want = brute_force(ok, uphill, k_lo, k_hi, budget, warmup, cooldown, recovery)
    assert (got.samples, got.uphill_samples, -len(got.bouts)) == want


def test_bouts_avoid_sharp_turns() -> None:
    usable = np.ones(40, dtype=bool)
    heading = np.r_[np.zeros(20), np.full(20, 90.0)]  # a right-angle bend at sample 20
    got = place(usable, usable, k_lo=4, k_hi=8, budget=16, warmup=0, cooldown=0, recovery=2,
                turns=sample_turns(heading))
    assert all(b.end <= 20 or b.start >= 20 for b in got.bouts)
    assert got.samples == 16
    # With two samples clear of the bend on either side, no bout ends or starts within two samples of it.
    clear = place(usable, usable, k_lo=4, k_hi=8, budget=16, warmup=0, cooldown=0, recovery=2,
                  turns=sample_turns(heading, clear=2))
    assert clear.bouts and all(b.end <= 18 or b.start >= 22 for b in clear.bouts)


def walk(grades, lengths, **kw):
    return make_route(grades, lengths, **kw)


def test_a_flat_route_reaches_the_target() -> None:
    track, _, _ = walk([0.0], [4000])
    for week, target in ((1, 300), (4, 480), (6, 600)):
        plan = route_plan(track, RouteRequest(week=week, units=Units.KMH)).plan
        assert plan.backward_s == target
        assert not plan.flags


def test_on_a_long_walk_the_bouts_are_spread_along_it_not_bunched_at_the_start() -> None:
    track, _, _ = walk([0.0], [12000])  # about two and a half hours
    plan = route_plan(track, RouteRequest(units=Units.KMH)).plan
    starts = [s.start_m for s in plan.segments if s.backward]
    assert len(starts) >= 3 and plan.backward_s == 300
    gaps = np.diff(starts)
    assert starts[-1] > 0.6 * 12000  # the last bout is well past half way
    assert gaps.max() < 1.5 * gaps.min()  # and the gaps are even


def test_spreading_comes_before_uphill_but_bouts_still_find_the_climbs_near_where_they_are_due() -> None:
    # Five short climbs on a long flat walk, each a little off where evenly spread bouts would fall (within the
    # slack the spread leaves): every bout lands on a climb.
    length = 12000.0
    centres = [length * (i + 1) / 6 + 150 for i in range(5)]
    grades, lengths, at = [], [], 0.0
    for c in centres:
        grades += [0.0, 4.0]
        lengths += [c - 100 - at, 200.0]
        at = c + 100
    track, _, _ = walk([*grades, 0.0], [*lengths, length - at])
    result = route_plan(track, RouteRequest(units=Units.KMH))
    assert result.placement.samples == result.placement.uphill_samples == 30
    starts = [s.start_m for s in result.plan.segments if s.backward]
    assert starts[-1] > 2 / 3 * length


def test_with_uphill_only_near_the_start_the_bouts_spread_over_the_flat_instead_of_bunching() -> None:
    """The seed's 5–10 minutes "don't have to be all at once": a person expects them through the walk, and flat
    ground is as safe for them as uphill (S3)."""
    track, _, edges = walk([0.0, 5.0, 0.0], [600, 1000, 9000])
    result = route_plan(track, RouteRequest(units=Units.KMH))
    starts = [s.start_m for s in result.plan.segments if s.backward]
    assert result.plan.backward_s == 300
    assert starts[-1] > 2 / 3 * edges[-1]


def test_uphill_is_preferred_to_flat_among_arrangements_as_evenly_spread() -> None:
    track, _, edges = walk([0.0, 4.0, 0.0], [1500, 600, 1500])
    plan = route_plan(track, RouteRequest(units=Units.KMH)).plan
    bouts = [s for s in plan.segments if s.backward]
    on_climb = [s for s in bouts if edges[1] - 5 <= s.start_m and s.end_m <= edges[2] + 5]
    assert len(on_climb) >= 2 and {s.terrain for s in on_climb} == {"uphill"}
    assert bouts[-1].start_m > 2 / 3 * edges[-1]  # and still spread through the walk


def test_a_one_way_descent_is_refused_and_the_reverse_offered() -> None:
    track, _, _ = walk([-4.0], [3000])
    with pytest.raises(PlanError, match=r"walked the other way it holds 5 min"):
        route_plan(track, RouteRequest(units=Units.KMH))
    reverse = route_plan(track, RouteRequest(units=Units.KMH, reverse=True)).plan
    assert reverse.backward_s == 300
    assert {s.terrain for s in reverse.segments if s.backward} == {"uphill"}
    assert reverse.route is not None and reverse.route.reverse_backward_s == 0


def test_a_one_way_climb_reports_that_its_reverse_holds_nothing() -> None:
    track, _, _ = walk([4.0], [3000])
    plan = route_plan(track, RouteRequest(units=Units.KMH)).plan
    assert plan.backward_s == 300
    assert plan.route is not None and plan.route.reverse_backward_s == 0


def test_a_short_uphill_stretch_gives_what_it_can_and_says_so() -> None:
    track, _, _ = walk([-3.0, 3.0, -3.0], [1200, 160, 1200])
    plan = route_plan(track, RouteRequest(units=Units.KMH)).plan
    assert 0 < plan.backward_s < 300
    assert "short of 5 min" in " ".join(plan.warnings)
    assert plan.flags


def test_unknown_elevation_places_bouts_and_flags_it() -> None:
    track, _, _ = walk([0.0], [3000], with_elevation=False)
    plan = route_plan(track, RouteRequest(units=Units.KMH)).plan
    assert plan.backward_s == 300
    assert {s.terrain for s in plan.segments if s.backward} == {"unknown"}
    assert "unknown-terrain" in plan.to_dict()["flags"]
    assert any("elevation" in w for w in plan.warnings)


def test_switchbacks_keep_bouts_off_the_bends() -> None:
    lengths = [300] + [120] * 12 + [300]
    turns = [0.0] + [170.0] * 13
    track, _, edges = walk([3.0] * len(lengths), lengths, turns_deg=turns)
    result = route_plan(track, RouteRequest(units=Units.KMH, week=6))
    bends = edges[1:-1]
    for seg in result.plan.segments:
        if seg.backward:
            assert not any(seg.start_m + 10 < b < seg.end_m - 10 for b in bends)


# --- the safety property: never a backward metre on a downhill, however the profile and noise fall ------------

@st.composite
def profiles(draw: st.DrawFn):
    count = draw(st.integers(2, 8))
    grades = [draw(st.one_of(st.floats(-10.0, -1.5), st.floats(0.0, 12.0))) for _ in range(count)]
    # Pieces at least twice the grade window at the worst noise drawn (93 m at σ = 0.5 m): the stated resolution.
    lengths = [draw(st.floats(200.0, 800.0)) for _ in range(count)]
    noise = draw(st.sampled_from([0.0, 0.2, 0.5]))
    spacing = draw(st.sampled_from([1.0, 3.0, 8.0]))
    return grades, lengths, noise, spacing, draw(st.integers(0, 2**16)), draw(st.integers(1, 8))


def plan_profile(case):
    """The route plan for a drawn profile and the true grade along it, or None if the plan is refused."""
    grades, lengths, noise, spacing, seed, week = case
    track, true_grade, _edges = make_route(grades, lengths, noise_m=noise, spacing_m=spacing, seed=seed)
    try:
        return route_plan(track, RouteRequest(units=Units.KMH, week=week)), true_grade
    except PlanError:
        return None


@settings(max_examples=60, deadline=None)
@given(profiles())
def test_no_backward_metre_on_a_true_downhill(case) -> None:
    planned = plan_profile(case)
    if planned is None:
        return  # refused with a reason: no bout anywhere is safe
    result, true_grade = planned
    week = case[-1]
    plan = result.plan
    assert check_on_profile(plan, result.profile, result.usable) == []
    for seg in plan.segments:
        if seg.backward:
            for at in np.linspace(seg.start_m, seg.end_m, 25):
                assert true_grade(at) >= -1.0, f"bout {seg.start_m:.0f}–{seg.end_m:.0f} m on {true_grade(at)} %"
            if week <= 2:
                assert all(true_grade(at) <= 15.0 for at in np.linspace(seg.start_m, seg.end_m, 25))


@st.composite
def gps_profiles(draw: st.DrawFn):
    """Phone-GPS noise (1–5 m per reading) on descents at the resolution the plan states for that noise."""
    from retrowalk.core.rules import DEFAULTS
    from retrowalk.core.terrain import _window_m

    noise = draw(st.sampled_from([1.0, 2.0, 3.0, 5.0]))
    resolution = 2 * _window_m(noise, 3.0, DEFAULTS)  # what the plan's warning promises ("a dip shorter than …")
    count = draw(st.integers(2, 5))
    grades = [draw(st.one_of(st.floats(-8.0, -1.5), st.floats(0.0, 10.0))) for _ in range(count)]
    lengths = [resolution * draw(st.floats(1.0, 2.0)) for _ in range(count)]
    return grades, lengths, noise, draw(st.sampled_from([2.0, 5.0])), draw(st.integers(0, 2**16)), \
        draw(st.integers(1, 8))


@settings(max_examples=150, deadline=None)
@given(gps_profiles())
def test_noisy_gps_descents_at_the_stated_resolution_get_no_backward_metre(case) -> None:
    planned = plan_profile(case)
    if planned is None:
        return
    result, true_grade = planned
    assert any("may not show" in w for w in result.plan.warnings)  # the resolution is stated to the walker
    for seg in result.plan.segments:
        if seg.backward:
            for at in np.linspace(seg.start_m, seg.end_m, 25):
                assert true_grade(at) >= -1.0, f"bout {seg.start_m:.0f}–{seg.end_m:.0f} m on {true_grade(at)} %"


# --- descents shorter than the long window, but clear in the data --------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_short_hills_under_gps_noise_get_no_backward_metre_on_their_descents(seed: int) -> None:
    # Ten 200 m climbs at +5 % each followed by a 200 m descent at −5 %, under phone-GPS noise (σ = 3 m): the
    # window that tames the noise (about 300 m) averages each climb and descent into "flat"; the shorter windows
    # see the descents (10 m deep, three times the noise) and keep the bouts off them, or the plan is refused.
    track, true_grade, _ = make_route([0.0] + [5.0, -5.0] * 10 + [0.0], [500.0] + [200.0] * 20 + [500.0],
                                      noise_m=3.0, spacing_m=5.0, seed=seed)
    for reverse in (False, True):
        try:
            result = route_plan(track, RouteRequest(units=Units.KMH, reverse=reverse))
        except PlanError:
            continue
        length = result.profile.length_m
        for seg in result.plan.segments:
            if seg.backward:
                for at in np.linspace(seg.start_m, seg.end_m, 25):
                    grade = -true_grade(length - at) if reverse else true_grade(at)
                    assert grade >= -1.0, f"bout {seg.start_m:.0f}–{seg.end_m:.0f} m on {grade} % (seed {seed})"


@pytest.mark.parametrize("seed", range(4))
def test_noise_alone_on_flat_ground_does_not_pass_for_descents(seed: int) -> None:
    # The shorter windows must not cost a flat route its bouts: GPS noise (σ = 3 m) on 4 km of level ground.
    track, _, _ = make_route([0.0], [4000.0], noise_m=3.0, spacing_m=5.0, seed=seed)
    result = route_plan(track, RouteRequest(units=Units.KMH))
    assert sum(seg.duration_s for seg in result.plan.segments if seg.backward) == 300
