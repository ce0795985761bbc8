"""Privacy zones: what of a route may leave the account (DOMAIN.md:98-105).

A zone hides at least :data:`MIN_RADIUS_M` round a place, its centre offset once, at random, by up to half the
radius when it is saved (:func:`new_zone`), and each route hides a further random extra of its own
(:func:`new_extra_m`, 0–:data:`EXTRA_MAX_M`), stored with it, so sharing the same route twice shows the same
thing and nothing new. Strava's zones were fixed and centred, and the home was found from the shape of a few
shared walks (Hassan et al. 2018): the offset and the extra are what stop that.

:func:`shared` is the one place a route plan is trimmed: every output for others (files, pictures, shared pages,
the coach's view when the client asks) draws from what it returns, so no output can forget a zone. What is
hidden: every point within a zone, the ground up to the sample it lies in, and any bout there (its turn-around
and face-forward points go with it). Distances start where the shared part starts.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from retrowalk.core import routetext
from retrowalk.core.geo import destination, haversine_m
from retrowalk.core.i18n import _, gettext_noop
from retrowalk.core.placement import Bout, Placement
from retrowalk.core.routeplan import ROUTE_GRANULARITY_S, RoutePlan
from retrowalk.core.track import FloatArray, make_track
from retrowalk.core.turns import Corner
from retrowalk.core.walk import Walked

MIN_RADIUS_M = 400.0
"""DOMAIN.md:102: a zone hides at least 400 m round the place."""
DEFAULT_RADIUS_M = 400.0
MAX_RADIUS_M = 5000.0
"""Our bound: a zone wider than this would hide a whole walk; a typing slip (4000 for 400) more likely."""
EXTRA_MAX_M = 200.0
"""DOMAIN.md:103: each route's own random extra radius, 0–200 m."""
OFFSET_SHARE = 0.5
"""DOMAIN.md:103: the centre moves by up to half the radius, once, when the zone is saved."""
OFFSET_LEAST = 0.25
"""Our choice within that rule: by at least a quarter. A centre moved a few metres is a centred zone, and the
zone's centre is what an attacker finds (Hassan et al. 2018); this way it is never within 100 m of a home."""
DENSE_M = 10.0
"""Before trimming, a walk's points are filled in so no step is longer than this: a straight line between two
points outside a zone cuts into a 400 m circle by at most 3 cm, so no drawn line crosses a zone unseen."""
EDGE_M = 1.0
"""A point this close outside a zone's edge is counted in: what a short straight line can cut into a circle, and
rounding, with room to spare."""
SHARED_NOTE = gettext_noop("Part of this route near a private place is not shown; distances start where the shown "
                           "part starts.")
"""The shared plan's one warning, marked for the catalogue: given as ``_(SHARED_NOTE)``."""

_rng = random.SystemRandom()


class PrivacyError(ValueError):
    """A zone that cannot be, or a route with nothing left to share: one sentence for the person."""


@dataclass(frozen=True, slots=True)
class Zone:
    """A privacy zone as stored: its centre already offset (:func:`new_zone`), never the place itself."""

    lat_deg: float
    lon_deg: float
    radius_m: float


def check_place(lat: float, lon: float, radius_m: float) -> None:
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0 and math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise PrivacyError(_("%(lat)s, %(lon)s is not a place: give latitude (−90 to 90) then longitude (−180 to "
                             "180)") % {"lat": f"{lat:g}", "lon": f"{lon:g}"})
    if not (math.isfinite(radius_m) and MIN_RADIUS_M <= radius_m <= MAX_RADIUS_M):
        raise PrivacyError(_("a privacy zone's radius is %(least)s to %(most)s m (got %(radius)s m); less would give "
                             "your home away")
                           % {"least": f"{MIN_RADIUS_M:.0f}", "most": f"{MAX_RADIUS_M:.0f}", "radius": f"{radius_m:g}"})


def new_zone(lat: float, lon: float, radius_m: float = DEFAULT_RADIUS_M, rng: random.Random | None = None) -> Zone:
    """The zone to store for a place: its centre moved once, at random, by a quarter to a half of the radius
    (DOMAIN.md:103). ``rng``: tests give a seeded one; otherwise the system's."""
    check_place(lat, lon, radius_m)
    rng = rng or _rng
    # Uniform over the ring between OFFSET_LEAST and OFFSET_SHARE of the radius (not bunched at the centre):
    # however well the zone's centre is found, the home is at least a quarter of the radius from it.
    lo, hi = OFFSET_LEAST ** 2, OFFSET_SHARE ** 2
    far = radius_m * math.sqrt(lo + (hi - lo) * rng.random())
    c_lat, c_lon = destination(lat, lon, rng.uniform(0.0, 360.0), far)
    return Zone(c_lat, c_lon, float(radius_m))


def new_extra_m(rng: random.Random | None = None) -> float:
    """A route's own extra radius, drawn once when the route is saved (DOMAIN.md:103)."""
    return (rng or _rng).uniform(0.0, EXTRA_MAX_M)


def keyed_rng(key: bytes, *what: object) -> random.Random:
    """A generator that draws the same numbers for the same ``key`` and ``what``, unpredictable without the key:
    for a command line that keeps no database, the same zone and route shared twice are cut the same way."""
    digest = hmac.new(key, repr(what).encode(), hashlib.sha256).digest()
    return random.Random(int.from_bytes(digest, "big"))


_ZONE = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*,\s*([-+]?\d+(?:\.\d+)?)\s*(?:,\s*(\d+(?:\.\d+)?)\s*)?$")


def parse_zone(text: str) -> tuple[float, float, float]:
    """``LAT,LON[,RADIUS_M]`` (the command line's and the form's typed place) as numbers, checked."""
    found = _ZONE.match(text)
    if not found:
        raise PrivacyError(_("%(text)s is not a place: give it as LAT,LON or LAT,LON,RADIUS_M, for example "
                             "47.3769,8.5417,400") % {"text": repr(text)})
    lat, lon = float(found[1]), float(found[2])
    radius = float(found[3]) if found[3] else DEFAULT_RADIUS_M
    check_place(lat, lon, radius)
    return lat, lon, radius


def hidden(lat: FloatArray, lon: FloatArray, zones: Sequence[Zone], extra_m: float) -> npt.NDArray[np.bool_]:
    """Which points lie within any zone widened by the route's extra."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    out = np.zeros(lat.shape, dtype=bool)
    for zone in zones:
        out |= haversine_m(lat, lon, np.full_like(lat, zone.lat_deg), np.full_like(lon, zone.lon_deg)) \
            < zone.radius_m + extra_m
    return out


def dense(walk: Walked, most_m: float = DENSE_M) -> Walked:
    """``walk`` with points filled in on its walked steps so that none is longer than ``most_m`` (a jump, not
    walked, is left alone: it is never drawn)."""
    if len(walk.dist_m) < 2:
        return walk
    gaps = np.diff(walk.dist_m)
    pieces = np.where(walk.jump, 1, np.maximum(1, np.ceil(gaps / most_m).astype(int)))
    # Point i, then pieces[i] − 1 points between it and the next, at even fractions.
    starts = np.repeat(np.arange(len(gaps)), pieces)
    firsts = np.concatenate([[0], np.cumsum(pieces)[:-1]])
    frac = (np.arange(len(starts)) - firsts[starts]) / pieces[starts]  # 0, 1/k, … (k−1)/k along each step

    def fill(values: FloatArray) -> FloatArray:
        filled = values[starts] + frac * (values[starts + 1] - values[starts])
        return np.concatenate([filled, values[-1:]])

    jump = np.zeros(len(starts), dtype=bool)
    jump[firsts + pieces - 1] = walk.jump  # the last piece of a step carries its jump
    return Walked(fill(walk.lat_deg), fill(walk.lon_deg), fill(walk.ele_m), fill(walk.dist_m), jump, walk.notes,
                  walk.dropped)


@dataclass(frozen=True, slots=True)
class Cut:
    """Where a walk is cut for sharing, on its profile's grid of ``step`` metres."""

    first: int
    """The first sample shown; distances shown start at its start."""
    end: int
    """One past the last sample shown."""
    hidden: npt.NDArray[np.bool_]
    """Over samples [first, end): the ones hidden in the middle (a zone the walk passes through)."""
    points: Walked
    """The walk's points shown (filled in every :data:`DENSE_M`), distances from the shown part's start; a step
    over a hidden stretch is a jump, never drawn."""


def cut(walk: Walked, step: float, n: int, zones: Sequence[Zone], extra_m: float,
        sample_lat: FloatArray | None = None, sample_lon: FloatArray | None = None) -> Cut:
    """The part of ``walk`` (profiled in ``n`` samples of ``step`` metres, whose own places are ``sample_lat``,
    ``sample_lon``) that may be shown.

    A sample is shown only when every point of the filled-in walk within :data:`DENSE_M` of its metres lies
    outside every zone (by :data:`EDGE_M` more): then each place in it, wherever a waypoint is put along it,
    lies on a short straight line between two such points, outside too. Each run of shown samples gets a point
    at its very start and end, so a waypoint there is never drawn between two runs, across a zone."""
    walk = dense(walk)
    inside = hidden(walk.lat_deg, walk.lon_deg, zones, extra_m + EDGE_M)
    hid = np.zeros(n, dtype=bool) if sample_lat is None or sample_lon is None else \
        hidden(sample_lat, sample_lon, zones, extra_m + EDGE_M)
    near = walk.dist_m[inside]
    lo = np.clip(np.floor((near - DENSE_M) / step).astype(int), 0, n - 1)
    hi = np.clip(np.floor((near + DENSE_M) / step).astype(int), 0, n - 1)
    marks = np.zeros(n + 1, dtype=int)
    np.add.at(marks, lo, 1)
    np.add.at(marks, hi + 1, -1)
    hid |= np.cumsum(marks[:n]) > 0
    visible = np.flatnonzero(~hid)
    if not len(visible):
        raise PrivacyError(_("all of this route lies within a privacy zone: there is nothing of it to share"))
    i0, i1 = int(visible[0]), int(visible[-1]) + 1
    hid = hid[i0:i1]
    # Runs of shown samples, [a, b) each, and the walk's points in each with its two ends put in.
    edges = np.flatnonzero(np.diff(np.r_[False, ~hid, False].astype(int)))
    columns: list[list[FloatArray]] = [[], [], [], []]
    jumps: list[npt.NDArray[np.bool_]] = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        start_m, end_m = (i0 + a) * step, (i0 + b) * step
        within = np.flatnonzero((walk.dist_m > start_m) & (walk.dist_m < end_m))
        at = np.r_[start_m, walk.dist_m[within], end_m]
        for column, values in zip(columns, (walk.lat_deg, walk.lon_deg, walk.ele_m), strict=False):
            ends = np.interp([start_m, end_m], walk.dist_m, values)
            column.append(np.r_[ends[0], values[within], ends[1]])
        columns[3].append(at - i0 * step)
        # A step the walk did not walk stays a jump; the step to the next run is one.
        inner = np.zeros(len(at) - 1, dtype=bool)
        if len(within) > 1:
            inner[1:-1] = walk.jump[within[:-1]]
        jumps += [inner, np.ones(1, dtype=bool)]
    lat, lon, ele, dist = (np.concatenate(c) for c in columns)
    points = Walked(lat, lon, ele, dist, np.concatenate(jumps)[:-1], (), walk.dropped)
    return Cut(i0, i1, hid, points)


def touches(result: RoutePlan, zones: Sequence[Zone], extra_m: float) -> bool:
    """Whether any zone takes anything from this route plan's shown walk."""
    if not zones:
        return False
    prof = result.profile
    where = cut(result.walked_points(), prof.step_m, len(prof.terrain), zones, extra_m, prof.lat_deg, prof.lon_deg)
    return where.first > 0 or where.end < len(prof.terrain) or bool(where.hidden.any())


def shared(result: RoutePlan, zones: Sequence[Zone], extra_m: float) -> RoutePlan:
    """The route plan as it may leave the account: trimmed of every zone (see the module). The stored route
    and ``result`` itself are untouched. :class:`PrivacyError` when no part of the route lies outside."""
    if not zones:
        return result
    prof, plan = result.profile, result.plan
    step = prof.step_m
    where = cut(result.walked_points(), step, len(prof.terrain), zones, extra_m, prof.lat_deg, prof.lon_deg)
    i0, i1, hid, shown = where.first, where.end, where.hidden, where.points
    if i0 == 0 and i1 == len(prof.terrain) and not hid.any():
        return result  # no zone near: the whole route, exactly as the walker's own file
    start_m = i0 * step
    segment = np.concatenate([[0], np.cumsum(shown.jump)]).astype(int)
    track = make_track(shown.lat_deg, shown.lon_deg, shown.ele_m, segment=segment)

    # The profile's samples shown; a hidden one in the middle keeps its ground (the profile stays whole) but not
    # its place: it stands where the last shown sample before it does, in no piece (not drawn on the map).
    lat, lon = prof.lat_deg[i0:i1].copy(), prof.lon_deg[i0:i1].copy()
    piece = prof.piece[i0:i1].copy()
    last = np.maximum.accumulate(np.where(~hid, np.arange(len(hid)), 0))
    lat, lon = lat[last], lon[last]
    piece[hid] = -1
    turns = prof.turns
    corners = tuple(Corner(c.at_m - start_m, c.angle_deg) for c in turns.corners
                    if i0 <= int(c.at_m // step) < i1 and not hid[int(c.at_m // step) - i0])
    new_turns = replace(turns, inner_lo=turns.inner_lo[i0:i1], inner_hi=turns.inner_hi[i0:i1],
                        edge_lo=turns.edge_lo[i0:i1 + 1], edge_hi=turns.edge_hi[i0:i1 + 1], corners=corners)
    new_prof = replace(prof, dist_m=prof.dist_m[i0:i1] - start_m, lat_deg=lat, lon_deg=lon,
                       raw_ele_m=prof.raw_ele_m[i0:i1], ele_m=prof.ele_m[i0:i1], grade_pct=prof.grade_pct[i0:i1],
                       fall_pct=prof.fall_pct[i0:i1], rise_pct=prof.rise_pct[i0:i1],
                       terrain=prof.terrain[i0:i1], turns=new_turns, piece=piece, track_m=(i1 - i0) * step)
    usable = result.usable[i0:i1] & ~hid

    # The bouts wholly in the shown part, nowhere hidden; their words made again on the shown profile, so every
    # distance they give counts from its start.
    bouts = tuple(Bout(b.start - i0, b.end - i0) for b in result.placement.bouts
                  if b.start >= i0 and b.end <= i1 and not hid[b.start - i0:b.end - i0].any())
    placement = Placement(bouts, sum(b.length for b in bouts), result.placement.uphill_samples)
    forward = next((s.speed_kmh for s in plan.segments if not s.backward and s.speed_kmh), None)
    backs = [s for s in plan.segments if s.backward and s.start_m is not None and s.end_m is not None]
    tau = (backs[0].duration_s / max(1, round((backs[0].end_m - backs[0].start_m) / step))  # type: ignore[operator]
           if backs else float(ROUTE_GRANULARITY_S))
    v_b = step / tau
    v_f = (forward / 3.6) if forward else v_b
    segments = routetext.segments(new_prof, placement, v_f, v_b, round(tau), plan.units)
    route = plan.route
    if route is not None:
        route = replace(route, distance_m=new_prof.length_m, ascent_m=_finite(new_prof.ascent_m),
                        descent_m=_finite(new_prof.descent_m), name="")
    new_plan = replace(plan, segments=segments, route=route, warnings=(_(SHARED_NOTE),))
    return replace(result, plan=new_plan, profile=new_prof, placement=placement, usable=usable, walk=track,
                   shown=shown)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0
