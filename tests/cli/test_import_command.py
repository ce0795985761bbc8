"""``retrowalk import``: the walks of a Garmin or Strava export listed once each, what was skipped and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.archives import garmin_archive, strava_archive
from tests.cli.test_plan_command import run
from tests.real import needs_real

pytestmark = needs_real


def test_a_garmin_and_a_strava_export_list_exactly_their_walks_once(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    garmin, strava = garmin_archive(tmp_path / "garmin.zip"), strava_archive(tmp_path / "strava.zip")
    code, out, _ = run("import", str(garmin), "--json", capsys=capsys)
    assert code == 0 and len(json.loads(out)["walks"]) == 3
    code, out, _ = run("import", str(strava), "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and sorted(w["title"] for w in data["walks"]) == ["Evening Walk", "Hill hike", "Morning Walk"]
    code, out, _ = run("import", str(garmin), str(strava), "--json", capsys=capsys)
    data = json.loads(out)
    assert len(data["walks"]) == 5  # the hike is in both: once
    assert sum(1 for s in data["skipped"] if s["reason"].startswith("the same walk as")) == 1
    code, out, _ = run("import", str(garmin), "--units", "kmh", capsys=capsys)
    text = " ".join(out.split())
    assert code == 0 and "3 walks found" in text and " km " in text
    assert "skipped 94: monitoring, not an activity" in text


def test_bad_input_gets_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cut = tmp_path / "cut.zip"
    cut.write_bytes(strava_archive(tmp_path / "s.zip").read_bytes()[:3000])
    for args, expected in ((["import", "nope.zip"], "nope.zip: no such file"),
                           (["import", str(tmp_path)], "is a folder"),
                           (["import", str(cut)], "not a zip archive that can be read")):
        code, out, err = run(*args, capsys=capsys)
        assert code == 2 and out == "" and err.count("\n") == 1 and expected in err, (args, err)
