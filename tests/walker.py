"""Synthetic pose landmarks of known knee angles, for the knee tests (core/knee.py): a person walking past a
side-on camera, as MediaPipe Pose would report her (33 points, x and y in pixels, z depth, visibility).

Each leg swings its thigh ±20° about the hip; its knee follows the shape of a normal gait's knee curve (Winter's
normative data, straight lines between the turning points, so every bottom is as sharp as a real one): ``least_deg``
just before heel strike (the thigh at its most forward), 15° more in loading response, 3° more again at the end of
stance, 60° in mid-swing; the far leg runs half a stride behind. Everything else (head, arms) sits still
above the hips: the knee code never reads it.
"""

from __future__ import annotations

import numpy as np

from retrowalk.core.knee import LEFT_SHOULDER, LEGS, RIGHT_SHOULDER

THIGH_PX, SHANK_PX = 180.0, 170.0


# A gait cycle's turning points from heel strike (0) to the next: (share of the cycle, flexion over the least).
KNEE_TURNS = ((0.0, 2.0), (0.13, 15.0), (0.40, 3.0), (0.62, 40.0), (0.73, 60.0), (0.97, 0.0), (1.0, 2.0))


ROUNDING = 0.02
"""The turning points are rounded over about this share of a cycle (a real knee does not turn in an instant)."""


def knee_curve(phase: np.ndarray, least_deg: float) -> np.ndarray:
    at, over = zip(*KNEE_TURNS, strict=True)
    grid = np.linspace(0.0, 1.0, 2000, endpoint=False)
    sharp = np.interp(grid, at, over)
    kernel = np.exp(-0.5 * (np.arange(-200, 201) / (ROUNDING * 2000)) ** 2)
    round_ = np.convolve(np.concatenate([sharp[-200:], sharp, sharp[:200]]), kernel / kernel.sum(), "valid")
    shape = (round_ - round_.min()) / (round_.max() - round_.min())
    return least_deg + np.interp(phase, grid, shape, period=1.0) * (60.0 - least_deg)


def walk(least_deg: float = 3.0, *, seconds: float = 8.0, fps: float = 30.0, stride_s: float = 1.1,
         speed_px: float = 120.0, near: str = "left", noise_px: float = 0.0, off_side_deg: float = 5.0,
         seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(seconds * fps)
    t = np.arange(n) / fps
    marks = np.zeros((n, 33, 4))
    marks[:, :, 3] = 0.99
    marks[:, :, 1] = 200.0
    hip_x = 300.0 + speed_px * t
    # Proportions of a body about 735 px tall: hips 0.15 of it apart, shoulders 0.23, torso 0.30 long.
    half_width, half_shoulders, torso = 55.0, 85.0, 220.0
    across = np.sin(np.radians(off_side_deg))
    for i, way in ((LEFT_SHOULDER, -1.0), (RIGHT_SHOULDER, 1.0)):
        way = way if near == "left" else -way
        marks[:, i, 0] = hip_x + way * half_shoulders * across + rng.normal(0, noise_px, n)
        marks[:, i, 1] = 400.0 - torso + rng.normal(0, noise_px, n)
        marks[:, i, 2] = way * half_shoulders * np.cos(np.radians(off_side_deg))
    far = "right" if near == "left" else "left"
    for side, phase, depth in ((near, 0.0, -1.0), (far, 0.5, 1.0)):
        cycle = 2 * np.pi * (t / stride_s + phase)
        thigh = np.radians(20.0) * np.cos(cycle)  # most forward at heel strike (cycle = 0)
        # Flexion: least at heel strike, most (60°) in mid-swing.
        flexion = np.radians(knee_curve((t / stride_s + phase) % 1.0, least_deg))
        hip_i, knee_i, ankle_i = LEGS[side]
        # The hip line seen from off_side_deg: x spread sin, depth spread cos.
        hx = hip_x + depth * half_width * across
        hz = depth * half_width * np.cos(np.radians(off_side_deg))
        kx, ky = hx + THIGH_PX * np.sin(thigh), 400.0 + THIGH_PX * np.cos(thigh)
        shank = thigh - flexion
        ax, ay = kx + SHANK_PX * np.sin(shank), ky + SHANK_PX * np.cos(shank)
        for i, (x, y) in ((hip_i, (hx, np.full(n, 400.0))), (knee_i, (kx, ky)), (ankle_i, (ax, ay))):
            marks[:, i, 0] = x + rng.normal(0, noise_px, n)
            marks[:, i, 1] = y + rng.normal(0, noise_px, n)
            marks[:, i, 2] = hz
    return marks
