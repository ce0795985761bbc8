"""The programme: what a given level or week asks for, following DOMAIN.md:50's step order.

One step is, in order: +1 backward minute per session until S1's 10, then +0.2 mph of backward treadmill speed
until the ceiling, then +1 % of incline until the ceiling. Week ``w`` is step ``w - 1`` of that ladder: the
un-gated schedule. The pain-gated progression over a real session log moves along the same ladder.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from retrowalk.core.i18n import _, gettext_noop
from retrowalk.core.plan import PlanError
from retrowalk.core.rules import (
    BACKWARD_MAX_S,
    BACKWARD_MIN_S,
    DEFAULTS,
    TREADMILL_MIN_INCLINE_PCT,
    TREADMILL_START_SPEED_KMH,
    Settings,
)

MAX_WEEK = 104
"""Two years of weekly steps; every ladder has long reached its top by then."""


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


LEVEL_WORDS = {Level.BEGINNER: gettext_noop("beginner"), Level.INTERMEDIATE: gettext_noop("intermediate"),
               Level.ADVANCED: gettext_noop("advanced")}
"""The levels as people read them, marked for the catalogue: :func:`level_label` translates them."""


def level_label(level: Level) -> str:
    """The level in the active language; the value is the stored code."""
    return _(LEVEL_WORDS[level])


LEVEL_WEEK = {Level.BEGINNER: 1, Level.INTERMEDIATE: 3, Level.ADVANCED: 6}
"""Where each level starts on the ladder: 5, 7 and 10 backward minutes."""


@dataclass(frozen=True, slots=True)
class Dose:
    week: int
    level: Level
    backward_s: int
    """Backward time per session (S1: 5–10 min)."""
    treadmill_backward_kmh: float
    """Backward belt speed on a locked treadmill (S5: starts at 2 mph)."""
    incline_pct: float
    """Locked-treadmill incline (S5: at least 1 %)."""
    outdoor_bout_max_s: int
    """Longest outdoor bout for this level (DOMAIN.md:25)."""


def level_for_week(week: int) -> Level:
    if week >= LEVEL_WEEK[Level.ADVANCED]:
        return Level.ADVANCED
    if week >= LEVEL_WEEK[Level.INTERMEDIATE]:
        return Level.INTERMEDIATE
    return Level.BEGINNER


def dose_for_week(week: int, settings: Settings = DEFAULTS) -> Dose:
    if not 1 <= week <= MAX_WEEK:
        raise PlanError(_("week must be between 1 and %(most)s, not %(week)s") % {"most": MAX_WEEK, "week": week})
    step = week - 1

    minute_steps = (BACKWARD_MAX_S - BACKWARD_MIN_S) // settings.backward_minute_step_s
    backward_s = BACKWARD_MIN_S + min(step, minute_steps) * settings.backward_minute_step_s
    step -= minute_steps

    # 1e-9: 3.7 mph minus 2.0 mph is 8.5 steps of 0.2 mph; float error must not turn 8 into 7.
    speed_steps = int((settings.treadmill_backward_max_kmh - TREADMILL_START_SPEED_KMH)
                      / settings.treadmill_speed_step_kmh + 1e-9)
    speed_kmh = TREADMILL_START_SPEED_KMH + max(0, min(step, speed_steps)) * settings.treadmill_speed_step_kmh
    step -= speed_steps

    incline_steps = int((settings.treadmill_incline_max_pct - TREADMILL_MIN_INCLINE_PCT)
                        / settings.treadmill_incline_step_pct + 1e-9)
    incline_pct = TREADMILL_MIN_INCLINE_PCT + max(0, min(step, incline_steps)) * settings.treadmill_incline_step_pct

    level = level_for_week(week)
    bout_max = {
        Level.BEGINNER: settings.beginner_bout_max_s,
        Level.INTERMEDIATE: settings.intermediate_bout_max_s,
        Level.ADVANCED: settings.bout_max_s,
    }[level]
    return Dose(week, level, backward_s, speed_kmh, incline_pct, bout_max)


def dose_for_level(level: Level, settings: Settings = DEFAULTS) -> Dose:
    return dose_for_week(LEVEL_WEEK[level], settings)
