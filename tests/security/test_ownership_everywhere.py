"""The ownership matrix over every route, found by walking the URL resolver and the API's OpenAPI document
(tests/security/routes.py): every page and API operation that names one of Ann's things (or her coach's desk)
opens for her side and answers another client or another coach with a refusal that changes nothing. A route
added with a parameter this table does not know fails here until it is added (tests/web/test_ownership.py holds
the hand-written cases, with bodies naming other clients' objects)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict

from retrowalk.web.walks.management.commands.demo import loop_gpx
from tests.security.conftest import Desk, ann_values
from tests.security.routes import api_operations, pages
from tests.web.conftest import Studio, logged_in

pytestmark = pytest.mark.django_db

STUDIO_WIDE = {"frontdesk:intro": "intro requests come to the studio, before anyone is a client: every coach sees them"}
COACH_WIDE = {"frontdesk:book": "a coach's group session is open to all of that coach's clients, Ben too"}
BY_TOKEN = {"sharing:shared", "sharing:shared_profile", "sharing:shared_gpx"}
"""A share link opens to anyone who holds it, by design; revoked, expired or unknown it is 404 for everyone
(tests/web/test_sharing.py)."""
ANN_SIDE = {"sharing:deletion_confirm": "coach", "walks:": "ann", "recordings:": "ann", "sharing:": "ann",
            "frontdesk:intro": "coach", "frontdesk:attendance": "coach", "frontdesk:answer": "coach",
            "frontdesk:book": "ann", "frontdesk:cancel": "ann", "frontdesk:booking_ics": "ann"}

API_BODIES = {
    ("patch", "/api/clients/{client_id}/profile"): {"pain_baseline": 1},
    ("post", "/api/clients/{client_id}/plans/minutes"): {"minutes": 30},
    ("post", "/api/clients/{client_id}/plans/route"): {"route_id": "ANN_ROUTE"},
    ("post", "/api/clients/{client_id}/routes"): "FILE",
    ("post", "/api/clients/{client_id}/sessions"): {"day": str(date.today()), "backward_s": 300, "forward_s": 1500,
                                                    "pain_during": 1, "effort": 2},
    ("patch", "/api/sessions/{session_id}"): {"pain_next_morning": 0},
}


def everything() -> dict[str, object]:
    """Every row of every model of ours, as data: a refused request must leave all of it as it was."""
    return {f"{m.__name__}:{o.pk}": {k: str(v) for k, v in model_to_dict(o).items()}
            for config in apps.get_app_configs() if config.name.startswith("retrowalk.")
            for m in config.get_models() for o in m.objects.all()}


def outsiders(studio: Studio):
    return {"cat": logged_in(studio.cat.user), "ben": logged_in(studio.ben.user),
            "othercoach": logged_in(studio.other_coach.user)}


def side(name: str) -> str:
    return next(v for k, v in ANN_SIDE.items() if name.startswith(k))


def test_every_page_naming_anns_things_refuses_everyone_else_and_changes_nothing(studio: Studio,
                                                                                 desk: Desk) -> None:
    checked = 0
    for page in pages():
        if not page.params or page.route.startswith(("admin/", "accounts/")) or page.name in BY_TOKEN:
            continue
        values = ann_values(page, studio, desk)
        assert values is not None, f"{page.name} ({page.route}): add its parameters to tests/security/conftest.py"
        url = page.url(**values)
        own = logged_in(studio.ann.user if side(page.name) == "ann" else studio.coach.user)
        assert own.get(url).status_code not in (403, 404), url
        signed_in = outsiders(studio)  # before the snapshot: signing in is the test's own write (last_login)
        before = everything()
        for who, client in signed_in.items():
            if (page.name in STUDIO_WIDE and who == "othercoach") or (page.name in COACH_WIDE and who == "ben"):
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code in (403, 404, 405), (who, method, url, response.status_code)
                if response.status_code == 405:  # the method is not this route's: it must refuse the other too
                    other = client.get(url) if method == "post" else client.post(url)
                    assert other.status_code in (403, 404), (who, url, other.status_code)
            checked += 1
        assert everything() == before, url
    assert checked >= 15


def _api_call(client, method: str, url: str, body, studio: Studio):
    if body == "FILE":
        upload = SimpleUploadedFile("hill.gpx", loop_gpx("Hill", 10.0, 400, 1), content_type="application/gpx+xml")
        return client.post(url, {"file": upload, "name": "Mine"})
    if isinstance(body, dict) and body.get("route_id") == "ANN_ROUTE":
        body = {**body, "route_id": studio.ann_route.pk}
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_every_api_operation_naming_anns_things_refuses_everyone_else_and_changes_nothing(studio: Studio) -> None:
    values = {"{client_id}": studio.ann.pk, "{plan_id}": studio.ann_plan.pk, "{session_id}": studio.ann_session.pk}
    checked = 0
    for method, path in api_operations():
        if "{" not in path:
            continue
        url = path
        for name, value in values.items():
            url = url.replace(name, str(value))
        assert "{" not in url, f"{path}: give its parameter a value here"
        body = API_BODIES.get((method, path)) if method != "get" else None
        assert method == "get" or body is not None, f"{method} {path}: add a valid body to API_BODIES"
        signed_in = outsiders(studio)  # before the snapshot: signing in is the test's own write (last_login)
        before = everything()
        for who, client in signed_in.items():
            response = _api_call(client, method, url, body, studio)
            assert response.status_code == 404, (who, method, url, response.status_code, response.content[:200])
        assert everything() == before, (method, url)
        mine = _api_call(logged_in(studio.ann.user), method, url, body, studio)
        assert mine.status_code in (200, 201), (method, url, mine.status_code, mine.content[:200])
        checked += 1
    assert checked >= 10
