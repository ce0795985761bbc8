"""A printable one-page card: the steps as a big table, the elevation profile for a route, and the safety notes.

Made to be read at arm's length on a fridge or a treadmill console: 13-point text at most sizes, the backward
rows shaded, and the whole card shrunk to fit one page when a route has many bouts. A4 or US Letter. The font is
DejaVu Sans, which matplotlib ships (no system fonts needed; every character of the cues and notes has a glyph).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Image, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from retrowalk.core.ground import terrain_label
from retrowalk.core.i18n import _, gettext_noop, ngettext
from retrowalk.core.plan import Kind, Plan
from retrowalk.core.terrain import Profile
from retrowalk.core.text import long_date
from retrowalk.core.turns import Corner
from retrowalk.core.units import Units, format_clock, format_distance, format_grade, format_speed

PAPERS = {"a4": A4, "letter": LETTER}
BACKWARD_FILL = colors.HexColor("#ffe0a3")
"""The profile picture's bout colour, lighter: the same "walk backward here" on paper."""
TITLES = {Kind.OUTDOOR: gettext_noop("Outdoor walk"), Kind.TREADMILL: gettext_noop("Locked treadmill"),
          Kind.DEADMILL: gettext_noop("Deadmill"), Kind.ROUTE: gettext_noop("Route walk")}
"""The card's heading by kind, marked for the catalogue: shown as ``_(TITLES[kind])``."""
MARGIN = 14 * mm


def default_paper(units: Units) -> str:
    """US Letter where people use miles, A4 elsewhere."""
    return "letter" if units is Units.MPH else "a4"


def _fonts() -> tuple[str, str]:
    if "RW-Sans" not in pdfmetrics.getRegisteredFontNames():
        ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont("RW-Sans", str(ttf / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("RW-Sans-Bold", str(ttf / "DejaVuSans-Bold.ttf")))
    return "RW-Sans", "RW-Sans-Bold"


def card_pdf(plan: Plan, prof: Profile | None = None, paper: str = "a4", title: str = "",
             day: date | None = None, turns: Sequence[Corner] = ()) -> bytes:
    """The card's PDF bytes. ``prof`` (a route plan's profile) adds the elevation picture."""
    regular, bold = _fonts()
    size = PAPERS[paper]
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=title or _("retrowalk plan"), author="retrowalk",
                            subject=_("Backward walking plan"))
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=20, leading=24, spaceAfter=3)
    lead = ParagraphStyle("lead", fontName=regular, fontSize=12, leading=15, spaceAfter=8)
    body = ParagraphStyle("body", fontName=regular, fontSize=12, leading=15, alignment=TA_LEFT, leftIndent=10,
                          firstLineIndent=-10)
    head = ParagraphStyle("head", fontName=bold, fontSize=14, leading=18, spaceBefore=10, spaceAfter=3)

    bouts = plan.bouts()
    heading = title or _(TITLES[plan.kind])
    # Translators: the card's summary line; keep the <b>…</b> round the backward time (the card's markup).
    summary = (ngettext("%(total)s in all · <b>%(backward)s backward</b> in %(n)s bout · %(forward)s forward",
                        "%(total)s in all · <b>%(backward)s backward</b> in %(n)s bouts · %(forward)s forward",
                        len(bouts))
               % {"total": format_clock(plan.total_s), "backward": format_clock(plan.backward_s), "n": len(bouts),
                  "forward": format_clock(plan.forward_s)})
    if day is not None:
        summary += f" · {_escape(long_date(day))}"
    story: list[Flowable] = [Paragraph(_escape(heading), h1), Paragraph(summary, lead)]
    width = size[0] - 2 * MARGIN
    if prof is not None:
        story += [_picture(plan, prof, width, turns), Spacer(1, 4)]
    story.append(_table(plan, width, regular, bold))
    if plan.warnings:
        story.append(Paragraph(_escape(_("Before you go")), head))
        story += [Paragraph("• " + _escape(w), body) for w in plan.warnings]
    story.append(Paragraph(_escape(_("Safety")), head))
    story += [Paragraph("• " + _escape(s), body) for s in plan.safety]
    frame_h = size[1] - 2 * MARGIN
    doc.build([KeepInFrame(width, frame_h, story, mode="shrink")])
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(plan: Plan, width: float, regular: str, bold: str) -> Table:
    on_route = plan.kind is Kind.ROUTE
    with_speed = not on_route and any(s.speed_kmh is not None for s in plan.segments)
    with_incline = any(s.incline_pct is not None for s in plan.segments)
    columns = ["#", "Start", "Way", "For"]
    if on_route:
        columns += ["From", "Ground"]
    if with_speed:
        columns.append("Speed")
    if with_incline:
        columns.append("Incline")
    heads = _headings()
    rows: list[list[str]] = [[heads[c] for c in columns]]
    for i, seg in enumerate(plan.segments, 1):
        row = [str(i), format_clock(seg.start_s), _("BACKWARD") if seg.backward else _("forward"),
               format_clock(seg.duration_s)]
        if on_route:
            row.append("" if seg.start_m is None else format_distance(seg.start_m, plan.units))
            grade = "" if seg.grade_pct is None else f" {format_grade(seg.grade_pct)}"
            row.append(f"{terrain_label(seg.terrain) if seg.terrain else ''}{grade}")
        if with_speed:
            row.append("" if seg.speed_kmh is None else format_speed(seg.speed_kmh, plan.units))
        if with_incline:
            row.append("" if seg.incline_pct is None else f"{seg.incline_pct:g} %")
        rows.append(row)
    font_size = 14 if len(rows) <= 16 else 12 if len(rows) <= 24 else 10
    table = Table(rows, repeatRows=1, hAlign="LEFT", colWidths=_widths(columns, width))
    style: list[Any] = [
        ("FONT", (0, 0), (-1, 0), bold, font_size - 2),
        ("FONT", (0, 1), (-1, -1), regular, font_size),
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#bdbdbd")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 1), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 4),
        ("ALIGN", (0, 0), (1, -1), "RIGHT"),
        ("ALIGN", (3, 0), (3, -1), "RIGHT"),
    ]
    for i, seg in enumerate(plan.segments, 1):
        if seg.backward:
            style += [("BACKGROUND", (0, i), (-1, i), BACKWARD_FILL), ("FONT", (2, i), (3, i), bold, font_size)]
    table.setStyle(TableStyle(style))
    return table


def _headings() -> dict[str, str]:
    """The table's column headings by column, in the active language."""
    # Translators: the card's table headings: the segment's start time, its direction, how long, where along the
    # route it starts, its ground, the belt speed and the incline.
    return {"#": "#", "Start": _("Start"), "Way": _("Way"), "For": _("For"), "From": _("From"),
            "Ground": _("Ground"), "Speed": _("Speed"), "Incline": _("Incline")}


def _widths(header: list[str], width: float) -> list[float]:
    share = {"#": 0.6, "Start": 1.2, "Way": 1.8, "For": 1.1, "From": 1.3, "Ground": 1.8, "Speed": 1.4,
             "Incline": 1.1}
    total = sum(share[h] for h in header)
    return [width * share[h] / total for h in header]


def _picture(plan: Plan, prof: Profile, width: float, turns: Sequence[Corner]) -> Image:
    from retrowalk.formats.picture import SIZES, profile_image

    # Drawn for paper (labels of 8 to 9 pt once printed at this width), in its own aspect.
    paper = SIZES["paper"]
    return Image(BytesIO(profile_image(plan, prof, "png", turns, size="paper")), width=width,
                 height=width * paper.height_in / paper.width_in)
