"""A route plan as GPX 1.1: the walked route as a track, and a waypoint where each bout starts and ends.

Any GPS app or watch that shows waypoints then shows where to turn around ("Turn around: walk backward 90 s,
uphill 4 %"), where to face forward again, and the sharp turns that kept bouts off otherwise good ground. The
track is the recording's own points in the direction walked (a
``--reverse`` plan's track runs the other way), as far as the plan goes, split wherever the recording jumped; a
waypoint at "x metres from the start" is x metres along that very track, so an app measuring along it agrees.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from lxml import etree

from retrowalk.core.ground import terrain_label
from retrowalk.core.i18n import _, ngettext
from retrowalk.core.plan import Direction, Plan, PlanError
from retrowalk.core.routeplan import RoutePlan
from retrowalk.core.rules import DEFAULTS
from retrowalk.core.units import format_clock, format_grade, format_length_m

GPX_NS = "http://www.topografix.com/GPX/1/1"
SCHEMA_LOCATION = "http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    child = etree.SubElement(parent, f"{{{GPX_NS}}}{tag}", attrs)
    if text is not None:
        child.text = text
    return child


def turn_points(plan: Plan) -> list[tuple[float, str, str]]:
    """``(distance along the route in metres, name, description)`` for each bout's start and end."""
    return [(at_m, name, text) for at_m, name, text, _turn in _turn_points(plan)]


def _turn_points(plan: Plan) -> list[tuple[float, str, str, bool]]:
    """:func:`turn_points`, each with whether it is a turn-around (True) or where to face forward again."""
    out = []
    number = 0
    for direction, first, last in plan.runs():
        if direction is not Direction.BACKWARD:
            continue
        number += 1
        start, end = plan.segments[first], plan.segments[last]
        if start.start_m is None or end.end_m is None:
            raise PlanError(_("the plan has no distances along the route; make it from the route file"))
        seconds = end.end_s - start.start_s
        ground = f", {terrain_label(start.terrain)}" if start.terrain else ""
        grade = f" {format_grade(start.grade_pct)}" if start.grade_pct is not None else ""
        # Translators: a waypoint's description; %(ground)s is ", uphill +4 %" or nothing.
        text = (_("Turn around: walk backward %(length)s%(ground)s. Look over your shoulder.")
                % {"length": format_clock(seconds), "ground": ground + grade})
        out.append((start.start_m, _("Turn around %(number)s") % {"number": number}, text, True))
        out.append((end.end_m, _("Face forward %(number)s") % {"number": number},
                    _("Face forward again after bout %(number)s.") % {"number": number}, False))
    return out


def route_gpx(result: RoutePlan, name: str | None = None) -> bytes:
    """The GPX file's bytes (UTF-8, with an XML declaration). ``name``: by default "Backward walk" in the active
    language."""
    name = _("Backward walk") if name is None else name
    plan, prof = result.plan, result.profile
    if plan.route is None:
        raise PlanError(_("a GPX with turn-around points needs a route plan; a time plan has no route"))
    walk = result.walked_points()
    lat, lon, ele, dist, jump = walk.lat_deg, walk.lon_deg, walk.ele_m, walk.dist_m, walk.jump
    nsmap: Any = {None: GPX_NS, "xsi": XSI_NS}  # the default namespace's key is None (lxml-stubs say str)
    root = etree.Element(f"{{{GPX_NS}}}gpx", nsmap=nsmap, version="1.1", creator="retrowalk")
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    meta = _el(root, "metadata")
    _el(meta, "name", name)
    bouts = len(plan.bouts())
    _el(meta, "desc", ngettext("%(backward)s backward in %(n)s bout, %(total)s in all. Waypoints mark where to turn "
                               "around and face forward.",
                               "%(backward)s backward in %(n)s bouts, %(total)s in all. Waypoints mark where to turn "
                               "around and face forward.", bouts)
        % {"backward": format_clock(plan.backward_s), "n": f"{bouts:,}", "total": format_clock(plan.total_s)})
    _el(meta, "time", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))

    known = np.isfinite(prof.raw_ele_m)
    for at_m, label, text, turn in _turn_points(plan):
        wpt = _el(root, "wpt", lat=f"{np.interp(at_m, dist, lat):.7f}", lon=f"{np.interp(at_m, dist, lon):.7f}")
        i = int(np.clip(at_m // prof.step_m, 0, len(known) - 1))
        if known[i]:
            _el(wpt, "ele", f"{prof.raw_ele_m[i]:.1f}")
        _el(wpt, "name", label)
        _el(wpt, "cmt", text)
        _el(wpt, "desc", text)
        _el(wpt, "sym", "Flag, Red" if turn else "Flag, Green")
        _el(wpt, "type", "turn-around" if turn else "face-forward")

    for number, corner in enumerate(result.turns_in_the_way(), 1):
        # Where a good stretch went unused: people ask why. Not a turn-around; a sign to keep facing forward.
        wpt = _el(root, "wpt", lat=f"{np.interp(corner.at_m, dist, lat):.7f}",
                  lon=f"{np.interp(corner.at_m, dist, lon):.7f}")
        text = (_("Sharp turn (about %(angle)s°): no backward walking within %(clearance)s of it.")
                % {"angle": f"{corner.angle_deg:.0f}",
                   "clearance": format_length_m(DEFAULTS.turn_clearance_m, plan.units)})
        _el(wpt, "name", _("Sharp turn %(number)s") % {"number": number})
        _el(wpt, "cmt", text)
        _el(wpt, "desc", text)
        _el(wpt, "sym", "Danger Area")
        _el(wpt, "type", "sharp-turn")

    trk = _el(root, "trk")
    _el(trk, "name", name)
    segment = _el(trk, "trkseg")
    for i in range(len(lat)):
        if i and jump[i - 1]:  # not walked: a gap in the recording starts a new segment
            segment = _el(trk, "trkseg")
        pt = _el(segment, "trkpt", lat=f"{lat[i]:.7f}", lon=f"{lon[i]:.7f}")
        if np.isfinite(ele[i]):
            _el(pt, "ele", f"{ele[i]:.1f}")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
