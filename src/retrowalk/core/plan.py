"""The plan: an ordered, contiguous list of forward and backward segments, and its JSON form.

The JSON form is the documented schema (``retrowalk/schemas/plan.schema.json``, README "Plan JSON"): later
versions add fields, never remove or rename one.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from retrowalk.core.ground import Elevation, Terrain
from retrowalk.core.i18n import _
from retrowalk.core.text import quoted
from retrowalk.core.units import Units

E = TypeVar("E", bound=StrEnum)


class PlanError(ValueError):
    """A plan that cannot be made or read; the message is one sentence a person can act on."""


class Direction(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"


class Kind(StrEnum):
    OUTDOOR = "outdoor"
    TREADMILL = "treadmill"
    DEADMILL = "deadmill"
    ROUTE = "route"


class Flag(StrEnum):
    """What a plan says about itself, so that the checker can tell "said so" from "did not notice"."""

    SHORT_SESSION = "short-session"
    """Shorter than 15 min: backward is a third at most and the 5-min minimum is not reached (DOMAIN.md:22)."""
    DOSE_BELOW_MINIMUM = "dose-below-minimum"
    """The plan holds less than S1's 5 backward minutes, and its warnings say why."""
    UNKNOWN_TERRAIN = "unknown-terrain"
    """Backward bouts lie on ground of unknown grade, and the plan says so (DOMAIN.md:35)."""


@dataclass(frozen=True, slots=True)
class Segment:
    direction: Direction
    start_s: int
    duration_s: int
    cue: str
    speed_kmh: float | None = None
    incline_pct: float | None = None
    # Route plans only: where along the route, on what ground.
    start_m: float | None = None
    end_m: float | None = None
    terrain: Terrain | None = None
    """The ground; :attr:`Terrain.MIXED` for a forward stretch over several kinds."""
    grade_pct: float | None = None
    """Average grade over the segment, from the smoothed profile."""

    @property
    def end_s(self) -> int:
        return self.start_s + self.duration_s

    @property
    def backward(self) -> bool:
        return self.direction is Direction.BACKWARD


@dataclass(frozen=True, slots=True)
class RouteInfo:
    distance_m: float
    ascent_m: float
    descent_m: float
    elevation: Elevation
    reverse_backward_s: int
    """The backward seconds the same route walked the other way would hold."""
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "distance_m": round(self.distance_m, 1),
            "ascent_m": round(self.ascent_m, 1),
            "descent_m": round(self.descent_m, 1),
            "elevation": self.elevation.value,
            "reverse_backward_s": self.reverse_backward_s,
            "name": self.name,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    kind: Kind
    segments: tuple[Segment, ...]
    units: Units
    warnings: tuple[str, ...] = ()
    safety: tuple[str, ...] = ()
    flags: frozenset[Flag] = field(default_factory=frozenset)
    route: RouteInfo | None = None

    @property
    def total_s(self) -> int:
        return sum(s.duration_s for s in self.segments)

    @property
    def backward_s(self) -> int:
        return sum(s.duration_s for s in self.segments if s.backward)

    @property
    def forward_s(self) -> int:
        return self.total_s - self.backward_s

    def runs(self) -> Iterator[tuple[Direction, int, int]]:
        """Maximal runs of one direction as ``(direction, first index, last index)``.

        Two backward segments back to back are one bout to the walker's knees, whatever the file says.
        """
        start = 0
        for i in range(1, len(self.segments) + 1):
            if i == len(self.segments) or self.segments[i].direction != self.segments[start].direction:
                yield self.segments[start].direction, start, i - 1
                start = i

    def bouts(self) -> list[tuple[int, int]]:
        """Backward bouts as ``(start_s, duration_s)``."""
        out = []
        for direction, first, last in self.runs():
            if direction is Direction.BACKWARD:
                start = self.segments[first].start_s
                out.append((start, self.segments[last].end_s - start))
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind.value,
            "total_s": self.total_s,
            "backward_s": self.backward_s,
            "forward_s": self.forward_s,
            "segments": [_segment_dict(s, self.route is not None) for s in self.segments],
            "warnings": list(self.warnings),
            "safety": list(self.safety),
            "units": self.units.value,
            "flags": sorted(f.value for f in self.flags),
        }
        if self.route is not None:
            out["route"] = self.route.to_dict()
        return out


def _segment_dict(s: Segment, on_route: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "direction": s.direction.value,
        "start_s": s.start_s,
        "duration_s": s.duration_s,
        "cue": s.cue,
        "speed_kmh": None if s.speed_kmh is None else round(s.speed_kmh, 3),
        "incline_pct": s.incline_pct,
    }
    if on_route:
        out["start_m"] = None if s.start_m is None else round(s.start_m, 1)
        out["end_m"] = None if s.end_m is None else round(s.end_m, 1)
        out["terrain"] = None if s.terrain is None else s.terrain.value
        out["grade_pct"] = None if s.grade_pct is None else round(s.grade_pct, 1)
    return out


def plan_from_dict(data: object) -> Plan:
    """Read a plan from its JSON form, refusing anything malformed with one sentence.

    Totals in the input are checked against the segments, not trusted: a file that says ``backward_s: 300``
    while its segments hold 900 backward seconds is refused.
    """
    obj = _mapping(data, _("the plan"))
    kind = _enum(Kind, obj.get("kind"), "kind")
    units = _enum(Units, obj.get("units", "kmh"), "units")
    raw_segments = obj.get("segments")
    if not isinstance(raw_segments, list) or not raw_segments:
        raise PlanError(_("segments: a plan needs a non-empty list of segments"))
    segments = tuple(_segment(raw, i + 1) for i, raw in enumerate(raw_segments))
    plan = Plan(
        kind=kind,
        segments=segments,
        units=units,
        warnings=tuple(_strings(obj.get("warnings", []), "warnings")),
        safety=tuple(_strings(obj.get("safety", []), "safety")),
        flags=frozenset(_enum(Flag, f, "flags") for f in _strings(obj.get("flags", []), "flags")),
        route=_route(obj["route"]) if obj.get("route") is not None else None,
    )
    for name in ("total_s", "backward_s", "forward_s"):
        if name in obj and obj[name] != getattr(plan, name):
            raise PlanError(_("%(field)s says %(given)s but the segments add up to %(total)s")
                            % {"field": name, "given": obj[name], "total": getattr(plan, name)})
    return plan


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PlanError(_("%(what)s must be a JSON object") % {"what": what})
    return value


def _enum(enum: type[E], value: object, name: str) -> E:
    try:
        return enum(str(value)) if isinstance(value, str) else enum(value)  # type: ignore[arg-type]
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise PlanError(_("%(field)s: %(value)s is not one of %(allowed)s")
                        % {"field": name, "value": quoted(value), "allowed": allowed}) from None


def _strings(value: object, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PlanError(_("%(field)s must be a list of strings") % {"field": name})
    return value


def _segment(raw: object, number: int) -> Segment:
    where = _("segment %(number)d") % {"number": number}
    obj = _mapping(raw, where)

    def whole(name: str) -> int:
        value = obj.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise PlanError(_("%(where)s: %(field)s must be a whole number of seconds")
                            % {"where": where, "field": name})
        return value

    def number_or_null(name: str) -> float | None:
        value = obj.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise PlanError(_("%(where)s: %(field)s must be a number or null") % {"where": where, "field": name})
        return float(value)

    cue = obj.get("cue", "")
    if not isinstance(cue, str):
        raise PlanError(_("%(where)s: cue must be text") % {"where": where})
    raw_terrain = obj.get("terrain")
    terrain = None if raw_terrain is None else _enum(Terrain, raw_terrain, _field(where, "terrain"))
    return Segment(
        direction=_enum(Direction, obj.get("direction"), _field(where, "direction")),
        start_s=whole("start_s"),
        duration_s=whole("duration_s"),
        cue=cue,
        speed_kmh=number_or_null("speed_kmh"),
        incline_pct=number_or_null("incline_pct"),
        start_m=number_or_null("start_m"),
        end_m=number_or_null("end_m"),
        terrain=terrain,
        grade_pct=number_or_null("grade_pct"),
    )


def _field(where: str, name: str) -> str:
    """A field of a segment, as a message names it: "segment 3: terrain"."""
    return _("%(where)s: %(field)s") % {"where": where, "field": name}


def _route(raw: object) -> RouteInfo:
    obj = _mapping(raw, "route")

    def number(name: str) -> float:
        value = obj.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise PlanError(_("route: %(field)s must be a number") % {"field": name})
        return float(value)

    elevation = _enum(Elevation, obj.get("elevation"), "route: elevation")
    reverse = obj.get("reverse_backward_s")
    if isinstance(reverse, bool) or not isinstance(reverse, int):
        raise PlanError(_("route: reverse_backward_s must be a whole number of seconds"))
    name = obj.get("name", "")
    return RouteInfo(number("distance_m"), number("ascent_m"), number("descent_m"), elevation, reverse,
                     name if isinstance(name, str) else "")
