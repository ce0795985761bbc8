"""Sharp turns: where along a walk the heading changes, so that no backward bout holds or comes near a corner.

DOMAIN.md:31-34: no heading change over 45° within a bout, and at least 10 m of straight ground between a bout's
start or end and a sharp turn (a walker facing backward cannot see the corner coming). Here that is one test: over
the bout and 10 m either side, the heading may not range over more than 45°.

How the heading is measured, and why it can be trusted at a bout's edge:

* The heading at distance ``x`` is the direction of the chord from ``x − L`` to ``x + L`` along the recorded
  points (``L``, the half-chord, is 5–7 m on a clean track and longer on a jittery one, below). On a straight leg
  at least ``2L`` long the chord is the leg itself; on a bend of constant curvature it is the tangent's direction,
  so the range of chord headings over a stretch is the range of the path's own heading there.
* A single chord centred on a corner reads half its angle: that is what let bouts end a few metres from corners
  before (a 20 m chord, read at the bout's ends only). So corners are found on their own: a reading is a corner
  when the chords centred within ``L + g/2`` of it range over more than the limit, ``g`` being how far a turn can
  be smeared between two fixes (the recording's longer steps, up to 15 m). Such a window holds a chord wholly
  before the turn and one wholly after it, so it sees the turn's full angle even where the turn fell between two
  fixes and even at the very edge of a bout's clearance.
* A bout is allowed where no corner lies within 10 m of it and the chords centred on ``[start − 10 m − L,
  end + 10 m + L]`` range over no more than the limit (which catches bends that turn gradually). The chords
  reach a half-chord past the clearance so that a turn at its very edge is read whole, not half of it.
* Noise: each reading's sideways residual against the line through its neighbours gives the position jitter σ
  (a robust standard deviation, as for elevation in :mod:`~retrowalk.core.terrain`; only fixes under 6 m apart,
  since further apart the residual is the path's own curve). A chord's heading errs by about ``√2·σ / 2L``
  radians; ``L`` grows (to 15 m at most) until that is 2.5°. A turn is the difference of two chords, so the limit
  is 45° less three times √2 of those errors, and 5° less again for the slow wander of a GPS fix (metres over a
  minute), which bends a recorded path as a real bend would and which no estimate can tell apart. Watches record
  σ of 0.1–0.6 m (``shared/data/real``): limits of 29–38°.

Stated resolution: a turn over 45° is found wherever the legs either side of it are at least ``2L`` long (10–13 m
on a clean track) and the fix wanders by at most 4 % across a chord; zigzags finer than that are averaged, as GPS
itself averages them. The property test (tests/core/test_turns.py) draws grids, switchbacks, zigzags and random
corners with such noise and judges every bout on the true path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from retrowalk.core.arrays import cumsum0, lead
from retrowalk.core.geo import EARTH_RADIUS_M
from retrowalk.core.rules import DEFAULTS, Settings
from retrowalk.core.track import FloatArray
from retrowalk.core.walk import Walked

FINE_M = 3.4
"""Headings are read at least this often (an exact fraction of the profile's step, so samples hold whole numbers
of readings: two per 6.7 m sample); windows are rounded outward to it, never inward."""
HALF_CHORD_MIN_M = 5.0
HALF_CHORD_MAX_M = 15.0
HEADING_SE_TARGET_DEG = 2.5
"""The half-chord grows with the position jitter until one chord's heading errs by about this much (one σ)."""
MARGIN_Z = 3.0
"""A turn is the difference of two chords' headings, so its error is √2 chords' errors; the 45° limit is lowered by
this many of those, so that a turn just over 45° is not read as one under it."""
DRIFT_DEG = 5.0
"""And by this much for what no estimate can see: a GPS position wanders by metres over a minute, which bends the
recorded path by up to 4 % across a chord (2.3° a chord, twice that on a turn). A real bend and a wandering fix
look the same in the data."""
JITTER_FLOOR_M = 0.05
JITTER_ASSUMED_M = 0.5
"""The jitter of a typical fix, for tracks too sparse to measure it on (watches record 0.1–0.6 m)."""
NOISE_SPACING_M = 2.0
"""Readings closer than this are thinned before estimating the jitter: 1 Hz fixes a metre apart share their error."""
NOISE_GAP_MAX_M = 6.0
SMEAR_MAX_M = 15.0
SMOOTH_M = 6.0
"""Fixes within this much track of each other are averaged before chords are drawn: a metre-apart 1 Hz walk
averages five, and its chords' headings err half as much."""
NOISE_MIN_READINGS = 30
NOISE_READINGS = 2000
MAX_MARKED = 60
"""At most this many turns are marked on pictures and in files (a city walk can have hundreds)."""


@dataclass(frozen=True, slots=True)
class Corner:
    at_m: float
    """Metres along the walk."""
    angle_deg: float
    """How far the heading turns, 0–180°."""


@dataclass(frozen=True, eq=False)
class Turns:
    """Heading ranges on a profile's grid, enough to decide any bout in O(1) (:mod:`~retrowalk.core.placement`).

    Headings are unwrapped degrees: a turn shows as a change, never as a jump from 359° to 0°.
    """

    inner_lo: FloatArray
    """``inner_lo[i]``: the least heading read within sample ``i``'s metres; ``inner_hi`` the greatest."""
    inner_hi: FloatArray
    edge_lo: FloatArray
    """``edge_lo[j]`` (``j = 0..n``): the least heading within ``reach_m`` of the boundary ``j·step``."""
    edge_hi: FloatArray
    limit_deg: float
    """The widest range of headings a bout (with its clearance) may hold: 45° less the noise margin."""
    reach_m: float
    """The clearance plus the half-chord: how far around a bout headings are read."""
    half_chord_m: float
    jitter_m: float
    corners: tuple[Corner, ...]
    """The sharp turns (over 45°) along the profile, for pictures and files."""

    def range_deg(self, start: int, end: int) -> float:
        """The heading range a bout over samples ``start..end - 1`` and its clearance would hold."""
        hi = max(float(self.inner_hi[start:end].max()), float(self.edge_hi[start]), float(self.edge_hi[end]))
        lo = min(float(self.inner_lo[start:end].min()), float(self.edge_lo[start]), float(self.edge_lo[end]))
        return hi - lo

    def reversed(self, length_m: float) -> Turns:
        """The same turns seen walking the other way (the grid mirrored; a profile of ``length_m``)."""
        return Turns(-self.inner_hi[::-1], -self.inner_lo[::-1], -self.edge_hi[::-1], -self.edge_lo[::-1],
                     self.limit_deg, self.reach_m, self.half_chord_m, self.jitter_m,
                     tuple(Corner(length_m - c.at_m, c.angle_deg) for c in reversed(self.corners)))


def find_turns(walk: Walked, step: float, n: int, settings: Settings = DEFAULTS) -> Turns:
    """Heading ranges for a profile of ``n`` samples of ``step`` metres over ``walk``."""
    east, north = _plane(walk)
    dist = walk.dist_m
    jitter = _jitter_m(dist, east, north)
    # Positions averaged over SMOOTH_M of the track: the jitter left at a chord's end falls with the fixes
    # averaged there (one, on a sparse track). A turn is then smeared by half that much more.
    east, north, averaged = _smoothed(dist, east, north)
    left = jitter / math.sqrt(averaged)
    per_step = max(1, math.ceil(step / FINE_M))
    fine = step / per_step
    k = max(1, round(_half_chord_m(left) / fine))  # the half-chord in readings, so chords are index shifts
    half = k * fine
    se_deg = math.degrees(math.sqrt(2.0) * left / (2.0 * half))
    limit = settings.sharp_turn_deg - DRIFT_DEG - MARGIN_Z * math.sqrt(2.0) * se_deg
    c = math.ceil(settings.turn_clearance_m / fine - 1e-9)  # the clearance in readings, rounded outward
    g = math.ceil((_smear_m(dist) + (SMOOTH_M if averaged > 1 else 0.0)) / (2.0 * fine) - 1e-9)
    # A bout's edge reads chords centred up to e = c + k readings past it: the outermost is wholly beyond the
    # clearance, so a turn anywhere in the clearance, even at its far edge, is read at its full angle.
    e = c + k
    # Headings from e + k + g readings before the first boundary to as many past the last; readings beyond the
    # walk's ends take the end's heading.
    reach = e + k + g
    at: FloatArray = np.arange(-reach, n * per_step + reach + 1, dtype=np.float64) * fine
    heading = _headings(at, dist, east, north, k)
    # A reading is a corner when the chords centred within L + g/2 of it range over more than the limit: then it
    # has a chord wholly before the turn and one wholly after it, even where the turn fell between two fixes.
    # Nothing may come within the clearance of a corner.
    width = 2 * (k + g) + 1
    spread = _sliding(heading, width, np.maximum) - _sliding(heading, width, np.minimum)
    centre, spread = heading[k + g:len(heading) - k - g], spread[k + g:len(spread) - k - g]
    corner = spread > limit
    hi = np.where(corner, np.inf, centre)
    lo = np.where(corner, -np.inf, centre)
    # Within each sample, and within e readings of each boundary: strided slices, one per offset.
    inner_hi = _strided(hi, np.maximum, range(e, e + per_step), per_step, n)
    inner_lo = _strided(lo, np.minimum, range(e, e + per_step), per_step, n)
    edge_hi = _strided(hi, np.maximum, range(2 * e + 1), per_step, n + 1)
    edge_lo = _strided(lo, np.minimum, range(2 * e + 1), per_step, n + 1)
    corners = _corners(spread, at[k + g:len(at) - k - g], settings.sharp_turn_deg, n * step)
    return Turns(inner_lo, inner_hi, edge_lo, edge_hi, limit, e * fine, half, jitter, corners)


def _headings(at: FloatArray, dist: FloatArray, east: FloatArray, north: FloatArray, k: int) -> FloatArray:
    """Unwrapped heading of the chord from ``k`` readings before to ``k`` after each reading ``at``."""
    x = np.clip(at, 0.0, dist[-1])
    e = np.interp(x, dist, east)
    nn = np.interp(x, dist, north)
    e = np.concatenate((np.full(k, e[0]), e, np.full(k, e[-1])))
    nn = np.concatenate((np.full(k, nn[0]), nn, np.full(k, nn[-1])))
    raw = np.degrees(np.arctan2(e[2 * k:] - e[:-2 * k], nn[2 * k:] - nn[:-2 * k]))
    # A chord beyond the walk's ends has no length and says nothing: such readings take the end's heading.
    first, last = np.searchsorted(at, [0.0, dist[-1]], side="right")
    first, last = max(int(first) - 1, 0), max(int(last) - 1, 0)
    raw[:first], raw[last + 1:] = raw[first], raw[last]
    # Unwrapped: each change taken as the turn of less than 180° (np.unwrap's rule, without a float modulo).
    turn = np.diff(raw)
    turn -= 360.0 * (turn > 180.0)
    turn += 360.0 * (turn < -180.0)
    out: FloatArray = np.empty_like(raw)
    out[0] = raw[0]
    np.cumsum(turn, out=out[1:])
    out[1:] += raw[0]
    return out


def _smoothed(dist: FloatArray, east: FloatArray, north: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    """Each fix's position averaged with the fixes within SMOOTH_M/2 of it along the track (running sums), and
    how many fixes that averages, typically (at least one)."""
    sum_e, sum_n = cumsum0(east, np.float64), cumsum0(north, np.float64)
    lo = np.searchsorted(dist, dist - SMOOTH_M / 2, side="left")
    hi = np.searchsorted(dist, dist + SMOOTH_M / 2, side="right")
    count = hi - lo
    averaged = float(np.median(count)) if len(count) else 1.0
    return (sum_e[hi] - sum_e[lo]) / count, (sum_n[hi] - sum_n[lo]) / count, max(averaged, 1.0)


def _plane(walk: Walked) -> tuple[FloatArray, FloatArray]:
    """East and north metres along the walk, step by step on the local plane (any latitude, across ±180°)."""
    lat, lon = walk.lat_deg, walk.lon_deg
    k = math.pi / 180.0 * EARTH_RADIUS_M
    d_lon = (np.diff(lon) + 180.0) % 360.0 - 180.0
    d_east = d_lon * np.cos(np.radians((lat[1:] + lat[:-1]) / 2.0)) * k
    d_north = np.diff(lat) * k
    return cumsum0(d_east, np.float64), cumsum0(d_north, np.float64)


def _jitter_m(dist: FloatArray, east: FloatArray, north: FloatArray) -> float:
    """σ of the positions' sideways jitter: each reading against the chord of its neighbours (1.4826·MAD).

    Readings are thinned to one per NOISE_SPACING_M first, and only neighbours closer than NOISE_GAP_MAX_M are
    used: further apart, the residual measures the path's own curves, not the receiver. A track with too few such
    readings (a route drawn on a map, a watch recording every 10–20 m) is taken to jitter as a typical fix does."""
    keep = lead(True, np.diff(np.floor(dist / NOISE_SPACING_M)) > 0)
    d, e, n = dist[keep], east[keep], north[keep]
    if len(d) > 3 * NOISE_READINGS:  # a few thousand residuals pin a median down; runs of three stay together
        every = len(d) // NOISE_READINGS
        take = (np.arange(NOISE_READINGS)[:, None] * every + np.arange(3)).ravel()
        d, e, n = d[take], e[take], n[take]
    if len(e) < 5:
        return JITTER_ASSUMED_M
    ce, cn = e[2:] - e[:-2], n[2:] - n[:-2]
    chord = np.hypot(ce, cn)
    gaps = np.diff(d)
    ok = (chord > 0.5) & (gaps[:-1] <= NOISE_GAP_MAX_M) & (gaps[1:] <= NOISE_GAP_MAX_M)
    if ok.sum() < NOISE_MIN_READINGS:
        return JITTER_ASSUMED_M
    me, mn = (e[2:] + e[:-2]) / 2.0, (n[2:] + n[:-2]) / 2.0
    side = ((e[1:-1] - me) * cn - (n[1:-1] - mn) * ce)[ok] / chord[ok]
    # For independent jitter, the residual against the neighbours' midpoint has σ·√(1 + 1/2).
    sigma = 1.4826 * _median(np.abs(side - _median(side))) / math.sqrt(1.5)
    return max(JITTER_FLOOR_M, sigma)


def _median(values: FloatArray) -> float:
    """The middle value (the upper middle for an even count): one partition, not np.median's general path."""
    mid = len(values) // 2
    return float(np.partition(values, mid)[mid])


def _half_chord_m(jitter_m: float) -> float:
    needed = math.sqrt(2.0) * jitter_m / (2.0 * math.radians(HEADING_SE_TARGET_DEG))
    return float(np.clip(needed, HALF_CHORD_MIN_M, HALF_CHORD_MAX_M))


def _strided(values: FloatArray, op: np.ufunc, offsets: range, stride: int, count: int) -> FloatArray:
    """``op`` over ``values[o + stride·j]`` for each ``o`` in ``offsets``: one result for each of ``count`` ``j``."""
    out: FloatArray = values[offsets[0]::stride][:count].copy()
    for o in offsets[1:]:
        op(out, values[o::stride][:count], out=out)
    return out


def _sliding(values: FloatArray, width: int, op: np.ufunc) -> FloatArray:
    """``op`` (maximum or minimum) over each window of ``width`` values centred on each value (van Herk /
    Gil–Werman: two running passes per block of ``width``, so the cost does not grow with the width)."""
    n = len(values)
    half = width // 2
    fill = -np.inf if op is np.maximum else np.inf
    padded = np.concatenate((np.full(half, fill), values, np.full(half + (-(n + 2 * half)) % width, fill)))
    blocks = padded.reshape(-1, width)
    forward = op.accumulate(blocks, axis=1).ravel()
    backward = op.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    # The window [i, i + width) spans at most two blocks: the tail of one (backward) and the head of the next.
    out: FloatArray = op(backward[:n], forward[width - 1:width - 1 + n])
    return out


def _corners(spread: FloatArray, where: FloatArray, sharp_deg: float, length_m: float) -> tuple[Corner, ...]:
    """One corner for each run of readings whose chords range over more than ``sharp_deg``: at the run's middle,
    with the widest range in it."""
    sharp = (spread > sharp_deg) & (where >= 0) & (where <= length_m)
    if not sharp.any():
        return ()
    edges = np.flatnonzero(np.diff(np.r_[False, sharp, False].astype(np.int8)))
    return tuple(Corner(float(where[(a + b - 1) // 2]), float(min(spread[a:b].max(), 180.0)))
                 for a, b in zip(edges[::2], edges[1::2], strict=True))


def _smear_m(dist: FloatArray) -> float:
    """How far a turn may be smeared between two fixes: the longer steps of the recording (its 90th percentile),
    at most SMEAR_MAX_M (beyond that the points are a drawn route's corners, not samples of a path)."""
    steps = np.diff(dist)
    steps = steps[steps > 0]
    return float(min(np.percentile(steps, 90), SMEAR_MAX_M)) if len(steps) else 0.0
