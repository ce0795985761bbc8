"""Terrain along a track: resampled by distance, elevation cleaned and smoothed, grade, sharp turns
(:mod:`~retrowalk.core.turns`), and a class per sample (uphill, flat, downhill, steep, unknown) by
DOMAIN.md:28-35.

The pipeline, and why:

1. **Clean** the file's elevations: all-zero or missing columns, and values outside −500 … 9,000 m (no walk
   goes there: a damaged file, or a device's "no value" written as a number), are *unknown* (DOMAIN.md:35);
   zero dropouts in a track hundreds of metres up, and spikes (a Hampel filter: more than 4 robust standard
   deviations from the local median) are removed; a step taller than 10 m and 5σ and steeper than 60 % between
   two readings (a barometer recalibrating, a bad fix) cuts the profile: grade is never measured across it.
2. **Resample** every ``step_m`` metres, so that windows are distances, not point counts.
3. **Estimate the noise** σ of the elevations from each reading's residual against its neighbours
   (1.4826·MAD, a robust standard deviation; GPS elevation: 3–10 m, a barometer: under 1 m).
4. **Smooth and grade over a window sized by the noise**: the grade's standard error over a window S is about
   σ·√(2/n)/S with n = S/10 m independent readings (GPS noise is correlated over ~10 m); S is the shortest
   window, at least DOMAIN.md's 30 m, that brings that error to 0.25 % of grade, capped at 400 m.
5. **Classify conservatively**: a sample is downhill when the grade's lower bound (estimate − 2 standard errors)
   is below −1 % (S3: anything that may go down is downhill); unknown where any of the window is unknown.
6. **Look closer, too**: a window long enough to tame the noise also averages a short climb and the descent after
   it into "flat". So the grade is measured again over windows of 1/√2, 1/2, … of it (down to 30 m), and
   wherever one of them *clearly* goes down (its upper bound, estimate + 2 standard errors at that window, is
   below −1 %), all the ground that window's grade draws on is downhill: the descent is somewhere in it. (Noise
   alone rarely clears that bar: level ground under GPS noise keeps its bouts, tests/core/test_placement.py.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from retrowalk.core.arrays import cumsum0, lead
from retrowalk.core.ground import Elevation, Terrain
from retrowalk.core.i18n import _, ngettext
from retrowalk.core.rules import DEFAULTS, Settings
from retrowalk.core.track import FloatArray, IntArray, Track, TrackError
from retrowalk.core.turns import Turns, find_turns
from retrowalk.core.walk import walked

ELEVATION_MIN_M = -500.0
ELEVATION_MAX_M = 9000.0
"""Elevations outside these (the Dead Sea shore is at −430 m, Everest at 8,849 m) are no walk's: unknown."""
ELEVATION_GAP_M = 250.0
"""Elevations further apart than this along the track are not interpolated (lost signal): unknown between."""
NOISE_CORRELATION_M = 10.0
"""GPS elevation errors are correlated over about this distance; readings closer than this are not independent."""
GRADE_SE_TARGET_PCT = 0.25
"""The smoothing window grows until the grade's standard error is this small (or the window reaches its cap)."""
WINDOW_MAX_M = 400.0
NOISE_FLOOR_M = 0.3
"""Below this, rounding to whole metres (σ = 1/√12 ≈ 0.29 m) dominates; no file is cleaner than that."""
CONFIDENCE_Z = 2.0
"""Standard errors between the grade estimate and the bound that decides downhill (one-sided 97.7 %)."""
CLOSER_RATIO = 2**0.5
"""Each shorter window is the last one over this: windows of 1/√2, 1/2, 1/(2√2), … of the long one, so that a
descent of any length between them is seen by a window close to its own length."""
JUMP_MIN_M = 10.0
JUMP_MIN_GRADE = 0.6
SPIKE_MIN_M = 5.0


class TooShortError(TrackError):
    """A walk too short to sample at all; :attr:`length_m` says how long it is."""

    def __init__(self, length_m: float) -> None:
        self.length_m = length_m
        super().__init__(_("this route is only %(length)s m long, too short to walk a plan on")
                         % {"length": f"{length_m:.0f}"})


@dataclass(frozen=True, eq=False)
class Profile:
    """Samples every ``step_m`` metres along a track; sample ``i`` stands for ``[i·step_m, (i+1)·step_m)``."""

    step_m: float
    dist_m: FloatArray
    lat_deg: FloatArray
    lon_deg: FloatArray
    raw_ele_m: FloatArray
    """Cleaned elevation before smoothing (NaN unknown): what the picture draws as the recording."""
    ele_m: FloatArray
    """Smoothed elevation (NaN unknown)."""
    grade_pct: FloatArray
    grade_se_pct: float
    """Standard error of the grade estimate (from the noise and the window)."""
    fall_pct: FloatArray
    """Per sample, the least upper bound of the grade over the shorter windows that cover it (+inf where none
    does): below −1 % means a descent the long window averages away is somewhere within reach (step 6)."""
    rise_pct: FloatArray
    """The same for climbs: the greatest lower bound (−inf where none), which walked the other way is a fall."""
    terrain: npt.NDArray[np.int8]
    """Each sample's :class:`Terrain`, as its :attr:`~Terrain.code`."""
    turns: Turns
    """Heading ranges on this profile's grid: where a bout would come near a sharp turn."""
    piece: IntArray
    """The file's segment of each sample; −1 in the straight jump between two segments."""
    noise_m: float
    window_m: float
    elevation: Elevation
    notes: tuple[str, ...]
    """What cleaning removed or could not use, for the plan's warnings."""
    track_m: float = 0.0
    """The whole track's walked length, of which the profile may cover only the first part (``max_m``)."""
    dropped: int = 0
    """Fixes the walk dropped as glitches (:attr:`~retrowalk.core.walk.Walked.dropped`)."""

    def reversed(self, settings: Settings = DEFAULTS) -> Profile:
        """The same ground walked the other way: grades change sign and the classes follow.

        Cheaper than profiling the reversed track, and the same up to where the first sample falls (under one
        step); used to tell a walker what the other direction would hold.
        """
        grade = -self.grade_pct[::-1]
        piece = self.piece[::-1].copy()
        fall, rise = -self.rise_pct[::-1], -self.fall_pct[::-1]
        return Profile(self.step_m, self.dist_m.copy(), self.lat_deg[::-1].copy(), self.lon_deg[::-1].copy(),
                       self.raw_ele_m[::-1].copy(), self.ele_m[::-1].copy(), grade, self.grade_se_pct, fall, rise,
                       classify(grade, self.grade_se_pct, fall, piece, settings), self.turns.reversed(self.length_m),
                       piece,
                       self.noise_m, self.window_m, self.elevation, self.notes, self.track_m, self.dropped)

    @property
    def trimmed(self) -> bool:
        """The profile covers only the first part of the track (``max_m``), not just all but its last part-step."""
        return self.track_m > self.length_m + 2 * self.step_m

    @property
    def length_m(self) -> float:
        return float(self.dist_m[-1] + self.step_m) if len(self.dist_m) else 0.0

    @property
    def ascent_m(self) -> float:
        d = np.diff(self.ele_m)
        return float(d[d > 0].sum())

    @property
    def descent_m(self) -> float:
        d = np.diff(self.ele_m)
        return float(np.abs(d[d < 0]).sum())  # not −sum: that is −0.0 on level ground, printed "-0 m"


def profile(track: Track, step: float, settings: Settings = DEFAULTS, max_m: float | None = None) -> Profile:
    """The terrain of ``track`` sampled every ``step`` metres, over at most its first ``max_m`` walked metres."""
    walk = walked(track)
    lat, lon, ele, dist, jump = walk.lat_deg, walk.lon_deg, walk.ele_m, walk.dist_m, walk.jump
    notes = list(walk.notes)
    track_m = float(dist[-1])
    if max_m is not None and dist[-1] > max_m:
        cut = int(np.searchsorted(dist, max_m, side="right"))
        lat, lon, ele, dist, jump = lat[:cut + 1], lon[:cut + 1], ele[:cut + 1], dist[:cut + 1], jump[:cut]
        if not jump[-1]:  # the walk ends between two points: at a point of its own, max_m along
            share = (max_m - dist[-2]) / (dist[-1] - dist[-2])
            d_lon = (lon[-1] - lon[-2] + 180.0) % 360.0 - 180.0  # the short way, also across ±180°
            lon = np.append(lon[:-1], (lon[-2] + share * d_lon + 180.0) % 360.0 - 180.0)
            lat, ele, dist = (np.append(a[:-1], a[-2] + share * (a[-1] - a[-2])) for a in (lat, ele, dist))
        else:  # the walk ends at a jump: it stops where the walking did
            lat, lon, ele, dist, jump = lat[:-1], lon[:-1], ele[:-1], dist[:-1], jump[:-1]
    if dist[-1] < 10 * step:
        raise TooShortError(float(dist[-1]))

    n = int(dist[-1] // step)
    s_dist: FloatArray = np.arange(n, dtype=np.float64) * step
    s_lat = np.interp(s_dist, dist, lat)
    s_lon = np.interp(s_dist, dist, lon)
    piece = np.searchsorted(dist[1:][jump], s_dist, side="right").astype(np.int64)
    at_jump = np.zeros(n, dtype=bool)
    at_jump[np.minimum((dist[1:][jump] // step).astype(np.int64), n - 1)] = True
    piece[at_jump] = -1

    if walk.gap is not None:
        # The ground between two file segments is walked but not held by the file: unknown, and no grade is
        # measured into or across it (its elevation is not interpolated either).
        for i in np.flatnonzero(walk.gap[:len(dist) - 1]):
            piece[(s_dist >= dist[i]) & (s_dist < dist[i + 1])] = -1
        at_jump |= piece == -1
    ele_clean, clean_notes, cuts, noise = _clean(ele, dist)
    notes += clean_notes
    raw = _resample_ele(ele_clean, dist, s_dist, cuts, at_jump)
    elevation = Elevation.RECORDED if np.isfinite(raw).any() else Elevation.UNKNOWN
    window = _window_m(noise, step, settings)
    h = max(1, round(window / (2 * step)))
    smooth = _boxcar(raw, 2 * h + 1)
    grade = np.full(n, np.nan)
    if n > 2 * h:
        grade[h:n - h] = (smooth[2 * h:] - smooth[:n - 2 * h]) / (2 * h * step) * 100.0
    se = _grade_se_pct(noise, 2 * h * step, step)
    fall, rise = _closer(raw, noise, step, h, settings)
    return Profile(step, s_dist, s_lat, s_lon, raw, smooth, grade, se, fall, rise,
                   classify(grade, se, fall, piece, settings), find_turns(walk, step, n, settings), piece, noise,
                   2 * h * step, elevation, tuple(notes), track_m, walk.dropped)


def _closer(raw: FloatArray, noise: float, step: float, h: int, settings: Settings) -> tuple[FloatArray, FloatArray]:
    """Step 6: the grade's bounds over windows of a half, a quarter, … of the long one (2·h samples), each spread
    over the samples its window covers. (Profile.fall_pct, Profile.rise_pct.)"""
    n = len(raw)
    fall, rise = np.full(n, np.inf), np.full(n, -np.inf)
    ks = sorted({round(h / CLOSER_RATIO**j) for j in range(1, 12)} - {0}, reverse=True)
    for k in ks:
        if 2 * k * step < settings.grade_window_m or n <= 2 * k or k >= h:
            continue
        smooth = _boxcar(raw, 2 * k + 1)
        grade = np.full(n, np.nan)
        grade[k:n - k] = (smooth[2 * k:] - smooth[:n - 2 * k]) / (2 * k * step) * 100.0
        margin = CONFIDENCE_Z * _grade_se_pct(noise, 2 * k * step, step)
        known = np.isfinite(grade)
        # The grade at i is the difference of two means centred k either side, each k wide: it draws on the
        # ground from i − 2k to i + 2k, so its bound reaches all of that (a sliding min, or max, of width 4k+1).
        upper = np.pad(np.where(known, grade + margin, np.inf), 2 * k, constant_values=np.inf)
        lower = np.pad(np.where(known, grade - margin, -np.inf), 2 * k, constant_values=-np.inf)
        fall = np.minimum(fall, sliding_window_view(upper, 4 * k + 1).min(axis=1))
        rise = np.maximum(rise, sliding_window_view(lower, 4 * k + 1).max(axis=1))
    return fall, rise


def classify(grade: FloatArray, se_pct: float, fall: FloatArray | None, piece: IntArray,
             settings: Settings) -> npt.NDArray[np.int8]:
    """DOMAIN.md:28-35 on the estimate and its lower bound: downhill whenever the ground may go down, over the long
    window or clearly over a shorter one (``fall``, step 6; None: the long window's classes alone)."""
    if fall is None:
        fall = np.full(len(grade), np.inf)
    low = grade - CONFIDENCE_Z * se_pct
    terrain = np.full(len(grade), Terrain.UNKNOWN.code, dtype=np.int8)
    known = np.isfinite(grade) & (piece >= 0)
    terrain[known & ((low < settings.flat_min_grade_pct) | (fall < settings.flat_min_grade_pct))] = \
        Terrain.DOWNHILL.code
    rest = known & (low >= settings.flat_min_grade_pct) & (fall >= settings.flat_min_grade_pct)
    terrain[rest] = Terrain.FLAT.code
    terrain[rest & (grade >= settings.uphill_min_grade_pct)] = Terrain.UPHILL.code
    terrain[rest & (grade > settings.steep_min_grade_pct)] = Terrain.STEEP.code
    return terrain


def _clean(ele: FloatArray, dist: FloatArray) -> tuple[FloatArray, list[str], list[tuple[float, float]], float]:
    """Elevations with the implausible removed (NaN), notes on what was removed, the jumps to cut at, and the
    noise σ of what is left."""
    ele = ele.copy()
    notes: list[str] = []
    valid = np.isfinite(ele)
    if not valid.any():
        notes.append(_("The file has no elevation: uphill, flat and downhill are unknown."))
        return ele, notes, [], NOISE_FLOOR_M
    outside = valid & ((ele < ELEVATION_MIN_M) | (ele > ELEVATION_MAX_M))
    if outside.any():
        # No walk goes there: a damaged file, or a device writing its "no value" as a number.
        bounds = f"{ELEVATION_MIN_M:,.0f} … {ELEVATION_MAX_M:,.0f} m".replace("-", "−")
        if outside.sum() == valid.sum():
            notes.append(_("Every elevation in the file is outside %(bounds)s, where no walk goes: the terrain is "
                           "unknown.") % {"bounds": bounds})
            return np.full_like(ele, np.nan), notes, [], NOISE_FLOOR_M
        ignored = int(outside.sum())
        notes.append(ngettext("%(n)d elevations outside %(bounds)s, where no walk goes, were ignored.",
                              "%(n)d elevations outside %(bounds)s, where no walk goes, were ignored.", ignored)
                     % {"n": ignored, "bounds": bounds})
        ele[outside] = np.nan
        valid &= ~outside
    if np.all(ele[valid] == 0):
        notes.append(_("Every elevation in the file is zero (a device without altitude): the terrain is unknown."))
        return np.full_like(ele, np.nan), notes, [], NOISE_FLOOR_M
    if np.median(np.abs(ele[valid])) > 20:
        zeros = valid & (ele == 0)
        if zeros.any():
            ele[zeros] = np.nan
            dropped = int(zeros.sum())
            notes.append(ngettext("%(n)d elevations of exactly 0 m in a route far above sea level were dropped as "
                                  "recording gaps.",
                                  "%(n)d elevations of exactly 0 m in a route far above sea level were dropped as "
                                  "recording gaps.", dropped) % {"n": dropped})
    ele = _despike(ele)
    valid = np.isfinite(ele)
    noise = _noise_m(dist[valid], ele[valid]) if valid.sum() >= 2 else NOISE_FLOOR_M
    cuts = _jumps(ele, dist, noise)
    if cuts:
        notes.append(ngettext("The elevation jumps implausibly %(n)d time(s) (a barometer recalibrating or a bad "
                              "fix); grade is not measured across a jump.",
                              "The elevation jumps implausibly %(n)d time(s) (a barometer recalibrating or a bad "
                              "fix); grade is not measured across a jump.", len(cuts)) % {"n": len(cuts)})
    return ele, notes, cuts, noise


def _despike(ele: FloatArray, half: int = 5) -> FloatArray:
    """Hampel filter over the valid values: a value far from its neighbours' median is a spike, not terrain."""
    valid = np.flatnonzero(np.isfinite(ele))
    if len(valid) < 2 * half + 1:
        return ele
    z = ele[valid]
    padded = np.pad(z, half, mode="edge")
    windows = sliding_window_view(padded, 2 * half + 1)
    # The median of an odd window is its middle order statistic: one partition, not np.median's general path.
    med = np.partition(windows, half, axis=1)[:, half]
    mad = np.partition(np.abs(windows - med[:, None]), half, axis=1)[:, half]
    spikes = np.abs(z - med) > np.maximum(4 * 1.4826 * mad, SPIKE_MIN_M)
    out = ele.copy()
    out[valid[spikes]] = np.nan
    return out


def _jumps(ele: FloatArray, dist: FloatArray, noise: float) -> list[tuple[float, float]]:
    """Steps too tall and too steep for both terrain and the recording's own noise (5σ): level shifts."""
    valid = np.flatnonzero(np.isfinite(ele))
    if len(valid) < 2:
        return []
    dz = np.abs(np.diff(ele[valid]))
    dd = np.diff(dist[valid])
    bad = np.flatnonzero((dz > max(JUMP_MIN_M, 5 * noise)) & (dz > JUMP_MIN_GRADE * np.maximum(dd, 1.0)))
    return [(float(dist[valid[i]]), float(dist[valid[i + 1]])) for i in bad]


def _resample_ele(ele: FloatArray, dist: FloatArray, s_dist: FloatArray, cuts: list[tuple[float, float]],
                  at_jump: npt.NDArray[np.bool_]) -> FloatArray:
    """Elevation at each sample (NaN where unknown)."""
    valid = np.isfinite(ele)
    if valid.sum() < 2:
        return np.full(len(s_dist), np.nan)
    vd, vz = dist[valid], ele[valid]
    out = np.interp(s_dist, vd, vz)
    # Unknown outside the recorded stretch, across long gaps, across jumps and between file segments.
    i = np.searchsorted(vd, s_dist, side="right")
    gap = np.where((i > 0) & (i < len(vd)), vd[np.clip(i, 0, len(vd) - 1)] - vd[np.clip(i - 1, 0, len(vd) - 1)],
                   np.inf)
    out[gap > ELEVATION_GAP_M] = np.nan
    step = s_dist[1] - s_dist[0] if len(s_dist) > 1 else 1.0
    for a, b in cuts:
        # The samples either side too: a jump between two samples must still cut the smoothing and the grade.
        out[(s_dist >= a - step) & (s_dist <= b + step)] = np.nan
    out[at_jump] = np.nan
    return out


def _noise_m(vd: FloatArray, vz: FloatArray) -> float:
    """σ of the elevation noise: residuals of each reading against the line through its two neighbours,
    after thinning to one reading per NOISE_CORRELATION_M so that neighbours are independent. Real terrain
    curvature adds to the residuals, which errs on the side of a larger σ: longer windows, more caution."""
    keep = lead(True, np.diff(np.floor(vd / NOISE_CORRELATION_M)) > 0)
    vd, vz = vd[keep], vz[keep]
    if len(vd) < 5:
        return NOISE_FLOOR_M
    d1 = np.diff(vd)
    w = d1[:-1] / (d1[:-1] + d1[1:])
    predicted = vz[:-2] + w * (vz[2:] - vz[:-2])
    # For independent noise, var(z_i − prediction) = σ²(1 + (1 − w)² + w²).
    r = (vz[1:-1] - predicted) / np.sqrt(1.0 + (1.0 - w) ** 2 + w**2)
    r = r[(d1[:-1] < ELEVATION_GAP_M) & (d1[1:] < ELEVATION_GAP_M)]
    if len(r) < 3:
        return NOISE_FLOOR_M
    return max(NOISE_FLOOR_M, float(1.4826 * np.median(np.abs(r - np.median(r)))))


def _grade_se_pct(noise_m: float, window_m: float, step: float) -> float:
    independent = max(1.0, window_m / max(NOISE_CORRELATION_M, step))
    return float(noise_m * np.sqrt(2.0 / independent) / window_m * 100.0)


def _window_m(noise_m: float, step: float, settings: Settings) -> float:
    """The shortest window ≥ DOMAIN.md's 30 m whose grade error is within the target (solved in closed form)."""
    c = max(NOISE_CORRELATION_M, step)
    window = (noise_m * np.sqrt(2.0 * c) / (GRADE_SE_TARGET_PCT / 100.0)) ** (2.0 / 3.0)
    return float(np.clip(window, settings.grade_window_m, WINDOW_MAX_M))


def _boxcar(values: FloatArray, width: int) -> FloatArray:
    """Centred moving average; NaN wherever the window reaches an unknown value or past either end."""
    n = len(values)
    out = np.full(n, np.nan)
    if n < width:
        return out
    finite = np.isfinite(values)
    csum = cumsum0(np.where(finite, values, 0.0), np.float64)
    ccount = cumsum0(finite)
    sums = csum[width:] - csum[:-width]
    counts = ccount[width:] - ccount[:-width]
    half = width // 2
    out[half:n - half] = np.where(counts == width, sums / width, np.nan)
    return out
