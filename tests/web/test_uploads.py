"""Route uploads: every real broken or hostile file gets the reader's own sentence as a 400, through the page and
the API alike, and nothing is half-saved (no route row, no stored file)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from retrowalk.core.plan import PlanError
from retrowalk.core.terrain import profile
from retrowalk.core.track import TrackError
from retrowalk.formats.read import read_bytes
from retrowalk.web.walks.models import Route, WalkPlan
from tests.builders import gpx_bytes, make_route
from tests.real import REAL, needs_real
from tests.web.conftest import Studio, logged_in

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&lol4;</name><trkseg>
<trkpt lat="47.0" lon="8.0"><ele>&lol4;</ele></trkpt></trkseg></trk></gpx>"""


def malformed() -> list[Path]:
    return sorted((REAL / "malformed").glob("*")) if REAL.exists() else []


def refused(path: Path) -> str | None:
    """The sentence for a file the reader or the terrain profile refuses, or None if it makes a route."""
    try:
        profile(read_bytes(path.read_bytes(), path.name), 5.0)
    except (TrackError, PlanError) as err:
        return str(err)
    return None


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload_page(studio: Studio, name: str, data: bytes):
    return logged_in(studio.ann.user).post(reverse("walks:plan_new", args=[studio.ann.pk]),
                                           {"route-plan": "1", "r-file": SimpleUploadedFile(name, data)})


def upload_api(studio: Studio, name: str, data: bytes):
    return logged_in(studio.ann.user).post(f"/api/clients/{studio.ann.pk}/routes",
                                           {"file": SimpleUploadedFile(name, data)})


def saved(settings) -> tuple[int, int, int]:
    return Route.objects.count(), len(stored_files(settings)), WalkPlan.objects.count()


@needs_real
@pytest.mark.parametrize("path", malformed(), ids=lambda p: p.name)
def test_a_broken_real_file_gets_the_readers_sentence_and_saves_nothing(studio: Studio, settings, path: Path) -> None:
    """All or nothing, whatever the file: the page either plans on it (one route, its file, one plan) or refuses
    it and keeps nothing; the API either stores the route or refuses it and keeps nothing."""
    sentence = refused(path)
    routes, files, plans = saved(settings)
    page = upload_page(studio, path.name, path.read_bytes())
    if page.status_code == 302:
        assert sentence is None and saved(settings) == (routes + 1, files + 1, plans + 1)
    else:
        assert page.status_code == 400 and saved(settings) == (routes, files, plans), "a refused upload was kept"
        assert path.name in page.content.decode()  # the page says which file it refused
    api = upload_api(studio, path.name, path.read_bytes())
    if sentence is None:  # it reads: the API stores the route (a plan on it may still find no room)
        assert api.status_code == 201
    else:
        assert page.status_code == 400 and sentence[0].upper() + sentence[1:] in html.unescape(page.content.decode())
        assert api.status_code == 400 and api.json() == {"detail": sentence}
        assert saved(settings) == (routes, files, plans)


@pytest.mark.parametrize("send", [upload_page, upload_api], ids=["page", "api"])
def test_an_entity_expansion_bomb_is_refused_quickly_and_saves_nothing(studio: Studio, settings, send) -> None:
    routes = Route.objects.count()
    response = send(studio, "bomb.gpx", BOMB)
    assert response.status_code == 400
    assert Route.objects.count() == routes and not [p for p in stored_files(settings) if "bomb" in p.name]


@pytest.mark.parametrize(("name", "data", "words"), [
    ("notes.txt", b"hello", "upload a .gpx, .tcx or .fit file"),
    ("empty.gpx", b"", "is empty"),
    ("photo.fit", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, ""),
])
def test_wrong_kinds_of_file_are_refused_with_a_sentence(studio: Studio, name: str, data: bytes, words: str) -> None:
    response = upload_api(studio, name, data)
    assert response.status_code == 400 and words in response.json()["detail"]


def test_a_file_over_fifty_megabytes_is_refused(studio: Studio) -> None:
    response = upload_api(studio, "huge.gpx", b"<gpx>" + b" " * (50 * 1024 * 1024 + 10))
    assert response.status_code == 400 and "limited to 50 MiB" in response.json()["detail"]


def test_a_good_upload_saves_the_route_and_plans_on_it(studio: Studio) -> None:
    from retrowalk.web.walks.management.commands.demo import loop_gpx

    response = upload_page(studio, "loop.gpx", loop_gpx("Loop", 10.0, 500, 7))
    assert response.status_code == 302
    plan = WalkPlan.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    assert plan.kind == "route" and plan.route is not None and plan.route.name == "Loop"
    page = logged_in(studio.ann.user).get(response["Location"])
    assert page.status_code == 200 and b"<svg class=\"route-map\"" in page.content
    for fmt in ("fit", "gpx", "ics", "pdf"):
        download = logged_in(studio.ann.user).get(reverse("walks:plan_export", args=[plan.pk, fmt]))
        assert download.status_code == 200 and len(download.content) > 100


def test_the_progress_bar_request_gets_the_plan_address(studio: Studio) -> None:
    from retrowalk.web.walks.management.commands.demo import loop_gpx

    response = logged_in(studio.ann.user).post(
        reverse("walks:plan_new", args=[studio.ann.pk]),
        {"route-plan": "1", "r-file": SimpleUploadedFile("loop.gpx", loop_gpx("Loop", 10.0, 500, 7))},
        headers={"x-requested-with": "fetch"})
    assert response.status_code == 201 and response.content.decode().startswith("/plans/")


def downhill_gpx() -> bytes:
    """1.5 km straight down at 6 %: no flat or rising ground for a single bout (walked the other way, all of it)."""
    track, _, _ = make_route([-6.0], [1500.0])
    return gpx_bytes(track)


def test_a_route_the_planner_refuses_is_not_saved_and_the_page_says_which_file(studio: Studio, settings) -> None:
    before = saved(settings)
    response = upload_page(studio, "down-the-hill.gpx", downhill_gpx())
    page = response.content.decode()
    assert response.status_code == 400 and saved(settings) == before
    assert "down-the-hill.gpx" in page and "Plan it the other way" in page
    assert "down-the-hill.gpx" not in logged_in(studio.ann.user).get(
        reverse("walks:plan_new", args=[studio.ann.pk])).content.decode()  # not among the saved routes


def test_a_refused_upload_through_the_progress_bar_gets_the_reason_as_data(studio: Studio, settings) -> None:
    """The page's script keeps the chosen file and shows the reason beside the form; nothing is saved."""
    before = saved(settings)
    response = logged_in(studio.ann.user).post(
        reverse("walks:plan_new", args=[studio.ann.pk]),
        {"route-plan": "1", "r-file": SimpleUploadedFile("down-the-hill.gpx", downhill_gpx())},
        headers={"x-requested-with": "fetch"})
    assert response.status_code == 400 and saved(settings) == before
    body = response.json()
    assert body["file"] == "down-the-hill.gpx" and "flat or rising" in body["error"]
    assert {"kind": "reverse", "label": body["instead"][0]["label"]} == body["instead"][0]
    assert body["instead"][0]["label"].startswith("Plan it the other way")


def test_plan_it_the_other_way_on_an_upload_saves_it_once(studio: Studio, settings) -> None:
    before = saved(settings)
    response = logged_in(studio.ann.user).post(
        reverse("walks:plan_new", args=[studio.ann.pk]),
        {"route-plan": "1", "r-reverse": "on", "r-file": SimpleUploadedFile("down-the-hill.gpx", downhill_gpx())})
    assert response.status_code == 302 and saved(settings) == (before[0] + 1, before[1] + 1, before[2] + 1)
    plan = WalkPlan.objects.latest("pk")
    assert plan.route is not None and plan.route.original_name == "down-the-hill.gpx" and plan.backward_s > 0


def test_when_the_plan_cannot_be_stored_the_route_and_its_file_go_too(studio: Studio, settings, monkeypatch) -> None:
    from retrowalk.web.walks import services
    from retrowalk.web.walks.management.commands.demo import loop_gpx

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_store_plan", broken)
    before = saved(settings)
    with pytest.raises(RuntimeError):
        services.plan_upload(studio.ann, studio.ann.user, "", "loop.gpx", loop_gpx("Loop", 10.0, 500, 7),
                             services.PlanOptions())
    assert saved(settings) == before
