"""Cases a code review broke the engine with; each failed before its fix."""

from __future__ import annotations

import numpy as np
import pytest

from retrowalk.core.check import check
from retrowalk.core.plan import PlanError, plan_from_dict
from retrowalk.core.routeplan import RouteRequest, route_plan
from retrowalk.core.track import TrackError, make_track
from retrowalk.core.units import Units
from retrowalk.formats.read import read_bytes
from retrowalk.formats.xmlsafe import epoch_seconds
from tests.builders import make_route


@pytest.mark.parametrize("rise_m", [10.5, 25.0])
def test_elevation_jumps_between_samples_never_turn_a_descent_into_a_climb(rise_m: float) -> None:
    track, _, _ = make_route([-3.0], [3000.0], spacing_m=2.0)
    along = np.arange(len(track)) * 2.0
    ele = track.ele_m.copy()
    for at in (1503, 1569, 1637):
        ele[along >= at] += rise_m
    jumped = make_track(track.lat_deg, track.lon_deg, ele)
    for week in (1, 6):
        with pytest.raises(PlanError):  # the whole route descends: nowhere is safe
            route_plan(jumped, RouteRequest(units=Units.KMH, week=week))


def test_the_checker_refuses_a_flat_label_on_a_downhill_grade() -> None:
    track, _, _ = make_route([3.0], [3000.0])
    data = route_plan(track, RouteRequest(units=Units.KMH)).plan.to_dict()
    for seg in data["segments"]:
        if seg["direction"] == "backward":
            seg["terrain"], seg["grade_pct"] = "flat", -6.0
    assert any(v.rule == "S3" for v in check(plan_from_dict(data)))


def test_the_other_way_of_a_cut_route_starts_at_its_other_end() -> None:
    track, _, _ = make_route([-3.0, 3.0], [2500.0, 2500.0])
    # The first 30 minutes descend; from the other end, the first 30 minutes descend too (the climb reversed).
    with pytest.raises(PlanError) as forward:
        route_plan(track, RouteRequest(units=Units.KMH, minutes=30))
    assert "holds" not in str(forward.value)


def test_a_time_stamp_of_only_z_is_no_time() -> None:
    assert np.isnan(epoch_seconds(["2024-05-01T10:00:00Z", "Z"])[1])


def test_a_root_with_an_undeclared_prefix_is_refused_in_a_sentence() -> None:
    with pytest.raises(TrackError, match="undeclared namespace prefix"):
        read_bytes(b'<x:gpx><trk><trkseg><trkpt lat="47" lon="8"/></trkseg></trk></x:gpx>', "np.gpx")


def test_a_comment_naming_tcx_does_not_fool_the_format_sniffing() -> None:
    data = b'<?xml version="1.0"?><!-- <TrainingCenterDatabase> --><gpx><trk><trkseg>' \
           b'<trkpt lat="47" lon="8"/><trkpt lat="47.001" lon="8"/></trkseg></trk></gpx>'
    assert len(read_bytes(data, "c.gpx")) == 2


def test_a_point_with_two_elevations_does_not_shift_the_others() -> None:
    data = b'<gpx><trk><trkseg><trkpt lat="47" lon="8"><ele>1</ele><ele>2</ele></trkpt>' \
           b'<trkpt lat="47.001" lon="8"/><trkpt lat="47.002" lon="8"><ele>3</ele></trkpt></trkseg></trk></gpx>'
    ele = read_bytes(data, "two.gpx").ele_m
    assert ele[0] == 1 and np.isnan(ele[1]) and ele[2] == 3


def test_a_noisy_recording_warns_that_short_dips_may_hide() -> None:
    track, _, _ = make_route([4.0, -3.0, 4.0], [1000.0, 200.0, 1000.0], spacing_m=3.0, noise_m=3.0, seed=1)
    plan = route_plan(track, RouteRequest(units=Units.KMH, week=6)).plan
    assert any("may not show" in w for w in plan.warnings)
    quiet, _, _ = make_route([4.0, -3.0, 4.0], [1000.0, 200.0, 1000.0], spacing_m=3.0, noise_m=0.0)
    assert not any("may not show" in w for w in route_plan(quiet, RouteRequest(units=Units.KMH)).plan.warnings)
