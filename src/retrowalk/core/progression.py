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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from retrowalk.core.i18n import _, gettext_noop, ngettext
from retrowalk.core.program import MAX_WEEK, Dose, dose_for_week
from retrowalk.core.rules import KMH_PER_MPH
from retrowalk.core.text import short_date
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


# Translators: what the next session does on the programme.
CHANGE_WORDS = {Change.PROGRESS: gettext_noop("progress"), Change.REPEAT: gettext_noop("repeat"),
                Change.STEP_BACK: gettext_noop("step back"), Change.WAIT: gettext_noop("wait")}
"""A decision's change as people read it, marked for the catalogue: :func:`change_label` translates it."""


def change_label(change: Change) -> str:
    """The change in the active language; the value is the stored code."""
    return _(CHANGE_WORDS[change])


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
    """The step for the next session and the reason, shown to the client as it is (in the active language)."""
    if not log:
        return Decision(current_week, Change.REPEAT, _("No session logged yet: start with this plan."))
    log = sorted(log, key=lambda s: s.day)
    last = log[-1]
    if last.week != current_week:
        return Decision(current_week, Change.REPEAT,
                        _("Your plan is at step %(week)s since your last session: walk it and log how it went.")
                        % {"week": current_week})
    rising = _rising(log, last.day)

    week = max(1, current_week - 1)
    back = _step_back(last, pain_baseline, rising, week == current_week, lambda: _undo(current_week, units))
    if back is not None:
        return Decision(week, Change.STEP_BACK, back)

    if last.pain_next_morning is None:
        return Decision(current_week, Change.WAIT,
                        _("Pain %(pain)s/10 during the walk on %(day)s. How does the knee feel the next morning? "
                          "Log it, and the next step follows from it.")
                        % {"pain": last.pain_during, "day": short_date(last.day)})
    pain = {"pain": last.pain_during}
    if last.pain_during > PAIN_PROGRESS_MAX:
        return Decision(current_week, Change.REPEAT,
                        _("Pain %(pain)s/10 and settled next morning: repeat the same plan.") % pain)
    if last.effort > EFFORT_EASY_MAX:
        return Decision(current_week, Change.REPEAT,
                        _("Pain %(pain)s/10 and settled next morning, but effort %(effort)s/10: repeat until it feels "
                          "easy (%(easy)s/10 or less).")
                        % {**pain, "effort": last.effort, "easy": EFFORT_EASY_MAX})
    dose_s = dose_for_week(current_week).backward_s
    if last.recorded_backward_s is not None and last.recorded_backward_s < RECORDED_DONE_SHARE * dose_s:
        return Decision(current_week, Change.REPEAT,
                        _("Pain %(pain)s/10 and settled next morning, but the recording shows %(recorded)s backward "
                          "of this step's %(dose)s: repeat it until the watch shows it walked.")
                        % {**pain, "recorded": format_clock(last.recorded_backward_s), "dose": format_clock(dose_s)})
    # Held since the first of the sessions at this step that came after the last one at another step (by day):
    # a session logged for a day long ago at today's step is not a week at it.
    other = [i for i, s in enumerate(log) if s.week != current_week]
    at_step = log[other[-1] + 1:] if other else log
    held = (last.day - at_step[0].day).days
    if held < STEP_HOLD_DAYS:
        return Decision(current_week, Change.REPEAT,
                        _("Pain %(pain)s/10 and settled next morning, effort easy: one more week at this step before "
                          "the next (%(held)s of %(days)s days so far).")
                        % {**pain, "held": held + 1, "days": STEP_HOLD_DAYS + 1})
    if current_week >= MAX_WEEK:
        return Decision(current_week, Change.REPEAT,
                        _("Pain %(pain)s/10 and settled next morning: you are at the top of the programme.") % pain)
    return Decision(current_week + 1, Change.PROGRESS,
                    _("Pain %(pain)s/10 and settled next morning, effort easy: %(change)s.")
                    % {**pain, "change": _step_up(current_week, units)})


def _step_back(last: LoggedSession, pain_baseline: int, rising: tuple[float, float] | None, first: bool,
               change: Callable[[], str]) -> str | None:
    """Why to step back, if at all, as the whole sentence: at the first step (``first``) or one step back (what
    that changes: ``change()``)."""
    if last.pain_during > PAIN_ACCEPTABLE_MAX:
        words: dict[str, object] = {"pain": last.pain_during, "most": PAIN_ACCEPTABLE_MAX}
        if first:
            return _("Pain %(pain)s/10 during the walk (more than %(most)s): stay at the first step and rest until "
                     "it settles; tell your coach if it does not.") % words
        return _("Pain %(pain)s/10 during the walk (more than %(most)s): one step back, %(change)s.") \
            % {**words, "change": change()}
    if last.pain_next_morning is not None and last.pain_next_morning > pain_baseline:
        words = {"pain": last.pain_next_morning, "usual": pain_baseline}
        if first:
            return _("Pain %(pain)s/10 the next morning, above your usual %(usual)s/10: it has not settled: stay at "
                     "the first step and rest until it settles; tell your coach if it does not.") % words
        return _("Pain %(pain)s/10 the next morning, above your usual %(usual)s/10: it has not settled: one step "
                 "back, %(change)s.") % {**words, "change": change()}
    if rising is not None:
        words = {"now": f"{rising[0]:.1f}", "then": f"{rising[1]:.1f}"}
        if first:
            return _("Pain rising week to week (average %(now)s/10, the week before %(then)s/10): stay at the first "
                     "step and rest until it settles; tell your coach if it does not.") % words
        return _("Pain rising week to week (average %(now)s/10, the week before %(then)s/10): one step back, "
                 "%(change)s.") % {**words, "change": change()}
    return None


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
        return (ngettext("%(sign)s%(n)d backward minute (%(total)s in all)",
                         "%(sign)s%(n)d backward minutes (%(total)s in all)", minutes)
                % {"sign": sign, "n": minutes, "total": b.backward_s // 60})
    if a.treadmill_backward_kmh != b.treadmill_backward_kmh:
        step = abs(b.treadmill_backward_kmh - a.treadmill_backward_kmh)
        shown = f"{step / KMH_PER_MPH:.1f}" if units is Units.MPH else f"{step:.1f}"
        return (_("%(sign)s%(step)s %(unit)s backward on the treadmill (%(speed)s); outdoors the same plan")
                % {"sign": sign, "step": shown, "unit": units.speed_label,
                   "speed": format_speed(b.treadmill_backward_kmh, units)})
    if a.incline_pct != b.incline_pct:
        return (_("%(sign)s%(step)s %% treadmill incline (%(incline)s %%)")
                % {"sign": sign, "step": f"{abs(b.incline_pct - a.incline_pct):g}", "incline": f"{b.incline_pct:g}"})
    return _("the same plan")
