"""The elevation profile as a picture: ground coloured by what it allows, backward bouts shaded and numbered.

Made for someone who has never read a grade chart: the colours say "backward OK here" or "never backward here"
in the legend, each bout is a labelled band, and the axes are in the walker's units. PNG or SVG by file suffix.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np

from retrowalk.core.ground import Elevation, Terrain
from retrowalk.core.i18n import _, gettext_noop, ngettext
from retrowalk.core.plan import Plan
from retrowalk.core.recording import Recording
from retrowalk.core.review import Review
from retrowalk.core.rules import DEFAULTS, KMH_PER_MPH, M_PER_FT
from retrowalk.core.terrain import Profile
from retrowalk.core.turns import Corner
from retrowalk.core.units import Units, format_clock

COLOURS = {
    Terrain.UPHILL: ("#2e7d32", gettext_noop("Uphill: backward OK")),
    Terrain.STEEP: ("#6a1b9a", "Steep (over 15 %): not for beginners"),  # drawn by _legend, with its number
    Terrain.FLAT: ("#1e88e5", gettext_noop("Flat: backward OK")),
    Terrain.DOWNHILL: ("#e53935", gettext_noop("Downhill: never backward")),
    Terrain.UNKNOWN: ("#9e9e9e", gettext_noop("Unknown grade")),
}
"""Each ground's colour and legend entry, in English: :func:`_legend` draws the entry in the active language."""


@dataclass(frozen=True)
class Size:
    """A picture drawn for the width it is shown at, so that its words read there: ``text_pt`` is the size of the
    labels in the picture's own points, which the page or the card then shows at ``shown_pt`` wide."""

    width_in: float
    height_in: float
    text_pt: float
    columns: int
    """Legend entries a row."""
    shown_pt: float
    """The width it is meant to be shown at, in points (CSS px × 0.75 on a screen): what its text sizes are for."""

    @property
    def scale(self) -> float:
        """Points shown per point drawn: a label of ``text_pt`` reads at ``text_pt * scale``."""
        return self.shown_pt / (self.width_in * 72)


SIZES = {
    # A phone's page: about 340 px of picture (a 390 px screen less the margins), labels of about 16 px.
    "phone": Size(width_in=4.8, height_in=6.0, text_pt=13.5, columns=1, shown_pt=340 * 0.75),
    # A desktop page: about 900 px wide (the page's 960 px less the card's padding), labels of about 15 px.
    "desktop": Size(width_in=11.0, height_in=5.4, text_pt=13.0, columns=2, shown_pt=900 * 0.75),
    # The printed card: the page's width less its margins (card.py), labels of 8 to 9 pt on paper.
    "paper": Size(width_in=7.5, height_in=3.8, text_pt=8.5, columns=2, shown_pt=7.5 * 72),
}
"""The sizes a profile is drawn at (issue 17: "labels readable at each")."""


def _legend(terrain: Terrain) -> str:
    if terrain is Terrain.STEEP:
        return _("Steep (over %(steep)s %%): not for beginners") % {"steep": f"{DEFAULTS.steep_min_grade_pct:g}"}
    return _(COLOURS[terrain][1])
BOUT_COLOUR = "#ffb300"
TURN_COLOUR = "#37474f"
SUFFIXES = (".png", ".svg")


def draw_profile(plan: Plan, prof: Profile, path: str | Path, turns: Sequence[Corner] = ()) -> Path:
    """Write the picture to ``path`` (``.png`` or ``.svg``) and return it."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(_("%(name)s: the picture is written as .png or .svg") % {"name": path.name})
    path.write_bytes(profile_image(plan, prof, path.suffix.lower()[1:], turns))
    return path


def profile_image(plan: Plan, prof: Profile, fmt: str = "png", turns: Sequence[Corner] = (),
                  size: str = "desktop") -> bytes:
    """The picture's bytes, ``png`` or ``svg``: for a card or a web page, with no file in between. ``turns``:
    the sharp turns to mark (a route plan's :meth:`~retrowalk.core.routeplan.RoutePlan.turns_in_the_way`).
    ``size``: one of :data:`SIZES`, for where it is shown. An SVG keeps its words as text (selectable, read by
    screen readers, and crisp at any zoom)."""
    shape = SIZES[size]
    pt = shape.text_pt
    import matplotlib

    matplotlib.use("Agg")  # files only: no display here, none needed
    import matplotlib.pyplot as plt
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    mph = plan.units is Units.MPH
    x_scale = 1 / (KMH_PER_MPH * 1000) if mph else 1 / 1000
    y_scale = 1 / M_PER_FT if mph else 1.0
    x = prof.dist_m * x_scale
    known = prof.elevation is Elevation.RECORDED
    y = (prof.ele_m if known else np.zeros(len(x))) * y_scale
    raw = prof.raw_ele_m * y_scale

    # Constrained layout: the title, axes and legend share the picture's own size, so it is shown at the size made.
    fig, ax = plt.subplots(figsize=(shape.width_in, shape.height_in), dpi=110, layout="constrained")
    ax.tick_params(labelsize=pt)
    floor = np.nanmin(y) if np.isfinite(y).any() else 0.0
    top = np.nanmax(y) if np.isfinite(y).any() else 1.0
    pad = max((top - floor) * 0.15, 5.0 * y_scale)
    base = floor - pad
    if known:
        ax.plot(x, raw, color="#bdbdbd", linewidth=0.6, zorder=1, label="_recording")
    # Ground: each sample's column from the baseline to the smoothed line, in its terrain's colour.
    line = np.where(np.isfinite(y), y, raw)  # the smoothing stops short of gaps and ends: show the recording
    if not np.isfinite(line).all():
        have = np.isfinite(line)
        line = np.interp(x, x[have], line[have]) if have.any() else np.full(len(x), base + pad * 0.3)
    for terrain, (colour, _label) in COLOURS.items():
        mask = prof.terrain == terrain.code
        if mask.any():
            ax.fill_between(x, base, line, where=mask, color=colour, alpha=0.55, linewidth=0, step="post",
                            zorder=2)
    ax.plot(x, line, color="#212121", linewidth=1.2, zorder=3)
    if turns:
        at = np.array([c.at_m for c in turns])
        ax.plot(at * x_scale, np.interp(at * x_scale, x, line) + pad * 0.25, linestyle="none", marker="v",
                markersize=5, color=TURN_COLOUR, zorder=6)
    # One label per bout; bouts too close together to label apart (closer than 4.5 % of the width) share one
    # label, "1–5", and labels alternate between two heights so that neighbours never overlap.
    span = float(x[-1]) if len(x) else 1.0
    groups: list[list[tuple[int, float, int]]] = []
    for number, seg in enumerate((s for s in plan.segments if s.backward), 1):
        if seg.start_m is None or seg.end_m is None:
            continue
        a, b = seg.start_m * x_scale, seg.end_m * x_scale
        ax.axvspan(a, b, color=BOUT_COLOUR, alpha=0.45, zorder=4, linewidth=0)
        centre = (a + b) / 2
        # Closer than a label's width (about four characters) at this size: one label for the group.
        if groups and centre - groups[-1][-1][1] < 2.6 * pt / (shape.width_in * 72) * span:
            groups[-1].append((number, centre, seg.duration_s))
        else:
            groups.append([(number, centre, seg.duration_s)])
    for row, group in enumerate(groups):
        first, last = group[0], group[-1]
        text = f"{first[0]}\n{format_clock(first[2])}" if len(group) == 1 else f"{first[0]}–{last[0]}"
        # Above the plot, in points from its top edge: whatever the size, labels keep clear of the ground, of
        # each other (every other one a row higher) and of the title (the layout makes room for them).
        ax.annotate(text, ((first[1] + last[1]) / 2, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 3 + (row % 2) * 2.5 * pt), textcoords="offset points", ha="center", va="bottom",
                    fontsize=pt, color="#5d4037", zorder=5, annotation_clip=False)
    ax.set_ylim(base, top + pad * 0.6)
    ax.set_xlim(0, x[-1] if len(x) else 1)
    ax.set_xlabel(_("distance along the route (mi)") if mph else _("distance along the route (km)"), fontsize=pt)
    ax.set_ylabel(_("elevation (ft)") if mph else _("elevation (m)"), fontsize=pt)
    route = plan.route
    name = route.name if route and route.name else _("Route")
    bouts = len(plan.bouts())
    title = ngettext("%(name)s: %(backward)s backward in %(n)s bout (numbered bands), %(total)s in all",
                     "%(name)s: %(backward)s backward in %(n)s bouts (numbered bands), %(total)s in all", bouts) % {
        "name": name, "backward": format_clock(plan.backward_s), "n": f"{bouts:,}", "total": format_clock(plan.total_s)}
    # Wrapped to the picture's width (a character is about 0.6 of the text size wide).
    # Above the bouts' labels: their rows (two lines each, every other one a row higher) are its padding.
    labels_pt = 3 + (2.5 * pt if len(groups) > 1 else 0) + 2.5 * pt if groups else 0
    ax.set_title(textwrap.fill(title, max(20, int(shape.width_in * 72 / (0.62 * pt)))), fontsize=pt,
                 pad=6 + labels_pt)
    if not known:
        ax.text(0.5, 0.5, _("Elevation unknown: bouts placed by distance only"), transform=ax.transAxes,
                ha="center", va="center", fontsize=pt, color="#424242", wrap=True)
    handles: list[Artist] = [Patch(color=colour, alpha=0.55, label=_legend(t)) for t, (colour, _label)
                             in COLOURS.items() if (prof.terrain == t.code).any()]
    handles.append(Patch(color=BOUT_COLOUR, alpha=0.45, label=_("Walk backward here")))
    if turns:
        handles.append(Line2D([], [], linestyle="none", marker="v", color=TURN_COLOUR,
                              label=_("Sharp turn: never backward within 10 m")))
    # A few entries a row (as many as fit at this size): all of them in one row would run off the picture.
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), shape.columns), fontsize=pt,
               frameon=False)
    ax.grid(axis="y", alpha=0.25)
    out = BytesIO()
    # The same plan draws the same bytes: no date in an SVG's metadata, and its element ids from a fixed salt
    # rather than a random one (pages cache it; tests compare it).
    with matplotlib.rc_context({"svg.hashsalt": "retrowalk", "svg.fonttype": "none"}):
        fig.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
    return out.getvalue()


def review_image(recording: Recording, result: Review, units: Units, fmt: str = "png",
                 plan: Plan | None = None) -> bytes:
    """The recorded walk's elevation by distance, with what was walked backward drawn over it: each stretch a
    band (solid: confirmed by laps; hatched: only consistent with pace), red where it was on a descent, and a
    route plan's planned bouts as outlines above."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from retrowalk.core.geo import along_m

    track = recording.track
    mph = units is Units.MPH
    x_scale = 1 / (KMH_PER_MPH * 1000) if mph else 1 / 1000
    y_scale = 1 / M_PER_FT if mph else 1.0
    dist = along_m(track.lat_deg, track.lon_deg) if len(track) > 1 else np.zeros(len(track))
    fig, ax = plt.subplots(figsize=(10, 3.6), dpi=120)
    known = np.isfinite(track.ele_m)
    if known.any():
        ax.plot(dist[known] * x_scale, track.ele_m[known] * y_scale, color="#455a64", linewidth=1.2,
                label=_("Recorded elevation"))
    stretches = [b.stretch for b in result.bouts if b.stretch is not None] + list(result.unplanned)
    for s in stretches:
        if s.start_m is None or s.end_m is None:
            continue
        colour = COLOURS[Terrain.DOWNHILL][0] if s.on_descent else BOUT_COLOUR
        ax.axvspan(s.start_m * x_scale, s.end_m * x_scale, color=colour, alpha=0.55 if s.source == "laps" else 0.3,
                   hatch=None if s.source == "laps" else "//", linewidth=0)
    if plan is not None:
        for seg in plan.segments:
            if seg.backward and seg.start_m is not None and seg.end_m is not None:
                ax.axvspan(seg.start_m * x_scale, seg.end_m * x_scale, ymin=0.92, ymax=1.0, fill=False,
                           edgecolor="#37474f", linewidth=1)
    ax.set_xlabel(_("Distance (mi)") if mph else _("Distance (km)"))
    ax.set_ylabel(_("Elevation (ft)") if mph else _("Elevation (m)"))
    handles = [Patch(color=BOUT_COLOUR, alpha=0.55, label=_("Walked backward (the watch's laps)")),
               Patch(facecolor=BOUT_COLOUR, alpha=0.3, hatch="//", label=_("Consistent with backward (pace only)")),
               Patch(color=COLOURS[Terrain.DOWNHILL][0], alpha=0.55, label=_("On a descent: never backward (S3)"))]
    ax.legend(handles=handles, loc="upper left", fontsize=9, framealpha=0.9)
    ax.set_title(result.words[0] if result.words else _("Review"), fontsize=10, loc="left")
    ax.grid(alpha=0.25)
    fig.tight_layout()
    buf = BytesIO()
    fig.savefig(buf, format=fmt)
    plt.close(fig)
    return buf.getvalue()
