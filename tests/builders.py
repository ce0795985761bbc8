"""Small builders so a test states the plan it means in one line."""

from __future__ import annotations

from retrowalk.core.plan import Direction, Flag, Kind, Plan, Segment
from retrowalk.core.safety import safety_notes
from retrowalk.core.units import Units


def make_plan(
    pieces: list[tuple[str, int]],
    kind: Kind = Kind.OUTDOOR,
    speed_kmh: float | None = None,
    incline_pct: float | None = None,
    flags: frozenset[Flag] = frozenset(),
    warnings: tuple[str, ...] = (),
) -> Plan:
    """``make_plan([("f", 180), ("b", 60), ("f", 120)])``: contiguous segments, one speed and incline for all."""
    segments = []
    t = 0
    for code, duration_s in pieces:
        direction = Direction.BACKWARD if code == "b" else Direction.FORWARD
        segments.append(Segment(direction, t, duration_s, f"{direction} {duration_s}", speed_kmh, incline_pct))
        t += duration_s
    return Plan(kind, tuple(segments), Units.KMH, warnings, safety_notes(kind, Units.KMH), flags)
