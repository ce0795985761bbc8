"""A track's points as walked: what counts as "metres from the start" for profiles, plans and exports.

Points without a fix and repeats are dropped; steps that were not walked (a gap between file segments, a fix
re-acquired far away) add no distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrowalk.core.arrays import cumsum0, lead
from retrowalk.core.geo import haversine_m, step_m
from retrowalk.core.i18n import _, ngettext
from retrowalk.core.track import FloatArray, Track, TrackError

JOIN_M = 50.0
"""Two file segments closer than this are one walk paused and resumed; further apart (up to TELEPORT_M), a gap:
walked, but on ground the file does not hold."""
TELEPORT_M = 5000.0
"""A step longer than this is a fix re-acquired far away (or a drive), never walked, clock or no clock."""
PLAUSIBLE_SPEED_MS = 15.0
"""54 km/h: faster than anyone walks, runs or rides for long. A fix that would mean moving faster from the one
before it, by more than GPS_SLACK_M, is a glitch (or a damaged file), not a place the walker went."""
GPS_SLACK_M = 50.0
"""What a fix may be off by without being a glitch: a second of 54 km/h plus a poor fix's error."""
GLITCH_MAX_FIXES = 5
GLITCH_MAX_S = 120.0
"""A glitch is at most this many fixes that leave the track and come back to it, and the way back is judged on
at most two minutes of travel (a clock gone wild cannot make a fix 3,000 km away "within reach"); longer away is a
jump."""
PIECE_MIN_FIXES = 3
"""A piece of track between two jumps with fewer fixes than this was not walked: a stray fix, dropped."""


@dataclass(frozen=True, eq=False)
class Walked:
    """A track's points as walked: no-fix points and repeats dropped, distance along it without the jumps."""

    lat_deg: FloatArray
    lon_deg: FloatArray
    ele_m: FloatArray
    dist_m: FloatArray
    """Walked metres from the start to each point; a jump adds none."""
    jump: npt.NDArray[np.bool_]
    """``jump[i]``: the step from point ``i`` to ``i + 1`` was not walked (a gap between segments, a lost fix)."""
    notes: tuple[str, ...]
    dropped: int = 0
    """Fixes dropped as glitches: ones that would mean moving faster than PLAUSIBLE_SPEED_MS."""
    gap: npt.NDArray[np.bool_] | None = None
    """``gap[i]``: the step from point ``i`` to ``i + 1`` joins two file segments: walked (its metres count, as
    the walker and her watch cover them) as a straight line over ground the file does not hold. None: no gap."""


def walked(track: Track) -> Walked:
    """The points of ``track`` that a walk went through, and the distance along them: the one measure of
    "metres from the start" that profiles, plans and exported waypoints share."""
    lat, lon, ele, seg, time = track.lat_deg, track.lon_deg, track.ele_m, track.segment, track.time_s
    notes: list[str] = []
    null = (np.abs(lat) < 1e-9) & (np.abs(lon) < 1e-9)
    if null.any():  # "null island": a device writing 0, 0 before it has a fix
        left_out = int(null.sum())
        # The English says "points … were" for one too, as it always has; the plural forms are the translator's.
        notes.append(ngettext("%(n)d points at latitude 0, longitude 0 (no GPS fix yet) were left out.",
                              "%(n)d points at latitude 0, longitude 0 (no GPS fix yet) were left out.", left_out)
                     % {"n": left_out})
        lat, lon, ele, seg, time = lat[~null], lon[~null], ele[~null], seg[~null], time[~null]
    if len(lat) < 2:
        raise TrackError(_("the route has fewer than two points with a position"))
    steps = step_m(lat, lon)
    keep = lead(True, steps > 0.01)  # a point recorded twice in one place adds nothing
    if not keep.all():
        lat, lon, ele, seg, time = lat[keep], lon[keep], ele[keep], seg[keep], time[keep]
        # Measured again, not summed: ten minutes of sub-centimetre jitter standing still would add metres.
        steps = step_m(lat, lon)
    glitches = _glitches(lat, lon, time := _clock(time), steps)
    far = steps > TELEPORT_M
    # Not walked: a step longer than TELEPORT_M (two file segments that far apart too), or a step no one could
    # have made in its time that no later fix comes back from (a fix re-acquired far away, a drive). Such a step
    # adds no distance and grade is never measured across it. Two segments nearer are a gap (Walked.gap).
    jump = far.copy()
    drop = np.zeros(len(lat), dtype=bool)
    if glitches is not None:
        drop, fast = glitches
        jump |= fast
        far |= fast
    if far.any():
        # A piece cut off by such jumps and too short to be walked is a stray fix: dropped with the glitches.
        starts = np.flatnonzero(lead(True, far))
        sizes = np.diff(np.append(starts, len(lat)))
        left = len(lat)
        for start, size in zip(starts, sizes, strict=True):
            if size < PIECE_MIN_FIXES and left - size >= 2:  # never the whole walk: its last piece stays
                drop[start:start + size] = True
                left -= size
    if drop.any():
        keep = ~drop
        lat, lon, ele, seg, time = lat[keep], lon[keep], ele[keep], seg[keep], time[keep]
        steps = step_m(lat, lon)
        again = _glitches(lat, lon, time, steps)
        jump = steps > TELEPORT_M
        if again is not None:
            jump |= again[1]
    gap = (seg[1:] != seg[:-1]) & (steps > JOIN_M) & ~jump
    if gap.any():
        gaps = int(gap.sum())
        notes.append(ngettext("The file leaves a gap of %(m)s m between two of its segments: walked as a straight "
                              "line over unknown ground, never with a backward bout.",
                              "The file leaves %(n)d gaps (%(m)s m in all) between its segments: each walked as a "
                              "straight line over unknown ground, never with a backward bout.", gaps)
                     % {"n": gaps, "m": f"{steps[gap].sum():,.0f}"})
    dist = cumsum0(np.where(jump, 0.0, steps), np.float64)
    return Walked(lat, lon, ele, dist, jump, tuple(notes), int(drop.sum()), gap if gap.any() else None)


def _clock(time: FloatArray) -> FloatArray:
    """The times to judge speed by. A walk planned the other way has its clock running back: it is turned round.
    A few fixes (at most GLITCH_MAX_FIXES in a row) whose times are missing or out of order with the fixes either
    side, as a zeroed or garbled timestamp in a damaged file is, get times between their neighbours', so the steps
    to and from them are judged like any other. A clock that really goes back (two recordings joined) or a long
    stretch without one is left as it is: its steps are judged by TELEPORT_M alone."""
    t = np.asarray(time, dtype=np.float64)
    finite = np.isfinite(t)
    if np.count_nonzero(finite) < 2:
        return t
    if np.median(np.diff(t[finite])) < 0:
        t = -t
    if finite.all() and (np.diff(t) >= 0).all():  # nearly every file: nothing to mend
        return t
    t = t.copy()
    n = len(t)
    for i in map(int, np.flatnonzero(np.diff(t) < 0)):  # the clock steps back from fix i to i + 1
        if not (np.isfinite(t[i]) and np.isfinite(t[i + 1])) or t[i + 1] >= t[i]:
            continue  # mended by an earlier step already
        for size in range(1, GLITCH_MAX_FIXES + 1):
            after, before = i + 1 + size, i - size
            if after < n and t[after] >= t[i]:  # fixes i+1 … i+size are too early
                t[i + 1:after] = np.nan
                break
            if before >= 0 and t[before] <= t[i + 1]:  # fixes i-size+1 … i are too late
                t[before + 1:i + 1] = np.nan
                break
    gone = ~np.isfinite(t)
    if not gone.any() or gone.all():
        return t
    index = np.arange(n)
    filled = np.interp(index, index[~gone], t[~gone])
    starts = np.flatnonzero(gone & ~lead(False, gone[:-1]))
    ends = np.flatnonzero(gone & ~np.append(gone[1:], False)) + 1
    for start, end in zip(map(int, starts), map(int, ends), strict=True):
        if start > 0 and end < n and end - start <= GLITCH_MAX_FIXES:  # a few fixes between two with a clock
            t[start:end] = filled[start:end]
    return t


def _glitches(lat: FloatArray, lon: FloatArray, time: FloatArray, steps: FloatArray) \
        -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]] | None:
    """Fixes to drop (a run of at most GLITCH_MAX_FIXES that leaves the track and comes back within reach of
    the fix before it) and steps that are jumps (no fix comes back); None when every step is plausible, which
    one vectorised test tells for nearly every file. Needs clock times: without them only TELEPORT_M applies."""
    with np.errstate(invalid="ignore"):
        dt = np.diff(time)
        bad = (dt > 0) & (steps > PLAUSIBLE_SPEED_MS * dt + GPS_SLACK_M)
    if not bad.any():
        return None
    n = len(lat)
    drop = np.zeros(n, dtype=bool)
    jump = np.zeros(n - 1, dtype=bool)
    for i in map(int, np.flatnonzero(bad)):
        if drop[i] or drop[i + 1]:
            continue  # a step into or out of a glitch already dropped
        if steps[i] > TELEPORT_M:
            jump[i] = True  # no glitch goes that far: a jump (and a stray piece after it is dropped by size)
            continue
        # From fix i, the first later fix within reach again ends the glitch; none within reach: a jump.
        far = np.arange(i + 2, min(i + 2 + GLITCH_MAX_FIXES, n))
        if len(far):
            gap = haversine_m(np.full(len(far), lat[i]), np.full(len(far), lon[i]), lat[far], lon[far])
            with np.errstate(invalid="ignore"):
                back = np.flatnonzero(gap <= PLAUSIBLE_SPEED_MS * np.minimum(time[far] - time[i], GLITCH_MAX_S)
                                      + GPS_SLACK_M)
            if len(back):
                drop[i + 1:far[back[0]]] = True
                continue
        jump[i] = True
    return drop, jump


CLOCK_BACK_S = 60.0
CLOCK_AHEAD_S = 86400.0
"""In a damaged file, a fix whose clock runs back more than a minute, or on more than a day, from the one before
is not a recorded one."""


def trusted_fixes(track: Track) -> int:
    """For a file known to be damaged: how many of its first fixes to trust. Reading stops at the first step the
    walk cannot have made and never comes back from (a glitch that returns is left to :func:`walked`): after
    damage, the bytes that follow can decode into a plausible-looking track that was never recorded, but their
    first step away from the real one, in place or in time, gives them away."""
    lat, lon, time = track.lat_deg, track.lon_deg, track.time_s
    if len(lat) < 2:
        return len(lat)
    steps = step_m(lat, lon)
    with np.errstate(invalid="ignore"):
        dt = np.diff(time)
        odd = (steps > TELEPORT_M) | ((dt > 0) & (steps > PLAUSIBLE_SPEED_MS * dt + GPS_SLACK_M)) | \
            (dt < -CLOCK_BACK_S) | (dt > CLOCK_AHEAD_S)
    returned = 0  # a glitch that came back ends at this fix: the odd steps inside it are the glitch's own
    for i in map(int, np.flatnonzero(odd)):
        if i < returned:
            continue
        if steps[i] > TELEPORT_M:
            return i + 1  # no GPS glitch goes that far: what follows was never recorded
        far = np.arange(i + 2, min(i + 2 + GLITCH_MAX_FIXES, len(lat)))
        if len(far):
            gap = haversine_m(np.full(len(far), lat[i]), np.full(len(far), lon[i]), lat[far], lon[far])
            with np.errstate(invalid="ignore"):
                since = np.clip(time[far] - time[i], 0.0, GLITCH_MAX_S)
                back = (gap <= PLAUSIBLE_SPEED_MS * since + GPS_SLACK_M) | (~np.isfinite(since) & (gap <= GPS_SLACK_M))
            if back.any():
                returned = int(far[np.argmax(back)])  # a glitch: it comes back
                continue
        return i + 1
    return len(lat)


def clock_trusted(track: Track) -> int:
    """For a damaged file that still decoded to its end: how many of its first fixes to trust. Its records all
    made sense one by one, but where its clock runs back by more than CLOCK_BACK_S, or on by more than
    CLOCK_AHEAD_S, for more than a few fixes (a few are mended, see :func:`_clock`), records are out of place."""
    t = _clock(track.time_s)
    with np.errstate(invalid="ignore"):
        dt = np.diff(t)
        odd = np.flatnonzero((dt < -CLOCK_BACK_S) | (dt > CLOCK_AHEAD_S))
    return int(odd[0]) + 1 if len(odd) else len(t)
