"""Did the knee straighten? Knee flexion per stride from pose landmarks (DOMAIN.md §5), pure numpy.

Input is landmarks, never pixels: per frame, MediaPipe Pose's 33 points as (x, y, z, visibility), x and y in
pixels of the frame, z in the same scale (smaller is nearer the camera). Pose estimation is the caller's
(formats/, on the CPU); this module only measures, and says when it cannot.

* **Flexion** = 180° − the hip–knee–ankle angle in the image plane (DOMAIN.md:69): 0° is a straight knee.
* **The near leg** is the side nearer the camera over the whole clip (its hip, knee and ankle have the smaller
  mean depth, weighted by visibility), chosen once: a leg is never switched mid-clip. Where the pose model's own
  left/right labels swap for a few frames (it loses which way the person faces), the leg labelled near is the
  farther one there: the labels are put back, so a label swap does not make a stride of two legs.
* **Smoothing** is a running median over a few frames: it removes single-frame jitter without pulling the least
  flexion up, as a low-pass filter would (a 6 Hz filter eats the very peak we measure).
* **Strides** are found from the ankle's motion: the near leg's mid-stances, where the hip passes over the planted
  foot (the ankle level with the hip along the direction of travel, after Zeni 2008's coordinate method), once a
  stride walking forward or backward and at the same moments when a clip plays backward. Each stride is then
  measured from one swing peak of the knee (its most bent frame between two mid-stances) to the next, so the
  whole stance, with the straightest frame, lies inside it and never at an edge.
* Per stride, the **least flexion**: reached (≤ 5°), borderline (5–10°), not reached (> 10°), or cannot tell
  with its reason. Whole degrees only; the method's error is 4–7° (DOMAIN.md:71-73).
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from retrowalk.core.i18n import _, gettext_noop, ngettext

FloatArray = npt.NDArray[np.float64]

# MediaPipe Pose landmark numbers.
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_HIP, RIGHT_HIP, LEFT_KNEE, RIGHT_KNEE, LEFT_ANKLE, RIGHT_ANKLE = 23, 24, 25, 26, 27, 28
LEGS = {"left": (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE), "right": (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE)}

# DOMAIN.md:70: the thresholds.
REACHED_MAX_DEG = 5.0
BORDERLINE_MAX_DEG = 10.0
METHOD_ERROR = gettext_noop("from a phone video the angle can be 4–7° off")
"""DOMAIN.md:71-72. Marked for the catalogue: shown as ``_(METHOD_ERROR)``."""
# DOMAIN.md:76-78: when it cannot tell.
MIN_FPS = 24.0
VIEW_OFF_SIDE_MAX_DEG = 30.0
LYING_MAX_DEG = 45.0
"""A body leaning further than this from upright in the picture means the picture is on its side (a phone
video whose turn was lost): a walker leans a few degrees."""
FRONT_BREADTH = 1.25
"""Shoulder plus hip breadth over torso length, seen from the front (anthropometric proportions)."""
# Our choices (not rules): how the landmarks are read.
VISIBLE_MIN = 0.5
"""A landmark the model is less sure of than this is taken as hidden."""
HIDDEN_SHARE_MAX = 0.2
"""A stride with its hip, knee or ankle hidden in more than this share of its frames cannot be read."""
MEDIAN_FRAMES = 5
READ_AGAIN_DEG = 4.0
"""Dips of a stride this close to its lowest are read again (formats/pose.py refine)."""
OUTLIER_DEG = 10.0
"""A frame this far from the running median of the frames round it is a mistake of the model's, not the knee."""
BOTTOM_HALF = 2
"""The least flexion is read off a parabola fitted to the raw curve over this many frames either side."""
MIN_STRIDE_S, MAX_STRIDE_S = 0.6, 2.5
"""A walking stride (heel strike to heel strike of one leg) lasts about 1 s; outside these it is not a stride."""
EDGE_S = 0.2
"""A swing at the clip's start or end counts when at least this much of the clip lies beyond its peak."""
PEAK_DROP_DEG = 20.0
"""A swing's peak at the start or end of the clip counts when the knee is that much straighter beyond it."""
SWING_REACH = 0.2
"""The swing's peak is looked for this share of a step either side of mid-swing."""
STRIDE_CV_MAX = 0.35
"""Stride times that vary more than this (standard deviation over mean) are not regular walking."""


class Verdict(StrEnum):
    REACHED = "reached"
    BORDERLINE = "borderline"
    NOT_REACHED = "not reached"
    CANNOT_TELL = "cannot tell"


# Translators: what a knee check found for one step.
VERDICT_WORDS = {Verdict.REACHED: gettext_noop("reached"), Verdict.BORDERLINE: gettext_noop("borderline"),
                 Verdict.NOT_REACHED: gettext_noop("not reached"), Verdict.CANNOT_TELL: gettext_noop("cannot tell")}
"""A step's verdict as people read it, marked for the catalogue: :func:`verdict_label` translates it."""


def verdict_label(verdict: Verdict) -> str:
    """A step's verdict in the active language; the value is the stored code."""
    return _(VERDICT_WORDS[verdict])


@dataclass(frozen=True, slots=True)
class Stride:
    start: int
    end: int
    """Frames [start, end): one stride of the near leg, from one swing peak of its knee to the next."""
    least_deg: float | None
    """The least flexion in the stride; None when it cannot be told."""
    at: int | None
    """The frame of the least flexion."""
    verdict: Verdict
    why: str = ""

    @property
    def shown_deg(self) -> int | None:
        """Whole degrees: the method is not more precise than that (it is 4–7° off)."""
        return None if self.least_deg is None else round(self.least_deg)


@dataclass(frozen=True)
class KneeResult:
    side: str | None
    """``left`` or ``right``: the leg measured; None when the clip cannot be read at all."""
    strides: tuple[Stride, ...]
    flexion_deg: FloatArray
    """The near knee's smoothed flexion per frame (NaN where hidden): the picture's curve."""
    fps: float
    why: str = ""
    """For a clip that cannot be read at all: the one sentence saying why."""

    @property
    def verdict(self) -> str:
        """The result in one sentence, in the active language."""
        if self.side is None:
            return _("Cannot tell: %(why)s") % {"why": self.why}
        told = [s for s in self.strides if s.verdict is not Verdict.CANNOT_TELL]
        left = self.side == "left"
        if not told:
            reasons = sorted({s.why for s in self.strides if s.why})
            why = {"why": "; ".join(reasons) or self.why}
            return (_("Cannot tell for the left knee: %(why)s.") if left else
                    _("Cannot tell for the right knee: %(why)s.")) % why
        reached = sum(1 for s in told if s.verdict is Verdict.REACHED)
        borderline = sum(1 for s in told if s.verdict is Verdict.BORDERLINE)
        rest = len(told) - reached
        words = {"reached": reached, "n": len(told), "borderline": borderline, "error": _(METHOD_ERROR)}
        n = len(told)
        if not borderline:
            text = (ngettext("The left knee straightened on %(reached)s of %(n)s step (%(error)s).",
                             "The left knee straightened on %(reached)s of %(n)s steps (%(error)s).", n) if left else
                    ngettext("The right knee straightened on %(reached)s of %(n)s step (%(error)s).",
                             "The right knee straightened on %(reached)s of %(n)s steps (%(error)s).", n))
        elif borderline == rest and rest > 1:
            text = (ngettext("The left knee straightened on %(reached)s of %(n)s step and nearly on the other "
                             "%(borderline)s (%(error)s).",
                             "The left knee straightened on %(reached)s of %(n)s steps and nearly on the other "
                             "%(borderline)s (%(error)s).", n) if left else
                    ngettext("The right knee straightened on %(reached)s of %(n)s step and nearly on the other "
                             "%(borderline)s (%(error)s).",
                             "The right knee straightened on %(reached)s of %(n)s steps and nearly on the other "
                             "%(borderline)s (%(error)s).", n))
        elif borderline == rest:
            text = (ngettext("The left knee straightened on %(reached)s of %(n)s step and nearly on the other one "
                             "(%(error)s).",
                             "The left knee straightened on %(reached)s of %(n)s steps and nearly on the other one "
                             "(%(error)s).", n) if left else
                    ngettext("The right knee straightened on %(reached)s of %(n)s step and nearly on the other one "
                             "(%(error)s).",
                             "The right knee straightened on %(reached)s of %(n)s steps and nearly on the other one "
                             "(%(error)s).", n))
        else:
            text = (ngettext("The left knee straightened on %(reached)s of %(n)s step, nearly on %(borderline)s "
                             "others (%(error)s).",
                             "The left knee straightened on %(reached)s of %(n)s steps, nearly on %(borderline)s "
                             "others (%(error)s).", n) if left else
                    ngettext("The right knee straightened on %(reached)s of %(n)s step, nearly on %(borderline)s "
                             "others (%(error)s).",
                             "The right knee straightened on %(reached)s of %(n)s steps, nearly on %(borderline)s "
                             "others (%(error)s).", n))
        return text % words


def flexion_deg(hip: FloatArray, knee: FloatArray, ankle: FloatArray) -> FloatArray:
    """180° − the hip–knee–ankle angle, per frame, from (frames, 2) image points; NaN where a point is missing.

    Signed: the knee bends one way only, so the bend seen in most clearly bent frames (over 20°) is flexion and
    the other way is hyperextension (negative). Unsigned, the jitter of a straight leg would fold back onto
    positive values and the least flexion would read low (3° read as 0.4° with 2 px of noise)."""
    thigh = hip - knee
    shank = ankle - knee
    # atan2 of the cross and dot products: exact near 0° and 180°, where arccos of a cosine loses digits (and
    # tools that use it report angles that flip near a straight leg).
    cross = thigh[:, 0] * shank[:, 1] - thigh[:, 1] * shank[:, 0]
    dot = (thigh * shank).sum(axis=1)
    bend = 180.0 - np.degrees(np.arctan2(np.abs(cross), dot))
    side = np.sign(cross)
    clear = np.isfinite(bend) & (bend > 20.0)
    way = np.sign(np.median(side[clear])) if clear.any() else 1.0
    out: FloatArray = np.where(side * (way or 1.0) >= 0, bend, -bend)
    return out


def running_median(values: FloatArray, width: int = MEDIAN_FRAMES) -> FloatArray:
    """The median of each window of ``width`` frames (NaN ignored; NaN where a window holds none)."""
    half = width // 2
    padded = np.concatenate([np.full(half, np.nan), values, np.full(half, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    out = np.full(len(values), np.nan)
    some = np.isfinite(windows).any(axis=1)
    with np.errstate(all="ignore"):
        out[some] = np.nanmedian(windows[some], axis=1)
    return out


def near_side(landmarks: FloatArray) -> str:
    """The leg nearer the camera over the whole clip: the smaller visibility-weighted mean depth."""
    depth = {}
    for side, points in LEGS.items():
        z = landmarks[:, list(points), 2]
        w = np.clip(landmarks[:, list(points), 3], 0.0, 1.0)
        ok = np.isfinite(z) & np.isfinite(w)
        depth[side] = float((z[ok] * w[ok]).sum() / max(w[ok].sum(), 1e-9)) if ok.any() else np.inf
    return "left" if depth["left"] <= depth["right"] else "right"


def unswapped(landmarks: FloatArray, near: str) -> FloatArray:
    """The landmarks with the model's left/right label swaps undone. The near leg stays nearer the camera all
    through a side-on clip, also while the legs pass each other: where the leg labelled ``near`` is the farther
    one (for at least a few frames: a one-frame flicker of depth is noise), the labels have swapped, and the two
    legs trade their points back."""
    out = landmarks.copy()
    left, right = list(LEGS["left"]), list(LEGS["right"])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames where no one was found: NaN, as they should
        dz = np.nanmean(out[:, left, 2], axis=1) - np.nanmean(out[:, right, 2], axis=1)
    wrong = (dz > 0) if near == "left" else (dz < 0)
    wrong &= np.isfinite(dz)
    swapped = running_median(wrong.astype(np.float64), MEDIAN_FRAMES) > 0.5
    rows = np.flatnonzero(swapped)
    out[np.ix_(rows, np.array(left + right))] = landmarks[np.ix_(rows, np.array(right + left))]
    # A swap of a frame or two, too short to tell from depth, shows in position: the knees and ankles jump to
    # where the other leg's were in the frames either side, and back. Where trading them back puts both legs
    # far nearer the frames either side, they are traded back.
    ends = [LEFT_KNEE, LEFT_ANKLE, RIGHT_KNEE, RIGHT_ANKLE]
    for f in range(1, len(out) - 1):
        around = (out[f - 1, ends, :2] + out[f + 1, ends, :2]) / 2
        here = out[f, ends, :2]
        traded = here[[2, 3, 0, 1]]
        as_is = np.linalg.norm(here - around, axis=1).sum()
        other = np.linalg.norm(traded - around, axis=1).sum()
        if np.isfinite(as_is) and np.isfinite(other) and other < 0.5 * as_is:
            out[f, left + right] = out[f, right + left].copy()
    return out


def view_off_side_deg(landmarks: FloatArray) -> float:
    """How far the camera is from square to the walking line: 0° side on, 90° from the front.

    From the breadth the shoulders and hips show across the picture against the torso's length: seen from the
    front, the shoulders (about 0.23 of body height apart) and the hips (about 0.15) span about 1.25 torso
    lengths (shoulders to hips, about 0.30); seen from the side they span nothing; in between, the sine of the
    angle. The pose model's depth (z) of the two hips is not used: it is its weakest output (it put the hips of a
    man filmed front-oblique 2.6 hip widths apart in depth)."""
    def across(a: int, b: int) -> FloatArray:
        return np.abs(landmarks[:, a, 0] - landmarks[:, b, 0])

    breadth = across(LEFT_SHOULDER, RIGHT_SHOULDER) + across(LEFT_HIP, RIGHT_HIP)
    mid_shoulder = landmarks[:, [LEFT_SHOULDER, RIGHT_SHOULDER], :2].mean(axis=1)
    mid_hip = landmarks[:, [LEFT_HIP, RIGHT_HIP], :2].mean(axis=1)
    torso = np.hypot(*(mid_shoulder - mid_hip).T)
    ok = np.isfinite(breadth) & np.isfinite(torso) & (torso > 0)
    if not ok.any():
        return float("nan")
    ratio = float(np.median(breadth[ok] / torso[ok]))
    return float(np.degrees(np.arcsin(min(1.0, ratio / FRONT_BREADTH))))


def lying_deg(landmarks: FloatArray) -> float:
    """How far the body leans from upright in the picture: the median angle of the line from the hips' centre
    to the shoulders' centre from the picture's vertical (0° standing, 90° lying across it)."""
    shoulders = landmarks[:, [LEFT_SHOULDER, RIGHT_SHOULDER], :2].mean(axis=1)
    hips = landmarks[:, [LEFT_HIP, RIGHT_HIP], :2].mean(axis=1)
    up = hips - shoulders  # y grows downward: upright, the hips are below the shoulders
    ok = np.isfinite(up).all(axis=1) & (np.hypot(up[:, 0], up[:, 1]) > 0)
    if not ok.any():
        return float("nan")
    return float(np.degrees(np.median(np.arctan2(np.abs(up[ok, 0]), up[ok, 1]))))


def mid_stances(hip_x: FloatArray, ankle_x: FloatArray, fps: float, crossing: str = "down") -> list[int]:
    """Frames where the hip passes over the planted near foot: the ankle, ahead of the hip in the direction of
    travel, comes level with it. In stance the foot stands still while the body moves on, so this happens once a
    stride, in forward and backward walking alike, and it is the same moment when the clip plays backward.
    ``crossing="up"``: the other crossing, the ankle coming from behind the hip to ahead of it (mid-swing)."""
    ok = np.isfinite(hip_x) & np.isfinite(ankle_x)
    if ok.sum() < fps:
        return []
    travel = np.sign(np.nanmedian(np.diff(hip_x[ok]))) or 1.0
    # Seven frames: a label swap the model keeps for two or three frames (spread over the frames drawn between
    # those read) is not a crossing.
    rel = running_median((ankle_x - hip_x) * travel, 7)
    gap = max(1, round(MIN_STRIDE_S * fps * 0.8))
    found: list[int] = []
    for f in range(1, len(rel)):
        crossed = rel[f - 1] > 0 >= rel[f] if crossing == "down" else rel[f - 1] < 0 <= rel[f]
        if np.isfinite(rel[f - 1]) and np.isfinite(rel[f]) and crossed and (not found or f - found[-1] >= gap):
            found.append(f)
    return found


def bottom(raw: FloatArray, smooth: FloatArray, a: int, b: int) -> tuple[int, float]:
    """The frame and value of the least flexion in frames [a, b).

    Each dip of the smoothed curve (a stride has two: before heel strike and late in stance) gets a parabola
    fitted to the raw values over :data:`BOTTOM_HALF` frames either side (frames far off the curve left out); the
    least vertex wins. Taking only the smoothed curve's lowest frame would let a degree of noise choose between
    two dips, and the same stride seen twice could be read at different dips."""
    part = smooth[a:b] if np.isfinite(smooth[a:b]).any() else raw[a:b]
    level = float(np.nanmin(part))
    dips = [a + i for i in range(len(part)) if np.isfinite(part[i]) and part[i] <= level + OUTLIER_DEG
            and (i == 0 or not part[i - 1] < part[i]) and (i == len(part) - 1 or not part[i + 1] < part[i])]
    return min((_vertex(raw, at, a, b) for at in dips), key=lambda found: found[1])


def _vertex(raw: FloatArray, at: int, a: int, b: int) -> tuple[int, float]:
    """The vertex of a parabola fitted to the raw curve round frame ``at`` (the lowest fitted value when it
    does not turn inside the window), kept inside [a, b)."""
    lo, hi = max(a, at - BOTTOM_HALF), min(b, at + BOTTOM_HALF + 1)
    x = np.arange(lo, hi) - at
    y = raw[lo:hi]
    # A frame far off the curve around it (the model's brief mistake) is left out of the fit.
    ok = np.isfinite(y) & (np.abs(y - running_median(raw, MEDIAN_FRAMES)[lo:hi]) <= OUTLIER_DEG)
    if ok.sum() < 4:
        vals = np.where(ok, y, np.inf)
        return (lo + int(np.argmin(vals)), float(vals.min())) if ok.any() else (at, float(running_median(raw)[at]))
    c2, c1, c0 = np.polyfit(x[ok], y[ok], 2)
    if c2 > 0 and abs(-c1 / (2 * c2)) <= BOTTOM_HALF:
        turn = -c1 / (2 * c2)
        return min(hi - 1, max(lo, at + round(turn))), float(c0 - c1 * c1 / (4 * c2))
    fitted = np.polyval([c2, c1, c0], x[ok])
    return lo + int(np.flatnonzero(ok)[np.argmin(fitted)]), float(fitted.min())


def reading_frames(result: KneeResult, margin: int = BOTTOM_HALF) -> set[int]:
    """The frames each judged stride's least flexion is read from, ``margin`` frames either side: every dip of
    the smoothed curve within :data:`READ_AGAIN_DEG` of the stride's lowest (a dip higher than that does not
    become the least when read again: readings move by 2–3°), and the frames its parabola reaches (the
    three-frame medians at the window's two ends are of the two frames read there). Three frames either side
    (the medians' reach too) read 28 % more frames for results within a degree of these."""
    out: set[int] = set()
    curve = result.flexion_deg
    for stride in result.strides:
        if stride.least_deg is None:
            continue
        part = curve[stride.start:stride.end]
        if not np.isfinite(part).any():
            continue
        level = float(np.nanmin(part)) + READ_AGAIN_DEG
        for i in range(len(part)):
            dip = np.isfinite(part[i]) and part[i] <= level and (i == 0 or not part[i - 1] < part[i]) \
                and (i == len(part) - 1 or not part[i + 1] < part[i])
            if dip:
                f = stride.start + i
                out.update(range(max(0, f - margin), min(len(curve), f + margin + 1)))
    return out


def measure(landmarks: FloatArray, fps: float, people: int = 1,
            read: npt.NDArray[np.bool_] | None = None) -> KneeResult:
    """``landmarks``: (frames, 33, 4). ``people``: how many people the pose detector saw where it saw most.
    ``read``: the frames read most carefully (formats/pose.py refine); a stride's least flexion is taken from
    those alone where it has any."""
    frames = len(landmarks)
    nothing = np.full(frames, np.nan)
    if people > 1:
        return KneeResult(None, (), nothing, fps, _("more than one person is in the video and nothing says which "
                                                    "one is walking; film one person at a time"))
    if fps < MIN_FPS:
        return KneeResult(None, (), nothing, fps, _("the video has %(fps)s frames a second; a step needs at least "
                                                    "%(least)s to be seen (set the phone to 30 or 60 fps)")
                          % {"fps": f"{fps:.0f}", "least": f"{MIN_FPS:.0f}"})
    if frames < 2 * fps * MIN_STRIDE_S:
        return KneeResult(None, (), nothing, fps, _("the video is %(length)s s long; film at least a few steps (5 "
                                                    "seconds or more)") % {"length": f"{frames / fps:.1f}"})
    if not np.isfinite(landmarks[:, [LEFT_HIP, LEFT_KNEE, LEFT_ANKLE, RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE], :2]).any():
        return KneeResult(None, (), nothing, fps, _("no person was found in the video; film the whole body from the "
                                                    "side, in good light"))
    lying = lying_deg(landmarks)
    if np.isfinite(lying) and lying > LYING_MAX_DEG:
        return KneeResult(None, (), nothing, fps, _("the picture is on its side (the body lies %(angle)s° from "
                                                    "upright in it): the video's turn was not recorded; film with the "
                                                    "phone held level in landscape, or turn the video upright first")
                          % {"angle": f"{lying:.0f}"})
    side = near_side(landmarks)
    marks = unswapped(landmarks, side)
    off = view_off_side_deg(marks)
    hip_i, knee_i, ankle_i = LEGS[side]
    points = marks[:, [hip_i, knee_i, ankle_i], :]
    hidden = (points[:, :, 3] < VISIBLE_MIN) | ~np.isfinite(points[:, :, :2]).all(axis=2)
    xy = points[:, :, :2].copy()
    xy[hidden] = np.nan
    raw = flexion_deg(xy[:, 0], xy[:, 1], xy[:, 2])
    smooth = running_median(raw)
    if np.isfinite(off) and off > VIEW_OFF_SIDE_MAX_DEG:
        return KneeResult(None, (), smooth, fps, _("the camera is about %(angle)s° off the side (at most %(most)s° "
                                                   "can be read); film square to the walking line, from the side")
                          % {"angle": f"{off:.0f}", "most": f"{VIEW_OFF_SIDE_MAX_DEG:.0f}"})
    marks_at = mid_stances(xy[:, 0, 0], xy[:, 2, 0], fps)
    durations = np.diff(marks_at) / fps if len(marks_at) > 1 else np.array([])
    # Between two mid-stances the leg swings through: its knee's most bent frame there is the swing's peak. One
    # stride runs from one swing peak to the next, so the whole stance, with the straightest frame, lies inside
    # it and never at an edge, whatever the gait.
    # The peak is looked for round mid-swing (the ankle passing under the hip, the other way from mid-stance:
    # the knee bends most just before it walking forward, just after it played backward), never elsewhere in
    # the step, where a moment's confusion of the model as the legs cross can look as high.
    swings = mid_stances(xy[:, 0, 0], xy[:, 2, 0], fps, crossing="up")
    peaks = []
    for a, b in itertools.pairwise(marks_at):
        if not (MIN_STRIDE_S <= (b - a) / fps <= MAX_STRIDE_S and np.isfinite(smooth[a:b]).any()):
            continue
        lo, hi = a, b
        inside = [u for u in swings if a < u < b]
        if inside:
            reach = max(2, round(SWING_REACH * (b - a)))
            lo, hi = max(a, inside[0] - reach), min(b, inside[0] + reach + 1)
            if not np.isfinite(smooth[lo:hi]).any():
                lo, hi = a, b
        peaks.append(lo + int(np.nanargmax(smooth[lo:hi])))
    # Before the first mid-stance and after the last, a swing counts when its peak is whole: higher than
    # the frames on its outer side, not cut off where the clip (or the view of the leg) starts or ends.
    seen = np.flatnonzero(np.isfinite(smooth))
    if marks_at and len(seen):
        first, last = int(seen[0]), int(seen[-1]) + 1
        edge = max(2, round(EDGE_S * fps))
        # A whole peak: the knee straightens by PEAK_DROP_DEG or more on its outer side too, within the clip.
        if marks_at[0] - first >= MIN_STRIDE_S * fps / 2:
            top = first + int(np.nanargmax(smooth[first:marks_at[0]]))
            if top - first >= edge and (not peaks or (peaks[0] - top) / fps >= MIN_STRIDE_S) \
                    and smooth[top] - np.nanmin(smooth[first:top]) >= PEAK_DROP_DEG:
                peaks.insert(0, top)
        if last - marks_at[-1] >= MIN_STRIDE_S * fps / 2:
            top = marks_at[-1] + int(np.nanargmax(smooth[marks_at[-1]:last]))
            if last - top > edge and (not peaks or (top - peaks[-1]) / fps >= MIN_STRIDE_S) \
                    and smooth[top] - np.nanmin(smooth[top + 1:last]) >= PEAK_DROP_DEG:
                peaks.append(top)
    walking = [(a, b) for a, b in itertools.pairwise(peaks) if MIN_STRIDE_S <= (b - a) / fps <= MAX_STRIDE_S]
    if not walking:
        return KneeResult(side, (), smooth, fps, _("no regular steps were found: walk past the phone for a few steps"))
    if len(durations) >= 3 and float(np.std(durations) / np.mean(durations)) > STRIDE_CV_MAX:
        return KneeResult(side, (), smooth, fps, _("the steps are not regular (not walking?): walk steadily past the "
                                                   "phone"))
    strides = []
    for a, b in walking:
        share_hidden = float(hidden[a:b].any(axis=1).mean())
        part = smooth[a:b]
        if share_hidden > HIDDEN_SHARE_MAX or not np.isfinite(part).any():
            hidden_share = {"share": f"{share_hidden:.0%}"}
            why = (_("the left hip, knee or ankle is hidden or unclear in %(share)s of the step") if side == "left"
                   else _("the right hip, knee or ankle is hidden or unclear in %(share)s of the step")) % hidden_share
            strides.append(Stride(a, b, None, None, Verdict.CANNOT_TELL, why))
            continue
        # The bottom of the raw curve: a parabola fitted over five frames round the lowest frame of the
        # median. The least single noisy frame is biased low (the noise picks the lowest one), a mean of five
        # frames is biased high (a knee turns sharply at heel strike: it lifted a 3° bottom to 6°); a parabola
        # follows the turn and averages the noise.
        careful = raw if read is None or not read[a:b].any() else np.where(read, raw, np.nan)
        # Three-frame medians first: one frame alone (the model reading a knee 9° straighter than in the frames
        # either side, and than in the same frame of the same clip re-encoded) never makes a step's number.
        steady = running_median(careful, 3)
        at, least = bottom(steady, steady, a, b)
        least = max(0.0, least)  # a hyperextended knee is reported as straight: 0°
        # Judged on the whole degrees shown (5.3° shows as 5°, and 5° is straight): never a verdict that the
        # number beside it contradicts.
        shown = round(least)
        verdict = (Verdict.REACHED if shown <= REACHED_MAX_DEG else Verdict.BORDERLINE
                   if shown <= BORDERLINE_MAX_DEG else Verdict.NOT_REACHED)
        strides.append(Stride(a, b, least, at, verdict))
    return KneeResult(side, tuple(strides), smooth, fps)
