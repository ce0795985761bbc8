"""Privacy zones and share links on the site (DOMAIN.md:98-105): what leaves the account is cut, in one place;
the original stays whole; a revoked or expired link is 404 at once."""

from __future__ import annotations

import re
from datetime import timedelta

import gpxpy
import numpy as np
import pytest
from django.test import Client
from django.utils import timezone

from retrowalk.core.geo import haversine_m
from retrowalk.core.privacy import hidden
from retrowalk.web.sharing import services as sharing
from retrowalk.web.sharing.models import PrivacyZone, ShareLink
from retrowalk.web.walks import services
from retrowalk.web.walks.models import Route
from tests.web.conftest import Studio, logged_in


def start_of(route: Route) -> tuple[float, float]:
    track = services.route_track(route)
    return float(track.lat_deg[0]), float(track.lon_deg[0])


def gpx_points(data: bytes) -> np.ndarray:
    gpx = gpxpy.parse(data.decode())
    pts = [(p.latitude, p.longitude) for t in gpx.tracks for s in t.segments for p in s.points]
    pts += [(w.latitude, w.longitude) for w in gpx.waypoints]
    return np.array(pts)


def nearest_m(points: np.ndarray, lat: float, lon: float) -> float:
    return float(haversine_m(points[:, 0], points[:, 1], np.full(len(points), lat), np.full(len(points), lon)).min())


def add_home_zone(studio: Studio, radius: int = 400) -> tuple[float, float]:
    lat, lon = start_of(studio.ann_route)
    response = logged_in(studio.ann.user).post(f"/clients/{studio.ann.pk}/privacy/",
                                               {"action": "add", "place": f"{lat}, {lon}", "radius": str(radius),
                                                "label": "Home"})
    assert response.status_code == 302
    return lat, lon


def make_link(studio: Studio, days: int = 7) -> str:
    """A share link for Ann's route plan, as she makes it: the link is read off her plan page, shown once."""
    ann = logged_in(studio.ann.user)
    response = ann.post(f"/plans/{studio.ann_route_plan.pk}/share/", {"days": str(days)})
    assert response.status_code == 302
    page = ann.get(f"/plans/{studio.ann_route_plan.pk}/").content.decode()
    found = re.search(r'id="new-link" readonly value="[^"]*/s/([^/"]+)/"', page)
    assert found, "the new link is on the plan page"
    again = ann.get(f"/plans/{studio.ann_route_plan.pk}/").content.decode()
    assert found[1] not in again, "a link is shown once"
    return found[1]


def test_a_zone_is_stored_away_from_the_place_given(studio: Studio) -> None:
    lat, lon = add_home_zone(studio, 600)
    zone = PrivacyZone.objects.get(client=studio.ann)
    moved = nearest_m(np.array([[zone.lat_deg, zone.lon_deg]]), lat, lon)
    assert 150.0 - 0.5 <= moved <= 300.0 + 0.5 and zone.radius_m == 600.0
    page = logged_in(studio.ann.user).get(f"/clients/{studio.ann.pk}/privacy/").content.decode()
    assert "Home" in page and "600 m" in page
    assert f"{zone.lat_deg:.4f}" not in page, "not even the moved centre is shown"


@pytest.mark.parametrize(("form", "words"), [
    ({"place": "40.71,-74.0", "radius": "100"}, "400 to 5000 m"),
    ({"place": "somewhere nice"}, "not a place"),
    ({"place": ""}, "give the place"),
    ({"place": "95,10"}, "not a place"),
])
def test_a_zone_that_cannot_be_is_refused_and_nothing_saved(studio: Studio, form: dict[str, str],
                                                             words: str) -> None:
    response = logged_in(studio.ann.user).post(f"/clients/{studio.ann.pk}/privacy/", {"action": "add", **form})
    assert response.status_code == 400 and words.lower() in response.content.decode().lower()
    assert not PrivacyZone.objects.exists()


def test_a_zone_at_a_routes_start(studio: Studio) -> None:
    response = logged_in(studio.ann.user).post(f"/clients/{studio.ann.pk}/privacy/",
                                               {"action": "add", "route_start": str(studio.ann_route.pk)})
    assert response.status_code == 302
    zone = PrivacyZone.objects.get(client=studio.ann)
    assert 100.0 - 0.5 <= nearest_m(np.array([[zone.lat_deg, zone.lon_deg]]), *start_of(studio.ann_route)) <= 200.5
    # Another client's route is not hers to choose.
    response = logged_in(studio.ann.user).post(f"/clients/{studio.ann.pk}/privacy/",
                                               {"action": "add", "route_start": str(studio.ben_route.pk)})
    assert response.status_code == 400 and PrivacyZone.objects.count() == 1


def test_only_she_sets_her_zones(studio: Studio) -> None:
    for user in (studio.coach.user, studio.ben.user, studio.staff):
        assert logged_in(user).get(f"/clients/{studio.ann.pk}/privacy/").status_code == 404
        logged_in(user).post(f"/clients/{studio.ann.pk}/privacy/", {"action": "add", "place": "40.7,-74.0"})
    assert not PrivacyZone.objects.exists()


def test_the_shared_page_shows_the_cut_route_and_nothing_of_her(studio: Studio) -> None:
    lat, lon = add_home_zone(studio)
    token = make_link(studio)
    stranger = Client()  # no login at all
    page = stranger.get(f"/s/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert page["X-Robots-Tag"].startswith("noindex") and '<meta name="robots" content="noindex' in html
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "no-referrer"
    for private in ("Ann", "ann@example.com", studio.ann_route.name, "Log out", "coach"):
        assert private not in html, f"{private!r} on the shared page"
    assert "not shown" in html and "route-map" in html
    # The steps count from where the shown part starts: the first from 0, whatever was cut before it.
    froms = re.findall(r"<td>(?:<strong>BACKWARD</strong>|forward)</td><td>[^<]*</td>\s*<td>([^<]*)</td>", html)
    assert froms and re.fullmatch(r"0(\.0+)? (ft|m|mi|km)", froms[0]), froms[:3]
    # Its GPX: no point, no waypoint within the zone, and the first one at the shown start.
    gpx = stranger.get(f"/s/{token}/route.gpx")
    assert gpx.status_code == 200 and gpx["X-Robots-Tag"].startswith("noindex")
    points = gpx_points(gpx.content)
    zone = PrivacyZone.objects.get().zone
    assert not hidden(points[:, 0], points[:, 1], [zone], studio.ann_route.privacy_extra_m).any()
    assert nearest_m(points, lat, lon) > 400.0 - 200.0
    assert stranger.get(f"/s/{token}/profile.svg").status_code == 200


def test_the_stored_route_and_her_own_files_stay_whole(studio: Studio) -> None:
    lat, lon = add_home_zone(studio)
    before = studio.ann_route.file.read()
    make_link(studio)
    ann = logged_in(studio.ann.user)
    own = gpx_points(ann.get(f"/plans/{studio.ann_route_plan.pk}/export/gpx/").content)
    assert nearest_m(own, lat, lon) < 5.0, "her own watch gets the whole route"
    cut = gpx_points(ann.get(f"/plans/{studio.ann_route_plan.pk}/export/gpx/?for=sharing").content)
    assert nearest_m(cut, lat, lon) > 200.0 and len(cut) < len(own)
    route = Route.objects.get(pk=studio.ann_route.pk)
    assert route.file.read() == before


def test_her_coach_sees_it_whole_until_she_asks(studio: Studio) -> None:
    lat, lon = add_home_zone(studio)
    coach = logged_in(studio.coach.user)
    url = f"/plans/{studio.ann_route_plan.pk}/export/gpx/"
    assert nearest_m(gpx_points(coach.get(url).content), lat, lon) < 5.0
    ann = logged_in(studio.ann.user)
    assert ann.post(f"/clients/{studio.ann.pk}/privacy/", {"action": "coach", "coach_sees_trimmed": "on"}
                    ).status_code == 302
    assert nearest_m(gpx_points(coach.get(url).content), lat, lon) > 200.0
    page = coach.get(f"/plans/{studio.ann_route_plan.pk}/").content.decode()
    assert "without Ann's privacy zones" in page
    walk = coach.get(f"/plans/{studio.ann_route_plan.pk}/walk/").content.decode()
    data = re.search(r'"lat": \[([^\]]*)\], "lon": \[([^\]]*)\]', walk)
    assert data, "the live coach's route is on the page"
    lats = np.array([float(v) for v in data[1].split(",")])
    lons = np.array([float(v) for v in data[2].split(",")])
    assert nearest_m(np.column_stack([lats, lons]), lat, lon) > 200.0, "the live coach's view is cut too"
    # Her own live coach keeps the whole route.
    mine = ann.get(f"/plans/{studio.ann_route_plan.pk}/walk/").content.decode()
    found = re.search(r'"lat": \[([^\]]*)\], "lon": \[([^\]]*)\]', mine)
    assert found is not None
    assert nearest_m(np.array([[float(found[1].split(",")[0]), float(found[2].split(",")[0])]]), lat, lon) < 5.0


def test_revoked_or_expired_links_open_nothing_at_once(studio: Studio) -> None:
    add_home_zone(studio)
    token = make_link(studio)
    stranger = Client()
    assert stranger.get(f"/s/{token}/").status_code == 200
    link = ShareLink.objects.get()
    # Another client, or her coach, cannot revoke it.
    for user in (studio.ben.user, studio.coach.user):
        assert logged_in(user).post(f"/shares/{link.pk}/revoke/").status_code == 404
    assert stranger.get(f"/s/{token}/").status_code == 200
    assert logged_in(studio.ann.user).post(f"/shares/{link.pk}/revoke/").status_code == 302
    for path in ("", "route.gpx", "profile.svg"):
        assert stranger.get(f"/s/{token}/{path}").status_code == 404
    second = make_link(studio, days=1)
    assert stranger.get(f"/s/{second}/").status_code == 200
    ShareLink.objects.filter(revoked__isnull=True).update(expires=timezone.now() - timedelta(seconds=1))
    assert stranger.get(f"/s/{second}/").status_code == 404
    assert stranger.get("/s/not-a-token/").status_code == 404
    assert ShareLink.objects.filter(digest=ShareLink.hash(second)).exists(), "the token itself is never stored"
    assert not ShareLink.objects.filter(digest=second).exists()


def test_a_link_lives_only_as_long_as_she_picks(studio: Studio) -> None:
    ann = logged_in(studio.ann.user)
    refused = ann.post(f"/plans/{studio.ann_route_plan.pk}/share/", {"days": "3650"})
    assert refused.status_code == 400 and "Choose how long the link lives" in refused.content.decode()
    assert not ShareLink.objects.exists()
    make_link(studio, days=30)
    link = ShareLink.objects.get()
    assert timedelta(days=29, hours=23) < link.expires - timezone.now() <= timedelta(days=30)


def test_no_one_else_shares_her_walk(studio: Studio) -> None:
    for user in (studio.coach.user, studio.ben.user):
        assert logged_in(user).post(f"/plans/{studio.ann_route_plan.pk}/share/", {"days": "7"}).status_code == 404
    assert not ShareLink.objects.exists()


def test_a_route_wholly_within_a_zone_is_withheld(studio: Studio) -> None:
    lat, lon = start_of(studio.ann_route)
    sharing.add_zone(studio.ann, lat, lon, 5000.0)
    ann = logged_in(studio.ann.user)
    response = ann.get(f"/plans/{studio.ann_route_plan.pk}/export/gpx/?for=sharing")
    assert response.status_code == 400 and "within a privacy zone" in response.content.decode()
    refused = ann.post(f"/plans/{studio.ann_route_plan.pk}/share/", {"days": "7"})
    assert refused.status_code == 400 and "within a privacy zone" in refused.content.decode()
    assert not ShareLink.objects.exists()
    # Her own page still shows her whole route: only what leaves her account is cut.
    assert "route-map" in ann.get(f"/plans/{studio.ann_route_plan.pk}/").content.decode()


def test_each_route_has_its_own_extra(studio: Studio) -> None:
    extras = {studio.ann_route.privacy_extra_m, studio.ben_route.privacy_extra_m}
    assert len(extras) == 2 and all(0.0 <= e <= 200.0 for e in extras)
