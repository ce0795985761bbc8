"""Every threshold retrowalk applies, named, with the line of ``shared/DOMAIN.md`` it comes from.

Two kinds live here:

* **Seed rules** (DOMAIN.md §1, ids S1–S7) are module constants. They are the studio's non-negotiables; code may
  read them but no setting changes them.
* **Defaults** (DOMAIN.md §2) are fields of :class:`Settings`. DOMAIN.md says they "must stay configurable", so
  every generator and the checker take a ``Settings`` and fall back to :data:`DEFAULTS`.

Nothing else in ``retrowalk`` writes one of these numbers inline: it imports it from here.
Line numbers refer to DOMAIN.md as of this commit; the section names are the stable anchor.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- units --------------------------------------------------------------------------------------------------
KMH_PER_MPH = 1.609344  # international mile, exact
M_PER_FT = 0.3048  # exact

# --- seed rules (DOMAIN.md §1) -------------------------------------------------------------------------------
BACKWARD_MIN_S = 5 * 60
"""S1 (DOMAIN.md:11): at least 5 backward minutes per session ("5 to 10 min in total is usually enough")."""

BACKWARD_MAX_S = 10 * 60
"""S1 (DOMAIN.md:11): at most 10 backward minutes per session."""

BACKWARD_MAX_SHARE = 1 / 3
"""S1 (DOMAIN.md:11): 5–10 of 30 minutes, so backward is at most a third of the session."""

TREADMILL_MIN_INCLINE_PCT = 1.0
"""S5 (DOMAIN.md:15): a locked powered treadmill is set to a slight incline, 1 % or more, always."""

TREADMILL_START_SPEED_KMH = 2.0 * KMH_PER_MPH
"""S5 (DOMAIN.md:15): "start slow (2mph)", 3.2 km/h; the backward speed of week 1 never exceeds it."""


@dataclass(frozen=True, slots=True)
class Settings:
    """DOMAIN.md §2 defaults. Every field is configurable; the comment names the line it comes from."""

    warmup_min_s: int = 3 * 60
    """DOMAIN.md:21 Session shape: forward for at least 3 min before the first backward bout."""
    cooldown_min_s: int = 2 * 60
    """DOMAIN.md:21 Session shape: end with at least 2 min forward."""
    short_session_s: int = 15 * 60
    """DOMAIN.md:22 Session shape: below 15 min the 5-min minimum cannot be met; backward ≤ a third instead."""

    bout_min_s: int = 30
    """DOMAIN.md:25 Bout lengths: an outdoor bout lasts at least 30 s."""
    bout_max_s: int = 120
    """DOMAIN.md:25 Bout lengths: an outdoor bout lasts at most 120 s."""
    beginner_bout_max_s: int = 60
    """DOMAIN.md:25 Bout lengths: beginners' outdoor bouts last at most 60 s."""
    intermediate_bout_max_s: int = 90
    """Our choice within DOMAIN.md:25's 30–120 s: the middle level steps halfway from 60 s to 120 s."""
    recovery_min_s: int = 60
    """DOMAIN.md:25 Bout lengths: at least 60 s forward between two backward bouts."""

    forward_speed_kmh: float = 4.8
    """DOMAIN.md:39 Speeds: forward 4.8 km/h (3.0 mph) by default, per client."""
    backward_speed_kmh: float = 2.4
    """DOMAIN.md:37-39 Speeds: outdoors about half the forward speed, 2.4 km/h (1.5 mph)."""

    treadmill_speed_step_kmh: float = 0.2 * KMH_PER_MPH
    """DOMAIN.md:50 Progression: treadmill speed +0.1–0.2 mph a step; we take 0.2."""
    treadmill_backward_max_kmh: float = 3.7 * KMH_PER_MPH
    """DOMAIN.md §4 Sources (Heath 2001): backward treadmill training ran at 3.2–3.7 mph; we never plan faster."""
    treadmill_incline_step_pct: float = 1.0
    """DOMAIN.md:50 Progression: incline +0.5–1 % a step; we take 1 %."""
    treadmill_incline_max_pct: float = 10.0
    """DOMAIN.md §4 Sources (Cipriani 1995, 0/5/10 % grades): the programme stops adding incline at 10 %."""
    backward_minute_step_s: int = 60
    """DOMAIN.md:50 Progression: +1 min backward per session and step, up to S1's 10 min."""

    uphill_min_grade_pct: float = 2.0
    """DOMAIN.md:29 Terrain classes: uphill is a grade of +2 % or more."""
    flat_min_grade_pct: float = -1.0
    """DOMAIN.md:29-30 Terrain classes: below −1 % is downhill (anything that goes down at all, S3)."""
    steep_min_grade_pct: float = 15.0
    """DOMAIN.md:30 Terrain classes: above +15 % is steep, not used for beginners."""
    grade_window_m: float = 30.0
    """DOMAIN.md:29 Terrain classes: grade is measured over stretches of at least 30 m."""
    sharp_turn_deg: float = 45.0
    """DOMAIN.md:32 Terrain classes: no heading change over 45° within a backward bout."""
    turn_clearance_m: float = 10.0
    """DOMAIN.md:32-34 Terrain classes: at least 10 m of straight ground between a bout's ends and a sharp turn."""

    treadmill_clearance_m: float = 2.0
    """DOMAIN.md:54 Safety cues: keep about 2 m (6 ft) clear behind the treadmill."""
    stop_pain_above: int = 5
    """DOMAIN.md:45,54 Pain-monitoring model: stop, and step back, on pain above 5/10."""

    bout_granularity_s: int = 5
    """Not a rule: bout lengths are multiples of 5 s so a walker reads "1:15", not "1:13"."""


DEFAULTS = Settings()

# --- product limits (not from DOMAIN.md: sanity bounds on what a person types) ------------------------------
SESSION_MAX_S = 240 * 60
"""A time-only plan covers at most 4 hours; a longer day is a route, or two walks."""

ROUTE_SESSION_MAX_S = 12 * 3600
"""A route plan covers at most a 12-hour day; the rest of a longer route is left out, and the plan says so."""

TREADMILL_FORWARD_MAX_KMH = 8.0
"""A walking plan; 8 km/h (5 mph) is where walking turns into running."""


def kmh_from_mph(mph: float) -> float:
    return mph * KMH_PER_MPH


def mph_from_kmh(kmh: float) -> float:
    return kmh / KMH_PER_MPH


def backward_cap_s(total_s: int) -> int:
    """The most backward time a session of ``total_s`` may hold: S1's 10 minutes and its third-share."""
    return min(BACKWARD_MAX_S, int(total_s * BACKWARD_MAX_SHARE))
