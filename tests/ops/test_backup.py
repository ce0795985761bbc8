"""Backups that restore (issue 16): a studio with data is backed up, restored into an empty one as on a fresh
machine, and the two are compared: the same rows, the same files, the same pages. On SQLite always; on
PostgreSQL (pg_dump, pg_restore) when its server is reachable. Each studio runs in its own processes, as the
commands do for real."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("RETROWALK_PG_SERVER", "postgres://postgres@127.0.0.1:5432/postgres")
DUMP = ["dumpdata", "--natural-foreign", "--exclude", "contenttypes", "--exclude", "auth.permission",
        "--exclude", "sessions", "--exclude", "admin.logentry", "--indent", "1"]


def admin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "retrowalk.web.manage", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=600)


def studio_env(tmp: Path, name: str, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["RETROWALK_DATA_DIR"] = str(tmp / name)
    env["RETROWALK_ALLOWED_HOSTS"] = "localhost"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def pages(env: dict[str, str]) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-m", "tests.ops.pages_digest"], env=env, cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=600)
    return json.loads(done.stdout)


def media_files(env: dict[str, str]) -> dict[str, bytes]:
    root = Path(env["RETROWALK_DATA_DIR"]) / "media"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def made(env: dict[str, str]) -> None:
    for step in (["migrate", "-v0"], ["demo", "--quiet-logins"]):
        done = admin(env, *step)
        assert done.returncode == 0, done.stderr


def round_trip(tmp: Path, url_a: str | None, url_b: str | None) -> Path:
    a, b = studio_env(tmp, "a", url_a), studio_env(tmp, "b", url_b)
    made(a)
    archive = tmp / "studio.tar.gz"
    done = admin(a, "backup", "-o", str(archive))
    assert done.returncode == 0, done.stderr
    assert "Backup written" in done.stdout and archive.stat().st_size > 1000
    checked = admin(a, "restore", str(archive), "--check")
    assert checked.returncode == 0 and "is whole" in checked.stdout, checked.stderr
    # Restored on a "fresh machine": its data folder does not even exist yet.
    assert not Path(b["RETROWALK_DATA_DIR"]).exists()
    done = admin(b, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    rows = admin(a, *DUMP).stdout
    assert rows == admin(b, *DUMP).stdout and '"model": "walks.route"' in rows, "the same rows"
    assert media_files(a) == media_files(b) and media_files(a), "the same files"
    served_a, served_b = pages(a), pages(b)
    assert served_a == served_b, "the same pages"
    assert sum(v.startswith("200 ") for v in served_a.values()) >= 12
    # A second restore into the now occupied studio is refused, and changes nothing (the pages' logins did).
    rows = admin(b, *DUMP).stdout
    again = admin(b, "restore", str(archive))
    assert again.returncode == 2 and "already holds" in again.stderr and len(again.stderr.strip().splitlines()) <= 4
    assert admin(b, *DUMP).stdout == rows
    return archive


@pytest.mark.slow
def test_a_sqlite_studio_backs_up_and_restores_the_same_and_a_bad_backup_is_refused(tmp_path: Path) -> None:
    refuses_bad_backups(tmp_path, round_trip(tmp_path, None, None))


def _postgres() -> str | None:
    """Why PostgreSQL cannot be used here, or None."""
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        return "pg_dump or pg_restore is not installed (Debian: postgresql-client)"
    try:
        import psycopg

        psycopg.connect(PG_SERVER, connect_timeout=3).close()
    except Exception as err:
        return f"PostgreSQL is not reachable at {PG_SERVER} ({type(err).__name__})"
    return None


@pytest.mark.slow
@pytest.mark.skipif(_postgres() is not None, reason=_postgres() or "")
def test_a_postgresql_studio_backs_up_and_restores_the_same(tmp_path: Path) -> None:
    import psycopg

    names = [f"retrowalk_backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("a", "b")]
    base = PG_SERVER.rsplit("/", 1)[0]
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        round_trip(tmp_path, f"{base}/{names[0]}", f"{base}/{names[1]}")
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def refuses_bad_backups(tmp_path: Path, archive: Path) -> None:
    """A damaged, missing or foreign archive is refused in one sentence, before anything is written."""
    # The same archive with one uploaded file's bytes changed: its checksum no longer matches.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isfile() else None  # type: ignore[union-attr]
            if data is not None and member.name.startswith("media/"):
                data = data.replace(b"<trkpt", b"<trkPT", 1)
            if data is not None:
                dst.addfile(member, io.BytesIO(data))
    fresh = studio_env(tmp_path, "fresh", None)
    for bad, words in ((damaged, "does not match its checksum"), (tmp_path / "nothing.tar.gz", "no such file"),
                       (ROOT / "README.md", "not a retrowalk backup")):
        done = admin(fresh, "restore", str(bad))
        assert done.returncode == 2, done.stderr
        assert words in done.stderr and "Traceback" not in done.stderr
    # Refused before anything was written: the fresh studio has no database and no files.
    data = Path(fresh["RETROWALK_DATA_DIR"])
    assert not (data / "media").exists() or not any((data / "media").rglob("*.gpx"))
    db = data / "retrowalk.sqlite3"
    if db.exists():  # Django's checks open it, empty
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == []
    # A backup of SQLite does not go into PostgreSQL (nor the other way): said, not attempted.
    if _postgres() is None:
        done = admin(studio_env(tmp_path, "c", PG_SERVER), "restore", str(archive), "--replace")
        assert done.returncode == 2 and "sqlite backup" in done.stderr
