"""`make bench`: every benchmark in one run, each beside a peer, printed as a table with ratios.

Plan generation has no outside peer (no other tool makes backward-walking plans), so its peer is a floor:
serialising the same plan to JSON with the standard library. The ratio says how many JSON dumps one plan
costs; route reading and terrain (issue 3) add gpxpy and lxml as peers here.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable

from retrowalk.core.check import check
from retrowalk.core.plan import Kind
from retrowalk.core.timeplan import TimeRequest, time_plan


def best_of(fn: Callable[[], object], repeat: int = 7, number: int = 200) -> float:
    """Median seconds per call over ``repeat`` rounds of ``number`` calls."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds)


def main() -> None:
    rows = []
    for kind in (Kind.OUTDOOR, Kind.TREADMILL, Kind.DEADMILL):
        req = TimeRequest(total_s=45 * 60, kind=kind, week=6)
        plan = time_plan(req)
        ours = best_of(lambda req=req: check(time_plan(req)))
        peer = best_of(lambda plan=plan: json.dumps(plan.to_dict()))
        rows.append((f"plan+check {kind.value} 45 min", ours, "json.dumps(plan)", peer))
    print(f"{'benchmark':32} {'ours µs':>9} {'peer':24} {'peer µs':>9} {'ratio':>7}")
    for name, ours, peer_name, peer in rows:
        print(f"{name:32} {ours * 1e6:9.1f} {peer_name:24} {peer * 1e6:9.1f} {ours / peer:6.1f}×")


if __name__ == "__main__":
    main()
