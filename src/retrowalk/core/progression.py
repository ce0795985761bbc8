"""The next step on the programme from the session log: pain-gated progression (DOMAIN.md:45-50).

The rule, from the pain-monitoring model (Silbernagel 2007) as DOMAIN.md:45-49 gives it:

* pain during above 5/10, next-morning pain above the client's baseline, or pain rising week to week
  → one step back (DOMAIN.md:49), at once;
* pain 3–5 during and back to baseline next morning → repeat the same step (DOMAIN.md:48);
* pain 0–2 during, back to baseline next morning, and the walk felt easy → one step forward (DOMAIN.md:47).

What this module adds, and why:

* "Easy" is effort ≤ 3 on the 0–10 Borg CR10 scale ("moderate" or less): DOMAIN.md:42-43 says to progress when
  effort drops.
* A step forward needs a week on the current step (its first session at least 6 days before the latest): the
  studies progress weekly (DOMAIN.md:51), and three good sessions in three days are not yet an adaptation.
  A step back never waits.
* "Rising week to week": the mean pain during in the last 7 days is at least 1 point above the 7 days before
  (both weeks logged) and above 2/10; a smaller change is within how people rate pain from day to day, and a
  climb that stays within 0–2 is still in the range DOMAIN.md:47 calls fine to progress on.
* Without the next-morning answer for the latest session the rule cannot be applied: the decision is to wait and ask.
* A session is acted on once: when the step has changed since the latest session (the rule moved it, or the coach
  did), that session has had its say, and the next decision waits for a session at the new step. Otherwise one
  painful walk would step back again with each later look at the log.

A step is one rung of :func:`retrowalk.core.program.dose_for_week`'s ladder (+1 backward minute to 10, then
+0.2 mph treadmill speed, then +1 % incline); the reason names what the step changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from retrowalk.core.program import MAX_WEEK, Dose, dose_for_week
from retrowalk.core.rules import KMH_PER_MPH
from retrowalk.core.units import Units, format_clock, format_speed

PAIN_ACCEPTABLE_MAX = 5  # DOMAIN.md:45
PAIN_PROGRESS_MAX = 2  # DOMAIN.md:47
EFFORT_EASY_MAX = 3
STEP_HOLD_DAYS = 6
RISING_MIN_POINTS = 1.0
RECORDED_DONE_SHARE = 0.8
"""Our choice (not DOMAIN.md's): a step counts as walked when its recording shows at least this share of the
step's backward time (DOMAIN.md:50's ladder is of doses walked; a bout cut short by a wobble still counts)."""


class Change(StrEnum):
    PROGRESS = "progress"
    REPEAT = "repeat"
    STEP_BACK = "step back"
    WAIT = "wait"


@dataclass(frozen=True, slots=True)
class LoggedSession:
    day: date
    week: int
    """The step the session was walked at."""
    pain_during: int
    pain_next_morning: int | None
    effort: int
    recorded_backward_s: int | None = None
    """Backward time a recording of the walk shows (confirmed or consistent, core/review.py); None without a
    recording that can show it (no recording, a treadmill, no cadence)."""


@dataclass(frozen=True, slots=True)
class Decision:
    week: int
    change: Change
    reason: str


def next_step(log: Sequence[LoggedSession], current_week: int, pain_baseline: int,
              units: Units = Units.MPH) -> Decision:
    """The step for the next session and the reason, shown to the client as it is."""
    if not log:
        return Decision(current_week, Change.REPEAT, "No session logged yet: start with this plan.")
    log = sorted(log, key=lambda s: s.day)
    last = log[-1]
    if last.week != current_week:
        return Decision(current_week, Change.REPEAT, f"Your plan is at step {current_week} since your last session: "
                                                     "walk it and log how it went.")
    rising = _rising(log, last.day)

    back: str | None = None
    if last.pain_during > PAIN_ACCEPTABLE_MAX:
        back = f"pain {last.pain_during}/10 during the walk (more than {PAIN_ACCEPTABLE_MAX})"
    elif last.pain_next_morning is not None and last.pain_next_morning > pain_baseline:
        back = (f"pain {last.pain_next_morning}/10 the next morning, above your usual {pain_baseline}/10: "
                "it has not settled")
    elif rising is not None:
        back = f"pain rising week to week (average {rising[0]:.1f}/10, the week before {rising[1]:.1f}/10)"
    if back is not None:
        week = max(1, current_week - 1)
        if week == current_week:
            return Decision(week, Change.STEP_BACK, f"{_capital(back)}: stay at the first step and rest until "
                                                    "it settles; tell your coach if it does not.")
        return Decision(week, Change.STEP_BACK, f"{_capital(back)}: one step back, {_undo(current_week, units)}.")

    if last.pain_next_morning is None:
        return Decision(current_week, Change.WAIT,
                        f"Pain {last.pain_during}/10 during the walk on {last.day:%a %d %b}. How does the knee feel "
                        "the next morning? Log it, and the next step follows from it.")
    settled = f"pain {last.pain_during}/10 and settled next morning"
    if last.pain_during > PAIN_PROGRESS_MAX:
        return Decision(current_week, Change.REPEAT, f"{_capital(settled)}: repeat the same plan.")
    if last.effort > EFFORT_EASY_MAX:
        return Decision(current_week, Change.REPEAT,
                        f"{_capital(settled)}, but effort {last.effort}/10: repeat until it feels easy "
                        f"({EFFORT_EASY_MAX}/10 or less).")
    dose_s = dose_for_week(current_week).backward_s
    if last.recorded_backward_s is not None and last.recorded_backward_s < RECORDED_DONE_SHARE * dose_s:
        return Decision(current_week, Change.REPEAT,
                        f"{_capital(settled)}, but the recording shows {format_clock(last.recorded_backward_s)} "
                        f"backward of this step's {format_clock(dose_s)}: repeat it until the watch shows it walked.")
    at_step = [s for s in log if s.week == current_week]
    held = (last.day - at_step[0].day).days if at_step else 0
    if held < STEP_HOLD_DAYS:
        return Decision(current_week, Change.REPEAT,
                        f"{_capital(settled)}, effort easy: one more week at this step before the next "
                        f"({held + 1} of {STEP_HOLD_DAYS + 1} days so far).")
    if current_week >= MAX_WEEK:
        return Decision(current_week, Change.REPEAT, f"{_capital(settled)}: you are at the top of the programme.")
    return Decision(current_week + 1, Change.PROGRESS,
                    f"{_capital(settled)}, effort easy: {_step_up(current_week, units)}.")


def _rising(log: Sequence[LoggedSession], today: date) -> tuple[float, float] | None:
    this = [s.pain_during for s in log if today - timedelta(days=7) < s.day <= today]
    before = [s.pain_during for s in log if today - timedelta(days=14) < s.day <= today - timedelta(days=7)]
    if not this or not before:
        return None
    now, then = sum(this) / len(this), sum(before) / len(before)
    return (now, then) if now - then >= RISING_MIN_POINTS and now > PAIN_PROGRESS_MAX else None


def _step_up(week: int, units: Units) -> str:
    """What one step up from ``week`` changes, in words."""
    return _difference(dose_for_week(week), dose_for_week(week + 1), units, "+")


def _undo(week: int, units: Units) -> str:
    return _difference(dose_for_week(week), dose_for_week(week - 1), units, "−")


def _difference(a: Dose, b: Dose, units: Units, sign: str) -> str:
    if a.backward_s != b.backward_s:
        minutes = abs(b.backward_s - a.backward_s) // 60
        return f"{sign}{minutes} backward minute{'s' if minutes != 1 else ''} ({b.backward_s // 60} in all)"
    if a.treadmill_backward_kmh != b.treadmill_backward_kmh:
        step = abs(b.treadmill_backward_kmh - a.treadmill_backward_kmh)
        shown = f"{step / KMH_PER_MPH:.1f} mph" if units is Units.MPH else f"{step:.1f} km/h"
        return (f"{sign}{shown} backward on the treadmill "
                f"({format_speed(b.treadmill_backward_kmh, units)}); outdoors the same plan")
    if a.incline_pct != b.incline_pct:
        return f"{sign}{abs(b.incline_pct - a.incline_pct):g} % treadmill incline ({b.incline_pct:g} %)"
    return "the same plan"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
