"""Pages: bounded queries whatever the data size, the log-to-next-plan flow, login throttle, CSRF, password reset,
and Django's deployment check with production settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from retrowalk.web.accounts.models import Profile, Role
from retrowalk.web.walks import services
from retrowalk.web.walks.models import Route, WalkPlan, WalkSession
from tests.web.conftest import Studio, logged_in, person


def add_history(client: Profile, days: int) -> None:
    today = date.today()
    WalkSession.objects.bulk_create([
        WalkSession(client=client, day=today - timedelta(days=d), week=client.week, setting="outdoor",
                    backward_s=300, forward_s=1500, pain_during=d % 4, pain_next_morning=0, effort=3)
        for d in range(1, days + 1)])


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_coach_dashboard_does_the_same_queries_for_3_or_40_clients(studio: Studio) -> None:
    coach = logged_in(studio.coach.user)
    url = reverse("coach:dashboard")
    few = queries(coach, url)
    for i in range(40):
        add_history(person(f"extra{i}", Role.CLIENT, studio.coach), 30)
    assert queries(coach, url) == few


def test_the_client_dashboard_does_the_same_queries_for_a_week_or_a_year_of_sessions(studio: Studio) -> None:
    ann = logged_in(studio.ann.user)
    url = reverse("walks:dashboard", args=[studio.ann.pk])
    add_history(studio.ann, 7)
    few = queries(ann, url)
    add_history(studio.ben, 1)  # another client's data never changes Ann's page
    WalkSession.objects.filter(client=studio.ann).delete()
    add_history(studio.ann, 365)
    assert queries(ann, url) == few


@pytest.mark.parametrize("page", ["plan", "export"])
def test_plan_pages_do_a_fixed_number_of_queries(studio: Studio, page: str) -> None:
    ann = logged_in(studio.ann.user)
    url = (reverse("walks:plan", args=[studio.ann_route_plan.pk]) if page == "plan"
           else reverse("walks:plan_export", args=[studio.ann_route_plan.pk, "gpx"]))
    assert queries(ann, url) <= 6


def test_logging_a_session_with_pain_changes_the_next_plan_and_says_why(studio: Studio) -> None:
    ann = logged_in(studio.ann.user)
    studio.ann.week = 4
    studio.ann.save()
    response = ann.post(reverse("walks:session_new", args=[studio.ann.pk]),
                        {"day": str(date.today()), "setting": "outdoor", "backward_minutes": 8, "forward_minutes": 22,
                         "pain_during": 7, "effort": 5, "followed": "on"}, follow=True)
    assert response.status_code == 200
    studio.ann.refresh_from_db()
    assert studio.ann.week == 3
    assert "Pain 7/10 during the walk (more than 5): one step back, −1 backward minute (7 in all)." in \
        response.content.decode()
    plan = services.make_plan(studio.ann, studio.ann.user, services.PlanOptions(minutes=30))
    assert plan.backward_s == 7 * 60


def test_next_morning_pain_moves_the_step_forward_after_a_good_week(studio: Studio) -> None:
    today = date.today()
    WalkSession.objects.all().delete()
    for d in (8, 6):
        WalkSession.objects.create(client=studio.ann, day=today - timedelta(days=d), week=1, setting="outdoor",
                                   backward_s=300, forward_s=1500, pain_during=1, pain_next_morning=0, effort=2)
    last = WalkSession.objects.create(client=studio.ann, day=today - timedelta(days=1), week=1, setting="outdoor",
                                      backward_s=300, forward_s=1500, pain_during=1, effort=2)
    ann = logged_in(studio.ann.user)
    assert b"How does the knee feel" in ann.get(reverse("walks:dashboard", args=[studio.ann.pk])).content
    response = ann.post(reverse("walks:session_morning", args=[last.pk]), {"pain_next_morning": "0"}, follow=True)
    studio.ann.refresh_from_db()
    assert studio.ann.week == 2 and "+1 backward minute (6 in all)" in response.content.decode()


def test_a_session_for_tomorrow_is_refused_with_400_and_nothing_saved(studio: Studio) -> None:
    before = WalkSession.objects.count()
    response = logged_in(studio.ann.user).post(
        reverse("walks:session_new", args=[studio.ann.pk]),
        {"day": str(date.today() + timedelta(days=1)), "setting": "outdoor", "backward_minutes": 5,
         "forward_minutes": 25, "pain_during": 1, "effort": 2})
    assert response.status_code == 400 and "day still to come" in response.content.decode()
    assert WalkSession.objects.count() == before


def test_a_session_for_a_day_long_past_is_refused_on_page_and_api_and_nothing_saved(studio: Studio) -> None:
    # 1 January 1900, a slip of the date picker: refused, not counted as a week held at her step.
    before, week = WalkSession.objects.count(), studio.ann.week
    ann = logged_in(studio.ann.user)
    page = ann.post(reverse("walks:session_new", args=[studio.ann.pk]),
                    {"day": "1900-01-01", "setting": "outdoor", "backward_minutes": 5, "forward_minutes": 25,
                     "pain_during": 1, "effort": 2})
    assert page.status_code == 400 and "more than 60 days ago" in page.content.decode()
    api = ann.post(f"/api/clients/{studio.ann.pk}/sessions", {"day": "1900-01-01", "backward_s": 300,
                                                               "forward_s": 1500, "pain_during": 1, "effort": 2},
                   content_type="application/json")
    assert api.status_code == 400 and "more than 60 days ago" in api.json()["detail"], api.content
    studio.ann.refresh_from_db()
    assert WalkSession.objects.count() == before and studio.ann.week == week


def test_a_plan_that_cannot_be_made_is_a_400_with_the_cores_sentence_on_page_and_api(studio: Studio) -> None:
    ann = logged_in(studio.ann.user)
    page = ann.post(reverse("walks:plan_new", args=[studio.ann.pk]),
                    {"time-plan": "1", "t-minutes": "6", "t-kind": "outdoor", "t-backward_minutes": "5"})
    api = ann.post(f"/api/clients/{studio.ann.pk}/plans/minutes", {"minutes": 6, "backward_minutes": 5},
                   content_type="application/json")
    assert page.status_code == 400 and api.status_code == 400
    sentence = api.json()["detail"]
    assert "at most" in sentence and sentence in page.content.decode().replace("&#x27;", "'")


def test_a_route_that_holds_nothing_offers_this_pages_own_controls_not_the_command_lines(studio: Studio,
                                                                                        tmp_path) -> None:
    """Core says what is possible instead; the page words it as buttons: plan it the other way, by time, on a
    treadmill. The API lists the same options as data."""
    from tests.builders import make_route, write_gpx

    down, _, _ = make_route([-4.0], [3000])
    path = tmp_path / "down.gpx"
    write_gpx(down, path)
    ann = logged_in(studio.ann.user)
    with path.open("rb") as f:
        page = ann.post(reverse("walks:plan_new", args=[studio.ann.pk]), {"route-plan": "1", "r-file": f})
    text = page.content.decode()
    assert page.status_code == 400 and "nowhere safe to walk backward" in text
    assert not any(flag in text for flag in ("--reverse", "--minutes", "--treadmill"))
    assert "Plan it the other way (5 min backward)" in text and "Plan by time instead" in text
    assert not Route.objects.filter(client=studio.ann, original_name="down.gpx").exists()  # refused: not kept
    # A saved route (the API stores routes without planning) gets a button that plans it the other way.
    route = services.save_route(studio.ann, "Down", "down.gpx", path.read_bytes())
    page = ann.post(reverse("walks:plan_new", args=[studio.ann.pk]), {"route-plan": "1", "r-route": route.pk})
    assert page.status_code == 400
    assert reverse("walks:route_replan", args=[route.pk]) in page.content.decode()
    other_way = ann.post(reverse("walks:route_replan", args=[route.pk]), {"reverse": "on"})
    plan = WalkPlan.objects.filter(client=studio.ann).latest("created")
    assert other_way.status_code == 302 and plan.route == route and plan.backward_s == 300
    api = ann.post(f"/api/clients/{studio.ann.pk}/plans/route", {"route_id": route.pk},
                   content_type="application/json")
    assert api.status_code == 400 and {"what": "reverse", "backward_s": 300} in api.json()["instead"]


def test_csrf_is_enforced_on_pages_and_on_the_api_with_a_session(studio: Studio) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(studio.ann.user)
    page = browser.post(reverse("walks:session_morning", args=[studio.ann_session.pk]), {"pain_next_morning": "0"})
    api = browser.post(f"/api/clients/{studio.ann.pk}/plans/minutes", {"minutes": 30},
                       content_type="application/json")
    assert page.status_code == 403 and api.status_code == 403


def test_the_api_takes_a_bearer_token_and_refuses_a_wrong_one(studio: Studio) -> None:
    from retrowalk.web.accounts.models import ApiToken

    _token, secret = ApiToken.issue(studio.ann.user)
    ok = Client().get("/api/me", headers={"authorization": f"Bearer {secret}"})
    assert ok.status_code == 200 and ok.json()["id"] == studio.ann.pk
    assert Client().get("/api/me", headers={"authorization": "Bearer rw_wrong"}).status_code == 401
    other = Client().get(f"/api/clients/{studio.ben.pk}/plans", headers={"authorization": f"Bearer {secret}"})
    assert other.status_code == 404


def test_the_openapi_document_lists_plans_sessions_and_profile(studio: Studio) -> None:
    doc = Client().get("/api/openapi.json").json()
    paths = set(doc["paths"])
    assert {"/api/clients/{client_id}/plans/minutes", "/api/clients/{client_id}/plans/route",
            "/api/clients/{client_id}/sessions", "/api/clients/{client_id}/profile", "/api/me"} <= paths


def test_password_reset_sends_a_link_by_email(studio: Studio) -> None:
    response = Client().post(reverse("password_reset"), {"email": "ann@example.com"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_deployment_check_passes_with_production_settings(tmp_path) -> None:
    env = {**os.environ, "RETROWALK_DEBUG": "0", "RETROWALK_SECRET_KEY": "x" * 30 + "-Production-Key-" + "y" * 30,
           "RETROWALK_ALLOWED_HOSTS": "walk.example.com", "RETROWALK_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "retrowalk.web.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path) -> None:
    env = {**os.environ, "RETROWALK_DEBUG": "0", "RETROWALK_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "retrowalk.web.settings"}
    env.pop("RETROWALK_SECRET_KEY", None)
    result = subprocess.run([sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "RETROWALK_SECRET_KEY must be set" in result.stderr


def test_one_painful_session_steps_back_once_even_after_its_morning_answer(studio: Studio) -> None:
    ann = logged_in(studio.ann.user)
    studio.ann.week = 5
    studio.ann.save()
    WalkSession.objects.all().delete()
    ann.post(reverse("walks:session_new", args=[studio.ann.pk]),
             {"day": str(date.today()), "setting": "outdoor", "backward_minutes": 9, "forward_minutes": 21,
              "pain_during": 7, "effort": 5})
    studio.ann.refresh_from_db()
    assert studio.ann.week == 4 and "one step back" in studio.ann.progress_note
    session = WalkSession.objects.get(client=studio.ann)
    ann.post(reverse("walks:session_morning", args=[session.pk]), {"pain_next_morning": "3"})
    page = ann.get(reverse("walks:dashboard", args=[studio.ann.pk])).content.decode()
    studio.ann.refresh_from_db()
    assert studio.ann.week == 4
    assert "walk it and log how it went" in page and "Last change: Pain 7/10" in page


def test_a_saved_route_plan_keeps_its_bouts_picture_and_route_when_planning_again_would_differ(
        studio: Studio) -> None:
    """Plans saved before the placement changed (spreading, a newer programme) are served as saved, still with
    their map, profile and the route the live coach follows; only a plan over a different stretch of the route
    (speeds changed, with --minutes) goes without its picture."""
    from retrowalk.core.plan import Kind
    from retrowalk.web.walks.live import route_polyline

    walk_plan = services.make_plan(studio.ann, studio.ann.user, services.PlanOptions(minutes=20, kind=Kind.ROUTE),
                                   studio.ann_route)
    segments = walk_plan.data["segments"]
    i = max(j for j, s in enumerate(segments) if s["direction"] == "backward")
    for key, j in (("end_m", i - 1), ("start_m", i), ("end_m", i), ("start_m", i + 1)):
        segments[j][key] += 20.0  # where an older placement put the last bout
    walk_plan.save()
    walk_plan.refresh_from_db()

    result = services.route_result(walk_plan)
    assert result is not None and result.plan.to_dict()["segments"] == segments
    assert route_polyline(result)["dist"][-1] > 0
    page = logged_in(studio.ann.user).get(reverse("walks:plan", args=[walk_plan.pk]))
    assert page.status_code == 200 and b"<svg" in page.content

    studio.ann.speed_forward_kmh = 6.0  # 20 minutes would now cover another stretch of the route
    studio.ann.save()
    walk_plan.refresh_from_db()
    again = services.route_result(walk_plan)
    assert again is not None and again.plan.to_dict()["segments"] == segments  # the saved plan, as saved


def test_changing_a_clients_speeds_leaves_an_earlier_route_plans_page_gpx_and_live_coach_as_they_were(
        studio: Studio) -> None:
    """A saved plan is a record (issue 12): it keeps the request it was made from, and its page, exports and
    live coach use that, never the client's settings of today. Planning again is a button, with today's."""
    import re

    from retrowalk.core.plan import Kind

    browser = logged_in(studio.ann.user)
    walk_plan = services.make_plan(studio.ann, studio.ann.user, services.PlanOptions(minutes=25, kind=Kind.ROUTE),
                                   studio.ann_route)
    url = reverse("walks:plan", args=[walk_plan.pk])

    def seen() -> tuple[str, bytes, bytes, dict]:
        page = browser.get(url).content.decode()
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        gpx = browser.get(reverse("walks:plan_export", args=[walk_plan.pk, "gpx"])).content
        gpx = re.sub(rb"<time>[^<]+</time>", b"", gpx)  # the file's own creation time
        walk = browser.get(reverse("walks:walk", args=[walk_plan.pk])).content.decode()
        data = json.loads(re.search(r'<script id="walk-data" type="application/json">(.*?)</script>', walk,
                                    re.DOTALL).group(1))
        data.pop("csrf")
        return page, gpx, browser.get(reverse("walks:plan_profile", args=[walk_plan.pk])).content, data

    before = seen()
    assert before[3]["route"] is not None and b"Turn around 1" in before[1]
    studio.ann.speed_forward_kmh, studio.ann.speed_backward_kmh, studio.ann.week = 6.0, 3.2, 8
    studio.ann.save()
    assert seen() == before

    # Planning again is an explicit action, with today's settings: a new plan, the old one untouched.
    response = browser.post(reverse("walks:plan_again", args=[walk_plan.pk]))
    newer = WalkPlan.objects.exclude(pk=walk_plan.pk).latest("created")
    assert response.status_code == 302 and response["Location"] == reverse("walks:plan", args=[newer.pk])
    assert newer.data["segments"] != walk_plan.data["segments"] and newer.week == 8
    assert seen() == before


def test_a_signed_in_page_reads_the_user_with_her_profile_in_one_query(studio: Studio) -> None:
    """The menu, the access checks and the page's language all need the profile: it comes joined to the user
    (accounts/backends.py), not as a query of its own."""
    coach = logged_in(studio.coach.user)
    with CaptureQueriesContext(connection) as ctx:
        assert coach.get(reverse("coach:dashboard")).status_code == 200
    profile_table = Profile._meta.db_table
    user_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "auth_user"' in q["sql"]]
    assert user_reads and profile_table in user_reads[0], user_reads
    alone = [q["sql"] for q in ctx.captured_queries if f'WHERE "{profile_table}"."user_id" =' in q["sql"]]
    assert not alone, alone
