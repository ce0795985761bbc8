"""``retrowalk plan ROUTE``: JSON in the schema, the profile picture, and one clear line for bad input."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from retrowalk.core.plan import PlanError
from retrowalk.core.routeplan import RouteRequest, route_plan
from retrowalk.formats.read import read_track
from tests.builders import make_route, write_gpx
from tests.cli.test_plan_command import run
from tests.real import REAL, needs_real

SCHEMA = json.loads(files("retrowalk").joinpath("schemas/plan.schema.json").read_text())
HILLY = REAL / "fit" / "workoutizer-walk-2020-08-20-fr645m.fit"


@needs_real
def test_a_route_plan_in_json_validates_and_carries_the_route(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("plan", str(HILLY), "--json", "--units", "kmh", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["kind"] == "route"
    assert data["route"]["elevation"] == "recorded"
    assert all(s["terrain"] in ("uphill", "flat") for s in data["segments"] if s["direction"] == "backward")


def test_the_schema_refuses_a_route_plan_with_a_downhill_bout() -> None:
    bad = {"kind": "route", "total_s": 60, "backward_s": 30, "forward_s": 30, "warnings": [], "safety": ["x"],
           "units": "kmh", "route": {"distance_m": 1, "ascent_m": 0, "descent_m": 0, "elevation": "recorded",
                                     "reverse_backward_s": 0},
           "segments": [{"direction": "backward", "start_s": 0, "duration_s": 30, "cue": "", "speed_kmh": 2,
                         "incline_pct": None, "start_m": 0, "end_m": 20, "terrain": "downhill", "grade_pct": -4}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


@needs_real
def test_the_profile_picture_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_png = tmp_path / "profile.png"
    code, out, err = run("plan", str(HILLY), "--minutes", "45", "--profile", str(out_png), "--units", "mph",
                         capsys=capsys)
    assert code == 0
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out_png.stat().st_size > 20_000
    assert "Route walk" in out and "Profile written" in err
    svg = tmp_path / "profile.svg"
    assert run("plan", str(HILLY), "--profile", str(svg), capsys=capsys)[0] == 0
    assert b"<svg" in svg.read_bytes()[:400]


@needs_real
def test_reverse_walks_the_route_the_other_way(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("plan", str(HILLY), "--reverse", "--json", capsys=capsys)
    assert code == 0
    assert json.loads(out)["route"]["reverse_backward_s"] >= 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["nope.gpx"], "nope.gpx: no such file"),
        ([str(REAL / "malformed" / "gpx-empty-track.gpx")], "no track or route points"),
        ([str(REAL / "fit-workouts" / "fitsdk-WorkoutRepeatSteps.fit")], "is a workout, not a walk"),
        ([str(REAL / "malformed" / "fit-empty-zero-bytes.fit")], "empty"),
        ([str(HILLY), "--treadmill"], "--treadmill does not go with a route file"),
        ([str(HILLY), "--incline", "2"], "--incline does not go with a route file"),
        ([str(HILLY), "--profile", "out.jpg"], "written as .png or .svg"),
        ([str(HILLY), "--backward-minutes", "12"], "more than S1's 10 minutes"),
        ([str(HILLY), "--speed-backward", "3", "--speed-forward", "2.5"], "slower than forward"),
        ([str(HILLY), "--speed-backward", "5", "--speed-forward", "3"], "backward speed must be at most 3.7 mph"),
        (["--reverse", "--minutes", "30"], "--reverse needs a route file"),
        (["--units", "kmh"], "give --minutes for a walk by time, or a route file"),
        (["--minutes", "1e308"], "far too large"),
        ([str(HILLY), "--profile", "/nonexistent-dir/x.png"], "cannot write /nonexistent-dir/x.png"),
        ([str(HILLY), "--speed-backward", "0.01", "--units", "kmh"], "backward speed must be at least 0.5 km/h"),
    ],
)
def test_bad_route_input_gets_one_line_and_exit_2(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run("plan", *args, capsys=capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert expected in err


def test_a_refusal_names_this_commands_flags_and_core_names_none(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Core says what is possible instead in the domain's words; the command line says which flag does it."""
    down, _, _ = make_route([-4.0], [3000])
    path = tmp_path / "down.gpx"
    write_gpx(down, path)
    with pytest.raises(PlanError) as refused:
        route_plan(read_track(path), RouteRequest())
    assert "--" not in str(refused.value) and "walked the other way it holds 5 min" in str(refused.value)
    code, _, err = run("plan", str(path), capsys=capsys)
    assert code == 2 and "walked the other way (--reverse) it holds 5 min" in err
    assert "plan by time (--minutes without a route)" in err and err.count("\n") == 1
    code, _, err = run("plan", str(path), "--reverse", "--minutes", "0", capsys=capsys)
    assert code == 2 and "--minutes must be more than 0" in err


def test_a_route_too_short_to_walk_says_so_not_that_it_is_unsafe(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    short, _, _ = make_route([0.0], [68], spacing_m=2.0)
    path = tmp_path / "short.gpx"
    write_gpx(short, path)
    code, _, err = run("plan", str(path), "--units", "kmh", capsys=capsys)
    assert code == 2 and re.search(r"only \d+ m long, too short to walk a plan on", err)
    assert "nowhere safe" not in err and err.count("\n") == 1
