"""The knee check of one video, start to end: pose (formats/pose.py), the measure (core/knee.py, DOMAIN.md §5),
the result as JSON, and the picture (the straightest frame with the leg drawn, and the knee's angle over time).

The command line (``retrowalk knee``) and the web's background job both call :func:`check_video`; neither has
logic of its own about knees.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrowalk.core.i18n import _
from retrowalk.core.knee import (
    BORDERLINE_MAX_DEG,
    LEGS,
    METHOD_ERROR,
    REACHED_MAX_DEG,
    KneeResult,
    Verdict,
    measure,
    reading_frames,
)
from retrowalk.formats.pose import PoseEstimator, PoseTrack, frame_at, read_pose, refine


@dataclass(frozen=True)
class KneeCheck:
    result: KneeResult
    pose: PoseTrack

    @property
    def measured(self) -> bool:
        """At least one step could be judged (else :attr:`KneeResult.verdict` says why not)."""
        return any(s.verdict is not Verdict.CANNOT_TELL for s in self.result.strides)

    @property
    def straightest(self) -> int | None:
        """The frame of the least flexion over all judged steps."""
        told = [s for s in self.result.strides if s.at is not None and s.least_deg is not None]
        return min(told, key=lambda s: s.least_deg or 0.0).at if told else None


def check_video(path: Path, progress: Callable[[int, int], None] | None = None) -> KneeCheck:
    """Raises :class:`retrowalk.formats.pose.VideoError` (one sentence) for a file that is not a readable video,
    and :class:`retrowalk.formats.posemodels.PoseModelsMissingError` when the models are not installed."""
    estimator = PoseEstimator()
    pose = read_pose(path, estimator, progress=progress)
    first = measure(pose.landmarks, pose.fps, pose.people)
    # The frames the numbers come from are read again, each through a square that does not depend on which
    # way the clip plays (formats/pose.py refine); the steps stay where the first reading found them.
    pose = refine(pose, reading_frames(first), estimator)
    read = np.zeros(len(pose.landmarks), dtype=bool)
    read[list(pose.read_again)] = True
    return KneeCheck(measure(pose.landmarks, pose.fps, pose.people, read if pose.read_again else None), pose)


def to_dict(check: KneeCheck) -> dict[str, Any]:
    """The result for --json and the web: whole degrees only (the method is not more precise than that)."""
    result, fps = check.result, check.result.fps or 30.0
    return {
        "side": result.side,
        "verdict": result.verdict,
        "measured": check.measured,
        "method_error": _(METHOD_ERROR),
        "why": result.why or None,
        "note": check.pose.note or None,
        "fps": round(check.pose.fps, 2),
        "frames": len(check.pose.landmarks),
        "video": {"width": check.pose.width, "height": check.pose.height, "rotation": check.pose.rotation},
        "steps": [{"start_s": round(s.start / fps, 2), "end_s": round(s.end / fps, 2),
                   "least_flexion_deg": s.shown_deg, "at_s": None if s.at is None else round(s.at / fps, 2),
                   "verdict": s.verdict.value, "why": s.why or None} for s in result.strides],
    }


VERDICT_COLOURS = {Verdict.REACHED: "#1b7f3b", Verdict.BORDERLINE: "#b8860b", Verdict.NOT_REACHED: "#b22222",
                   Verdict.CANNOT_TELL: "#777777"}


def picture(check: KneeCheck, video: Path, fmt: str = "png") -> bytes:
    """The straightest frame, cut round the person, with hip, knee and ankle joined and the flexion written at
    the knee; below it the knee's flexion over time, each step shaded by its verdict with its least flexion."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display here, none needed
    import matplotlib.pyplot as plt

    result, pose = check.result, check.pose
    fps = result.fps or 30.0
    at = check.straightest
    if at is None:  # nothing judged: show the middle of what was seen
        seen = np.flatnonzero(np.isfinite(pose.landmarks[:, 0, 0]))
        at = int(seen[len(seen) // 2]) if len(seen) else len(pose.landmarks) // 2
    image = frame_at(video, at) if len(pose.landmarks) else None
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 9), gridspec_kw={"height_ratios": [3, 2]})
    fig.suptitle(_wrapped(result.verdict, 80), fontsize=11)
    top.set_axis_off()
    if image is not None:
        marks = pose.landmarks[at] if at < len(pose.landmarks) else np.full((33, 4), np.nan)
        found = np.isfinite(marks[:, 0])
        if found.any():
            x0, x1 = np.nanmin(marks[:, 0]), np.nanmax(marks[:, 0])
            y0, y1 = np.nanmin(marks[:, 1]), np.nanmax(marks[:, 1])
            pad = 0.25 * max(x1 - x0, y1 - y0)
            box = (max(0, int(x0 - pad)), max(0, int(y0 - pad)), min(image.width, int(x1 + pad)),
                   min(image.height, int(y1 + pad)))
            image = image.crop(box)
            top.imshow(image)
            if result.side is not None:
                points = marks[list(LEGS[result.side]), :2] - [box[0], box[1]]
                top.plot(points[:, 0], points[:, 1], "-o", color="#ffd400", lw=3, ms=9, mec="black")
                least = next((s.shown_deg for s in result.strides if s.at == check.straightest), None)
                label = _("%(angle)s° bent") % {"angle": least} if least is not None else _knee(result.side)
                top.annotate(label, points[1], xytext=(12, 0), textcoords="offset points", fontsize=14,
                             color="white", bbox={"boxstyle": "round", "fc": "black", "alpha": 0.7})
                when = {"at": f"{at / fps:.1f}"}
                top.set_title((_("Straightest moment of the left knee, at %(at)s s") if result.side == "left" else
                               _("Straightest moment of the right knee, at %(at)s s")) % when, fontsize=10)
        else:
            top.imshow(image)
            top.set_title(_("At %(at)s s: no person found") % {"at": f"{at / fps:.1f}"}, fontsize=10)
    t = np.arange(len(result.flexion_deg)) / fps
    bottom.axhspan(0, REACHED_MAX_DEG, color=VERDICT_COLOURS[Verdict.REACHED], alpha=0.12, lw=0)
    bottom.axhspan(REACHED_MAX_DEG, BORDERLINE_MAX_DEG, color=VERDICT_COLOURS[Verdict.BORDERLINE], alpha=0.12, lw=0)
    for stride in result.strides:
        colour = VERDICT_COLOURS[stride.verdict]
        bottom.axvspan(stride.start / fps, stride.end / fps, color=colour, alpha=0.08, lw=0)
        bottom.axvline(stride.start / fps, color="#999999", lw=0.6)
        if stride.at is not None and stride.shown_deg is not None:
            bottom.plot(stride.at / fps, stride.least_deg, "o", color=colour, ms=8)
            bottom.annotate(f"{stride.shown_deg}°", (stride.at / fps, stride.least_deg), xytext=(0, -16),
                            textcoords="offset points", ha="center", fontsize=10, color=colour)
        else:
            bottom.text((stride.start + stride.end) / 2 / fps, 50, "?", ha="center", fontsize=12, color=colour)
    if np.isfinite(result.flexion_deg).any():
        bottom.plot(t, result.flexion_deg, color="#1f4e79", lw=1.6, label=_knee(result.side))
    bottom.set_xlim(0, max(t[-1] if len(t) else 1.0, 1.0))
    bottom.set_ylim(-8, 90)
    bottom.set_xlabel(_("seconds into the video"))
    bottom.set_ylabel(_("knee bent (°), 0 = straight"))
    bottom.set_title(_("Each step shaded: green straightened (≤ %(reached)s°), amber nearly (≤ %(borderline)s°), red "
                       "not, grey cannot tell")
                     % {"reached": f"{REACHED_MAX_DEG:.0f}", "borderline": f"{BORDERLINE_MAX_DEG:.0f}"}, fontsize=9)
    bottom.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _knee(side: str | None) -> str:
    """The measured knee as the picture labels it: "left knee", "right knee", or "knee"."""
    if side == "left":
        return _("left knee")
    if side == "right":
        return _("right knee")
    return _("knee")


def _wrapped(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
