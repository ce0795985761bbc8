"""Did the plan happen? A recorded walk reviewed against its plan, or against the seed's rule (DOMAIN.md §6).

Per planned backward bout, one of:

* **confirmed**: the watch ran our workout and its laps of that backward step say when (DOMAIN.md:86-88);
* **consistent**: no laps, but a stretch of at least 30 s at 0.4–0.65× the walk's median speed with the cadence kept
  (≥ 0.85× its median) near the planned time or place (DOMAIN.md:89-91). Never called proof of direction: the
  words say "consistent with", never "detected";
* **not verifiable**: no cadence, or a treadmill (DOMAIN.md:92);
* **missed**: the recording could have shown it and shows nothing.

Any backward stretch walked on a descent is flagged (DOMAIN.md:93, rule S3). Pure: arrays in, a :class:`Review` out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from retrowalk.core.geo import along_m
from retrowalk.core.ground import Terrain
from retrowalk.core.i18n import _, gettext_noop, ngettext
from retrowalk.core.plan import Kind, Plan, Segment
from retrowalk.core.recording import Recording
from retrowalk.core.rules import BACKWARD_MAX_S, BACKWARD_MIN_S
from retrowalk.core.terrain import profile
from retrowalk.core.track import FloatArray, TrackError
from retrowalk.core.units import format_clock

# DOMAIN.md:89-90: what a stretch consistent with a backward bout looks like.
CONSISTENT_MIN_S = 30.0
SPEED_SHARE = (0.40, 0.65)
CADENCE_SHARE_MIN = 0.85
# Our choices (not rules): how the recording is read.
MOVING_MIN_MS = 0.3
"""Slower than this is standing: left out of the walk's medians, and never a bout."""
GAP_S = 10.0
"""Fixes further apart than this in time are a pause in the recording: nothing is read across it."""
SMOOTH_S = 5
"""Speed is averaged over this many seconds first: a single GPS step is too noisy to read a pace from."""
BRIDGE_S = 3
"""A stretch interrupted for at most this long is one stretch (a slow step, a GPS wobble)."""
TIME_TOLERANCE_S = 120.0
"""A stretch belongs to a planned bout when it is this near the bout's planned time (or 10 % of the walk)."""
PLACE_TOLERANCE_M = 100.0
"""… or, on a route, this near its planned place."""
DESCENT_SHARE = 0.25
"""A stretch is on a descent when this share of its ground, by the recording's own profile, is downhill."""


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    CONSISTENT = "consistent"
    NOT_VERIFIABLE = "not verifiable"
    MISSED = "missed"


# Translators: what a review found for one planned backward bout.
VERDICT_WORDS = {Verdict.CONFIRMED: gettext_noop("confirmed"), Verdict.CONSISTENT: gettext_noop("consistent"),
                 Verdict.NOT_VERIFIABLE: gettext_noop("not verifiable"), Verdict.MISSED: gettext_noop("missed")}
"""A bout's verdict as people read it, marked for the catalogue: :func:`verdict_label` translates it."""


def verdict_label(verdict: Verdict) -> str:
    """A bout's verdict in the active language; the value is the stored code."""
    return _(VERDICT_WORDS[verdict])


@dataclass(frozen=True, slots=True)
class Stretch:
    """A stretch of the recording walked (or consistent with being walked) backward."""

    start_s: float
    """Seconds from the recording's start."""
    end_s: float
    start_m: float | None
    end_m: float | None
    """Metres along the recording (None without positions in time)."""
    ground: Terrain
    """The ground it was on, by the recording's own profile: downhill when it was a descent."""
    source: str
    """``laps`` (the watch's own record of the step) or ``pace`` (speed and cadence only)."""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def on_descent(self) -> bool:
        return self.ground is Terrain.DOWNHILL


@dataclass(frozen=True, slots=True)
class BoutReview:
    number: int
    planned_s: int
    planned_at_s: int
    verdict: Verdict
    stretch: Stretch | None = None
    why: str = ""
    """For *not verifiable* and *missed*: what the recording lacked."""


@dataclass(frozen=True)
class Review:
    bouts: tuple[BoutReview, ...]
    """The plan's bouts; without a plan, one per stretch found."""
    unplanned: tuple[Stretch, ...]
    """Stretches found that match no planned bout."""
    confirmed_s: float
    consistent_s: float
    duration_s: float
    basis: str
    """``laps``, ``pace`` or ``none``: what the review could read."""
    planned: bool
    words: tuple[str, ...]
    """The review in sentences, most important first."""

    @property
    def backward_s(self) -> float:
        """Backward time the recording confirms or is consistent with."""
        return self.confirmed_s + self.consistent_s

    @property
    def descents(self) -> tuple[Stretch, ...]:
        found = [b.stretch for b in self.bouts if b.stretch is not None and b.stretch.on_descent]
        return (*found, *(s for s in self.unplanned if s.on_descent))


def review(recording: Recording, plan: Plan | None = None, step_of_segment: Sequence[int] | None = None) -> Review:
    """``step_of_segment``: for each of the plan's segments, the index of the workout step the watch ran it as
    (formats/fitworkout.py makes both), so that laps can be matched to bouts."""
    time = recording.track.time_s
    t0 = float(np.nanmin(time)) if recording.has_time else 0.0
    duration = float(np.nanmax(time) - t0) if recording.has_time else 0.0
    dist = _distances(recording)
    ground = _ground_of(recording, dist)
    runs = _step_runs(recording, t0)
    backward_steps = _backward_steps(recording, plan, step_of_segment)
    confirmed_runs = [(a, b, step) for a, b, step in runs if step in backward_steps]
    confirmed = [Stretch(a, b, *_where(a, b, time - t0, dist), ground(a, b, time - t0), "laps")
                 for a, b, _step in confirmed_runs]
    has_laps = bool(runs)
    found: list[Stretch] = []
    why = ""
    treadmill = recording.indoor or (plan is not None and plan.kind in (Kind.TREADMILL, Kind.DEADMILL))
    if treadmill:
        why = _("a treadmill walk: the belt moves, the watch does not, so its pace says nothing of direction")
    elif not recording.has_time or not np.isfinite(dist).any():
        why = _("the recording has no times or positions to read a pace from")
    elif not recording.has_cadence:
        why = _("the recording has no cadence: pace alone cannot tell a backward bout from a slow stretch")
    elif not has_laps or not confirmed:
        found = [Stretch(a, b, *_where(a, b, time - t0, dist), ground(a, b, time - t0), "pace")
                 for a, b in _consistent(recording, t0)]
    basis = "laps" if confirmed else "pace" if not why else "none"
    if plan is None:
        return _against_the_seed(confirmed or found, duration, basis, why)
    steps = [step for _a, _b, step in confirmed_runs]
    return _against_the_plan(plan, list(zip(confirmed, steps, strict=True)), found, duration, basis, why, dist,
                             step_of_segment)


# --- reading the recording ----------------------------------------------------------------------------------

def _distances(recording: Recording) -> FloatArray:
    track = recording.track
    if len(track) < 2:
        return np.full(len(track), np.nan)
    return along_m(track.lat_deg, track.lon_deg)


def _where(a: float, b: float, rel: FloatArray, dist: FloatArray) -> tuple[float | None, float | None]:
    ok = np.isfinite(rel) & np.isfinite(dist)
    if ok.sum() < 2:
        return None, None
    at = np.interp([a, b], rel[ok], dist[ok])
    return float(at[0]), float(at[1])


def _ground_of(recording: Recording, dist: FloatArray) -> Callable[[float, float, FloatArray], Terrain]:
    """A function giving the ground of a time window, by the recording's own terrain profile."""
    try:
        prof = profile(recording.track, 5.0) if recording.track.has_elevation else None
    except TrackError:
        prof = None

    def ground(a: float, b: float, rel: FloatArray) -> Terrain:
        if prof is None or not len(prof.dist_m):
            return Terrain.UNKNOWN
        start, end = _where(a, b, rel, dist)
        if start is None or end is None:
            return Terrain.UNKNOWN
        lo, hi = sorted((start, end))
        inside = prof.terrain[(prof.dist_m + prof.step_m > lo) & (prof.dist_m < hi)]
        if not len(inside):
            return Terrain.UNKNOWN
        if (inside == Terrain.DOWNHILL.code).mean() >= DESCENT_SHARE:
            return Terrain.DOWNHILL
        known = inside[inside != Terrain.UNKNOWN.code]
        if not len(known):
            return Terrain.UNKNOWN
        codes, counts = np.unique(known, return_counts=True)
        return Terrain.of_code(int(codes[np.argmax(counts)]))
    return ground


def _step_runs(recording: Recording, t0: float) -> list[tuple[float, float, int]]:
    """Laps run on one workout step merged (auto-lap splits one step into laps sharing its index, DOMAIN.md:88):
    (start, end, step) in seconds from the recording's start."""
    runs: list[tuple[float, float, int]] = []
    for lap in sorted(recording.laps, key=lambda lap: lap.start_s):
        if lap.step_index is None:
            continue
        start, end = lap.start_s - t0, lap.end_s - t0
        if runs and runs[-1][2] == lap.step_index and start - runs[-1][1] <= GAP_S:
            runs[-1] = (runs[-1][0], end, lap.step_index)
        else:
            runs.append((start, end, lap.step_index))
    return runs


def _backward_steps(recording: Recording, plan: Plan | None, step_of_segment: Sequence[int] | None) -> set[int]:
    if plan is not None and step_of_segment is not None and len(step_of_segment) == len(plan.segments):
        return {step_of_segment[i] for i, seg in enumerate(plan.segments) if seg.backward}
    prefixes = _backward_prefixes()
    return {i for i, name in recording.step_names.items() if name.lower().startswith(prefixes)}


def _backward_prefixes() -> tuple[str, ...]:
    """How a backward step's name starts: "backward" as our English workouts name it, and the same name's first
    words in the active language (the review runs in the client's language, as her workout was exported in)."""
    # The very message formats/fitworkout.py names its steps with, so both always agree.
    own = _("Backward %(length)s").split("%(")[0].strip().lower()
    return tuple({"backward", own} - {""})


def _consistent(recording: Recording, t0: float) -> list[tuple[float, float]]:
    """Stretches of ≥ 30 s at 0.4–0.65× the walk's median speed with the cadence kept (DOMAIN.md:89-90)."""
    rel = recording.track.time_s - t0
    ok = np.isfinite(rel)
    if ok.sum() < 10:
        return []
    order = np.argsort(rel[ok], kind="stable")
    t = rel[ok][order]
    grid = np.arange(0.0, float(t[-1]) + 1.0, 1.0)
    # Within reach of a fix on both sides: a pause in the recording is not a slow stretch.
    after = np.searchsorted(t, grid)
    before = np.clip(after - 1, 0, len(t) - 1)
    after = np.clip(after, 0, len(t) - 1)
    covered = (t[after] - t[before]) <= GAP_S
    device = recording.speed_ms[ok][order]
    if np.isfinite(device).sum() >= len(t) // 2:
        good = np.isfinite(device)
        speed = np.interp(grid, t[good], device[good])
    else:
        d = _distances(recording)[ok][order]
        good = np.isfinite(d)
        metres = np.interp(grid, t[good], d[good])
        speed = np.gradient(metres)
    speed = np.convolve(speed, np.ones(SMOOTH_S) / SMOOTH_S, mode="same")
    cad_raw = recording.cadence[ok][order]
    good = np.isfinite(cad_raw)
    cadence = np.interp(grid, t[good], cad_raw[good]) if good.any() else np.full(len(grid), np.nan)
    moving = covered & (speed >= MOVING_MIN_MS) & (cadence > 0)
    if moving.sum() < CONSISTENT_MIN_S:
        return []
    v, c = float(np.median(speed[moving])), float(np.median(cadence[moving]))
    hit = moving & (speed >= SPEED_SHARE[0] * v) & (speed <= SPEED_SHARE[1] * v) & (cadence >= CADENCE_SHARE_MIN * c)
    return [(float(grid[a]), float(grid[b - 1]) + 1.0) for a, b in _runs(hit, BRIDGE_S)
            if b - a >= CONSISTENT_MIN_S]


def _runs(mask: np.ndarray, bridge: int) -> list[tuple[int, int]]:
    """[start, end) of each run of True, runs at most ``bridge`` apart joined."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    pairs = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
    joined: list[tuple[int, int]] = []
    for a, b in pairs:
        if joined and a - joined[-1][1] <= bridge:
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return joined


# --- what it means --------------------------------------------------------------------------------------------

def _against_the_plan(plan: Plan, confirmed: list[tuple[Stretch, int]], found: list[Stretch], duration: float,
                      basis: str, why: str, dist: FloatArray, step_of_segment: Sequence[int] | None) -> Review:
    bouts_planned = [(i, seg) for i, seg in enumerate(plan.segments) if seg.backward]
    by_place = plan.kind is Kind.ROUTE and bool(np.isfinite(dist).any())
    tolerance_s = max(TIME_TOLERANCE_S, 0.1 * plan.total_s)
    free_found = list(found)
    after = 0  # laps come in the plan's order: a bout's lap is the first of its step after the last one matched
    used: set[int] = set()
    out: list[BoutReview] = []
    for number, (i, seg) in enumerate(bouts_planned, 1):
        want = step_of_segment[i] if step_of_segment is not None and len(step_of_segment) == len(plan.segments) \
            else None
        match = next((k for k in range(after, len(confirmed)) if want is None or confirmed[k][1] == want), None)
        if match is not None and _on_time(confirmed[match][0], seg, bouts_planned, number):
            used.add(match)
            after = match + 1
            out.append(BoutReview(number, seg.duration_s, seg.start_s, Verdict.CONFIRMED, confirmed[match][0]))
            continue
        if confirmed:  # the watch ran the workout and has no lap for this bout
            out.append(BoutReview(number, seg.duration_s, seg.start_s, Verdict.MISSED, None,
                                  _("the watch ran the workout but has no lap of this bout")))
            continue
        if why:
            out.append(BoutReview(number, seg.duration_s, seg.start_s, Verdict.NOT_VERIFIABLE, None, why))
            continue
        near = _nearest(seg, free_found, by_place, tolerance_s)
        if near is None:
            out.append(BoutReview(number, seg.duration_s, seg.start_s, Verdict.MISSED, None,
                                  _("nothing slower with the cadence kept near its planned place") if by_place else
                                  _("nothing slower with the cadence kept near its planned time")))
        else:
            free_found.remove(near)
            out.append(BoutReview(number, seg.duration_s, seg.start_s, Verdict.CONSISTENT, near))
    extra = [stretch for k, (stretch, _step) in enumerate(confirmed) if k not in used]
    unplanned = tuple(extra + free_found)
    confirmed_s = sum(stretch.duration_s for stretch, _step in confirmed)
    consistent_s = sum(b.stretch.duration_s for b in out if b.verdict is Verdict.CONSISTENT and b.stretch)
    review = Review(tuple(out), unplanned, confirmed_s, consistent_s, duration, basis, True, ())
    return replace(review, words=_words(review, why))


def _on_time(stretch: Stretch, seg: Segment, bouts: list[tuple[int, Segment]], number: int) -> bool:
    """A lap of the right step is this bout's unless it is nearer the next bout's planned time: when the same
    step repeats and a bout was skipped, the lap that comes next is the later bout's."""
    if number >= len(bouts):
        return True
    return abs(stretch.start_s - seg.start_s) <= abs(stretch.start_s - bouts[number][1].start_s)


def _nearest(seg: Segment, stretches: list[Stretch], by_place: bool, tolerance_s: float) -> Stretch | None:
    """The found stretch nearest the planned bout, by place on a route and by time otherwise, within tolerance."""
    best: tuple[float, Stretch] | None = None
    for s in stretches:
        if by_place and seg.start_m is not None and seg.end_m is not None and s.start_m is not None:
            planned = (seg.start_m + seg.end_m) / 2
            off = abs((s.start_m + (s.end_m or s.start_m)) / 2 - planned)
            if off > PLACE_TOLERANCE_M:
                continue
        else:
            planned_mid = seg.start_s + seg.duration_s / 2
            off = abs((s.start_s + s.end_s) / 2 - planned_mid)
            if off > tolerance_s:
                continue
        if best is None or off < best[0]:
            best = (off, s)
    return None if best is None else best[1]


def _against_the_seed(stretches: list[Stretch], duration: float, basis: str, why: str) -> Review:
    verdict = Verdict.CONFIRMED if basis == "laps" else Verdict.CONSISTENT
    bouts = tuple(BoutReview(i, 0, round(s.start_s), verdict, s) for i, s in enumerate(stretches, 1))
    done = sum(s.duration_s for s in stretches)
    confirmed_s, consistent_s = (done, 0.0) if basis == "laps" else (0.0, done)
    review = Review(bouts, (), confirmed_s, consistent_s, duration, basis, False, ())
    return replace(review, words=_words(review, why))


def _words(r: Review, why: str) -> tuple[str, ...]:
    out: list[str] = []
    for s in r.descents:
        at = {"at": format_clock(round(s.start_s))}
        if s.source == "laps":
            out.append(_("The stretch at %(at)s was walked backward on a descent: backward walking is for uphill and "
                         "flat ground only, never downhill (S3).") % at)
        else:
            out.append(_("The stretch at %(at)s looks like a backward stretch and was on a descent: backward walking "
                         "is for uphill and flat ground only, never downhill (S3).") % at)
    if r.planned:
        n = len(r.bouts)
        counts = {v: sum(1 for b in r.bouts if b.verdict is v) for v in Verdict}
        if counts[Verdict.CONFIRMED]:
            out.append(_("Bouts done: %(done)s/%(n)s confirmed by the watch's laps of the workout.")
                       % {"done": counts[Verdict.CONFIRMED], "n": n})
        if counts[Verdict.CONSISTENT]:
            out.append(_("%(done)s/%(n)s bouts have a stretch consistent with backward walking (slower, cadence kept) "
                         "near where they were planned; pace cannot prove direction.")
                       % {"done": counts[Verdict.CONSISTENT], "n": n})
        if counts[Verdict.MISSED]:
            out.append(_("%(missed)s/%(n)s bouts: nothing in the recording shows them.")
                       % {"missed": counts[Verdict.MISSED], "n": n})
        if counts[Verdict.NOT_VERIFIABLE]:
            out.append(_("%(unchecked)s/%(n)s bouts cannot be checked: %(why)s. Please confirm them yourself.")
                       % {"unchecked": counts[Verdict.NOT_VERIFIABLE], "n": n, "why": why})
    else:
        done = r.backward_s
        if why:
            out.append(_("Backward bouts cannot be checked: %(why)s. Please say yourself what you walked.")
                       % {"why": why})
        elif not r.bouts:
            out.append(_("No stretch in this recording looks like a backward bout: the seed asks for 5 to 10 minutes "
                         "backward, in bouts (S1, S2)."))
        else:
            found = len(r.bouts)
            words = {"n": found, "total": format_clock(round(done))}
            if r.basis == "laps":
                out.append(ngettext("%(n)s stretch confirmed by the watch's laps, %(total)s in all.",
                                    "%(n)s stretches confirmed by the watch's laps, %(total)s in all.", found) % words)
            else:
                out.append(ngettext("%(n)s stretch consistent with backward walking, %(total)s in all.",
                                    "%(n)s stretches consistent with backward walking, %(total)s in all.", found)
                           % words)
            if done < BACKWARD_MIN_S:
                out.append(_("That is under the 5 minutes the seed asks for (S1)."))
            elif done > BACKWARD_MAX_S:
                out.append(_("That is over the 10 minutes the seed asks for (S1)."))
    if r.unplanned:
        more = len(r.unplanned)
        if r.basis != "laps":
            out.append(ngettext("%(n)s more stretch like backward walking outside the planned bouts.",
                                "%(n)s more stretches like backward walking outside the planned bouts.", more)
                       % {"n": more})
        else:
            out.append(ngettext("%(n)s more stretch of backward walking outside the planned bouts.",
                                "%(n)s more stretches of backward walking outside the planned bouts.", more)
                       % {"n": more})
    return tuple(out)


REVIEW_SCHEMA = "retrowalk-review/1"
"""The JSON's version (``retrowalk/schemas/review.schema.json``)."""


def _stretch_dict(s: Stretch) -> dict[str, object]:
    return {"start_s": round(s.start_s, 1), "end_s": round(s.end_s, 1),
            "start_m": None if s.start_m is None else round(s.start_m, 1),
            "end_m": None if s.end_m is None else round(s.end_m, 1), "ground": s.ground.value, "source": s.source,
            "on_descent": s.on_descent}


def review_to_dict(r: Review, name: str = "") -> dict[str, object]:
    """The review as JSON data, in stored units (seconds, metres), as the schema describes."""
    return {
        "schema": REVIEW_SCHEMA, "recording": name, "planned": r.planned, "basis": r.basis,
        "duration_s": round(r.duration_s, 1), "backward_s": round(r.backward_s, 1),
        "confirmed_s": round(r.confirmed_s, 1), "consistent_s": round(r.consistent_s, 1),
        "bouts": [{"number": b.number, "planned_s": b.planned_s, "planned_at_s": b.planned_at_s,
                   "verdict": b.verdict.value, "why": b.why,
                   "stretch": None if b.stretch is None else _stretch_dict(b.stretch)} for b in r.bouts],
        "unplanned": [_stretch_dict(s) for s in r.unplanned],
        "descents": len(r.descents), "words": list(r.words),
    }
