#!/usr/bin/env bash
# The peer for `make bench`'s knee check: MediaPipe's own legacy Pose solution, in a venv of its own
# (mediapipe 0.10.21 pins numpy < 2, which the project's venv cannot have). Only what `mp.solutions.pose`
# imports is installed (its jax, sentencepiece and sounddevice are for other solutions); OpenCV decodes the
# video, as MediaPipe's own examples do. Idempotent: a stamp file says it is done.
set -euo pipefail
VENV="${1:-.bench/mediapipe-venv}"
PYTHON="${PYTHON:-python3}"
if [ -f "$VENV/.installed" ]; then exit 0; fi
echo "mediapipe bench venv: creating $VENV"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
WHEEL="$(ls .venv/wheels/mediapipe-0.10.21-*.whl 2>/dev/null | head -n 1 || true)"
echo "mediapipe bench venv: installing mediapipe 0.10.21 ${WHEEL:+from $WHEEL }without its unused dependencies"
"${PIP[@]}" --no-deps "${WHEEL:-mediapipe==0.10.21}"
echo "mediapipe bench venv: installing what mediapipe.solutions.pose needs"
# Pinned: the versions the README's figures were measured with (pip then complains of the unused ones missing).
"${PIP[@]}" numpy==1.26.4 protobuf==4.25.9 absl-py==2.5.1 attrs==26.1.0 flatbuffers==25.12.19 \
  opencv-contrib-python-headless==4.10.0.84 matplotlib==3.11.2 2>&1 | grep -v "^WARNING: Location" || true
"$VENV/bin/python" -c "import mediapipe as mp; mp.solutions.pose.Pose(model_complexity=1).close()" \
  || { echo "mediapipe bench venv: mediapipe.solutions.pose does not start in $VENV" >&2; exit 1; }
touch "$VENV/.installed"
echo "mediapipe bench venv: ready"
