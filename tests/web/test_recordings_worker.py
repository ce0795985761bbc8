"""A real job worker (django-tasks-db's `retrowalk-admin db_worker`) killed in the middle of an import: the job is
queued again (recover_stalled, run by `retrowalk-admin frontdesk_worker`), finishes once, imports nothing twice,
and nothing of the import was visible while it was unfinished. On SQLite, and on PostgreSQL when it answers."""

from __future__ import annotations

import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.archives import strava_archive
from tests.real import needs_real

BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("PG_SERVER", "postgres://postgres@127.0.0.1:5432/postgres")

SEED = """
from django.contrib.auth.models import User
from django.core.files import File
from retrowalk.web.accounts.models import Profile, Role
from retrowalk.web.recordings.services import start_import
user = User.objects.create_user("walker", password="x")
client = Profile.objects.create(user=user, role=Role.CLIENT)
with open({archive!r}, "rb") as f:
    made, new = start_import(client, File(f, name="strava-export.zip"))
print(made.pk)
"""


def pg_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS retrowalk_killtest")
            conn.execute("CREATE DATABASE retrowalk_killtest")
    except Exception as err:
        return f"PostgreSQL is not reachable at {PG_SERVER} ({err})"
    return None


def querier(database_url: str) -> Callable[[str], list[tuple]]:
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")

        def sqlite_query(sql: str) -> list[tuple]:
            with sqlite3.connect(path, timeout=10) as conn:
                return conn.execute(sql).fetchall()
        return sqlite_query
    import psycopg

    def pg_query(sql: str) -> list[tuple]:
        with psycopg.connect(database_url, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []
    return pg_query


def admin(env: dict[str, str], *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "retrowalk-admin"), *args], env=env, capture_output=True, text=True,
                          check=True, timeout=120, **kw)


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


@needs_real
@pytest.mark.slow
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_worker_killed_mid_import_is_retried_and_imports_each_walk_once(database: str, tmp_path: Path) -> None:
    if database == "postgresql":
        why = pg_reachable()
        if why:
            pytest.skip(why)
        url = PG_SERVER.rsplit("/", 1)[0] + "/retrowalk_killtest"
    else:
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "RETROWALK_DATA_DIR": str(tmp_path), "RETROWALK_DEBUG": "0",
           "RETROWALK_HTTPS": "0", "RETROWALK_SECRET_KEY": secrets.token_urlsafe(40), "RETROWALK_TASKS": "database",
           "RETROWALK_IMPORT_PAUSE_S": "1.0", "RETROWALK_ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    query = querier(url)
    admin(env, "migrate", "--noinput", "-v0")
    archive = strava_archive(tmp_path / "strava.zip")  # three walks, a run and a ride
    job = int(admin(env, "shell", "-c", SEED.format(archive=str(archive))).stdout.split()[-1])
    walks = lambda: query("SELECT count(*) FROM recordings_recordedwalk")[0][0]  # noqa: E731
    status = lambda: query(f"SELECT status, attempts, walks_new, walks_known FROM recordings_import "  # noqa: E731
                           f"WHERE id = {job}")[0]

    worker = subprocess.Popen([str(BIN / "retrowalk-admin"), "db_worker", "--interval", "0.2", "--no-startup-delay"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: walks() >= 1, 60, "the first walk to be stored")
        os.killpg(worker.pid, signal.SIGKILL)  # the worker dies in the middle of the job
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert status()[0] == "running" and walks() < 3
    # Nothing of an unfinished import is shown (models.VISIBLE): its stored walk waits for the import's end.
    assert query("SELECT count(*) FROM recordings_recordedwalk WHERE shown")[0][0] == 0

    # Two minutes pass without a sign of life (set back rather than waited for); the periodic worker queues the
    # job again, and a new worker runs it.
    query(f"UPDATE recordings_import SET heartbeat_at = '2000-01-01 00:00:00' WHERE id = {job}")
    assert "1 stalled import(s) queued again" in admin(env, "frontdesk_worker", "--once").stdout
    again = subprocess.Popen([str(BIN / "retrowalk-admin"), "db_worker", "--interval", "0.2", "--no-startup-delay"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: status()[0] == "done", 90, "the retried import to finish")
    finally:
        os.killpg(again.pid, signal.SIGTERM)
        again.wait(timeout=30)
    _state, attempts, new, known = status()
    assert attempts == 2
    assert walks() == 3 and new + known == 3 and known >= 1  # the walk stored before the kill is not stored again
    assert query("SELECT count(DISTINCT fingerprint) FROM recordings_recordedwalk")[0][0] == 3
    assert query("SELECT count(*) FROM recordings_recordedwalk WHERE shown")[0][0] == 3  # shown once done


def redis_reachable(url: str) -> str | None:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as err:
        return f"Redis is not reachable at {url} ({err})"
    return None


@needs_real
@pytest.mark.slow
def test_the_production_queue_rq_on_redis_runs_the_same_job(tmp_path: Path) -> None:
    """RETROWALK_TASKS=rq: the job goes to Redis and an RQ worker (`retrowalk-admin rqworker`) runs it."""
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    why = redis_reachable(url)
    if why:
        pytest.skip(why)
    import redis

    redis.Redis.from_url(url).flushdb()
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": db, "RETROWALK_DATA_DIR": str(tmp_path), "RETROWALK_DEBUG": "0",
           "RETROWALK_HTTPS": "0", "RETROWALK_SECRET_KEY": secrets.token_urlsafe(40), "RETROWALK_TASKS": "rq",
           "REDIS_URL": url, "RETROWALK_ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    admin(env, "migrate", "--noinput", "-v0")
    archive = strava_archive(tmp_path / "strava.zip")
    job = int(admin(env, "shell", "-c", SEED.format(archive=str(archive))).stdout.split()[-1])
    assert redis.Redis.from_url(url).llen("rq:queue:default") == 1
    admin(env, "rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job")
    query = querier(db)
    assert query(f"SELECT status, walks_new FROM recordings_import WHERE id = {job}")[0] == ("done", 3)
    redis.Redis.from_url(url).flushdb()
