"""The coach's list at a studio's size (issue 17 items 2 and 6): a page at a time, those who need a look first,
filtered to them or found by name; and on a phone, cards with the flags first, one line each."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from retrowalk.web.accounts.models import Role
from retrowalk.web.coach.views import PAGE_SIZE
from retrowalk.web.walks.models import WalkSession
from tests.web.conftest import Studio, logged_in, needs_chromium, person
from tests.web.test_browser import log_in, shoot


def names(html: str) -> list[str]:
    body = html[html.index("<tbody"):html.index("</tbody>")]
    return re.findall(r'<a href="/clients/\d+/">([^<]+)</a>', body)


def many(studio: Studio, quiet: int, walking: int) -> None:
    """``quiet`` clients who have never walked (flagged), ``walking`` who walked yesterday (on track)."""
    for i in range(quiet):
        person(f"quiet{i:03d}", Role.CLIENT, studio.coach)
    for i in range(walking):
        client = person(f"walker{i:03d}", Role.CLIENT, studio.coach)
        WalkSession.objects.create(client=client, day=date.today() - timedelta(days=1), week=1, setting="outdoor",
                                   backward_s=300, forward_s=1500, pain_during=1, effort=2)


def test_a_long_list_comes_a_page_at_a_time_those_who_need_a_look_first(studio: Studio) -> None:
    WalkSession.objects.filter(client=studio.ann).delete()
    many(studio, 10, PAGE_SIZE)
    coach = logged_in(studio.coach.user)
    url = reverse("coach:dashboard")
    first = coach.get(url).content.decode()
    shown = names(first)
    assert len(shown) == PAGE_SIZE
    # Ann, Ben and the ten quiet ones are flagged: all on the first page, before anyone on track.
    assert all(n.startswith(("Quiet", "Ann", "Ben")) for n in shown[:12]), shown[:12]
    total = PAGE_SIZE + 12
    assert f"{total} clients, 12 need a look" in first
    assert f"1–{PAGE_SIZE} of {total}" in first
    second = coach.get(url, {"page": 2}).content.decode()
    assert len(names(second)) == 12 and not set(names(second)) & set(shown)
    assert 'rel="prev"' in second and 'rel="next"' in first and 'rel="next"' not in second
    # A page past the end is the last page, not an error.
    assert names(coach.get(url, {"page": 99}).content.decode()) == names(second)
    assert coach.get(url, {"page": "x"}).status_code == 200


def test_the_list_filters_to_those_who_need_a_look_and_finds_a_name(studio: Studio) -> None:
    many(studio, 3, 5)
    coach = logged_in(studio.coach.user)
    url = reverse("coach:dashboard")
    flagged = names(coach.get(url, {"show": "flagged"}).content.decode())
    assert len(flagged) == 3 + 1 and all(n.startswith(("Quiet", "Ben")) for n in flagged), flagged
    found = names(coach.get(url, {"q": "walker003"}).content.decode())
    assert found == ["Walker003"]
    assert "No client matches" in coach.get(url, {"q": "nobody-like-this"}).content.decode()


@needs_chromium
def test_on_a_phone_each_client_is_a_card_with_the_flags_first_one_line_each(chromium, live_server,
                                                                               studio: Studio,
                                                                               tmp_path: Path) -> None:
    many(studio, 2, 2)
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server.url, "coach")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off to the side
    ben = page.locator("table.clients tbody tr", has_text="Ben")
    flags = ben.locator(".flag")
    assert flags.count() >= 1 and flags.first.is_visible()
    flag_box, step_box = flags.first.bounding_box(), ben.locator("td[data-label=Step]").bounding_box()
    assert flag_box and step_box and flag_box["y"] < step_box["y"]  # the flags come first
    assert flag_box["x"] + flag_box["width"] <= 390
    line = float(page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)"))
    for i in range(flags.count()):  # each flag on one line
        box = flags.nth(i).bounding_box()
        assert box and box["height"] < 2 * line, box
    box = ben.bounding_box()
    assert box and box["height"] < 299  # was 299 px as the flags wrapped word by word in a squeezed column
    shoot(page, "coach-dashboard-390", tmp_path)
    context.close()


@pytest.mark.parametrize("width", [1280])
@needs_chromium
def test_on_a_desktop_it_stays_a_table(chromium, live_server, studio: Studio, width: int, tmp_path: Path) -> None:
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    log_in(page, live_server.url, "coach")
    assert page.locator("table.clients thead").is_visible()
    cells = page.locator("table.clients tbody tr").first.locator("td")
    boxes = [cells.nth(i).bounding_box() for i in range(cells.count())]
    assert len({round(b["y"]) for b in boxes if b}) == 1  # one row, side by side
    shoot(page, "coach-dashboard-1280", tmp_path)
    context.close()


def test_each_row_says_the_week_the_trend_and_every_flag_from_the_sessions(studio: Studio) -> None:
    """The numbers and flags of a row, from sessions placed in each of the last three weeks (on SQLite and on
    PostgreSQL: make test runs this file on both)."""
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    WalkSession.objects.filter(client=studio.ann).delete()
    for day, pain, morning, backward in ((monday - timedelta(days=14), 1, None, 300),
                                         (monday - timedelta(days=7), 2, None, 300),
                                         (monday - timedelta(days=3), 2, None, 300),
                                         (today, 7, 3, 600)):
        WalkSession.objects.create(client=studio.ann, day=day, week=1, setting="outdoor", backward_s=backward,
                                   forward_s=1500, pain_during=pain, pain_next_morning=morning, effort=2)
    WalkSession.objects.create(client=studio.ann, day=today - timedelta(days=30), week=1, setting="outdoor",
                               backward_s=999, forward_s=1500, pain_during=9, effort=2)  # too old to count
    html = logged_in(studio.coach.user).get(reverse("coach:dashboard")).content.decode()
    row = re.search(r"<tr[^>]*><td class=\"name\"[^>]*><a [^>]*>Ann</a>.*?</tr>", html, re.S)
    assert row, html
    cells = dict(re.findall(r'<td[^>]*data-label="([^"]+)">(.*?)</td>', row.group(0), re.S))
    assert cells["Backward this week"] == "10.0 min"
    assert cells["Pain by week"] == "1.0 → 2.0 → 7.0"
    assert cells["Last session"] == f"{today:%a} {today.day} {today:%b}"  # "Fri 4 Dec", in the page's language
    for flag in ("pain rising 2 weeks", "pain above 5/10 this week", "morning pain above baseline"):
        assert flag in cells["Flags"], cells["Flags"]
    assert "no session in 7 days" not in cells["Flags"]


def test_a_client_quiet_for_weeks_shows_her_last_day_and_the_flag(studio: Studio) -> None:
    long_ago = date.today() - timedelta(days=40)
    WalkSession.objects.create(client=studio.ben, day=long_ago, week=1, setting="outdoor", backward_s=300,
                               forward_s=1500, pain_during=1, effort=2)
    html = logged_in(studio.coach.user).get(reverse("coach:dashboard")).content.decode()
    row = re.search(r"<tr[^>]*><td class=\"name\"[^>]*><a [^>]*>Ben</a>.*?</tr>", html, re.S)
    assert row
    cells = dict(re.findall(r'<td[^>]*data-label="([^"]+)">(.*?)</td>', row.group(0), re.S))
    assert cells["Last session"] == f"{long_ago:%a} {long_ago.day} {long_ago:%b}"
    assert "no session in 7 days" in cells["Flags"]
    assert cells["Backward this week"] == "0.0 min"


# --- kept dashboards: made again exactly when the data they are read from changed ------------------------------


def cell(html: str, name: str, label: str) -> str:
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*>{name}</a>.*?</tr>", html, re.S)
    assert row, html
    return dict(re.findall(r'<td[^>]*data-label="([^"]+)">(.*?)</td>', row.group(0), re.S))[label]


def test_an_unchanged_dashboard_is_not_read_again_and_any_change_is_seen_at_once(studio: Studio) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from retrowalk.web.recordings.models import RecordedWalk  # noqa: F401  (its table is watched too)

    coach = logged_in(studio.coach.user)
    url = reverse("coach:dashboard")
    coach.get(url)
    sessions = WalkSession._meta.db_table
    with CaptureQueriesContext(connection) as again:
        html = coach.get(url).content.decode()
    assert not [q for q in again.captured_queries if sessions in q["sql"]], "read again with nothing changed"
    assert cell(html, "Ben", "Backward this week") == "0.0 min"
    today = date.today()
    # Changes the ORM's signals never see: a bulk insert, a queryset update, raw SQL. The database's triggers do.
    WalkSession.objects.bulk_create([WalkSession(client=studio.ben, day=today, week=1, setting="outdoor",
                                                 backward_s=600, forward_s=1200, pain_during=1, effort=2)])
    assert cell(coach.get(url).content.decode(), "Ben", "Backward this week") == "10.0 min"
    WalkSession.objects.filter(client=studio.ben).update(backward_s=900)
    assert cell(coach.get(url).content.decode(), "Ben", "Backward this week") == "15.0 min"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {sessions} WHERE client_id = %s", [studio.ben.pk])
    assert cell(coach.get(url).content.decode(), "Ben", "Backward this week") == "0.0 min"
    type(studio.ben.user).objects.filter(pk=studio.ben.user.pk).update(first_name="Benita")
    assert "Benita" in coach.get(url).content.decode()


def test_every_table_the_dashboard_reads_moves_the_data_version() -> None:
    from django.apps import apps

    from retrowalk.web.coach import views
    from retrowalk.web.coach.models import WATCHED, DataVersion

    watched = {apps.get_model(label)._meta.db_table for label in WATCHED} | {DataVersion._meta.db_table}
    read = set()
    for name in ("recent", "last", "recorded", "version"):
        read |= set(re.findall(r'FROM "?(\w+)"?', views._sql(name))) - {"json_each"}  # SQLite's id list
    read |= {"accounts_profile", "auth_user"}  # the clients' names and steps, through the ORM
    read |= {"sharing_deletionrequest"}  # the requests to delete an account, kept with the rows
    assert read <= watched, read - watched


def test_a_request_to_delete_an_account_shows_at_once_on_a_kept_dashboard(studio: Studio) -> None:
    from retrowalk.web.sharing.models import DeletionRequest

    coach = logged_in(studio.coach.user)
    url = reverse("coach:dashboard")
    assert "Asked to delete their account" not in coach.get(url).content.decode()  # made, and kept
    asked = DeletionRequest.objects.create(client=studio.ann)
    assert "Asked to delete their account" in coach.get(url).content.decode()
    DeletionRequest.objects.filter(pk=asked.pk).update(done=timezone.now())
    assert "Asked to delete their account" not in coach.get(url).content.decode()
