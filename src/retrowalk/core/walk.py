"""A track's points as walked: what counts as "metres from the start" for profiles, plans and exports.

Points without a fix and repeats are dropped; steps that were not walked (a gap between file segments, a fix
re-acquired far away) add no distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrowalk.core.arrays import cumsum0, lead
from retrowalk.core.geo import step_m
from retrowalk.core.track import FloatArray, Track, TrackError

JOIN_M = 50.0
"""Two file segments closer than this are one walk paused and resumed; further apart, a jump not walked."""
TELEPORT_M = 5000.0
TELEPORT_SPEED_MS = 15.0
TELEPORT_FAST_MIN_M = 200.0
"""A step longer than 5 km, or longer than 200 m at over 54 km/h, is a fix re-acquired far away, not a walk."""


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


def walked(track: Track) -> Walked:
    """The points of ``track`` that a walk went through, and the distance along them: the one measure of
    "metres from the start" that profiles, plans and exported waypoints share."""
    lat, lon, ele, seg, time = track.lat_deg, track.lon_deg, track.ele_m, track.segment, track.time_s
    notes: list[str] = []
    null = (np.abs(lat) < 1e-9) & (np.abs(lon) < 1e-9)
    if null.any():  # "null island": a device writing 0, 0 before it has a fix
        notes.append(f"{int(null.sum())} points at latitude 0, longitude 0 (no GPS fix yet) were left out.")
        lat, lon, ele, seg, time = lat[~null], lon[~null], ele[~null], seg[~null], time[~null]
    if len(lat) < 2:
        raise TrackError("the route has fewer than two points with a position")
    steps = step_m(lat, lon)
    keep = lead(True, steps > 0.01)  # a point recorded twice in one place adds nothing
    if not keep.all():
        lat, lon, ele, seg, time = lat[keep], lon[keep], ele[keep], seg[keep], time[keep]
        # Measured again, not summed: ten minutes of sub-centimetre jitter standing still would add metres.
        steps = step_m(lat, lon)
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = steps / np.diff(time)
    # Not walked: the line between two file segments far apart, or a step no walker makes (a lost fix
    # re-acquired far away). Such a step adds no distance and grade is never measured across it.
    # The speed test needs a real time step and a long step: bogus or repeated timestamps are common.
    fast = (speed > TELEPORT_SPEED_MS) & (np.diff(time) > 0) & (steps > TELEPORT_FAST_MIN_M)
    jump = ((seg[1:] != seg[:-1]) & (steps > JOIN_M)) | (steps > TELEPORT_M) | fast
    dist = cumsum0(np.where(jump, 0.0, steps), np.float64)
    return Walked(lat, lon, ele, dist, jump, tuple(notes))
