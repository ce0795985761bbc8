"""Ownership, the whole matrix: a client never reads or changes another client's plans, routes or sessions,
through pages or the API, including objects named inside a request body; a coach only their own clients'."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.web.conftest import Studio, logged_in

# (method, url maker, body) for every page and endpoint that names one of Ann's things.
ANN_PAGES = [
    ("get", lambda s: reverse("walks:dashboard", args=[s.ann.pk]), None),
    ("get", lambda s: reverse("walks:plan_new", args=[s.ann.pk]), None),
    ("get", lambda s: reverse("walks:session_new", args=[s.ann.pk]), None),
    ("get", lambda s: reverse("walks:profile", args=[s.ann.pk]), None),
    ("get", lambda s: reverse("walks:plan", args=[s.ann_plan.pk]), None),
    ("get", lambda s: reverse("walks:plan", args=[s.ann_route_plan.pk]), None),
    ("get", lambda s: reverse("walks:plan_profile", args=[s.ann_route_plan.pk]), None),
    ("get", lambda s: reverse("walks:walk", args=[s.ann_route_plan.pk]), None),
    ("get", lambda s: reverse("walks:plan_export", args=[s.ann_plan.pk, "fit"]), None),
    ("get", lambda s: reverse("walks:plan_export", args=[s.ann_route_plan.pk, "gpx"]), None),
    ("get", lambda s: reverse("walks:session_morning", args=[s.ann_session.pk]), None),
    ("post", lambda s: reverse("walks:session_morning", args=[s.ann_session.pk]), {"pain_next_morning": "0"}),
    ("post", lambda s: reverse("walks:route_replan", args=[s.ann_route.pk]), {"minutes": "20"}),
    ("post", lambda s: reverse("walks:profile", args=[s.ann.pk]),
     {"units": "kmh", "language": "en-US", "treadmill": "none", "pain_baseline": "0", "speed_forward": "4.8",
      "speed_backward": "2.4"}),
    ("get", lambda s: f"/api/clients/{s.ann.pk}/profile", None),
    ("get", lambda s: f"/api/clients/{s.ann.pk}/plans", None),
    ("get", lambda s: f"/api/clients/{s.ann.pk}/routes", None),
    ("get", lambda s: f"/api/clients/{s.ann.pk}/sessions", None),
    ("get", lambda s: f"/api/plans/{s.ann_plan.pk}", None),
    ("api-patch", lambda s: f"/api/sessions/{s.ann_session.pk}", {"pain_next_morning": 0}),
    ("api-patch", lambda s: f"/api/clients/{s.ann.pk}/profile", {"pain_baseline": 1}),
    ("api-post", lambda s: f"/api/clients/{s.ann.pk}/plans/minutes", {"minutes": 30}),
    ("api-post", lambda s: f"/api/clients/{s.ann.pk}/sessions",
     {"day": str(date.today()), "backward_s": 300, "forward_s": 1500, "pain_during": 1, "effort": 2}),
]


def call(client, method: str, url: str, body):
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url, body)
    if method == "api-post":
        return client.post(url, body, content_type="application/json")
    return client.patch(url, body, content_type="application/json")


def who(studio: Studio, name: str):
    return {"ann": studio.ann.user, "coach": studio.coach.user, "staff": studio.staff, "ben": studio.ben.user,
            "cat": studio.cat.user, "othercoach": studio.other_coach.user}[name]


@pytest.mark.parametrize(("method", "url", "body"), ANN_PAGES)
@pytest.mark.parametrize("name", ["ann", "coach", "staff"])
def test_ann_her_coach_and_staff_may(studio: Studio, name: str, method, url, body) -> None:
    response = call(logged_in(who(studio, name)), method, url(studio), body)
    assert response.status_code in (200, 201, 302), (response.status_code, response.content[:300])


@pytest.mark.parametrize(("method", "url", "body"), ANN_PAGES)
@pytest.mark.parametrize("name", ["ben", "cat", "othercoach"])
def test_other_clients_and_other_coaches_get_404_and_change_nothing(studio: Studio, name: str, method, url,
                                                                   body) -> None:
    before = (studio.ann.plans.count(), studio.ann.sessions.count(), studio.ann.routes.count())
    response = call(logged_in(who(studio, name)), method, url(studio), body)
    assert response.status_code == 404, (response.status_code, response.content[:300])
    studio.ann.refresh_from_db()
    studio.ann_session.refresh_from_db()
    assert (studio.ann.plans.count(), studio.ann.sessions.count(), studio.ann.routes.count()) == before
    assert studio.ann.units == "mph" and studio.ann.pain_baseline == 0
    assert studio.ann_session.pain_next_morning is None


@pytest.mark.parametrize(("method", "url", "body"), ANN_PAGES)
def test_nobody_logged_in_is_sent_to_log_in_or_refused(studio: Studio, method, url, body) -> None:
    from django.test import Client

    response = call(Client(), method, url(studio), body)
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


# --- objects named inside a request: Ann may not use Ben's plan or route even in her own requests ----------------

def test_a_session_cannot_name_another_clients_plan_through_the_api(studio: Studio) -> None:
    response = logged_in(studio.ann.user).post(
        f"/api/clients/{studio.ann.pk}/sessions", {"plan_id": studio.ben_plan.pk, "day": str(date.today()),
                                                  "backward_s": 300, "forward_s": 1500, "pain_during": 1,
                                                  "effort": 2}, content_type="application/json")
    assert response.status_code == 404
    assert studio.ann.sessions.count() == 1 and studio.ben.sessions.count() == 0


def test_a_route_plan_cannot_name_another_clients_route_through_the_api(studio: Studio) -> None:
    response = logged_in(studio.ann.user).post(f"/api/clients/{studio.ann.pk}/plans/route",
                                               {"route_id": studio.ben_route.pk}, content_type="application/json")
    assert response.status_code == 404


def test_even_her_coach_cannot_plan_ann_on_bens_route(studio: Studio) -> None:
    response = logged_in(studio.coach.user).post(f"/api/clients/{studio.ann.pk}/plans/route",
                                                 {"route_id": studio.ben_route.pk}, content_type="application/json")
    assert response.status_code == 404


def test_the_session_page_cannot_attach_another_clients_plan(studio: Studio) -> None:
    client = logged_in(studio.ann.user)
    url = reverse("walks:session_new", args=[studio.ann.pk])
    assert client.get(url, {"plan": studio.ben_plan.pk}).status_code == 404
    response = client.post(url, {"plan": studio.ben_plan.pk, "day": str(date.today()), "setting": "outdoor",
                                 "backward_minutes": 5, "forward_minutes": 25, "pain_during": 1, "effort": 2})
    assert response.status_code == 404 and studio.ann.sessions.count() == 1


def test_the_plan_form_cannot_plan_on_another_clients_saved_route(studio: Studio) -> None:
    response = logged_in(studio.ann.user).post(reverse("walks:plan_new", args=[studio.ann.pk]),
                                               {"route-plan": "1", "r-route": studio.ben_route.pk})
    assert response.status_code == 400 and b"Select a valid choice" in response.content


def test_the_client_list_shows_only_whom_one_may_see(studio: Studio) -> None:
    ids = {c["id"] for c in logged_in(studio.coach.user).get("/api/clients").json()}
    assert ids == {studio.ann.pk, studio.ben.pk}
    assert {c["id"] for c in logged_in(studio.ann.user).get("/api/clients").json()} == {studio.ann.pk}


def test_a_client_cannot_see_the_coach_dashboard(studio: Studio) -> None:
    assert logged_in(studio.ann.user).get(reverse("coach:dashboard")).status_code == 403
