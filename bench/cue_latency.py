"""Cue latency of the live coach, in real time: from the GPS fix that crosses a bout's boundary to the spoken cue.

The product runs as `make run` does (gunicorn, demo studio, in a temporary folder, on a loopback port); headless
Chromium (Debian's) opens Alice's route plan on the live coach page and is walked by Playwright's geolocation in
real time, one fix a second at 2.5 m/s, through the first backward bout. For each boundary, the time from handing
the crossing fix to the browser to the page's ``speechSynthesis.speak`` call is printed. Target: under 1 s.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SPEED_MS = 2.5


def main() -> int:
    if not Path(CHROMIUM).exists():
        print("cue latency: skipped, Debian's chromium is not installed")
        return 0
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "RETROWALK_DEBUG": "0", "RETROWALK_HTTPS": "0", "RETROWALK_DATA_DIR": tmp,
               "RETROWALK_SECRET_KEY": secrets.token_urlsafe(50), "RETROWALK_ALLOWED_HOSTS": "127.0.0.1"}
        admin = str(BIN / "retrowalk-admin")
        for args in (["migrate", "-v0"], ["createcachetable"], ["collectstatic", "--noinput", "-v0"],
                     ["demo", "--quiet-logins"]):
            subprocess.run([admin, *args], env=env, check=True, capture_output=True)
        found = subprocess.run([admin, "shell", "-c", ROUTE_PLAN], env=env, check=True, capture_output=True,
                               text=True).stdout
        plan_id, bouts, poly = json.loads(found.strip().splitlines()[-1])
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([str(BIN / "gunicorn"), "retrowalk.web.wsgi", "--bind", f"127.0.0.1:{port}",
                                   "--workers", "1", "--log-level", "warning"], env=env, start_new_session=True)
        try:
            time.sleep(2)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                latencies = walk(browser, f"http://127.0.0.1:{port}", plan_id, bouts[0], poly)
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print("\n## Live coach: fix crossing a bout boundary → spoken cue (real time, headless Chromium)")
    for label, ms in latencies:
        print(f"{label:28} {ms:7.1f} ms")
    worst = max(ms for _, ms in latencies)
    print(f"worst {worst:.1f} ms (target < 1000 ms: {'met' if worst < 1000 else 'MISSED'})")
    return 0 if worst < 1000 else 1  # `make bench` fails when the target is missed


ROUTE_PLAN = """
import json
from retrowalk.web.walks.models import WalkPlan
from retrowalk.web.walks.services import route_result
from retrowalk.web.walks.live import route_polyline
plan = WalkPlan.objects.filter(client__user__username="alice", kind="route").first()
result = route_result(plan)
bouts = [[s.start_m, s.end_m] for s in result.plan.segments if s.backward]
print(json.dumps([plan.pk, bouts, route_polyline(result)]))
"""


def fix(poly: dict, along: float) -> dict:
    import numpy as np

    lat = float(np.interp(along, poly["dist"], poly["lat"]))
    lon = float(np.interp(along, poly["dist"], poly["lon"]))
    return {"latitude": lat, "longitude": lon, "accuracy": 5.0}


def walk(browser, base: str, plan_id: int, bout: list[float], poly: dict) -> list[tuple[str, float]]:
    start_m, end_m = bout
    context = browser.new_context(permissions=["geolocation"], geolocation=fix(poly, start_m - 25))
    context.add_init_script("window.__spoken = []; window.speechSynthesis.speak = "
                            "(u) => window.__spoken.push({ text: u.text, at: Date.now() });")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "walk-backward-alice")
    page.click("button.primary")
    page.goto(f"{base}/plans/{plan_id}/walk/")
    page.click("#start")
    # The walker starts 25 m before the bout: on a route the plan follows where they are.
    # The latency of a cue is measured from the fix after which it came: the one that took the (filtered)
    # position past the boundary.
    handed: list[float] = []
    along = start_m - 25
    while along <= end_m + 15:
        handed.append(time.time() * 1000)
        context.set_geolocation(fix(poly, along))
        time.sleep(1.0)
        along += SPEED_MS
    out: list[tuple[str, float]] = []
    for entry in page.evaluate("window.__spoken"):
        for word, label in (("Turn around now", "turn around (bout start)"),
                            ("Face forward now", "face forward (end)")):
            if entry["text"].startswith(word):
                out.append((label, entry["at"] - max(h for h in handed if h <= entry["at"])))
    context.close()
    if len(out) < 2:
        raise SystemExit(f"the cues were not heard: {out}")
    return out


if __name__ == "__main__":
    sys.exit(main())

