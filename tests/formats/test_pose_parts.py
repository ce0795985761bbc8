"""The pose pipeline's parts against plain references (formats/pose.py): the heatmap refinement against a loop
written from MediaPipe's calculator, the colour conversion against FFmpeg's own, the squares' geometry."""

from __future__ import annotations

import math

import av
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from retrowalk.formats.pose import LANDMARKS, Roi, _Planes, _refined, _sigmoid
from tests.videos import FORWARD


def refined_by_loop(uv: np.ndarray, heatmap: np.ndarray) -> np.ndarray:
    """RefineLandmarksFromHeatmapCalculator as MediaPipe writes it: a loop over points, rows and columns."""
    size, out = heatmap.shape[0], uv.copy()
    for i in range(LANDMARKS):
        col, row = math.floor(uv[i, 0] * size), math.floor(uv[i, 1] * size)
        if not (0 <= col < size and 0 <= row < size):
            continue
        total = wx = wy = best = 0.0
        for r in range(max(0, row - 3), min(size, row + 4)):
            for c in range(max(0, col - 3), min(size, col + 4)):
                conf = float(_sigmoid(np.array(heatmap[r, c, i])))
                total, wx, wy, best = total + conf, wx + c * conf, wy + r * conf, max(best, conf)
        if best >= 0.5 and total > 0:
            out[i] = (wx / total / size, wy / total / size)
    return out


def test_the_heatmap_refinement_matches_mediapipes_loop() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        heatmap = rng.normal(-1, 3, (64, 64, 39)).astype(np.float32)
        uv = rng.uniform(-0.05, 1.05, (39, 2))  # some points outside the crop, some at its edges
        assert np.allclose(_refined(uv, heatmap), refined_by_loop(uv, heatmap), atol=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.floats(0, 2000), st.floats(0, 2000), st.floats(50, 1500), st.floats(-math.pi, math.pi),
       st.floats(0, 1), st.floats(0, 1))
def test_a_squares_points_go_to_the_frame_and_back(cx: float, cy: float, side: float, angle: float, u: float,
                                                   v: float) -> None:
    roi = Roi(cx, cy, side, angle)
    assert np.allclose(roi.from_frame(roi.to_frame(np.array([u, v]))), [u, v], atol=1e-9)


def test_a_square_cut_from_the_decoded_planes_has_ffmpegs_colours() -> None:
    """The crop the model sees, converted from Y'CbCr by our matrix, against the same square cut from FFmpeg's
    own RGB conversion of the frame: within a few levels (chroma sited differently, rounding)."""
    with av.open(str(FORWARD)) as container:
        frame = next(container.decode(video=0))
        rgb = frame.to_image()
        planes = _Planes(frame)
    roi = Roi(900.0, 500.0, 400.0, 0.3)
    ours = planes.rgb(roi, 256)
    theirs = np.asarray(rgb.transform((256, 256), Image.Transform.AFFINE, roi.affine(256),
                                      Image.Resampling.BILINEAR), dtype=np.float32) / 255.0
    diff = np.abs(ours - theirs)
    assert planes.size == (1768, 994)
    assert float(np.median(diff)) < 3 / 255 and float(np.percentile(diff, 99)) < 30 / 255
