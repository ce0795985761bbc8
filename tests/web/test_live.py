"""The live coach in real headless Chromium: GPS fixes from Playwright's geolocation, time from Playwright's clock,
speech recorded from ``speechSynthesis.speak``. A whole hilly route is walked with noisy fixes; off-route, reload
offline and the treadmill's timing are checked; screenshots on a phone, light and dark."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from retrowalk.core.plan import Kind
from retrowalk.web.walks import services
from retrowalk.web.walks.live import route_polyline
from retrowalk.web.walks.models import WalkSession
from tests.web.conftest import PASSWORD, Studio, needs_chromium
from tests.web.test_browser import shoot

pytestmark = needs_chromium


PHONE = {"width": 390, "height": 844}
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang, at: Date.now() });
}
window.__vibrations = [];
navigator.vibrate = (p) => { window.__vibrations.push(p); return true; };
"""


def phone(chromium, live_server, scheme: str = "light", geolocation: dict | None = None):
    context = chromium.new_context(viewport=PHONE, color_scheme=scheme, permissions=["geolocation"],
                                   geolocation=geolocation or {"latitude": 0.0, "longitude": 0.0, "accuracy": 5})
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    return context, page


def spoken(page) -> list[str]:
    return [s["text"] for s in page.evaluate("window.__spoken")]


class Walker:
    """Positions along the planned route, with optional noise, as GPS fixes."""

    def __init__(self, poly: dict, seed: int = 1) -> None:
        self.lat, self.lon, self.dist = (np.array(poly[k]) for k in ("lat", "lon", "dist"))
        self.rng = np.random.default_rng(seed)

    def fix(self, along_m: float, noise_m: float = 0.0, aside_m: float = 0.0) -> dict:
        lat = float(np.interp(along_m, self.dist, self.lat))
        lon = float(np.interp(along_m, self.dist, self.lon))
        north, east = (self.rng.uniform(-noise_m, noise_m, 2) if noise_m else (0.0, 0.0))
        east += aside_m
        return {"latitude": lat + north / 111195.0,
                "longitude": lon + east / (111195.0 * math.cos(math.radians(lat))),
                "accuracy": max(5.0, noise_m)}


def route_plan_for(studio: Studio, minutes: float = 20):
    plan = services.make_plan(studio.ann, studio.ann.user,
                              services.PlanOptions(minutes=minutes, kind=Kind.ROUTE), studio.ann_route)
    result = services.route_result(plan)
    assert result is not None and result.plan.bouts()
    return plan, result


def walk(page, context, walker: Walker, start_m: float, end_m: float, speed_ms: float, noise_m: float,
         aside_m: float = 0.0) -> list[tuple[str, float]]:
    """One fix a second from start_m to end_m; returns what was said, with the true position when it was said."""
    said: list[tuple[str, float]] = []
    seen = len(page.evaluate("window.__spoken"))
    along = start_m
    while along <= end_m:
        page.clock.run_for(1000)
        context.set_geolocation(walker.fix(along, noise_m, aside_m))
        texts = page.evaluate(f"window.__spoken.slice({seen}).map(s => s.text)")
        seen += len(texts)
        said += [(t, along) for t in texts]
        along += speed_ms
    return said


def start_walk(page, live_server, plan_id: int) -> None:
    page.clock.install()
    page.goto(f"{live_server.url}/plans/{plan_id}/walk/")
    page.click("#start")


def test_a_whole_hilly_route_with_noisy_fixes_cues_each_turn_within_10_m(chromium, live_server, studio: Studio,
                                                                         tmp_path: Path) -> None:
    plan, result = route_plan_for(studio)
    walker = Walker(route_polyline(result), seed=3)
    context, page = phone(chromium, live_server, geolocation=walker.fix(0.0))
    start_walk(page, live_server, plan.pk)
    said = walk(page, context, walker, 0.0, result.plan.route.distance_m + 20, speed_ms=1.4, noise_m=15.0)
    turns = [(t, at) for t, at in said if t.startswith("Turn around now")]
    faces = [(t, at) for t, at in said if t.startswith("Face forward now")]
    bouts = [s for s in result.plan.segments if s.backward]
    assert len(turns) == len(bouts), said  # one cue per bout: noise made no false turn
    assert len(faces) == len(bouts)
    for seg, (_t, at) in zip(bouts, turns, strict=True):
        assert abs(at - seg.start_m) <= 10.0, f"turned at {at:.0f} m for a bout starting at {seg.start_m:.0f} m"
    for seg, (_t, at) in zip(bouts, faces, strict=True):
        assert abs(at - seg.end_m) <= 10.0, f"faced forward at {at:.0f} m for a bout ending at {seg.end_m:.0f} m"
    assert any(t.startswith("In 10 seconds, turn around") for t, _ in said)
    assert "Look over your shoulder" in turns[0][0] and "never downhill" in turns[0][0]  # safety at the first bout
    assert any("Well done" in t for t, _ in said)
    context.close()


def test_going_off_the_route_falls_back_to_the_clock_and_back(chromium, live_server, studio: Studio,
                                                              tmp_path: Path) -> None:
    plan, result = route_plan_for(studio)
    walker = Walker(route_polyline(result))
    context, page = phone(chromium, live_server, geolocation=walker.fix(0.0))
    start_walk(page, live_server, plan.pk)
    walk(page, context, walker, 0.0, 60.0, 1.4, 0.0)
    assert page.locator("#mode").inner_text() == "Following GPS"
    said = walk(page, context, walker, 61.0, 90.0, 1.4, 0.0, aside_m=80.0)
    assert page.locator("#mode").inner_text() == "Off the route: following the clock"
    assert any("off the route" in t for t, _ in said)
    said = walk(page, context, walker, 91.0, 110.0, 1.4, 0.0)
    assert page.locator("#mode").inner_text() == "Following GPS" and any("Back on the route" in t for t, _ in said)
    context.close()


def test_a_lost_signal_follows_the_clock_and_says_so(chromium, live_server, studio: Studio) -> None:
    plan, result = route_plan_for(studio)
    walker = Walker(route_polyline(result))
    context, page = phone(chromium, live_server, geolocation=walker.fix(0.0))
    start_walk(page, live_server, plan.pk)
    walk(page, context, walker, 0.0, 30.0, 1.4, 0.0)
    page.clock.run_for(20_000)  # a tunnel: no fix for 20 s
    assert page.locator("#mode").inner_text() == "GPS lost: following the clock"
    assert any("GPS signal lost" in t for t in spoken(page))
    context.close()


def test_walking_the_route_in_reverse_turns_backward_bouts_off(chromium, live_server, studio: Studio) -> None:
    plan, result = route_plan_for(studio)
    walker = Walker(route_polyline(result))
    context, page = phone(chromium, live_server, geolocation=walker.fix(300.0))
    start_walk(page, live_server, plan.pk)
    page.clock.run_for(1000)
    context.set_geolocation(walker.fix(300.0))
    along = 300.0
    for _ in range(60):
        along -= 1.4
        page.clock.run_for(1000)
        context.set_geolocation(walker.fix(along))
    assert page.locator("#mode").inner_text() == "Wrong direction: forward only"
    assert any("the route the other way" in t for t in spoken(page))
    context.close()


def test_a_walk_started_inside_a_bout_never_says_face_forward_before_turn_around(chromium, live_server,
                                                                                studio: Studio) -> None:
    """She starts the live coach half-way through a backward stretch (she walked the first part with the app
    shut): she is walking forward, so she is told to go on forward, and the end of that bout is not "face
    forward" to someone who never turned; the next bout is a turn as usual."""
    plan, result = route_plan_for(studio)
    bouts = [s for s in result.plan.segments if s.backward]
    first = bouts[0]
    middle = (first.start_m + first.end_m) / 2
    walker = Walker(route_polyline(result))
    context, page = phone(chromium, live_server, geolocation=walker.fix(middle))
    start_walk(page, live_server, plan.pk)
    end = bouts[1].start_m + 30 if len(bouts) > 1 else result.plan.route.distance_m + 20
    said = [t for t, _ in walk(page, context, walker, middle, end, speed_ms=1.4, noise_m=0.0)]
    said = spoken(page)[:1] + said
    turns = [i for i, t in enumerate(said) if t.startswith("Turn around now") or "turn around" in t.lower()]
    faces = [i for i, t in enumerate(said) if "face forward" in t.lower()]
    assert not faces or (turns and turns[0] < faces[0]), said
    if len(bouts) > 1:
        assert any(t.startswith("Turn around now") for t in said), said
    context.close()


def test_offline_reload_keeps_walking_and_the_log_syncs_when_back_online(chromium, live_server, studio: Studio,
                                                                        tmp_path: Path) -> None:
    plan = services.make_plan(studio.ann, studio.ann.user, services.PlanOptions(minutes=30, kind=Kind.OUTDOOR))
    context, page = phone(chromium, live_server)
    page.goto(f"{live_server.url}/plans/{plan.pk}/walk/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.reload()  # now under the service worker's control, and cached
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.click("#start")
    page.wait_for_timeout(1500)
    context.set_offline(True)
    page.reload()
    assert page.locator("#mode").inner_text() == "Following the clock"  # the walk goes on after an offline reload
    assert page.locator("#now-way").inner_text() == "Walk FORWARD"
    page.wait_for_timeout(1200)
    page.click("#stop")
    page.locator(".scale[data-name=pain_during] button", has_text="2").first.click()
    page.locator(".scale[data-name=effort] button", has_text="3").first.click()
    before = WalkSession.objects.count()
    page.click("#save")
    page.wait_for_function("() => document.getElementById('sync').textContent.includes('online')")
    assert WalkSession.objects.count() == before
    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('sync').textContent.startsWith('In your log')")
    logged = WalkSession.objects.latest("created")
    assert logged.plan_id == plan.pk and logged.forward_s >= 2 and logged.backward_s == 0 and not logged.followed
    assert (logged.pain_during, logged.effort) == (2, 3)
    context.close()


def test_a_treadmill_plan_announces_each_step_at_its_second(chromium, live_server, studio: Studio,
                                                            tmp_path: Path) -> None:
    studio.ann.language = "en-GB"
    studio.ann.save()
    plan = services.make_plan(studio.ann, studio.ann.user, services.PlanOptions(minutes=20, kind=Kind.TREADMILL))
    segments = plan.data["segments"]
    context, page = phone(chromium, live_server)
    start_walk(page, live_server, plan.pk)
    assert spoken(page)[0].startswith("Walk forward for") and "Belt at" in spoken(page)[0]
    now_ms = 0
    for seg in segments[1:]:
        boundary_ms = seg["start_s"] * 1000
        page.clock.run_for(boundary_ms - 10_000 - 500 - now_ms)
        before = len(spoken(page))
        page.clock.run_for(800)  # passes boundary − 10 s
        pre = spoken(page)[before:]
        assert pre and pre[0].startswith("In 10 seconds"), pre
        page.clock.run_for(9_200)  # boundary − 0.5 s
        assert len(spoken(page)) == before + 1
        page.clock.run_for(800)  # boundary + 0.3 s
        at = spoken(page)[before + 1:]
        assert at, seg
        if seg["direction"] == "backward":
            # On a belt you hold the rails and keep your hips to the console; looking back is for paths.
            assert "turn around" in at[0].lower() and "rails" in at[0] and "shoulder" not in at[0], at
        else:
            assert "face forward" in at[0].lower() and "rails" in at[0], at
        now_ms = boundary_ms + 300
    page.clock.run_for((plan.total_s * 1000) - now_ms + 500)
    assert "Well done" in spoken(page)[-1]
    assert page.evaluate("window.__vibrations.length") >= 2 * (len(segments) - 1)
    assert {s["lang"] for s in page.evaluate("window.__spoken")} == {"en-GB"}  # the client's voice setting
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_walk_page_on_a_phone_in_light_and_dark(chromium, live_server, studio: Studio, scheme: str,
                                                    tmp_path: Path) -> None:
    plan, result = route_plan_for(studio)
    walker = Walker(route_polyline(result))
    context, page = phone(chromium, live_server, scheme=scheme, geolocation=walker.fix(0.0))
    start_walk(page, live_server, plan.pk)
    bout = next(s for s in result.plan.segments if s.backward)
    walk(page, context, walker, 0.0, bout.start_m + 15, 1.4, 0.0)
    assert page.locator("#now-way").inner_text() == "Turn around: BACKWARD"
    # Large touch targets and a live region for screen readers.
    assert page.locator("#pause").bounding_box()["height"] >= 44
    # Each cue is written to an assertive live region as it is spoken; the ticking countdown is not live (a
    # screen reader would read it out four times a second).
    assert page.locator("#announce").get_attribute("aria-live") == "assertive"
    assert page.locator("#announce").inner_text() == spoken(page)[-1]
    assert page.locator("section.now").get_attribute("aria-live") is None
    shoot(page, f"phone-walk-{scheme}", tmp_path)
    context.close()
