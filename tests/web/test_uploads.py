"""Route uploads: every real broken or hostile file gets the reader's own sentence as a 400, through the page and
the API alike, and nothing is half-saved (no route row, no stored file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from retrowalk.core.plan import PlanError
from retrowalk.core.terrain import profile
from retrowalk.core.track import TrackError
from retrowalk.formats.read import read_bytes
from retrowalk.web.walks.models import Route, WalkPlan
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


@needs_real
@pytest.mark.parametrize("path", malformed(), ids=lambda p: p.name)
def test_a_broken_real_file_gets_the_readers_sentence_and_saves_nothing(studio: Studio, settings, path: Path) -> None:
    routes, files = Route.objects.count(), len(stored_files(settings))
    plans = WalkPlan.objects.count()
    sentence = refused(path)
    page = upload_page(studio, path.name, path.read_bytes())
    api = upload_api(studio, path.name, path.read_bytes())
    if sentence is None:  # it reads: the page plans on it or says why no bout fits; the API saves the route
        assert page.status_code in (302, 400)
        assert api.status_code == 201
        return
    assert page.status_code == 400 and sentence in page.content.decode()
    assert api.status_code == 400 and api.json() == {"detail": sentence}
    assert (Route.objects.count(), len(stored_files(settings)), WalkPlan.objects.count()) == (routes, files, plans)


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
