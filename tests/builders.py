"""Small builders so a test states the plan it means in one line."""

from __future__ import annotations

from retrowalk.core.plan import Direction, Flag, Kind, Plan, Segment
from retrowalk.core.safety import safety_notes
from retrowalk.core.units import Units


def make_plan(
    pieces: list[tuple[str, int]],
    kind: Kind = Kind.OUTDOOR,
    speed_kmh: float | None = None,
    incline_pct: float | None = None,
    flags: frozenset[Flag] = frozenset(),
    warnings: tuple[str, ...] = (),
) -> Plan:
    """``make_plan([("f", 180), ("b", 60), ("f", 120)])``: contiguous segments, one speed and incline for all."""
    segments = []
    t = 0
    for code, duration_s in pieces:
        direction = Direction.BACKWARD if code == "b" else Direction.FORWARD
        segments.append(Segment(direction, t, duration_s, f"{direction} {duration_s}", speed_kmh, incline_pct))
        t += duration_s
    return Plan(kind, tuple(segments), Units.KMH, warnings, safety_notes(kind, Units.KMH), flags)


def make_route(
    grades_pct: list[float],
    lengths_m: list[float],
    *,
    spacing_m: float = 3.0,
    noise_m: float = 0.0,
    seed: int = 0,
    start_ele_m: float = 200.0,
    heading_deg: float = 0.0,
    turns_deg: list[float] | None = None,
    with_elevation: bool = True,
):
    """A straight (or turning) walk whose true grade is ``grades_pct[i]`` over ``lengths_m[i]`` metres.

    Points every ``spacing_m``; elevation gets independent Gaussian noise of ``noise_m``. ``turns_deg[i]`` turns the
    heading at the start of piece ``i``. Returns the track and the true grade at any distance (a function).
    """
    import numpy as np

    from retrowalk.core.geo import destination
    from retrowalk.core.track import make_track

    rng = np.random.default_rng(seed)
    edges = np.r_[0.0, np.cumsum(lengths_m)]
    dist = np.arange(0.0, edges[-1], spacing_m)
    piece = np.clip(np.searchsorted(edges, dist, side="right") - 1, 0, len(lengths_m) - 1)
    rise = np.r_[0.0, np.cumsum(np.array(grades_pct) / 100.0 * np.array(lengths_m))]
    ele = start_ele_m + rise[piece] + (dist - edges[piece]) * np.array(grades_pct)[piece] / 100.0
    lat, lon = [], []
    here = (47.0, 8.0)
    heading = heading_deg
    last_piece = -1
    for _d_i, p_i in zip(dist, piece, strict=True):
        if p_i != last_piece and turns_deg is not None and p_i > 0:
            heading += turns_deg[p_i]
        last_piece = p_i
        lat.append(here[0])
        lon.append(here[1])
        here = destination(here[0], here[1], heading, spacing_m)
    noisy = ele + rng.normal(0.0, noise_m, len(ele)) if noise_m else ele

    def true_grade(at_m: float) -> float:
        i = min(int(np.searchsorted(edges, at_m, side="right") - 1), len(grades_pct) - 1)
        return float(grades_pct[max(i, 0)])

    track = make_track(lat, lon, noisy if with_elevation else None, np.arange(len(dist), dtype=float) * 2.0)
    return track, true_grade, edges
