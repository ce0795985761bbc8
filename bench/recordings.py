"""`make bench` (issue 14): recorded walks.

1. Sorting an archive: a generated Garmin-shaped export of 2,000 FIT files (94 % monitoring, tests/archives.py)
   sorted and its activities imported by ``formats.archive.scan``, against Garmin's SDK decoding every FIT in it
   (what a tool without the first-message test must do to find the activities). Target: at least 20× faster.
   Memory: ours in a fresh process on exports of 500 and 2,000 files; peak RSS must stay flat (within 25 MB).
2. Reviewing the largest real FIT against a plan, beside reading it. Target: within 2× of reading.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' archive builder

from tests.archives import garmin_archive  # noqa: E402
from tests.real import REAL  # noqa: E402

from retrowalk.core.plan import Kind  # noqa: E402
from retrowalk.core.review import review  # noqa: E402
from retrowalk.core.timeplan import TimeRequest, time_plan  # noqa: E402
from retrowalk.formats.archive import scan  # noqa: E402
from retrowalk.formats.fit import read_fit_recording  # noqa: E402
from retrowalk.formats.fitworkout import segment_steps  # noqa: E402

FILES = 2000
RSS_SLACK_MB = 25


def ours(path: Path) -> int:
    return sum(1 for f in scan(path.name, lambda: path.open("rb")) if f.recording is not None)


def peer_sdk(path: Path) -> int:
    """Garmin's SDK decoding every FIT file of the export, nested zips opened as the export nests them."""
    from garmin_fit_sdk import Decoder, Stream

    activities = 0

    def walk(z: zipfile.ZipFile) -> None:
        nonlocal activities
        for info in z.infolist():
            if info.filename.lower().endswith(".zip"):
                walk(zipfile.ZipFile(io.BytesIO(z.read(info))))
            elif info.filename.lower().endswith(".fit"):
                messages, _ = Decoder(Stream.from_byte_array(bytearray(z.read(info)))).read()
                if messages.get("file_id_mesgs", [{}])[0].get("type") == "activity":
                    activities += 1

    with zipfile.ZipFile(path) as z:
        walk(z)
    return activities


RSS_CHILD = """
import resource, sys
from pathlib import Path
from retrowalk.formats.archive import scan
path = Path(sys.argv[1])
n = sum(1 for f in scan(path.name, lambda: path.open("rb")) if f.recording is not None)
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def peak_rss_mb(path: Path) -> int:
    out = subprocess.run([sys.executable, "-c", RSS_CHILD, str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[1])


def archives() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        big = garmin_archive(Path(tmp) / "garmin-2000.zip", files=FILES, records=200)
        small = garmin_archive(Path(tmp) / "garmin-500.zip", files=FILES // 4, records=200)
        start = time.perf_counter()
        found = ours(big)
        ours_s = time.perf_counter() - start
        start = time.perf_counter()
        peer_found = peer_sdk(big)
        sdk_s = time.perf_counter() - start
        rss_small, rss_big = peak_rss_mb(small), peak_rss_mb(big)
    speed_ok = sdk_s / ours_s >= 20
    flat_ok = rss_big - rss_small <= RSS_SLACK_MB
    print("\n## Sorting a Garmin export: 2,000 FIT files, 94 % monitoring (s)")
    print(f"{'':28} {'ours':>7} {'SDK, every file':>16} {'ratio':>7}")
    print(f"{'sort + import activities':28} {ours_s:7.2f} {sdk_s:16.2f} {sdk_s / ours_s:6.0f}×  "
          f"(target ≥ 20×: {'met' if speed_ok else 'MISSED'})")
    print(f"walks found: ours {found} (walks only), SDK {peer_found} activities (walks, a run, a ride)")
    print(f"peak RSS, fresh process: 500 files {rss_small} MB, 2,000 files {rss_big} MB "
          f"(flat within {RSS_SLACK_MB} MB: {'met' if flat_ok else 'MISSED'})")
    return speed_ok and flat_ok


def reviewing() -> bool:
    path = max((REAL / "fit").glob("*.fit"), key=lambda p: p.stat().st_size)
    data = path.read_bytes()
    plan = time_plan(TimeRequest(total_s=45 * 60, kind=Kind.OUTDOOR, week=6))
    steps = segment_steps(plan)
    best_read = best_review = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        recording = read_fit_recording(data)
        best_read = min(best_read, time.perf_counter() - start)
        start = time.perf_counter()
        review(recording, plan, steps)
        best_review = min(best_review, time.perf_counter() - start)
    ok = best_review <= 2 * best_read
    print("\n## Reviewing the largest real FIT against a plan (ms, best of 5)")
    print(f"{path.name}: {len(recording.track)} records; read {best_read * 1e3:.0f} ms, "
          f"review {best_review * 1e3:.0f} ms, review/read {best_review / best_read:.2f}× "
          f"(target ≤ 2×: {'met' if ok else 'MISSED'})")
    return ok


def main() -> int:
    if not REAL.is_dir():
        print(f"shared real data not found at {REAL}; nothing to compare on")
        return 1
    ok = archives() & reviewing()
    print(f"\nrecording targets: {'met' if ok else 'MISSED'} "
          f"(bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
