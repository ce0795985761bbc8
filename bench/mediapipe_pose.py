"""The peer in `make bench`'s knee check: MediaPipe's own legacy Pose solution (the full landmark model,
pose_landmark_full, with its own tracking and smoothing) on every frame of a video decoded by OpenCV, as
MediaPipe's examples do. A standalone script, run with the mediapipe venv's Python, never the project's:

    tools/mediapipe-bench-venv.sh && .bench/mediapipe-venv/bin/python bench/mediapipe_pose.py VIDEO [--frames N]

`seconds` is wall-clock time from opening the video and building the Pose graph to the last frame's result,
decoding and BGR→RGB conversion included (as the knee check's own figure includes its model loading).
Prints one JSON line on stdout; MediaPipe's, absl's and TensorFlow Lite's log lines go to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from typing import TextIO

os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ INFO and WARNING lines
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TOOL = "mediapipe 0.10.21 legacy Pose (full)"


def _stdout_for_json() -> TextIO:
    """Keep the real stdout for the JSON line and send file descriptor 1 to stderr, so that nothing the C++
    libraries print can land among it."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return out


def run(video: str, limit: int | None) -> dict[str, object]:
    import cv2
    import mediapipe as mp

    start = time.perf_counter()
    capture = cv2.VideoCapture(video)
    if not capture.isOpened():
        raise SystemExit(f"mediapipe_pose: OpenCV cannot open {video} as a video.")
    frames = found = 0
    try:
        with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=True,
                                    enable_segmentation=False, min_detection_confidence=0.5,
                                    min_tracking_confidence=0.5) as pose:
            while limit is None or frames < limit:
                ok, bgr = capture.read()
                if not ok:
                    break
                frames += 1
                if pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)).pose_landmarks is not None:
                    found += 1
    finally:
        capture.release()
    seconds = time.perf_counter() - start
    if not frames:
        raise SystemExit(f"mediapipe_pose: OpenCV read no frame from {video}.")
    return {"tool": TOOL, "frames": frames, "found": found, "seconds": round(seconds, 3),
            "fps": round(frames / seconds, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="MediaPipe's legacy Pose (full) over a video: one JSON line.")
    parser.add_argument("video", help="a video file OpenCV can read")
    parser.add_argument("--frames", type=int, metavar="N", help="stop after N frames (default: all)")
    args = parser.parse_args(argv)
    if args.frames is not None and args.frames < 1:
        parser.error("--frames must be at least 1")
    out = _stdout_for_json()
    result = run(args.video, args.frames)
    print(json.dumps(result), file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
