#!/usr/bin/env bash
# The peer for `make bench`'s knee check: MediaPipe's own legacy Pose solution, in a venv of its own
# (mediapipe 0.10.21 pins numpy < 2, which the project's venv cannot have).
#
#   tools/mediapipe-bench-venv.sh [VENV]        (default: .bench/mediapipe-venv in the repository)
#
# Lean: mediapipe is installed with --no-deps, then only what `mp.solutions.pose` needs to import and run
# (numpy, protobuf, absl-py, attrs, flatbuffers, OpenCV headless, and matplotlib, which
# mediapipe.solutions.drawing_utils imports at import time). Its jax, jaxlib, sentencepiece and sounddevice are
# for other solutions and tasks and are left out. Pose is then run on a frame to prove it; should that fail,
# mediapipe is installed again with all its dependencies. The mediapipe wheel that `make` keeps in
# .venv/wheels/ is used when there, to save a download. Idempotent: a stamp file, $VENV/.installed, says done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:-$ROOT/.bench/mediapipe-venv}"
PYTHON="${PYTHON:-python3}"
SAY="mediapipe bench venv:"
LOG="$(mktemp "${TMPDIR:-/tmp}/mediapipe-bench-venv.XXXXXX.log")"
trap 'rm -f "$LOG"' EXIT

fail() {  # one sentence, and where the tools' own words are kept when there are any
  if [ -s "$LOG" ]; then trap - EXIT; echo "$SAY $1 (what it said: $LOG)." >&2; else echo "$SAY $1." >&2; fi
  exit 1
}

if [ -f "$VENV/.installed" ]; then
  echo "$SAY $VENV is already installed, nothing to do"
  exit 0
fi

if [ -e "$VENV" ] && [ ! -f "$VENV/pyvenv.cfg" ]; then
  fail "$VENV exists and is not a virtualenv, so it is left alone"
fi

command -v "$PYTHON" >/dev/null || fail "there is no $PYTHON to make the virtualenv with (set PYTHON=...)"
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --quiet --no-input --disable-pip-version-check)

new_venv() {
  echo "$SAY creating $VENV with $("$PYTHON" --version 2>&1)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  "$PYTHON" -m venv "$VENV" >>"$LOG" 2>&1 || fail "$PYTHON -m venv could not create $VENV"
}

# Proof: the full landmark model (model_complexity=1, shipped in the wheel) runs on a frame, and OpenCV loads.
CHECK='
import numpy as np, cv2, mediapipe as mp
with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
    pose.process(cv2.cvtColor(np.zeros((256, 256, 3), np.uint8), cv2.COLOR_BGR2RGB))
'
pose_runs() {
  echo "$SAY checking that mediapipe.solutions.pose runs"
  GLOG_minloglevel=2 "$PY" -c "$CHECK" >>"$LOG" 2>&1
}

# mediapipe itself: the wheel `make` keeps, if there is one and this Python can take it, else PyPI.
MEDIAPIPE="mediapipe==0.10.21"
for wheel in "$ROOT"/.venv/wheels/mediapipe-0.10.21-*.whl; do
  if [ -f "$wheel" ]; then MEDIAPIPE="$wheel"; break; fi
done
new_venv
echo "$SAY installing mediapipe 0.10.21 from ${MEDIAPIPE/#mediapipe==*/PyPI} without its dependencies"
if ! "${PIP[@]}" --no-deps "$MEDIAPIPE" >>"$LOG" 2>&1; then
  [ "$MEDIAPIPE" != "mediapipe==0.10.21" ] || fail "pip could not install mediapipe 0.10.21 from PyPI"
  MEDIAPIPE="mediapipe==0.10.21"
  echo "$SAY that wheel does not fit this Python; installing mediapipe 0.10.21 from PyPI without its dependencies"
  "${PIP[@]}" --no-deps "$MEDIAPIPE" >>"$LOG" 2>&1 || fail "pip could not install mediapipe 0.10.21 from PyPI"
fi

# What mediapipe.solutions.pose needs, within mediapipe's own bounds (numpy<2, protobuf>=4.25.3,<5),
# pinned to the versions the benchmark was measured with. OpenCV headless: the same cv2, without Qt or libGL.
echo "$SAY installing what mediapipe.solutions.pose needs: numpy, protobuf, absl-py, attrs, flatbuffers," \
  "opencv-contrib-python-headless, matplotlib"
"${PIP[@]}" numpy==1.26.4 protobuf==4.25.9 absl-py==2.5.1 attrs==26.1.0 flatbuffers==25.12.19 \
  opencv-contrib-python-headless==4.10.0.84 matplotlib==3.11.2 >>"$LOG" 2>&1 \
  || fail "pip could not install mediapipe.solutions.pose's dependencies into $VENV"

if ! pose_runs; then
  # Not layered on the lean one: opencv-contrib-python and its headless twin would overwrite each other's cv2.
  echo "$SAY it does not run on those alone; making the venv again with mediapipe and all its dependencies"
  new_venv
  echo "$SAY installing mediapipe 0.10.21 from ${MEDIAPIPE/#mediapipe==*/PyPI} with all its dependencies"
  "${PIP[@]}" "$MEDIAPIPE" >>"$LOG" 2>&1 || fail "pip could not install mediapipe 0.10.21 with its dependencies"
  pose_runs || fail "mediapipe.solutions.pose does not run in $VENV, even with all of mediapipe's dependencies"
fi

touch "$VENV/.installed"
echo "$SAY ready in ${SECONDS} s ($(du -sh "$VENV" | cut -f1)): run $PY bench/mediapipe_pose.py VIDEO"
