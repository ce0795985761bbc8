"""Synthetic pose landmarks of known knee angles, for the knee tests (core/knee.py): a person walking past a
side-on camera, as MediaPipe Pose would report her (33 points, x and y in pixels, z depth, visibility).

Each leg swings its thigh ±20° about the hip and bends its knee from ``least_deg`` at heel strike (the thigh at its
most forward) to 60° in mid-swing; the far leg runs half a stride behind. Everything else (head, arms) sits still
above the hips: the knee code never reads it.
"""

from __future__ import annotations

import numpy as np

from retrowalk.core.knee import LEGS

THIGH_PX, SHANK_PX = 180.0, 170.0


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
    half_width = 40.0  # half the hip width, in the same units as x
    far = "right" if near == "left" else "left"
    for side, phase, depth in ((near, 0.0, -1.0), (far, 0.5, 1.0)):
        cycle = 2 * np.pi * (t / stride_s + phase)
        thigh = np.radians(20.0) * np.cos(cycle)  # most forward at heel strike (cycle = 0)
        # Flexion: least at heel strike, most (60°) in mid-swing.
        flexion = np.radians(least_deg + (60.0 - least_deg) * (0.5 - 0.5 * np.cos(cycle)) ** 2)
        hip_i, knee_i, ankle_i = LEGS[side]
        # The hip line seen from off_side_deg: x spread sin, depth spread cos.
        hx = hip_x + depth * half_width * np.sin(np.radians(off_side_deg))
        hz = depth * half_width * np.cos(np.radians(off_side_deg))
        kx, ky = hx + THIGH_PX * np.sin(thigh), 400.0 + THIGH_PX * np.cos(thigh)
        shank = thigh - flexion
        ax, ay = kx + SHANK_PX * np.sin(shank), ky + SHANK_PX * np.cos(shank)
        for i, (x, y) in ((hip_i, (hx, np.full(n, 400.0))), (knee_i, (kx, ky)), (ankle_i, (ax, ay))):
            marks[:, i, 0] = x + rng.normal(0, noise_px, n)
            marks[:, i, 1] = y + rng.normal(0, noise_px, n)
            marks[:, i, 2] = hz
    return marks
