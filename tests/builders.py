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


class Winding:
    """A generated walk of known shape: the true path every 0.25 m, and the recorded points (with GPS-like noise)
    at known true distances along it, so a test can judge a plan against the ground itself."""

    FINE_M = 0.25

    def __init__(self, pieces: list[tuple[float, float]], *, spacing_m: float = 3.0, jitter_m: float = 0.0,
                 drift_m: float = 0.0, grade_pct: float = 1.0, seed: int = 0) -> None:
        """``pieces``: ``(length_m, turn_deg)``: walk ``length_m`` while the heading turns by ``turn_deg`` (0: a
        straight leg; a turn over a short length: a corner; over a long one: a bend). Points are recorded every
        ``spacing_m``; each gets white ``jitter_m`` (truncated at 2.5σ) on top of a smooth drift of up to
        ``drift_m`` (a GPS receiver's slowly wandering error: metres over a minute, bending the path by at most 4 %,
        the wander retrowalk allows for)."""
        import numpy as np

        self.spec = (f"Winding({[(round(a, 1), round(b, 1)) for a, b in pieces]}, spacing_m={spacing_m}, "
                     f"jitter_m={jitter_m}, drift_m={drift_m}, grade_pct={grade_pct}, seed={seed})")
        rng = np.random.default_rng(seed)
        lengths = np.array([p[0] for p in pieces], dtype=float)
        steps = np.maximum(1, np.round(lengths / self.FINE_M)).astype(int)
        heading = [np.full(k, t / k) for (_, t), k in zip(pieces, steps, strict=True)]
        turn = np.concatenate(heading)
        self.heading_deg = np.cumsum(turn) - turn / 2  # the heading of each fine step, unwrapped
        step_len = np.concatenate([np.full(k, length / k) for length, k in zip(lengths, steps, strict=True)])
        self.s_m = np.r_[0.0, np.cumsum(step_len)]  # true distance at each fine vertex
        rad = np.radians(self.heading_deg)
        east = np.r_[0.0, np.cumsum(step_len * np.sin(rad))]
        north = np.r_[0.0, np.cumsum(step_len * np.cos(rad))]
        self.length_m = float(self.s_m[-1])
        self.point_s_m = np.arange(0.0, self.length_m, spacing_m)
        e = np.interp(self.point_s_m, self.s_m, east)
        n = np.interp(self.point_s_m, self.s_m, north)
        if drift_m:
            # Smooth drift: white noise on a 5 m grid smoothed over about 60 m, scaled to drift_m at most and to
            # a slope of at most 4 % (its steepest change along the path).
            grid = np.arange(-150.0, self.length_m + 150.0, 5.0)
            kernel = np.exp(-0.5 * (np.arange(-24, 25) * 5.0 / 40.0) ** 2)
            for axis in (0, 1):
                field = np.convolve(rng.normal(size=len(grid)), kernel, mode="same")
                field *= min(drift_m / np.abs(field).max(), 0.04 / (np.abs(np.diff(field)).max() / 5.0))
                offset = np.interp(self.point_s_m, grid, field)
                if axis:
                    n = n + offset
                else:
                    e = e + offset
        if jitter_m:
            e = e + np.clip(rng.normal(0, jitter_m, len(e)), -2.5 * jitter_m, 2.5 * jitter_m)
            n = n + np.clip(rng.normal(0, jitter_m, len(n)), -2.5 * jitter_m, 2.5 * jitter_m)
        lat = 47.0 + n / 111_195.0
        lon = 8.0 + e / (111_195.0 * np.cos(np.radians(47.0)))
        ele = 400.0 + self.point_s_m * grade_pct / 100.0
        from retrowalk.core.track import make_track

        self.track = make_track(lat, lon, ele, np.arange(len(lat)) * spacing_m / 1.3)

    def __repr__(self) -> str:
        return self.spec

    def true_turn_deg(self, from_m: float, to_m: float) -> float:
        """The largest heading change between any two points of the true path from ``from_m`` to ``to_m``."""
        import numpy as np

        a, b = np.searchsorted(self.s_m, [max(from_m, 0.0), min(to_m, self.length_m)])
        a, b = max(int(a) - 1, 0), max(int(b), int(a))
        h = self.heading_deg[a:b]
        return float(np.ptp(h)) if len(h) else 0.0

    def true_m(self, walked_dist_m, at_m: float) -> float:
        """The true distance of a point ``at_m`` along the recorded track (whose points are at ``walked_dist_m``)."""
        import numpy as np

        return float(np.interp(at_m, walked_dist_m, self.point_s_m[: len(walked_dist_m)]))


def sample_turns(heading_deg, clear: int = 0, limit_deg: float = 45.0):
    """:class:`~retrowalk.core.turns.Turns` for a grid whose sample ``i`` has heading ``heading_deg[i]``, with a
    clearance of ``clear`` samples around every bout: for placement tests that think in samples."""
    import numpy as np

    from retrowalk.core.turns import Turns

    h = np.asarray(heading_deg, dtype=float)
    n = len(h)
    lo = np.array([h[max(j - clear, 0):min(j + clear, n)].min() if clear and n else np.inf for j in range(n + 1)])
    hi = np.array([h[max(j - clear, 0):min(j + clear, n)].max() if clear and n else -np.inf for j in range(n + 1)])
    return Turns(h, h, lo, hi, limit_deg, 0.0, 0.0, 0.0, ())


def gpx_bytes(track) -> bytes:
    """A track as the plainest GPX 1.1 file: points with their elevation, nothing else."""
    import math

    points = "".join(f'<trkpt lat="{la:.8f}" lon="{lo:.8f}">' + ("" if math.isnan(e) else f"<ele>{e:.2f}</ele>")
                     + "</trkpt>" for la, lo, e in zip(track.lat_deg, track.lon_deg, track.ele_m, strict=True))
    return ('<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="tests" '
            f'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>').encode()


def write_gpx(track, path) -> None:
    path.write_bytes(gpx_bytes(track))
