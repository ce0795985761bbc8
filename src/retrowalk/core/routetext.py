"""What a route plan says: its segments with their cues and ground, and its warnings, in the walker's units.

Everything here is the domain's words; nothing names a command-line flag or a button (core.refusal).
"""

from __future__ import annotations

import numpy as np

from retrowalk.core.arrays import cumsum0
from retrowalk.core.ground import Elevation, Terrain, terrain_label
from retrowalk.core.i18n import _, ngettext
from retrowalk.core.placement import Placement
from retrowalk.core.plan import Direction, Segment
from retrowalk.core.refusal import REASONS, Why
from retrowalk.core.safety import KNEE_CUE
from retrowalk.core.terrain import Profile
from retrowalk.core.track import Damage
from retrowalk.core.units import Units, format_clock, format_distance, format_duration, format_grade, format_speed
from retrowalk.core.walk import PLAUSIBLE_SPEED_MS


def segments(prof: Profile, placed: Placement, v_f: float, v_b: float, tau: int, units: Units) -> tuple[Segment, ...]:
    """The plan's segments: forward and backward in turn, each with its metres, ground, grade and cue."""
    step = prof.step_m
    length = len(prof.terrain) * step
    pieces: list[tuple[Direction, int, int]] = []
    at = 0
    for bout in placed.bouts:
        pieces.append((Direction.FORWARD, at, bout.start))
        pieces.append((Direction.BACKWARD, bout.start, bout.end))
        at = bout.end
    pieces.append((Direction.FORWARD, at, len(prof.terrain)))

    # Grade sums and counts from the start, so each segment's mean grade is two look-ups, not a scan.
    finite = np.isfinite(prof.grade_pct)
    sums = cumsum0(np.where(finite, prof.grade_pct, 0.0), np.float64)
    counts = cumsum0(finite)
    out: list[Segment] = []
    clock = 0.0
    t = 0
    for i, (direction, a, b) in enumerate(pieces):
        if a == b:  # no forward walking before the first bout: a shared plan whose shown part starts with one
            continue
        start_m, end_m = a * step, (b * step if b < len(prof.terrain) else length)
        if direction is Direction.BACKWARD:
            duration = (b - a) * tau  # exact: a sample is tau seconds backward
            clock += duration
        else:
            clock += (end_m - start_m) / v_f
            duration = round(clock) - t
        known = int(counts[b] - counts[a])
        grade = float(sums[b] - sums[a]) / known if known else None
        terrain = _ground(prof, a, b, direction)
        cue = _cue(direction, i, len(pieces), start_m, end_m, duration, terrain, grade, units)
        speed = (v_b if direction is Direction.BACKWARD else v_f) * 3.6
        out.append(Segment(direction, t, duration, cue, speed, None, start_m, end_m, terrain, grade))
        t += duration
    return tuple(out)


def _ground(prof: Profile, a: int, b: int, direction: Direction) -> Terrain:
    """A bout's ground (the class most of it is on), or a forward stretch's (one class, or mixed)."""
    classes = prof.terrain[a:b]
    if direction is Direction.BACKWARD:
        if prof.elevation is Elevation.UNKNOWN:
            return Terrain.UNKNOWN
        counts = np.bincount(classes, minlength=6)
        steep, uphill, flat = (counts[t.code] for t in (Terrain.STEEP, Terrain.UPHILL, Terrain.FLAT))
        if steep * 2 > len(classes):
            return Terrain.STEEP
        return Terrain.UPHILL if uphill + steep >= flat else Terrain.FLAT
    low, high = int(classes.min()), int(classes.max())
    return Terrain.of_code(low) if low == high else Terrain.MIXED


def _cue(direction: Direction, i: int, count: int, start_m: float, end_m: float, duration: int, terrain: Terrain,
         grade: float | None, units: Units) -> str:
    span = {"span": format_distance(end_m - start_m, units)}
    if direction is Direction.BACKWARD:
        if grade is None or terrain is Terrain.UNKNOWN:
            ground = terrain_label(terrain)
        else:
            # Translators: the ground and its grade, as in "uphill +4 %".
            ground = _("%(ground)s %(grade)s") % {"ground": terrain_label(terrain), "grade": format_grade(grade)}
        return (_("At %(at)s, look over your shoulder and turn around: backward %(length)s (%(span)s, %(ground)s), "
                  "%(knee)s.")
                % {**span, "at": format_distance(start_m, units), "length": format_clock(duration), "ground": ground,
                   "knee": _(KNEE_CUE)})
    if i == 0:
        return _("Warm up forward for %(span)s.") % span
    if i == count - 1:
        return _("Face forward; cool down for the last %(span)s.") % span
    return _("Face forward and walk on for %(span)s.") % span


def shortfall(got: int, target: int, reverse_s: int, why: Why) -> str:
    words = {"got": format_duration(got), "target": format_duration(target)}
    if why in REASONS:
        text = [_("This route holds %(got)s of safe backward walking, short of %(target)s: %(reason)s.")
                % {**words, "reason": _(REASONS[why])}]
    else:
        text = [_("This route holds %(got)s of safe backward walking, short of %(target)s.") % words]
    if reverse_s > got:
        text.append(_("Walked the other way it holds %(reverse)s.") % {"reverse": format_duration(reverse_s)})
    text.append(_("A time-only plan or a treadmill session reaches the full time."))
    return " ".join(text)


def late_gap(prof: Profile, placed: Placement, late_m: float, why: Why, units: Units) -> str:
    """Why the bouts end before the walk's last third: the ground there does not allow one."""
    words = {"after": format_distance(placed.bouts[-1].end * prof.step_m, units),
             "late": format_distance(late_m, units)}
    if why is Why.SHARP_TURNS:
        return _("No backward bout after %(after)s: the last third of the walk (from %(late)s) bends too sharply "
                 "wherever it is flat or rising.") % words
    return _("No backward bout after %(after)s: the last third of the walk (from %(late)s) has no flat or rising "
             "stretch long enough for one before the cool-down.") % words


def damaged(damage: Damage, kept_m: float, units: Units) -> str:
    """What a damaged file gave: how much of it was read and where the walk stops, or that it may be wrong."""
    n = damage.records_read
    # The English says "records" for one too, as it always has; the plural forms are the translator's.
    if damage.cut:
        share = round(damage.share_read * 100)
        words = {"n": f"{n:,}", "share": share, "kept": format_distance(kept_m, units)}
        if share < 1:
            return ngettext("Read %(n)s records (less than 1 %% of the file): the file is damaged after %(kept)s, and "
                            "the plan goes no further.",
                            "Read %(n)s records (less than 1 %% of the file): the file is damaged after %(kept)s, and "
                            "the plan goes no further.", n) % words
        return ngettext("Read %(n)s records (about %(share)s %% of the file): the file is damaged after %(kept)s, and "
                        "the plan goes no further.",
                        "Read %(n)s records (about %(share)s %% of the file): the file is damaged after %(kept)s, and "
                        "the plan goes no further.", n) % words
    return ngettext("The file's checksum does not match: it was changed or damaged after it was recorded. All "
                    "%(n)s records were read, but any of them may be wrong: check the route on the map.",
                    "The file's checksum does not match: it was changed or damaged after it was recorded. All "
                    "%(n)s records were read, but any of them may be wrong: check the route on the map.", n) \
        % {"n": f"{n:,}"}


def dropped(count: int, units: Units) -> str:
    """How many fixes were dropped as glitches, and why, in the walker's speed unit."""
    return ngettext("%(n)s fix was dropped as a jump: it would mean moving faster than %(speed)s (a GPS glitch, or a "
                    "damaged file).",
                    "%(n)s fixes were dropped as jumps: they would mean moving faster than %(speed)s (a GPS glitch, "
                    "or a damaged file).", count) \
        % {"n": f"{count:,}", "speed": format_speed(PLAUSIBLE_SPEED_MS * 3.6, units, whole=True)}
