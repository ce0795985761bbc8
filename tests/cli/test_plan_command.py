"""``retrowalk plan``: readable output, JSON in the documented schema, and one clear line for bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.resources import files

import jsonschema
import pytest

from retrowalk.cli import main

SCHEMA = json.loads(files("retrowalk").joinpath("schemas/plan.schema.json").read_text())


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's own refusals
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_json_validates_against_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("plan", "--minutes", "30", "--json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["kind"] == "outdoor" and data["total_s"] == 1800 and 300 <= data["backward_s"] <= 600


def test_the_schema_itself_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_schema_rejects_a_plan_missing_its_segments() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"kind": "outdoor", "total_s": 60}, SCHEMA)


def test_human_output_shows_the_timeline_and_the_safety_notes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("plan", "--minutes", "30", "--treadmill", "--units", "kmh", capsys=capsys)
    assert code == 0
    assert "Locked treadmill: 30:00 in all, 5:00 backward in 1 bout" in out
    assert "3.2 km/h" in out and "BACK" in out
    assert "safety key" in out


def test_treadmill_speeds_in_mph_are_converted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("plan", "--minutes", "30", "--treadmill", "--week", "8", "--units", "mph",
                       "--speed-backward", "2.2", "--json", capsys=capsys)
    assert code == 0
    bout = next(s for s in json.loads(out)["segments"] if s["direction"] == "backward")
    assert bout["speed_kmh"] == pytest.approx(2.2 * 1.609344, abs=1e-3)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--minutes", "0"], "--minutes must be more than 0"),
        (["--minutes", "-5"], "--minutes must be more than 0"),
        (["--minutes", "600"], "a time plan lasts at most 240 minutes"),
        (["--minutes", "abc"], "'abc' is not a number; give minutes like 30"),
        (["--minutes", "nan"], "'nan' is not a number"),
        (["--minutes", ""], "'' is not a number"),
        ([], "give --minutes for a walk by time, or a route file"),
        (["--minutes", "30", "--treadmill", "--deadmill"], "not allowed with argument --treadmill"),
        (["--minutes", "30", "--level", "beginner", "--week", "3"], "not allowed with argument --level"),
        (["--minutes", "30", "--level", "expert"], "invalid choice: 'expert'"),
        (["--minutes", "6", "--backward-minutes", "5"], "at most 1 min fits"),
        (["--minutes", "30", "--backward-minutes", "12"], "more than S1's 10 minutes"),
        (["--minutes", "30", "--backward-minutes", "3"], "less than S1's 5 minutes"),
        (["--minutes", "30", "--treadmill", "--incline", "0.5"], "at least 1 % incline (S5)"),
        (["--minutes", "30", "--treadmill", "--speed-backward", "3"], "starts at 2.0 mph backward"),
        (["--minutes", "30", "--deadmill", "--speed-backward", "2"], "a deadmill has no motor"),
        (["--minutes", "30", "--incline", "2"], "incline is for a treadmill"),
        (["--minutes", "30", "--bout-max", "300"], "at most 120 s"),
        (["--minutes", "30", "--bouts", "0"], "--bouts must be 1 or more"),
        (["--minutes", "30", "--bouts", "2.5"], "'2.5' is not a whole number"),
        (["--minutes", "30", "--week", "0"], "week must be between 1 and 104"),
        (["--minutes", "30", "--units", "furlongs"], "invalid choice: 'furlongs'"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_2(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run("plan", *args, "--units", "mph", capsys=capsys) if "--units" not in args \
        else run("plan", *args, capsys=capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert expected in err
    assert "Traceback" not in err


def test_the_installed_command_runs_and_refuses_bad_input_with_exit_2() -> None:
    exe = shutil.which("retrowalk", path=os.path.dirname(sys.executable))
    assert exe, "the retrowalk entry point is installed next to the interpreter"
    ok = subprocess.run([exe, "plan", "--minutes", "30", "--json"], capture_output=True, text=True)
    assert ok.returncode == 0 and json.loads(ok.stdout)["total_s"] == 1800
    bad = subprocess.run([exe, "plan", "--minutes", "ten"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.strip().endswith("(see retrowalk plan --help)")


def test_a_plan_nested_past_all_reason_is_refused_in_one_line(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    code, out, err = run("plan", str(deep), capsys=capsys)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "nested" in err and "Traceback" not in err


def test_output_into_a_closed_pipe_ends_quietly() -> None:
    # `retrowalk plan … | head -1`: the reader goes away; that is no error of ours to print a traceback for.
    exe = shutil.which("retrowalk", path=os.path.dirname(sys.executable))
    assert exe
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is written
    try:
        writer = subprocess.run([exe, "plan", "--minutes", "30", "--json"], stdout=write_end, stderr=subprocess.PIPE,
                                text=True, check=False)
    finally:
        os.close(write_end)
    assert "Traceback" not in writer.stderr and "BrokenPipe" not in writer.stderr, writer.stderr
    assert writer.returncode == 141, writer.returncode  # as a shell reports a command ended by SIGPIPE
