"""In Chromium (issue 16): a client sets a privacy zone where she stands (the phone's own position), shares a
route plan, and the shared page, opened in a fresh browser with no login, shows the route without the zone;
revoked, it is gone at once. Screenshots kept in $RETROWALK_SCREENSHOTS when it is set."""

from __future__ import annotations

import re
from pathlib import Path

import gpxpy
import numpy as np
import pytest

from retrowalk.core.geo import haversine_m
from retrowalk.core.privacy import hidden
from retrowalk.web.sharing.models import PrivacyZone
from retrowalk.web.walks import services
from tests.web.conftest import Studio, needs_chromium
from tests.web.test_browser import VIEWPORTS, log_in, shoot

pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_a_client_sets_a_zone_shares_a_route_and_a_stranger_sees_it_cut(
        chromium, live_server, studio: Studio, tmp_path: Path) -> None:
    track = services.route_track(studio.ann_route)
    home = (float(track.lat_deg[0]), float(track.lon_deg[0]))
    context = chromium.new_context(viewport=VIEWPORTS["phone"], permissions=["geolocation"],
                                   geolocation={"latitude": home[0], "longitude": home[1], "accuracy": 8})
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/clients/{studio.ann.pk}/")
    page.click("text=Privacy zones")
    page.click("#here")
    page.wait_for_function("() => document.getElementById('place').value.includes(',')", timeout=10_000)
    assert "Place filled in" in page.inner_text("#here-status")
    page.fill("#label", "Home")
    shoot(page, "privacy-zone-phone", tmp_path)
    page.click("#zone-form button.primary")
    page.wait_for_load_state("networkidle")
    assert "Privacy zone of 400 m saved" in page.inner_text("main")
    zone = PrivacyZone.objects.get(client=studio.ann)

    page.goto(f"{live_server.url}/plans/{studio.ann_route_plan.pk}/")
    page.select_option("#share-days", "30")
    page.click("text=Make a share link")
    page.wait_for_load_state("networkidle")
    link = page.input_value("#new-link")
    assert re.fullmatch(rf"{re.escape(live_server.url)}/s/[\w-]{{20,}}/", link), link
    shoot(page, "share-made-phone", tmp_path)
    context.close()

    for name, viewport in VIEWPORTS.items():
        stranger = chromium.new_context(viewport=viewport)  # a fresh browser: no cookie, no login
        page = stranger.new_page()
        response = page.goto(link)
        assert response is not None and response.status == 200
        page.wait_for_function("() => { const i = document.querySelector('img.profile');"
                               " return i && i.complete && i.naturalWidth > 0; }", timeout=15_000)
        text = page.inner_text("main")
        assert "A backward walk" in text and "not shown" in text
        assert "Ann" not in page.content() and studio.ann_route.name not in text
        assert page.locator("svg.route-map polyline, svg.route-map path").count() > 0
        shoot(page, f"shared-page-{name}", tmp_path)
        with page.expect_download() as download:
            page.click("text=GPX with turn points")
        gpx = gpxpy.parse(Path(download.value.path()).read_text())
        points = np.array([(p.latitude, p.longitude) for t in gpx.tracks for s in t.segments for p in s.points]
                          + [(w.latitude, w.longitude) for w in gpx.waypoints])
        assert not hidden(points[:, 0], points[:, 1], [zone.zone], studio.ann_route.privacy_extra_m).any()
        near = haversine_m(points[:, 0], points[:, 1], np.full(len(points), home[0]), np.full(len(points), home[1]))
        assert near.min() > 200.0
        stranger.close()

    owner = chromium.new_context(viewport=VIEWPORTS["desktop"])
    page = owner.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/plans/{studio.ann_route_plan.pk}/#share")
    page.click("#share .share-links button")
    page.wait_for_load_state("networkidle")
    assert "revoked" in page.inner_text("main")
    owner.close()
    stranger = chromium.new_context()
    response = stranger.new_page().goto(link)
    assert response is not None and response.status == 404
    stranger.close()


@pytest.mark.django_db(transaction=True)
def test_a_zone_chosen_on_the_map_of_her_route(chromium, live_server, studio: Studio, tmp_path: Path) -> None:
    track = services.route_track(studio.ann_route)
    start = (float(track.lat_deg[0]), float(track.lon_deg[0]))
    context = chromium.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/clients/{studio.ann.pk}/privacy/")
    page.click("text=choose it on a map")
    marker = page.locator("svg.route-map circle:has(title:text('Start'))").first
    box = marker.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lat, lon = (float(v) for v in page.input_value("#place").split(","))
    off = haversine_m(np.array([lat]), np.array([lon]), np.array([start[0]]), np.array([start[1]]))[0]
    assert off < 15.0, f"the tap on the start marker is {off:.0f} m from the route's start"
    assert page.locator("svg.route-map circle.picked").count() == 1
    shoot(page, "privacy-zone-map-phone", tmp_path)
    page.click("#zone-form button.primary")
    page.wait_for_load_state("networkidle")
    assert "Privacy zone of 400 m saved" in page.inner_text("main")
    context.close()
