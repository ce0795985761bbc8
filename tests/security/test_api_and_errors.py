"""The API says who may call it (401, as JSON), its docs work offline, a down database gets a friendly answer on
pages and JSON on the API, and tokens are made, listed and revoked from the command line (issue 13)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from retrowalk.web.accounts.models import ApiToken
from tests.web.conftest import Studio

BIN = Path(sys.executable).parent


@pytest.mark.parametrize("authorization", [None, "Bearer rw_not-a-token", "Basic YW5uOnNlY3JldA=="],
                         ids=["no token", "a wrong token", "another scheme"])
def test_an_api_post_without_a_valid_token_is_401_as_json(studio: Studio, authorization: str | None) -> None:
    headers = {"authorization": authorization} if authorization else {}
    response = Client().post(f"/api/clients/{studio.ann.pk}/plans/minutes", {"minutes": 30},
                             content_type="application/json", headers=headers)
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    detail = response.json()["detail"]
    assert ("token" in detail) and ("retrowalk-admin token" in detail or "not valid" in detail)


def test_a_session_without_its_csrf_token_is_still_refused_403(studio: Studio) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(studio.ann.user)
    response = browser.post(f"/api/clients/{studio.ann.pk}/plans/minutes", {"minutes": 30},
                            content_type="application/json")
    assert response.status_code == 403


def test_the_api_docs_come_from_our_own_static_files(db) -> None:
    page = Client().get("/api/docs").content.decode()
    sources = [part.split('"')[0] for part in page.split('src="')[1:]] + \
              [part.split('"')[0] for part in page.split('href="')[1:]]
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source


def test_tokens_are_made_listed_and_revoked_from_the_command_line(studio: Studio) -> None:
    out = StringIO()
    call_command("token", "ann", "--name", "my watch sync", stdout=out)
    secret = next(w for w in out.getvalue().split() if w.startswith("rw_"))
    me = Client().get("/api/me", headers={"authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["id"] == studio.ann.pk
    listed = StringIO()
    call_command("token", "ann", "--list", stdout=listed)
    assert "my watch sync" in listed.getvalue() and secret not in listed.getvalue()
    token = ApiToken.objects.get(user=studio.ann.user, name="my watch sync")
    assert token.last_used is not None
    call_command("token", "ann", "--revoke", str(token.pk), stdout=StringIO())
    assert Client().get("/api/me", headers={"authorization": f"Bearer {secret}"}).status_code == 401


def test_the_token_command_refuses_an_unknown_user_with_a_sentence(db) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no user called nobody"):
        call_command("token", "nobody", stdout=StringIO())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def no_database(tmp_path_factory):
    """The app as in production (gunicorn, DEBUG off) with its database unreachable: a PostgreSQL address on
    a port where nothing listens."""
    port = free_port()
    env = {**os.environ, "RETROWALK_DEBUG": "0", "RETROWALK_HTTPS": "0", "RETROWALK_SECRET_KEY": "k" * 60,
           "RETROWALK_ALLOWED_HOSTS": "127.0.0.1", "RETROWALK_DATA_DIR": str(tmp_path_factory.mktemp("data")),
           "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen([str(BIN / "gunicorn"), "retrowalk.web.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", "1", "--log-level", "critical"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/walk-sw.js", timeout=1)
            break
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(10)


def fetch(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode()


def test_with_the_database_down_a_page_says_so_kindly(no_database: str) -> None:
    status, headers, body = fetch(no_database + "/", {"Cookie": "sessionid=" + "a" * 32})  # a session to look up
    assert status == 503 and headers["Content-Type"].startswith("text/html")
    assert "try again" in body and "Server Error (500)" not in body and "Traceback" not in body
    assert headers.get("Retry-After")


def test_with_the_database_down_the_api_answers_json(no_database: str) -> None:
    status, headers, body = fetch(no_database + "/api/me", {"Authorization": "Bearer rw_x"})
    assert status == 503 and headers["Content-Type"].startswith("application/json")
    assert "try again" in json.loads(body)["detail"]


def test_a_token_used_many_times_a_minute_is_written_once(studio: Studio) -> None:
    """Each API request wrote its token's last_used, so 20 concurrent requests on one token queued on that row's
    lock one after another (what `make loadtest` found on PostgreSQL); once a minute is enough to say when."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from retrowalk.web.accounts.models import ApiToken

    _made, token = ApiToken.issue(studio.ann.user, "watch")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]]
    assert len(writes) == 1, writes
    assert ApiToken.objects.get(pk=_made.pk).last_used is not None
