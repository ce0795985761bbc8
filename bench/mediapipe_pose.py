"""The peer in `make bench`'s knee check, run with the mediapipe venv's Python (tools/mediapipe-bench-venv.sh),
never the project's: MediaPipe's own legacy Pose solution (the full landmark model, its tracking and smoothing)
on every frame of a video decoded by OpenCV, as MediaPipe's examples do. Prints one JSON line."""

from __future__ import annotations

import json
import os
import resource
import sys
import time

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(video: str) -> int:
    import cv2
    import mediapipe as mp

    start = time.perf_counter()
    capture = cv2.VideoCapture(video)
    frames = found = 0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=True,
                                enable_segmentation=False, min_detection_confidence=0.5,
                                min_tracking_confidence=0.5) as pose:
        while True:
            ok, bgr = capture.read()
            if not ok:
                break
            frames += 1
            if pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)).pose_landmarks is not None:
                found += 1
    capture.release()
    seconds = time.perf_counter() - start
    print(json.dumps({"tool": "mediapipe 0.10.21 legacy Pose (full)", "frames": frames, "found": found,
                      "seconds": seconds, "fps": frames / seconds if seconds else 0.0,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    return 0 if frames else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
