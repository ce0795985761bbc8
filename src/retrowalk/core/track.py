"""A recorded or planned walk as arrays: the one shape every reader produces and the terrain code consumes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from retrowalk.core.i18n import _

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class TrackError(ValueError):
    """A file that cannot be read as a walk; the message is one sentence a person can act on."""


@dataclass(frozen=True, slots=True)
class Damage:
    """A file that is not as it was recorded (its checksum fails, or its data stops making sense): what of it
    was kept. Readers say what they found; the plan says it to the walker."""

    records_read: int
    """The recorded points kept."""
    share_read: float
    """How much of the file, by its own stated length, the kept points were read from (1 when nothing was cut)."""
    checksum_failed: bool
    cut: bool
    """Reading stopped where the data stopped making sense; nothing after that was read."""


@dataclass(frozen=True, eq=False)
class Track:
    """Equal-length float64 arrays, validated once here; never mutated (the arrays are made read-only).

    ``ele_m`` and ``time_s`` hold NaN where the file has no value. ``segment`` numbers the file's pieces
    (GPX track segments, TCX laps of separate activities, chained FIT files): no grade is measured across the
    jump between two pieces.
    """

    lat_deg: FloatArray
    lon_deg: FloatArray
    ele_m: FloatArray
    time_s: FloatArray
    segment: IntArray
    name: str = ""
    notes: tuple[str, ...] = field(default=())
    """What the reader had to overlook (points without a position, say), for the plan's warnings."""
    damage: Damage | None = None
    """Set when the file is damaged: what was kept of it."""

    def __post_init__(self) -> None:
        n = len(self.lat_deg)
        for name in ("lat_deg", "lon_deg", "ele_m", "time_s", "segment"):
            arr = getattr(self, name)
            if not isinstance(arr, np.ndarray) or arr.ndim != 1 or len(arr) != n:
                raise TrackError(f"internal: {name} must be a 1-d array of {n} values")
            arr.flags.writeable = False
        if n and not (np.isfinite(self.lat_deg).all() and np.isfinite(self.lon_deg).all()):
            raise TrackError(_("a point's latitude or longitude is not a finite number"))
        if n and (np.abs(self.lat_deg).max() > 90 or np.abs(self.lon_deg).max() > 180):
            raise TrackError(_("a position lies outside the globe (latitude beyond ±90° or longitude beyond ±180°)"))

    def __len__(self) -> int:
        return len(self.lat_deg)

    @property
    def has_elevation(self) -> bool:
        return bool(np.isfinite(self.ele_m).any())

    def reversed(self) -> Track:
        """The same walk in the other direction."""
        return Track(self.lat_deg[::-1].copy(), self.lon_deg[::-1].copy(), self.ele_m[::-1].copy(),
                     self.time_s[::-1].copy(), (self.segment.max() - self.segment)[::-1].copy()
                     if len(self) else self.segment.copy(), self.name, self.notes, self.damage)



def make_track(lat: list[float] | FloatArray, lon: list[float] | FloatArray,
               ele: list[float] | FloatArray | None = None, time: list[float] | FloatArray | None = None,
               segment: list[int] | IntArray | None = None, name: str = "", notes: tuple[str, ...] = ()) -> Track:
    """A :class:`Track` from sequences, filling missing columns with NaN (or one segment)."""
    lat_a = np.asarray(lat, dtype=np.float64)
    n = len(lat_a)
    nan = np.full(n, np.nan)
    return Track(
        lat_a,
        np.asarray(lon, dtype=np.float64),
        nan.copy() if ele is None else np.asarray(ele, dtype=np.float64),
        nan.copy() if time is None else np.asarray(time, dtype=np.float64),
        np.zeros(n, dtype=np.int64) if segment is None else np.asarray(segment, dtype=np.int64),
        name,
        notes,
    )
