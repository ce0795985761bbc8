"""Pictures drawn on the server as inline SVG: the route map coloured by terrain, and the dashboard charts.

No map tiles and no chart library: the route's own shape is the map (it works offline and on any network), and a
few bars and a line are clearer hand-drawn than configured. Every text is escaped; every picture has a title for
screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from retrowalk.core.ground import Terrain
from retrowalk.core.plan import Plan
from retrowalk.core.terrain import Profile

TERRAIN_COLOURS = {
    Terrain.UPHILL: "#2e7d32",
    Terrain.STEEP: "#6a1b9a",
    Terrain.FLAT: "#1e88e5",
    Terrain.DOWNHILL: "#e53935",
    Terrain.UNKNOWN: "#9e9e9e",
}
TERRAIN_WORDS = {
    Terrain.UPHILL: pgettext_lazy("terrain", "uphill (backward OK)"),
    Terrain.STEEP: pgettext_lazy("terrain", "steep"),
    Terrain.FLAT: pgettext_lazy("terrain", "flat (backward OK)"),
    Terrain.DOWNHILL: pgettext_lazy("terrain", "downhill (never backward)"),
    Terrain.UNKNOWN: pgettext_lazy("terrain", "unknown"),
}
BOUT_COLOUR = "#ffb300"
MAX_POINTS = 1500


def route_map(plan: Plan, prof: Profile, width: int = 640, height: int = 420, pickable: bool = False,
              ident: str = "map-title") -> SafeString:
    """The route's shape, each stretch in its terrain's colour, bouts drawn over it and numbered. ``pickable``:
    with the projection (data-projection), so a click can be turned back into a place (privacy zones); never on
    a page for others."""
    lat, lon = prof.lat_deg, prof.lon_deg
    k = np.cos(np.radians(np.nanmean(lat)))
    x, y = lon * k, -lat
    pad = 24
    # One scale for both axes (the shape is not distorted); a straight north-south line has no width.
    scale = min((width - 2 * pad) / max(float(np.ptp(x)), 1e-12), (height - 2 * pad) / max(float(np.ptp(y)), 1e-12))
    px = pad + (x - np.min(x)) * scale + (width - 2 * pad - np.ptp(x) * scale) / 2
    py = pad + (y - np.min(y)) * scale + (height - 2 * pad - np.ptp(y) * scale) / 2
    every = max(1, len(px) // MAX_POINTS)
    # lon = (px − ox) / scale / k + lon0, lat = −((py − oy) / scale) + lat0: what a click means (pickable only).
    ox = pad + (width - 2 * pad - np.ptp(x) * scale) / 2
    oy = pad + (height - 2 * pad - np.ptp(y) * scale) / 2
    projection = (f' data-projection="{float(scale):.6f},{float(k):.9f},{float(np.min(x)):.9f},{float(np.min(y)):.9f},'
                  f'{float(ox):.4f},{float(oy):.4f}"' if pickable else "")
    title = escape(_("Map of the route: colours show the ground, amber bands the backward bouts"))
    parts = [f'<svg class="route-map" viewBox="0 0 {width} {height}" role="img"{projection} '
             f'aria-labelledby="{ident}" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{ident}">{title}</title>', f'<rect width="{width}" height="{height}" fill="#fafafa" rx="8"/>']
    terrain = prof.terrain
    start = 0
    n = len(px)
    for i in range(1, n + 1):
        if i == n or terrain[i] != terrain[start] or prof.piece[i] != prof.piece[start]:
            idx = [*range(start, i, every), min(i, n - 1)]
            if prof.piece[start] >= 0:
                points = " ".join(f"{px[j]:.1f},{py[j]:.1f}" for j in idx)
                parts.append(f'<polyline points="{points}" fill="none" stroke-width="4" stroke-linecap="round" '
                             f'stroke="{TERRAIN_COLOURS[Terrain.of_code(terrain[start])]}"/>')
            start = i
    for number, seg in enumerate((s for s in plan.segments if s.backward), 1):
        if seg.start_m is None or seg.end_m is None:
            continue
        a = int(seg.start_m // prof.step_m)
        b = min(int(seg.end_m // prof.step_m), n - 1)
        points = " ".join(f"{px[j]:.1f},{py[j]:.1f}" for j in range(a, b + 1, max(1, every)))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{BOUT_COLOUR}" stroke-width="10" '
                     'stroke-opacity="0.75" stroke-linecap="round"/>')
        parts.append(f'<circle cx="{px[a]:.1f}" cy="{py[a]:.1f}" r="10" fill="#5d4037"/>'
                     f'<text x="{px[a]:.1f}" y="{py[a] + 4:.1f}" text-anchor="middle" font-size="13" '
                     f'fill="#fff" font-family="sans-serif">{number}</text>')
    start_word, end_word = escape(_("Start")), escape(_("End"))
    parts.append(f'<circle cx="{px[0]:.1f}" cy="{py[0]:.1f}" r="7" fill="#fff" stroke="#212121" stroke-width="3">'
                 f'<title>{start_word}</title></circle>')
    parts.append(f'<rect x="{px[-1] - 6:.1f}" y="{py[-1] - 6:.1f}" width="12" height="12" fill="#212121">'
                 f'<title>{end_word}</title></rect>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def legend() -> list[tuple[str, str]]:
    return [(TERRAIN_COLOURS[t], str(TERRAIN_WORDS[t])) for t in TERRAIN_COLOURS] + [
        (BOUT_COLOUR, _("walk backward here"))]


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str, unit: str, target: float | None = None,
              width: int = 420, height: int = 190) -> SafeString:
    """Bars with their values written on them; an optional dashed target line."""
    pad_l, pad_b, pad_t = 8, 28, 22
    top = max([*values, target or 0, 1.0]) * 1.15
    n = max(len(values), 1)
    slot = (width - pad_l * 2) / n
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = (height - pad_b - pad_t) * value / top
        x = pad_l + i * slot + slot * 0.15
        y = height - pad_b - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="#1e88e5" '
                     f'rx="3"><title>{escape(label)}: {value:g} {escape(unit)}</title></rect>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{y - 5:.1f}" text-anchor="middle" font-size="15">'
                     f"{value:g}</text>")
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - 9}" text-anchor="middle" font-size="13" '
                     f'fill="#555">{escape(label)}</text>')
    if target is not None:
        ty = height - pad_b - (height - pad_b - pad_t) * target / top
        said = escape(_("target %(value)s %(unit)s") % {"value": f"{target:g}", "unit": unit})
        parts.append(f'<line x1="{pad_l}" x2="{width - pad_l}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#2e7d32" '
                     f'stroke-dasharray="6 4" stroke-width="2"/><text x="{width - pad_l}" y="{ty - 5:.1f}" '
                     f'text-anchor="end" font-size="13" fill="#2e7d32">{said}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(labels: Sequence[str], values: Sequence[float | None], title: str, limit: float = 5.0,
               width: int = 420, height: int = 190) -> SafeString:
    """Pain 0–10 over time; the acceptable limit (5/10, DOMAIN.md:45) as a dashed line; gaps where nothing logged."""
    pad_l, pad_r, pad_b, pad_t = 30, 10, 28, 12
    n = max(len(values), 2)
    xs = [pad_l + i * (width - pad_l - pad_r) / (n - 1) for i in range(len(values))]

    def y(v: float) -> float:
        return pad_t + (height - pad_t - pad_b) * (1 - v / 10)

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for tick in (0, 5, 10):
        parts.append(f'<text x="{pad_l - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="13" fill="#555">'
                     f"{tick}</text>")
    limit_said = escape(_("limit %(limit)s/10") % {"limit": f"{limit:g}"})
    parts.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(limit):.1f}" y2="{y(limit):.1f}" stroke="#e53935" '
                 f'stroke-dasharray="6 4"/><text x="{width - pad_r}" y="{y(limit) - 5:.1f}" text-anchor="end" '
                 f'font-size="13" fill="#e53935">{limit_said}</text>')
    run: list[str] = []
    for xv, v in zip(xs, values, strict=True):
        if v is None:
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="#6a1b9a" stroke-width="3"/>')
            run = []
            continue
        run.append(f"{xv:.1f},{y(v):.1f}")
        parts.append(f'<circle cx="{xv:.1f}" cy="{y(v):.1f}" r="4" fill="#6a1b9a"><title>{v:g}/10</title></circle>')
    if len(run) > 1:
        parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="#6a1b9a" stroke-width="3"/>')
    step = max(1, len(labels) // 5)
    for i in range(0, len(labels), step):
        # The end labels keep inside the picture: anchored at their outer edge.
        anchor = "start" if i == 0 else "end" if i == len(labels) - 1 else "middle"
        parts.append(f'<text x="{xs[i]:.1f}" y="{height - 9}" text-anchor="{anchor}" font-size="13" fill="#555">'
                     f"{escape(labels[i])}</text>")
    parts.append("</svg>")
    return mark_safe("".join(parts))


def screen_size(request: HttpRequest) -> str:
    """Which of the profile picture's sizes a page asks for (``?size=phone``, from its ``<picture>``): a phone's,
    or else a desktop's (formats/picture.py SIZES; paper is the card's own)."""
    return "phone" if request.GET.get("size") == "phone" else "desktop"
