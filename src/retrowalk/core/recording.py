"""A recorded walk: the track, and what a watch or phone adds to it (cadence, speed, laps of a workout's steps).

Readers fill what their file has and leave the rest empty (NaN arrays, no laps); the review (core/review.py)
says what it could not tell for want of it (DOMAIN.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from retrowalk.core.track import FloatArray, Track, TrackError


@dataclass(frozen=True, slots=True)
class Lap:
    """A lap as the watch wrote it: from ``start_s`` to ``end_s`` (Unix seconds)."""

    start_s: float
    end_s: float
    step_index: int | None = None
    """The workout step the watch was on (FIT ``wkt_step_index``), when it ran a workout."""


@dataclass(frozen=True, eq=False)
class Recording:
    track: Track
    cadence: FloatArray
    """Steps (or strides) per minute at each point, NaN where not recorded; only its ratio to the walk's own
    median is used, so either counting works."""
    speed_ms: FloatArray
    """The device's own speed at each point (m/s), NaN where not recorded."""
    laps: tuple[Lap, ...] = ()
    step_names: dict[int, str] = field(default_factory=dict)
    """The workout's step names by index, when the file carries its workout (a FIT activity run from one)."""
    sport: str = ""
    """``walking``, ``running``, ``cycling``… when the file says; empty when it does not."""
    indoor: bool = False
    """A treadmill or indoor session, as the file says (FIT sub_sport)."""

    def __post_init__(self) -> None:
        n = len(self.track)
        for name in ("cadence", "speed_ms"):
            arr = getattr(self, name)
            if not isinstance(arr, np.ndarray) or arr.ndim != 1 or len(arr) != n:
                raise TrackError(f"internal: {name} must be a 1-d array of {n} values")
            arr.flags.writeable = False

    @property
    def has_cadence(self) -> bool:
        return bool(np.isfinite(self.cadence).sum() >= max(10, len(self.cadence) // 2))

    @property
    def has_time(self) -> bool:
        return bool(np.isfinite(self.track.time_s).sum() >= 2)


def plain(track: Track, sport: str = "") -> Recording:
    """A recording of a file that has only positions, heights and times (GPX and TCX as read today)."""
    nan = np.full(len(track), np.nan)
    return Recording(track, nan, nan.copy(), sport=sport)
