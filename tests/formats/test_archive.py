"""Finding the walks in Garmin's and Strava's exports (formats/archive.py, DOMAIN.md:94-96), and refusing what
would harm: zip bombs, names outside the archive, zips nested too deep."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from retrowalk.formats import archive
from retrowalk.formats.archive import ArchiveError, fingerprint, scan
from tests.archives import NOT_WALKS, WALKS, garmin_archive, strava_archive
from tests.real import REAL, needs_real

pytestmark = needs_real


def found(path: Path):
    return list(scan(path.name, lambda: path.open("rb")))


def test_a_garmin_export_gives_exactly_its_walks_and_never_decodes_its_monitoring(tmp_path: Path,
                                                                                   monkeypatch) -> None:
    decoded: list[str] = []
    real = archive.recording_from_bytes
    monkeypatch.setattr(archive, "recording_from_bytes", lambda data, name: decoded.append(name) or real(data, name))
    items = found(garmin_archive(tmp_path / "garmin.zip", files=200))
    walks = [f for f in items if f.recording is not None]
    assert len(walks) == len(WALKS)
    reasons = [f.skipped for f in items if f.recording is None]
    assert reasons.count("monitoring, not an activity") >= 180
    assert "a running activity, not a walk" in reasons and "a cycling activity, not a walk" in reasons
    assert len(decoded) == len(WALKS) + len(NOT_WALKS)  # only the activities were read past their first bytes


def test_a_strava_export_uses_its_list_of_activity_types(tmp_path: Path) -> None:
    items = found(strava_archive(tmp_path / "strava.zip"))
    assert sorted(f.title for f in items if f.recording is not None) == ["Evening Walk", "Hill hike", "Morning Walk"]
    assert sorted(f.skipped for f in items if f.recording is None) == ["a ride in Strava's list, not a walk",
                                                                      "a run in Strava's list, not a walk"]


def test_the_same_walk_from_both_exports_has_one_fingerprint(tmp_path: Path) -> None:
    garmin = {fingerprint(f.recording) for f in found(garmin_archive(tmp_path / "g.zip")) if f.recording}
    strava = {fingerprint(f.recording) for f in found(strava_archive(tmp_path / "s.zip")) if f.recording}
    assert len(garmin & strava) == 1  # the hike, in both


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_bombs_and_bad_files_inside_are_reported_and_the_rest_go_on(tmp_path: Path) -> None:
    walk = (REAL / WALKS[1]).read_bytes()
    path = _zip(tmp_path / "mixed.zip", {
        "a/walk.fit": walk,
        "a/bomb.gpx": b"\0" * (60 * 2**20),  # 60 MiB of zeros: over the limit
        "a/ratio.gpx": b"\0" * (8 * 2**20),  # 8 MiB of zeros: under the limit, but 1000× its packed size
        "a/damaged.fit": (REAL / "malformed" / "fit-empty-activities.fit").read_bytes(),
        "a/notes.txt": b"not a recording",
    })
    items = {Path(f.name).name: f for f in found(path)}
    assert items["walk.fit"].recording is not None
    assert "zip bomb" in items["bomb.gpx"].skipped or "over 50 MiB" in items["bomb.gpx"].skipped
    assert "zip bomb" in items["ratio.gpx"].skipped
    assert "damaged" in items["damaged.fit"].skipped
    assert "notes.txt" not in items


def test_a_name_outside_the_archive_refuses_the_whole_archive(tmp_path: Path) -> None:
    for bad in ("../evil.fit", "/etc/evil.fit", "C:/evil.fit", "a/../../evil.fit"):
        path = _zip(tmp_path / "evil.zip", {"ok.fit": b"x", bad: b"y"})
        with pytest.raises(ArchiveError, match="names a file outside itself"):
            found(path)


def test_zips_nested_deeper_than_garmins_two_levels_are_not_read(tmp_path: Path) -> None:
    walk = (REAL / WALKS[1]).read_bytes()
    deepest = io.BytesIO()
    with zipfile.ZipFile(deepest, "w") as z:
        z.writestr("walk.fit", walk)
    middle = io.BytesIO()
    with zipfile.ZipFile(middle, "w") as z:
        z.writestr("deepest.zip", deepest.getvalue())
        z.writestr("walk.fit", walk)
    path = _zip(tmp_path / "nested.zip", {"middle.zip": middle.getvalue()})
    items = found(path)
    assert [f.recording is not None for f in items if f.name.endswith("walk.fit")] == [True]
    assert any("more than Garmin's 2 levels" in f.skipped for f in items)


def test_an_archive_that_is_not_one_says_so(tmp_path: Path) -> None:
    path = tmp_path / "cut.zip"
    path.write_bytes(garmin_archive(tmp_path / "g.zip").read_bytes()[:5000])
    with pytest.raises(ArchiveError, match="not a zip archive that can be read"):
        found(path)
