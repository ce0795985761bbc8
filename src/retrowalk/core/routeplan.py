"""Route plans: the backward bouts of a walk placed on a real route, only where the ground allows (S3).

track → :func:`~retrowalk.core.terrain.profile` → usable samples → :func:`~retrowalk.core.placement.place` →
:class:`~retrowalk.core.plan.Plan`, checked twice: by the general checker on the plan's own account, and here
against the profile, sample by sample.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from retrowalk.core import routetext
from retrowalk.core.arrays import cumsum0
from retrowalk.core.bounds import ROUTE_MINUTES, check_speeds
from retrowalk.core.check import check
from retrowalk.core.ground import Elevation, Terrain
from retrowalk.core.i18n import _
from retrowalk.core.placement import Placement, place, place_spread
from retrowalk.core.plan import Flag, Kind, Plan, PlanError, RouteInfo
from retrowalk.core.program import Level, dose_for_week
from retrowalk.core.refusal import Instead, Option, RouteRefusedError, Why
from retrowalk.core.rules import (
    BACKWARD_MAX_S,
    BACKWARD_MAX_SHARE,
    BACKWARD_MIN_S,
    DEFAULTS,
    ROUTE_SESSION_MAX_S,
    Settings,
)
from retrowalk.core.safety import safety_notes
from retrowalk.core.terrain import Profile, TooShortError, classify, profile
from retrowalk.core.timeplan import refuse_outside_s1
from retrowalk.core.track import Track
from retrowalk.core.turns import MAX_MARKED, Corner
from retrowalk.core.units import Units, format_distance, format_duration
from retrowalk.core.walk import Walked, walked

ROUTE_GRANULARITY_S = 10
"""On a route a bout lasts a whole number of 10 s: one profile sample is 10 s of backward walking (6.7 m at
2.4 km/h), finer than GPS positions (3–5 m error) can tell apart and half the work of 5 s samples."""
MIN_STEP_M = 2.0
"""Samples closer than this add work, not precision (GPS is good to a few metres)."""


NOISY_WINDOW_M = 100.0
"""Above this grade window (elevation noise of about 1 m or more), the plan warns that short dips may hide."""


ENGINE_VERSION = 3
"""The route engine's version, kept with every saved plan: raised whenever terrain, turns or placement may give
other bouts for the same request (3: corner clearance and spread; 2: the first spreading; 1: before)."""


@dataclass(frozen=True, slots=True)
class RouteRequest:
    """Everything a route plan is made from besides the route itself: saved with a plan, it makes it again."""

    week: int = 1
    units: Units = Units.MPH
    backward_s: int | None = None
    minutes: float | None = None
    """Walk only the first part of the route that takes about this long."""
    forward_speed_kmh: float | None = None
    backward_speed_kmh: float | None = None
    bout_min_s: int | None = None
    bout_max_s: int | None = None
    reverse: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"week": self.week, "units": self.units.value, "backward_s": self.backward_s, "minutes": self.minutes,
                "forward_speed_kmh": self.forward_speed_kmh, "backward_speed_kmh": self.backward_speed_kmh,
                "bout_min_s": self.bout_min_s, "bout_max_s": self.bout_max_s, "reverse": self.reverse}

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> RouteRequest:
        """The request :meth:`to_dict` wrote; a value it lacks takes the default."""
        fields = {k: data[k] for k in ("week", "backward_s", "minutes", "forward_speed_kmh", "backward_speed_kmh",
                                      "bout_min_s", "bout_max_s", "reverse") if k in data}
        return RouteRequest(units=Units(data.get("units", Units.MPH.value)), **fields)


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """The plan with what it was made from, for pictures and exports."""

    plan: Plan
    profile: Profile
    placement: Placement
    usable: npt.NDArray[np.bool_]
    walk: Track
    """The track in the direction walked (reversed for ``reverse``): what exports draw the route from."""
    options: tuple[Option, ...] = ()
    """When the route holds less than asked: what the walker could do instead."""
    shown: Walked | None = None
    """Set on a plan trimmed of privacy zones (core.privacy.shared): the points shown, distances from where
    the shown part starts."""

    def turns_in_the_way(self) -> tuple[Corner, ...]:
        """The sharp turns on flat or rising ground, where a bout could otherwise have gone: what pictures and
        files mark, because people ask why a good stretch was not used. At most the MAX_MARKED sharpest."""
        usable = self.usable
        step = self.profile.step_m
        marked = [c for c in self.profile.turns.corners if usable[min(int(c.at_m // step), len(usable) - 1)]]
        if len(marked) > MAX_MARKED:
            keep = {id(c) for c in sorted(marked, key=lambda c: -c.angle_deg)[:MAX_MARKED]}
            marked = [c for c in marked if id(c) in keep]
        return tuple(marked)

    def walked_points(self) -> Walked:
        """The walked track's own points as far as the plan goes: distances along them are the plan's metres."""
        if self.shown is not None:
            return self.shown
        points = walked(self.walk)
        if not self.profile.trimmed:
            return points
        end = min(int(np.searchsorted(points.dist_m, self.profile.length_m, side="right")) + 1, len(points.dist_m))
        return Walked(points.lat_deg[:end], points.lon_deg[:end], points.ele_m[:end], points.dist_m[:end],
                      points.jump[:end - 1], points.notes, points.dropped,
                      None if points.gap is None else points.gap[:end - 1])


@dataclass(frozen=True, slots=True)
class _Setup:
    v_f: float
    v_b: float
    tau: int
    step: float
    target_s: int
    k_lo: int
    k_hi: int
    warmup: int
    cooldown: int
    recovery: int
    allowed: frozenset[int]


def route_plan(track: Track, req: RouteRequest, settings: Settings = DEFAULTS) -> RoutePlan:
    """The plan for walking ``track``, or :class:`PlanError` saying why not and what to do instead."""
    dose = dose_for_week(req.week, settings)
    setup = _setup(req, settings)
    walk = track.reversed() if req.reverse else track
    max_m = _max_distance_m(req, setup)
    needed_m = (setup.warmup + setup.k_lo + setup.cooldown) * setup.step
    try:
        prof = profile(walk, setup.step, settings, max_m)
    except TooShortError as err:
        raise RouteRefusedError(Why.TOO_SHORT, _options(0), length_m=err.length_m, needed_m=needed_m,
                                units=req.units) from None
    usable = _usable(prof, setup, settings)
    placed = _place(prof, usable, setup)
    # The same route the other way: computed because it is the first alternative to offer.
    # Cut short by --minutes, "the other way" starts from the route's other end: profile that walk itself.
    other = profile(walk.reversed(), setup.step, settings, max_m) if prof.trimmed else prof.reversed(settings)
    reverse_s = _place(other, _usable(other, setup, settings), setup, samples_only=True).samples * setup.tau

    warnings = list(track.notes) + list(prof.notes)
    if prof.dropped:
        warnings.append(routetext.dropped(prof.dropped, req.units))
    if track.damage is not None:
        # First: everything after it is about a walk the file may only partly hold.
        warnings.insert(0, routetext.damaged(track.damage, prof.track_m, req.units))
    flags: set[Flag] = set()
    backward_s = placed.samples * setup.tau
    options = _options(reverse_s) if backward_s < setup.target_s else ()
    if backward_s == 0:
        raise RouteRefusedError(_why(prof, usable, setup), options, length_m=prof.length_m, needed_m=needed_m,
                                units=req.units)
    segments = routetext.segments(prof, placed, setup.v_f, setup.v_b, setup.tau, req.units)
    total_s = sum(s.duration_s for s in segments)
    if prof.elevation is Elevation.RECORDED and prof.window_m > NOISY_WINDOW_M:
        # The grade is averaged over a long window here: a short dip can hide in it (the stated resolution is
        # twice the window). Say so, as for unknown ground.
        warnings.append(_("The elevation in this file is noisy (about ±%(noise)s m): a dip shorter than about "
                          "%(dip)s may not show. Walk backward only where you can see the ground is level or rising.")
                        % {"noise": f"{prof.noise_m:.0f}", "dip": format_distance(2 * prof.window_m, req.units)})
    if prof.elevation is Elevation.UNKNOWN:
        flags.add(Flag.UNKNOWN_TERRAIN)
        warnings.append(_("The route has no usable elevation, so uphill and downhill are unknown: the bouts are "
                          "placed by distance alone. Walk backward only where you can see the ground is flat or "
                          "rising."))
    if max_m is not None and prof.length_m + setup.step < prof.track_m - 1:
        warnings.append(_("The plan covers the first %(distance)s of the route (%(duration)s).")
                        % {"distance": format_distance(prof.length_m, req.units), "duration": format_duration(total_s)})
    if backward_s < setup.target_s:
        warnings.append(routetext.shortfall(backward_s, setup.target_s, reverse_s, _why(prof, usable, setup)))
        if backward_s < BACKWARD_MIN_S:
            flags.add(Flag.SHORT_SESSION if total_s < settings.short_session_s else Flag.DOSE_BELOW_MINIMUM)
    late = _late_gap(prof, usable, setup, placed)
    if late is not None:
        warnings.append(routetext.late_gap(prof, placed, math.ceil(len(usable) * LATE_SHARE) * prof.step_m, late,
                                           req.units))
    if dose.level is Level.BEGINNER and (prof.terrain == Terrain.STEEP.code).any():
        warnings.append(_("Stretches steeper than %(steep)s %% are left out for beginners.")
                        % {"steep": f"{settings.steep_min_grade_pct:g}"})

    name = track.name or ""
    info = RouteInfo(prof.length_m, prof.ascent_m, prof.descent_m, prof.elevation, reverse_s, name)
    plan = Plan(Kind.ROUTE, segments, req.units, tuple(warnings), safety_notes(Kind.ROUTE, req.units, settings),
                frozenset(flags), info)
    problems = [str(v) for v in check(plan, settings)] + check_on_profile(plan, prof, usable)
    if problems:  # a bug: placement only uses usable samples
        raise AssertionError(f"route_plan made a plan that breaks the rules: {problems[0]}")
    return RoutePlan(plan, prof, placed, usable, walk, options)


def check_on_profile(plan: Plan, prof: Profile, usable: npt.NDArray[np.bool_]) -> list[str]:
    """Every backward metre of ``plan`` lies on a usable sample of ``prof`` (S3 against the ground itself), and
    no bout with its clearance holds a sharp turn (DOMAIN.md:32-34)."""
    out = []
    for i, seg in enumerate(plan.segments, 1):
        if not seg.backward or seg.start_m is None or seg.end_m is None:
            continue
        a = math.floor(seg.start_m / prof.step_m + 1e-6)
        b = math.ceil(seg.end_m / prof.step_m - 1e-6)
        where = f"segment {i}: backward from {seg.start_m:.0f} m to {seg.end_m:.0f} m"
        if a < 0 or b > len(usable) or b <= a or not usable[a:b].all():
            out.append(f"{where} crosses ground that is downhill or unknown (S3)")
        elif prof.turns.range_deg(a, b) > prof.turns.limit_deg:
            out.append(f"{where} comes within {DEFAULTS.turn_clearance_m:.0f} m of a sharp turn (§2 Terrain classes)")
    return out


def _setup(req: RouteRequest, settings: Settings) -> _Setup:
    dose = dose_for_week(req.week, settings)
    fwd_kmh = req.forward_speed_kmh if req.forward_speed_kmh is not None else settings.forward_speed_kmh
    back_kmh = req.backward_speed_kmh if req.backward_speed_kmh is not None else settings.backward_speed_kmh
    check_speeds(fwd_kmh, back_kmh, req.units)
    v_f, v_b = fwd_kmh / 3.6, back_kmh / 3.6
    g = max(settings.bout_granularity_s, ROUTE_GRANULARITY_S)
    # One sample is g seconds of backward walking, so bout lengths come out in whole multiples of g.
    tau = g * max(1, math.ceil(MIN_STEP_M / (v_b * g)))
    step = v_b * tau

    lo = req.bout_min_s if req.bout_min_s is not None else settings.bout_min_s
    hi = req.bout_max_s if req.bout_max_s is not None else dose.outdoor_bout_max_s
    if lo < settings.bout_min_s:
        raise PlanError(_("a backward bout lasts at least %(bout)s s (DOMAIN.md §2 Bout lengths)")
                        % {"bout": settings.bout_min_s})
    if hi > settings.bout_max_s:
        raise PlanError(_("outdoors a backward bout lasts at most %(bout)s s (DOMAIN.md §2 Bout lengths)")
                        % {"bout": settings.bout_max_s})
    k_lo, k_hi = math.ceil(lo / tau), hi // tau
    if k_lo > k_hi and tau > g:
        raise PlanError(_("a backward speed of %(speed)s km/h is too slow to place bouts on a route; plan by time "
                          "instead, or on a treadmill") % {"speed": f"{back_kmh:.2f}"})
    if k_lo > k_hi:
        raise PlanError(_("the shortest bout (%(lo)s s) is longer than the longest (%(hi)s s)") % {"lo": lo, "hi": hi})

    if req.backward_s is not None:
        refuse_outside_s1(req.backward_s)
    target = req.backward_s if req.backward_s is not None else dose.backward_s
    allowed = {Terrain.FLAT, Terrain.UPHILL} | ({Terrain.STEEP} if dose.level is not Level.BEGINNER else set())
    return _Setup(v_f, v_b, tau, step, target, k_lo, k_hi,
                  warmup=math.ceil(settings.warmup_min_s * v_f / step),
                  cooldown=math.ceil(settings.cooldown_min_s * v_f / step),
                  recovery=math.ceil(settings.recovery_min_s * v_f / step),
                  allowed=frozenset(t.code for t in allowed))


def _max_distance_m(req: RouteRequest, setup: _Setup) -> float | None:
    """How far the plan may go: ``--minutes`` of walking, or the 12-hour ceiling. ``None``: no cut needed."""
    seconds = ROUTE_SESSION_MAX_S if req.minutes is None else req.minutes * 60
    if req.minutes is not None:
        ROUTE_MINUTES.check(req.minutes)
    # Time = forward distance / v_f + backward seconds; backward seconds cover v_b metres each.
    backward = min(setup.target_s, seconds * BACKWARD_MAX_SHARE)
    return setup.v_f * (seconds - backward) + backward * setup.v_b


def _usable(prof: Profile, setup: _Setup, settings: Settings) -> npt.NDArray[np.bool_]:
    """Samples a bout may cover: allowed terrain, kept ``2h`` samples away from any other ground.

    The grade at sample ``i`` is the difference of two ``2h + 1``-sample means centred ``h`` either side, so it
    draws on the ground from ``i − 2h`` to ``i + 2h``: a descent shows its true grade only ``2h`` samples in from
    its ends. Widening every forbidden stretch by ``2h`` on both sides therefore covers the whole of any descent
    at least twice the window long (tests/core/test_placement.py's property test, on random profiles).
    """
    if prof.elevation is Elevation.UNKNOWN:
        return prof.piece >= 0
    # The long window's classes; a descent only the shorter windows show (prof.fall_pct) already covers all the
    # ground its window draws on (terrain.py step 6), so it is forbidden as it is, not widened by the long window.
    closer = prof.fall_pct < settings.flat_min_grade_pct
    terrain = classify(prof.grade_pct, prof.grade_se_pct, None, prof.piece, settings)
    ok = np.isin(terrain, list(setup.allowed)) & (prof.piece >= 0)
    h = 2 * max(1, round(prof.window_m / (2 * prof.step_m)))
    bad = ~ok
    if h and bad.any():
        # Dilate the forbidden samples by h: a sample is usable only if no forbidden one lies within h.
        cum = cumsum0(bad)
        idx = np.arange(len(bad))
        lo = np.clip(idx - h, 0, len(bad))
        hi = np.clip(idx + h + 1, 0, len(bad))
        ok = (cum[hi] - cum[lo]) == 0
    return ok & ~closer


def _place(prof: Profile, usable: npt.NDArray[np.bool_], setup: _Setup, samples_only: bool = False,
           turns: bool = True) -> Placement:
    n = len(usable)
    r = setup.v_b / setup.v_f
    route_s = n * setup.step / setup.v_f
    # S1's share: backward b seconds in a walk of route_s + b(1 − r) seconds is at most a third of it.
    cap_s = min(setup.target_s, BACKWARD_MAX_S, (route_s - 1) / (2 + r))  # −1 s: room for rounding the clock
    budget = int(cap_s // setup.tau)
    uphill = (prof.terrain == Terrain.UPHILL.code) | (prof.terrain == Terrain.STEEP.code)
    if samples_only:
        return place(usable, uphill, k_lo=setup.k_lo, k_hi=setup.k_hi, budget=budget, warmup=setup.warmup,
                     cooldown=setup.cooldown, recovery=setup.recovery, turns=prof.turns if turns else None,
                     samples_only=True)
    return place_spread(usable, uphill, k_lo=setup.k_lo, k_hi=setup.k_hi, budget=budget, warmup=setup.warmup,
                        cooldown=setup.cooldown, recovery=setup.recovery, turns=prof.turns)


def _why(prof: Profile, usable: npt.NDArray[np.bool_], setup: _Setup) -> Why:
    """Why the route holds less than asked: too short, no safe ground, or sharp turns on the safe ground."""
    if setup.warmup + setup.k_lo + setup.cooldown > len(usable):
        return Why.TOO_SHORT
    placed = _place(prof, usable, setup, samples_only=True)
    straight = _place(prof, usable, setup, samples_only=True, turns=False)
    return Why.SHARP_TURNS if straight.samples > placed.samples else Why.NO_SAFE_GROUND


LATE_SHARE = 2 / 3
"""Spread through the walk, the last bout starts in its last third; where it cannot, the plan says why."""


def _late_gap(prof: Profile, usable: npt.NDArray[np.bool_], setup: _Setup, placed: Placement) -> Why | None:
    """Why no bout starts in the walk's last third, when the ground there holds none (None: it does, or one does)."""
    n = len(usable)
    late = math.ceil(n * LATE_SHARE)
    if not placed.bouts or placed.bouts[-1].start >= late:
        return None
    room = replace(setup, target_s=setup.k_lo * setup.tau, warmup=max(setup.warmup, late))
    if _place(prof, usable, room, samples_only=True).samples:
        return None  # a bout would fit there: the spread chose otherwise, and the spread is the plan's optimum
    return Why.SHARP_TURNS if _place(prof, usable, room, samples_only=True, turns=False).samples else \
        Why.NO_SAFE_GROUND


def _options(reverse_s: int) -> tuple[Option, ...]:
    reverse = (Option(Instead.REVERSE, reverse_s),) if reverse_s else ()
    return (*reverse, Option(Instead.TIME_PLAN), Option(Instead.TREADMILL))
