"""Time-only plans: outdoors without a route, on a locked powered treadmill, and on a deadmill.

The shape is the same for all three (DOMAIN.md:21-26): forward warm-up, ``n`` backward bouts with forward
recovery between them, forward cool-down. What differs is the bout range (outdoors short bouts, on a machine
one continuous bout), the belt speed and incline (S5), and the cues.

Correct by construction: the numbers are chosen inside the rules' bounds, and :func:`time_plan` still runs
the result through :func:`retrowalk.core.check.check` and treats a violation as a bug.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from retrowalk.core.bounds import BACKWARD_MINUTES, BELT_SPEED, FORWARD_SPEED, WALK_MINUTES, check_speeds
from retrowalk.core.check import check
from retrowalk.core.i18n import _, ngettext
from retrowalk.core.plan import Direction, Flag, Kind, Plan, PlanError, Segment
from retrowalk.core.program import Dose, dose_for_week
from retrowalk.core.rules import (
    BACKWARD_MAX_S,
    BACKWARD_MIN_S,
    DEFAULTS,
    SESSION_MAX_S,
    TREADMILL_MIN_INCLINE_PCT,
    Settings,
    backward_cap_s,
)
from retrowalk.core.safety import KNEE_CUE, safety_notes
from retrowalk.core.units import Units, format_clock, format_duration, format_speed

# DOMAIN.md:38: older adults who walk backward slower than 0.6 m/s fall more often.
SLOW_BACKWARD_KMH = 0.6 * 3.6


@dataclass(frozen=True, slots=True)
class TimeRequest:
    """What a person asks for. ``None`` means "the programme's default for this week"."""

    total_s: int
    kind: Kind = Kind.OUTDOOR
    week: int = 1
    units: Units = Units.MPH
    backward_s: int | None = None
    bout_min_s: int | None = None
    bout_max_s: int | None = None
    bouts: int | None = None
    forward_speed_kmh: float | None = None
    backward_speed_kmh: float | None = None
    incline_pct: float | None = None


@dataclass(frozen=True, slots=True)
class Layout:
    """Backward bout lengths and the forward pieces around them (``len(forward) == len(bouts) + 1``)."""

    bouts: tuple[int, ...]
    forward: tuple[int, ...]


def time_plan(req: TimeRequest, settings: Settings = DEFAULTS) -> Plan:
    """The plan for ``req``, or :class:`PlanError` saying why not and what is possible instead."""
    if req.kind is Kind.ROUTE:
        raise PlanError(_("a route plan needs a route file; time plans are outdoor, treadmill or deadmill"))
    dose = dose_for_week(req.week, settings)
    _check_total(req.total_s, settings)
    lo, hi = _bout_range(req, dose, settings)
    warnings: list[str] = []
    flags: set[Flag] = set()
    backward_s = _backward_target(req, dose, lo, hi, settings, warnings, flags)
    layout = lay_out(req.total_s, backward_s, lo, hi, req.bouts, settings)
    segments = _segments(req, dose, layout, settings, warnings)
    plan = Plan(
        kind=req.kind,
        segments=segments,
        units=req.units,
        warnings=tuple(warnings),
        safety=safety_notes(req.kind, req.units, settings),
        flags=frozenset(flags),
    )
    violations = check(plan, settings)
    if violations:  # a bug, not bad input: the numbers above were chosen inside the rules
        raise AssertionError(f"time_plan made a plan the checker rejects: {violations[0]}")
    return plan


def shortest_session_s(settings: Settings = DEFAULTS) -> int:
    """Warm-up, one shortest bout, cool-down."""
    return settings.warmup_min_s + settings.bout_min_s + settings.cooldown_min_s


def max_backward_s(total_s: int, lo: int, hi: int, settings: Settings = DEFAULTS) -> int:
    """The most backward time a ``total_s`` session can hold with bouts of ``lo``–``hi`` seconds.

    With ``n`` bouts the backward time is bounded by ``n * hi`` (bout length), by the middle of the session less
    ``n - 1`` recoveries, and by S1's cap; the best ``n`` is found by trying each, which is exact and cheap
    (``n`` is at most a few dozen).
    """
    g = settings.bout_granularity_s
    middle = total_s - settings.warmup_min_s - settings.cooldown_min_s
    cap = backward_cap_s(total_s)
    best = 0
    n = 1
    while n * lo <= min(middle, cap):
        b = min(n * hi, middle - (n - 1) * settings.recovery_min_s, cap) // g * g
        if b >= n * lo:
            best = max(best, b)
        n += 1
    return best


def lay_out(total_s: int, backward_s: int, lo: int, hi: int, bouts: int | None,
            settings: Settings = DEFAULTS) -> Layout:
    """Split ``backward_s`` into bouts and spread them evenly through the session.

    The fewest bouts that fit ``hi`` are used (each turn-around is a moment of risk), unless ``bouts`` asks
    for a number. Spare forward time is shared equally among the warm-up, the recoveries and the cool-down,
    so the bouts sit evenly through the walk.
    """
    g = settings.bout_granularity_s
    middle = total_s - settings.warmup_min_s - settings.cooldown_min_s

    def fits(n: int) -> bool:
        return n * lo <= backward_s <= n * hi and backward_s + (n - 1) * settings.recovery_min_s <= middle

    if bouts is not None:
        if not fits(bouts):
            # The English says "bouts" for one too, as it always has; the plural forms are the translator's.
            raise PlanError(ngettext("%(backward)s backward cannot be split into %(bouts)d bouts of %(lo)s–%(hi)s s "
                                     "with %(recovery)s s forward between them in a %(total)s walk",
                                     "%(backward)s backward cannot be split into %(bouts)d bouts of %(lo)s–%(hi)s s "
                                     "with %(recovery)s s forward between them in a %(total)s walk", bouts)
                            % {"backward": format_duration(backward_s), "bouts": bouts, "lo": lo, "hi": hi,
                               "recovery": settings.recovery_min_s, "total": format_duration(total_s)})
        n = bouts
    else:
        n = max(1, math.ceil(backward_s / hi))
        while not fits(n):
            n += 1
            if n * lo > backward_s:  # callers pass a feasible backward_s; this guards the loop
                raise PlanError(_("%(backward)s backward does not fit a %(total)s walk")
                                % {"backward": format_duration(backward_s), "total": format_duration(total_s)})
    units_total, extra_units = divmod(backward_s // g, n)
    lengths = tuple((units_total + (1 if i < extra_units else 0)) * g for i in range(n))

    spare = total_s - backward_s - settings.warmup_min_s - settings.cooldown_min_s \
        - (n - 1) * settings.recovery_min_s
    share = spare // (n + 1)
    forward = [settings.warmup_min_s + share]
    forward += [settings.recovery_min_s + share] * (n - 1)
    forward.append(settings.cooldown_min_s + share)
    # What does not divide evenly goes half to the warm-up, half to the cool-down.
    rest = spare - share * (n + 1)
    forward[0] += rest // 2
    forward[-1] += rest - rest // 2
    return Layout(lengths, tuple(forward))


def refuse_outside_s1(backward_s: int, allow_below_minimum: bool = False) -> None:
    """An explicit backward target outside S1's 5–10 minutes is refused (below 5 only for a short walk)."""
    if backward_s > BACKWARD_MAX_S:
        raise PlanError(_("%(backward)s backward is more than S1's 10 minutes per session")
                        % {"backward": format_duration(backward_s)})
    if not allow_below_minimum and backward_s < BACKWARD_MIN_S:
        raise PlanError(_("%(backward)s backward is less than S1's 5 minutes per session")
                        % {"backward": format_duration(backward_s)})
    BACKWARD_MINUTES.check(backward_s / 60)


def _check_total(total_s: int, settings: Settings) -> None:
    if total_s > SESSION_MAX_S or total_s <= 0:
        WALK_MINUTES.check(total_s / 60)
    shortest = shortest_session_s(settings)
    if total_s < shortest:
        raise PlanError(_("a walk needs at least %(shortest)s: %(warmup)s warm-up, one %(bout)s s backward bout "
                          "and %(cooldown)s cool-down")
                        % {"shortest": format_duration(shortest), "warmup": format_duration(settings.warmup_min_s),
                           "bout": settings.bout_min_s, "cooldown": format_duration(settings.cooldown_min_s)})


def _bout_range(req: TimeRequest, dose: Dose, settings: Settings) -> tuple[int, int]:
    g = settings.bout_granularity_s
    outdoors = req.kind is Kind.OUTDOOR
    lo = req.bout_min_s if req.bout_min_s is not None else settings.bout_min_s
    hi_default = dose.outdoor_bout_max_s if outdoors else BACKWARD_MAX_S
    hi = req.bout_max_s if req.bout_max_s is not None else hi_default
    if lo < settings.bout_min_s:
        raise PlanError(_("a backward bout lasts at least %(bout)s s (DOMAIN.md §2 Bout lengths)")
                        % {"bout": settings.bout_min_s})
    if outdoors and hi > settings.bout_max_s:
        raise PlanError(_("outdoors a backward bout lasts at most %(bout)s s (DOMAIN.md §2 Bout lengths); split the "
                          "time into more bouts") % {"bout": settings.bout_max_s})
    lo = math.ceil(lo / g) * g  # bout lengths are multiples of g: round the range inwards
    hi = hi // g * g
    if lo > hi:
        raise PlanError(_("the shortest bout (%(lo)s s) is longer than the longest (%(hi)s s)") % {"lo": lo, "hi": hi})
    return lo, hi


def _backward_target(req: TimeRequest, dose: Dose, lo: int, hi: int, settings: Settings,
                     warnings: list[str], flags: set[Flag]) -> int:
    total = req.total_s
    g = settings.bout_granularity_s
    short = total < settings.short_session_s
    possible = max_backward_s(total, lo, hi, settings)
    walk = format_duration(total)

    if req.backward_s is not None:
        asked = round(req.backward_s / g) * g
        refuse_outside_s1(asked, allow_below_minimum=short)
        if asked < lo:
            raise PlanError(_("%(asked)s backward is shorter than one %(lo)s s bout")
                            % {"asked": format_duration(asked), "lo": lo})
        if asked > possible:
            words = {"total": walk, "asked": format_duration(asked), "lo": lo, "hi": hi,
                     "possible": format_duration(possible)}
            if short:
                raise PlanError(_("a %(total)s walk cannot hold %(asked)s backward with warm-up, cool-down and "
                                  "%(lo)s–%(hi)s s bouts; at most %(possible)s fits") % words)
            raise PlanError(_("a %(total)s walk cannot hold %(asked)s backward with warm-up, cool-down and "
                              "%(lo)s–%(hi)s s bouts; at most %(possible)s fits, or walk longer") % words)
        target = asked
    else:
        target = min(dose.backward_s, possible)
        if not short and target < BACKWARD_MIN_S:
            raise PlanError(_("with bouts of at most %(hi)s s and %(recovery)s s forward between them, a %(total)s "
                              "walk holds only %(possible)s backward, less than S1's 5 minutes; allow longer bouts "
                              "or walk longer")
                            % {"hi": hi, "recovery": settings.recovery_min_s, "total": walk,
                               "possible": format_duration(possible)})
        if not short and target < dose.backward_s:
            warnings.append(_("Week %(week)s aims for %(dose)s backward; a %(total)s walk holds %(target)s (a third "
                              "of the walk at most).")
                            % {"week": dose.week, "dose": format_duration(dose.backward_s), "total": walk,
                               "target": format_duration(target)})
    if short and target < BACKWARD_MIN_S:
        flags.add(Flag.SHORT_SESSION)
        warnings.append(_("This walk is shorter than %(short)s: %(target)s backward (a third at most) does not reach "
                          "the 5-minute minimum that brings the benefit.")
                        % {"short": format_duration(settings.short_session_s), "target": format_duration(target)})
    return target


def _segments(req: TimeRequest, dose: Dose, layout: Layout, settings: Settings,
              warnings: list[str]) -> tuple[Segment, ...]:
    fwd_kmh, back_kmh, incline = _speeds(req, dose, settings, warnings)
    units = req.units
    out: list[Segment] = []
    t = 0
    n = len(layout.bouts)
    for i, forward_s in enumerate(layout.forward):
        out.append(Segment(Direction.FORWARD, t, forward_s, _forward_cue(req.kind, i, n, fwd_kmh, incline, units),
                           fwd_kmh, incline))
        t += forward_s
        if i < n:
            bout_s = layout.bouts[i]
            slower = (back_kmh or 0) < (fwd_kmh or 0)
            cue = _backward_cue(req.kind, i, bout_s, back_kmh, slower, units)
            out.append(Segment(Direction.BACKWARD, t, bout_s, cue, back_kmh, incline))
            t += bout_s
    return tuple(out)


def _speeds(req: TimeRequest, dose: Dose, settings: Settings,
            warnings: list[str]) -> tuple[float | None, float | None, float | None]:
    """Forward speed, backward speed and incline for every segment (``None`` where they do not apply)."""
    units = req.units
    if req.kind is Kind.DEADMILL:
        if req.backward_speed_kmh is not None or req.incline_pct is not None:
            raise PlanError(_("a deadmill has no motor: speed and incline are yours, leave them out (S4)"))
        return None, None, None

    fwd = req.forward_speed_kmh if req.forward_speed_kmh is not None else settings.forward_speed_kmh
    FORWARD_SPEED.check(fwd, units)
    if req.kind is Kind.OUTDOOR:
        if req.incline_pct is not None:
            raise PlanError(_("incline is for a treadmill; outdoors the ground decides (plan on a route)"))
        back = req.backward_speed_kmh if req.backward_speed_kmh is not None else settings.backward_speed_kmh
        check_speeds(fwd, back, units)
        if back < SLOW_BACKWARD_KMH:
            warnings.append(_("A backward pace under %(speed)s goes with more falls: take the shortest bouts on the "
                              "flattest ground, or use a treadmill with your hips against the console.")
                            % {"speed": format_speed(SLOW_BACKWARD_KMH, units)})
        return fwd, back, None

    # Locked powered treadmill, S5.
    back = req.backward_speed_kmh if req.backward_speed_kmh is not None else dose.treadmill_backward_kmh
    BELT_SPEED.check(back, units)
    if back > dose.treadmill_backward_kmh + 1e-6:
        words = {"week": dose.week, "speed": format_speed(dose.treadmill_backward_kmh, units),
                 "asked": format_speed(back, units)}
        if dose.week == 1:
            raise PlanError(_("week %(week)s on a locked treadmill starts at %(speed)s backward (S5, DOMAIN.md §2 "
                              "Progression); %(asked)s is faster: a later week of the programme allows it") % words)
        raise PlanError(_("week %(week)s on a locked treadmill is at %(speed)s backward (S5, DOMAIN.md §2 "
                          "Progression); %(asked)s is faster: a later week of the programme allows it") % words)
    incline = req.incline_pct if req.incline_pct is not None else dose.incline_pct
    if incline < TREADMILL_MIN_INCLINE_PCT:
        raise PlanError(_("a locked treadmill is set to at least %(least)s %% incline (S5); %(incline)s %% is below "
                          "that") % {"least": f"{TREADMILL_MIN_INCLINE_PCT:g}", "incline": f"{incline:g}"})
    if incline > settings.steep_min_grade_pct:
        raise PlanError(_("%(incline)s %% is steeper than %(steep)s %%: plan backward walking at a gentler incline")
                        % {"incline": f"{incline:g}", "steep": f"{settings.steep_min_grade_pct:g}"})
    return fwd, back, incline


def _forward_cue(kind: Kind, i: int, bouts: int, speed: float | None, incline: float | None,
                 units: Units) -> str:
    """Short enough to read at a glance and to speak in a few seconds; the safety notes hold the rest."""
    last = i == bouts
    if kind is Kind.TREADMILL:
        setting = {"setting": _("%(speed)s, %(incline)s %% incline")
                   % {"speed": format_speed(speed or 0, units), "incline": f"{incline:g}"}}
        if i == 0:
            return _("Warm up forward: %(setting)s.") % setting
        if last:
            return _("Hold the rails, turn to face forward; forward at %(setting)s. Cool down.") % setting
        return _("Hold the rails, turn to face forward; forward at %(setting)s.") % setting
    if kind is Kind.DEADMILL:
        if i == 0:
            return _("Warm up forward at an easy, self-paced speed.")
        return _("Turn to face forward; walk at your own pace. Cool down.") if last else \
            _("Turn to face forward; walk at your own pace.")
    if i == 0:
        return _("Warm up forward at an easy pace.")
    return _("Face forward; cool down at an easy pace.") if last else _("Face forward and walk on; recover.")


def _backward_cue(kind: Kind, i: int, bout_s: int, speed: float | None, slower: bool, units: Units) -> str:
    words = {"length": format_clock(bout_s), "knee": _(KNEE_CUE), "speed": format_speed(speed or 0, units)}
    if kind is Kind.TREADMILL:
        if slower:
            return _("Slow the belt to %(speed)s, hold the rails, turn around, hips to the console: backward "
                     "%(length)s, %(knee)s.") % words
        return _("Set the belt to %(speed)s, hold the rails, turn around, hips to the console: backward "
                 "%(length)s, %(knee)s.") % words
    if kind is Kind.DEADMILL:
        return _("Turn around, hips to the console, push the belt: backward %(length)s at your pace, %(knee)s.") % words
    if i == 0:
        return _("Look over your shoulder, turn around: backward %(length)s, short steps, %(knee)s.") % words
    return _("Check behind you, turn around: backward %(length)s, short steps, %(knee)s.") % words
