"""The checker: every plan, from any generator or any file, is run through :func:`check` before anyone walks it.

It knows nothing about how a plan was made. A generator that produced a plan failing here has a bug; an
imported plan failing here is refused with the first violation's message.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrowalk.core.ground import SAFE_BACKWARD, Terrain, terrain_label
from retrowalk.core.i18n import _
from retrowalk.core.plan import Direction, Flag, Kind, Plan
from retrowalk.core.rules import (
    BACKWARD_MIN_S,
    DEFAULTS,
    ROUTE_SESSION_MAX_S,
    SESSION_MAX_S,
    TREADMILL_MIN_INCLINE_PCT,
    Settings,
    backward_cap_s,
)
from retrowalk.core.units import format_clock

# Float slack for speeds and inclines that went through JSON and unit conversion.
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    """The DOMAIN.md id or section the plan breaks, e.g. ``S5`` or ``§2 Bout lengths``: a reference, not
    translated."""
    message: str
    """In the language active when the plan was checked."""
    segment: int | None = None
    """1-based segment number, where one segment is at fault."""

    def __str__(self) -> str:
        if self.segment is not None:
            return (_("segment %(number)s: %(message)s (%(rule)s)")
                    % {"number": self.segment, "message": self.message, "rule": self.rule})
        return _("%(message)s (%(rule)s)") % {"message": self.message, "rule": self.rule}


def check(plan: Plan, settings: Settings = DEFAULTS) -> list[Violation]:
    """All the ways ``plan`` breaks DOMAIN.md's rules; an empty list means it may be walked."""
    out = _structure(plan)
    if out:  # timing is meaningless on a broken timeline
        return out
    out += _dose(plan, settings)
    out += _shape(plan, settings)
    out += _bouts(plan, settings)
    out += _machine(plan, settings)
    if plan.kind is Kind.ROUTE:
        out += _route(plan, settings)
    if not plan.safety:
        out.append(Violation("§2 Safety cues", _("the plan carries no safety notes")))
    return out


def _structure(plan: Plan) -> list[Violation]:
    out = []
    if not plan.segments:
        return [Violation("structure", _("the plan has no segments"))]
    expected = 0
    for i, seg in enumerate(plan.segments, 1):
        if seg.duration_s <= 0:
            out.append(Violation("structure", _("duration must be more than 0 s"), i))
        if seg.start_s != expected:
            out.append(Violation(
                "structure", _("starts at %(start)s s but the previous segment ends at %(end)s s")
                % {"start": seg.start_s, "end": expected}, i))
        expected = seg.start_s + seg.duration_s
    limit = ROUTE_SESSION_MAX_S if plan.kind is Kind.ROUTE else SESSION_MAX_S
    if plan.total_s > limit:
        out.append(Violation("limits", _("lasts %(total)s, more than %(limit)s")
                             % {"total": format_clock(plan.total_s), "limit": format_clock(limit)}))
    return out


def _dose(plan: Plan, settings: Settings) -> list[Violation]:
    out = []
    cap = backward_cap_s(plan.total_s)
    if plan.backward_s > cap:
        out.append(Violation("S1", _("%(backward)s backward is more than the %(cap)s a %(total)s session may hold")
                             % {"backward": format_clock(plan.backward_s), "cap": format_clock(cap),
                                "total": format_clock(plan.total_s)}))
    if plan.backward_s < BACKWARD_MIN_S:
        short = plan.total_s < settings.short_session_s
        needed = Flag.SHORT_SESSION if short else Flag.DOSE_BELOW_MINIMUM
        if needed not in plan.flags or not plan.warnings:
            out.append(Violation("S1", _("%(backward)s backward is below the 5-min minimum and the plan does not "
                                         "say so") % {"backward": format_clock(plan.backward_s)}))
    return out


def _shape(plan: Plan, settings: Settings) -> list[Violation]:
    out: list[Violation] = []
    runs = list(plan.runs())
    if not any(d is Direction.BACKWARD for d, _first, _last in runs):
        return out
    first_dir, first, last = runs[0]
    warmup = plan.segments[last].end_s if first_dir is Direction.FORWARD else 0
    if warmup < settings.warmup_min_s:
        out.append(Violation("§2 Session shape", _("only %(warmup)s forward before the first backward bout; warm "
                                                   "up for %(needed)s")
                             % {"warmup": format_clock(warmup), "needed": format_clock(settings.warmup_min_s)},
                             first + 1))
    last_dir, first, last = runs[-1]
    cooldown = plan.total_s - plan.segments[first].start_s if last_dir is Direction.FORWARD else 0
    if cooldown < settings.cooldown_min_s:
        need = format_clock(settings.cooldown_min_s)
        out.append(Violation("§2 Session shape", _("only %(cooldown)s forward after the last backward bout; cool "
                                                   "down for %(needed)s")
                             % {"cooldown": format_clock(cooldown), "needed": need}, last + 1))
    return out


def _bouts(plan: Plan, settings: Settings) -> list[Violation]:
    out = []
    outdoors = plan.kind in (Kind.OUTDOOR, Kind.ROUTE)
    runs = list(plan.runs())
    for k, (direction, first, last) in enumerate(runs):
        start = plan.segments[first].start_s
        length = plan.segments[last].end_s - start
        if direction is Direction.BACKWARD:
            if length < settings.bout_min_s:
                out.append(Violation("§2 Bout lengths", _("a %(length)s s backward bout is shorter than %(least)s s")
                                     % {"length": length, "least": settings.bout_min_s}, first + 1))
            if outdoors and length > settings.bout_max_s:
                out.append(Violation("S2, §2 Bout lengths", _("a %(length)s backward bout outdoors is longer than "
                                                              "%(most)s s")
                                     % {"length": format_clock(length), "most": settings.bout_max_s}, first + 1))
        elif 0 < k < len(runs) - 1 and length < settings.recovery_min_s:
            out.append(Violation("§2 Bout lengths", _("only %(length)s s forward between two backward bouts; recover "
                                                      "for %(needed)s s")
                                 % {"length": length, "needed": settings.recovery_min_s}, first + 1))
    return out


def _machine(plan: Plan, settings: Settings) -> list[Violation]:
    out = []
    for i, seg in enumerate(plan.segments, 1):
        if plan.kind is Kind.TREADMILL:
            if seg.incline_pct is None or seg.incline_pct < TREADMILL_MIN_INCLINE_PCT - _EPS:
                if seg.incline_pct is None:
                    message = _("no incline on a locked treadmill; set 1 %% or more") % {}  # % {}: "%%" is "%"
                else:
                    message = (_("%(incline)s %% incline on a locked treadmill; set 1 %% or more")
                               % {"incline": f"{seg.incline_pct:g}"})
                out.append(Violation("S5", message, i))
            if seg.speed_kmh is None or seg.speed_kmh <= 0:
                out.append(Violation("S5", _("a locked treadmill segment needs a belt speed"), i))
            elif seg.backward and seg.speed_kmh > settings.treadmill_backward_max_kmh + _EPS:
                out.append(Violation("§4 Heath 2001", _("backward belt speed %(speed)s km/h is above %(most)s km/h")
                                     % {"speed": f"{seg.speed_kmh:.1f}",
                                        "most": f"{settings.treadmill_backward_max_kmh:.1f}"}, i))
        elif plan.kind is Kind.DEADMILL and seg.speed_kmh is not None:
            out.append(Violation("S4", _("a deadmill has no motor speed; leave speed empty"), i))
        if seg.speed_kmh is not None and seg.speed_kmh < 0:
            out.append(Violation("structure", _("speed cannot be negative"), i))
    # DOMAIN.md:55: never increase speed in the middle of a backward bout.
    for direction, first, last in plan.runs():
        if direction is not Direction.BACKWARD:
            continue
        for i in range(first + 1, last + 1):
            before, now = plan.segments[i - 1].speed_kmh, plan.segments[i].speed_kmh
            if before is not None and now is not None and now > before + _EPS:
                out.append(Violation("§2 Safety cues", _("speed rises in the middle of a backward bout"), i + 1))
    return out


def _route(plan: Plan, settings: Settings) -> list[Violation]:
    """S3 on the plan's own account of the ground; ``retrowalk.core.routeplan`` re-checks against the profile."""
    out = []
    previous_end: float | None = 0.0
    for i, seg in enumerate(plan.segments, 1):
        if seg.start_m is None or seg.end_m is None or seg.terrain is None:
            out.append(Violation("structure", _("a route segment needs start_m, end_m and terrain"), i))
            continue
        if previous_end is not None and abs(seg.start_m - previous_end) > 0.5:
            out.append(Violation("structure", _("starts at %(start)s m but the previous segment ends at %(end)s m")
                                 % {"start": f"{seg.start_m:.0f}", "end": f"{previous_end:.0f}"}, i))
        if seg.end_m <= seg.start_m:
            out.append(Violation("structure", _("ends before it starts along the route"), i))
        previous_end = seg.end_m
        if not seg.backward:
            continue
        if seg.terrain is Terrain.UNKNOWN:
            if Flag.UNKNOWN_TERRAIN not in plan.flags or not plan.warnings:
                out.append(Violation("S3", _("a backward bout on ground of unknown grade, and the plan does not say "
                                             "so"), i))
        elif seg.terrain not in SAFE_BACKWARD:
            out.append(Violation("S3", _("a backward bout on %(ground)s ground; only flat or uphill")
                                 % {"ground": terrain_label(seg.terrain)}, i))
        if seg.grade_pct is not None and seg.grade_pct < settings.flat_min_grade_pct:
            out.append(Violation("S3", _("a backward bout on a %(grade)s %% grade, which goes downhill")
                                 % {"grade": f"{seg.grade_pct:.1f}"}, i))
    return out
