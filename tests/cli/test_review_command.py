"""``retrowalk review``: a table per bout and the review in words, JSON in its schema, a picture, and one clear
line (exit 2) for bad input."""

from __future__ import annotations

import gzip
import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from retrowalk.core.plan import Kind
from retrowalk.core.timeplan import TimeRequest, time_plan
from tests.cli.test_plan_command import run
from tests.fitactivity import walk_fit
from tests.real import REAL, needs_real

SCHEMA = json.loads(files("retrowalk").joinpath("schemas/review.schema.json").read_text())


@pytest.fixture
def walk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    code, out, _ = run("plan", "--minutes", "30", "--week", "3", "--json", capsys=capsys)
    assert code == 0
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(out)
    from retrowalk.formats.planjson import read_plan

    recording = tmp_path / "walk.fit"
    recording.write_bytes(walk_fit(read_plan(plan_file), descent_bouts={3}))
    return recording, plan_file


def test_the_review_confirms_the_bouts_and_flags_the_descent(walk, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run("review", str(walk[0]), "--plan", str(walk[1]), capsys=capsys)
    assert code == 0, err
    assert out.count("confirmed") >= 5 and "5/5 confirmed" in out
    assert "never downhill (S3)" in out and "detected" not in out


def test_the_json_follows_its_schema(walk, capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    code, out, _ = run("review", str(walk[0]), "--plan", str(walk[1]), "--json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert [b["verdict"] for b in data["bouts"]] == ["confirmed"] * 5 and data["descents"] == 1
    assert data["bouts"][2]["stretch"]["on_descent"] is True


def test_the_picture_is_written(walk, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    picture = tmp_path / "review.png"
    code, _, err = run("review", str(walk[0]), "--plan", str(walk[1]), "--profile", str(picture), capsys=capsys)
    assert code == 0 and "Picture written" in err
    assert picture.read_bytes().startswith(b"\x89PNG")


def test_a_gzipped_recording_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = time_plan(TimeRequest(total_s=1800, kind=Kind.OUTDOOR, week=3))
    packed = tmp_path / "walk.fit.gz"
    packed.write_bytes(gzip.compress(walk_fit(plan)))
    code, out, _ = run("review", str(packed), capsys=capsys)
    assert code == 0 and "5 stretches confirmed by the watch's laps" in " ".join(out.split())


@needs_real
def test_a_gpx_with_space_before_its_declaration_is_read_and_cannot_be_verified(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Strava's export has files that start with whitespace before <?xml (DOMAIN.md:95-96); a GPX has no
    cadence, so its bouts cannot be checked (DOMAIN.md:92)."""
    gpx = tmp_path / "walk.gpx"
    gpx.write_bytes(b"\n   \n" + (REAL / "gpx" / "gpxpy-cerknicko-jezero-walk.gpx").read_bytes())
    code, out, err = run("review", str(gpx), capsys=capsys)
    assert code == 0, err
    assert "cannot be checked" in " ".join(out.split())


@needs_real
def test_a_gpx_or_tcx_with_cadence_is_reviewed_by_pace(capsys: pytest.CaptureFixture[str]) -> None:
    """DOMAIN.md:92 makes only GPX/TCX *without* cadence not verifiable: Garmin's <gpxtpx:cad> and TCX's
    <Cadence>/<RunCadence> are read, point for point with the track."""
    for name in ("gpx/sportslib-1681613317-strava-android.gpx", "tcx/sportslib-1604524853-hilly-run.tcx"):
        code, out, _ = run("review", str(REAL / name), "--json", capsys=capsys)
        assert code == 0 and json.loads(out)["basis"] == "pace", name


@needs_real
def test_a_real_forward_walk_without_a_plan_is_judged_by_the_seed_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("review", str(REAL / "fit" / "workoutizer-walk-2020-08-28-fr645m.fit"), capsys=capsys)
    assert code == 0 and "against the seed's rule" in " ".join(out.split())


@pytest.mark.parametrize(("args", "expected"), [
    (["nope.fit"], "nope.fit: no such file"),
    ([str(REAL / "malformed" / "fit-empty-zero-bytes.fit")], "empty"),
    ([str(REAL / "fit-workouts" / "fitsdk-WorkoutRepeatSteps.fit")], "is a workout, not a walk"),
])
def test_bad_input_gets_one_line_and_exit_2(args, expected, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run("review", *args, capsys=capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and expected in err, err


def test_a_bad_gzip_a_bad_plan_and_a_bad_picture_name_get_one_line(walk, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "walk.fit.gz"
    broken.write_bytes(gzip.compress(bytes(range(256)) * 40)[:200])  # cut short
    bad_plan = tmp_path / "plan.json"
    bad_plan.write_text("{not json")
    for args, expected in ((["review", str(broken)], "cannot be unpacked"),
                           (["review", str(walk[0]), "--plan", str(bad_plan)], "plan.json"),
                           (["review", str(walk[0]), "--profile", "out.jpg"], "written as .png or .svg")):
        code, out, err = run(*args, capsys=capsys)
        assert code == 2 and out == "" and err.count("\n") == 1 and expected in err, (args, err)


def test_a_gzip_bomb_is_refused_without_unpacking_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "bomb.gpx.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as f:
        for _ in range(60):
            f.write(b"\0" * 2**20)  # 60 MiB of zeros: a few tens of kilobytes packed
    assert bomb.stat().st_size < 200_000
    code, _, err = run("review", str(bomb), capsys=capsys)
    assert code == 2 and "unpacks to more than 50 MiB" in err
