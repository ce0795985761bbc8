"""Archives made for the tests, shaped as Garmin's "Export Your Data" and Strava's bulk export (DOMAIN.md:94-96),
from the real recordings in shared/data/real plus generated monitoring and sleep files.

* :func:`garmin_archive`: ``DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip`` (a zip inside the
  zip) holding real FIT activities (walks, a hike, a run, a ride) among generated monitoring and sleep FIT files
  (``monitoring`` share of them all, Garmin's is about 94 %), beside some of the export's JSON.
* :func:`strava_archive`: ``activities.csv`` naming each file's activity type, and ``activities/`` with a GPX, a
  gzipped FIT, a gzipped TCX that starts with whitespace before ``<?xml``, a run and a ride.
"""

from __future__ import annotations

import gzip
import io
import random
import zipfile
from pathlib import Path

from retrowalk.formats.fitworkout import ENUM, UINT16, UINT32, _data, _definition, fit_file
from tests.real import REAL

FILE_MONITORING, FILE_SLEEP = 32, 49
WALKS = ["fit/workoutizer-walk-2020-08-28-fr645m.fit", "fit/goldencheetah-fr55-walk.fit",
         "fit/workoutizer-hike-muggenbrunn-fr645m.fit"]
NOT_WALKS = ["fit/fitparse-fenix2-run.fit", "fit/fitparse-wahoo-elemnt-ride.fit"]


def monitoring_fit(kind: int, records: int, rng: random.Random) -> bytes:
    """A day's monitoring (or a night's sleep) file as a watch writes it: File Id, then ``records`` monitoring
    messages (timestamp, cycles, active time)."""
    body = bytearray(_definition(0, 0, [(0, 1, ENUM), (1, 2, UINT16), (4, 4, UINT32)]))
    body += _data(0, [(ENUM, kind), (UINT16, 1), (UINT32, 1_000_000_000 + rng.randrange(10**6))])
    body += _definition(1, 55, [(253, 4, UINT32), (3, 4, UINT32), (4, 4, UINT32)])
    t = 1_000_000_000
    for _ in range(records):
        t += 60
        body += _data(1, [(UINT32, t), (UINT32, rng.randrange(2000)), (UINT32, rng.randrange(60_000))])
    return fit_file(bytes(body))


def garmin_archive(path: Path, files: int = 100, monitoring_share: float = 0.94, seed: int = 1,
                   records: int = 300) -> Path:
    rng = random.Random(seed)
    real = WALKS + NOT_WALKS
    generated = max(0, files - len(real))
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(generated):
            kind = FILE_MONITORING if rng.random() < monitoring_share / (1 - len(real) / max(files, 1)) else FILE_SLEEP
            z.writestr(f"{1000 + i}_{'WELLNESS' if kind == FILE_MONITORING else 'SLEEP'}.fit",
                       monitoring_fit(kind, records, rng))
        for i, name in enumerate(real):
            z.writestr(f"user@example.com_{9000 + i}.fit", (REAL / name).read_bytes())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("DI_CONNECT/DI-Connect-Fitness/user_summarizedActivities.json", '[{"summarizedActivities": []}]')
        z.writestr("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", inner.getvalue())
        z.writestr("DI_CONNECT/DI-Connect-User/user_profile.json", "{}")
    return path


def strava_archive(path: Path) -> Path:
    tcx = b"\n   \r\n" + sorted((REAL / "tcx").glob("*.tcx"))[0].read_bytes()
    rows = [("101", "Morning Walk", "Walk", "activities/101.gpx", sorted((REAL / "gpx").glob("*walk*.gpx"))[0]
             .read_bytes()),
            ("102", "Hill hike", "Hike", "activities/102.fit.gz", gzip.compress((REAL / WALKS[2]).read_bytes())),
            ("103", "Evening Walk", "Walk", "activities/103.tcx.gz", gzip.compress(tcx)),
            ("104", "Lunch Run", "Run", "activities/104.fit.gz", gzip.compress((REAL / NOT_WALKS[0]).read_bytes())),
            ("105", "Ride", "Ride", "activities/105.fit", (REAL / NOT_WALKS[1]).read_bytes())]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        lines = ["Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,"
                 "Distance,Filename"]
        lines += [f'{a},"May 1, 2024, 7:00:00 AM",{n},{t},,1800,2.5,{f}' for a, n, t, f, _ in rows]
        z.writestr("activities.csv", "\n".join(lines) + "\n")
        for _a, _n, _t, f, data in rows:
            z.writestr(f, data)
        z.writestr("profile.csv", "Athlete ID\n1\n")
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.archives OUT_DIR``: write the test archives, a plan and a walk recorded on it, to try
    ``retrowalk import`` and ``retrowalk review`` by hand (the README shows how)."""
    import argparse

    from retrowalk.core.plan import Kind
    from retrowalk.core.timeplan import TimeRequest, time_plan
    from tests.fitactivity import walk_fit

    parser = argparse.ArgumentParser(prog="python -m tests.archives", description=main.__doc__)
    parser.add_argument("out", type=Path, help="the folder to write into")
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    garmin_archive(out / "garmin-export.zip", files=400)
    strava_archive(out / "strava-export.zip")
    plan = time_plan(TimeRequest(total_s=1800, kind=Kind.OUTDOOR, week=3))
    import json

    (out / "plan.json").write_text(json.dumps(plan.to_dict(), indent=2))
    (out / "walk.fit").write_bytes(walk_fit(plan, descent_bouts={3}))
    for name in ("garmin-export.zip", "strava-export.zip", "plan.json", "walk.fit"):
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
