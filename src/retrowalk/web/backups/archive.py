"""Backups that restore: the database (SQLite's online backup, or pg_dump) and the uploaded files in one
``.tar.gz`` with a manifest of checksums; restored into an empty studio on another machine, checked first.

A backup is consistent for the database (one snapshot) and the files are copied after it: a file uploaded
meanwhile is in the archive without its row (harmless), a file deleted meanwhile is listed as missing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from retrowalk import __version__

FORMAT = 1
MANIFEST = "MANIFEST.json"
MEDIA = "media"


class BackupError(Exception):
    """One sentence saying what is wrong and what to do."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups know SQLite and PostgreSQL; this database is {vendor}")
    return vendor


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore's connection options from Django's settings (the password in the environment)."""
    db = settings.DATABASES["default"]
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install PostgreSQL's client tools (Debian: "
                          "postgresql-client) of the server's version")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{what} failed: {last}")


def _dump_database(into: Path) -> str:
    """The database's consistent copy at ``into``; its file name in the archive."""
    if engine() == "sqlite":
        name = Path(str(settings.DATABASES["default"]["NAME"]))
        target = into / "db.sqlite3"
        source = sqlite3.connect(f"file:{name}?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(target)
            with dest:
                source.backup(dest)  # SQLite's online backup: one snapshot, while the studio goes on writing
            dest.close()
        finally:
            source.close()
        return target.name
    args, env = _pg_env()
    target = into / "db.pgdump"
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env,
         "pg_dump")
    return target.name


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def backup(out: Path, progress: Callable[[str], None] = lambda _line: None) -> dict[str, Any]:
    """Write the backup to ``out`` (a ``.tar.gz``, written whole or not at all); returns its manifest."""
    out = Path(out)
    if not out.parent.is_dir():
        raise BackupError(f"cannot write {out}: the folder {out.parent} does not exist")
    media_root = Path(settings.MEDIA_ROOT)
    migrations = {app: name for app, name in MigrationRecorder.Migration.objects.order_by("applied")
                  .values_list("app", "name")}
    with tempfile.TemporaryDirectory(dir=out.parent) as work:
        folder = Path(work)
        progress("copying the database…")
        db_name = _dump_database(folder)
        files: dict[str, dict[str, Any]] = {}
        partial = folder / "partial.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / db_name, arcname=db_name)
            listed = list(_media_files(media_root))
            progress(f"copying {len(listed)} uploaded files…")
            missing = []
            for path in listed:
                rel = path.relative_to(media_root).as_posix()
                try:
                    files[rel] = {"size": path.stat().st_size, "sha256": _sha256(path)}
                    tar.add(path, arcname=f"{MEDIA}/{rel}")
                except FileNotFoundError:  # deleted since it was listed
                    missing.append(rel)
            manifest = {"format": FORMAT, "made": datetime.now(UTC).isoformat(), "retrowalk": __version__,
                        "engine": engine(), "database": db_name, "database_sha256": _sha256(folder / db_name),
                        "migrations": migrations, "files": files, "missing": missing}
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, out)
    return manifest


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.load(member)
    except FileNotFoundError:
        raise BackupError(f"{archive}: no such file") from None
    except (tarfile.TarError, KeyError, json.JSONDecodeError, EOFError, OSError):
        raise BackupError(f"{archive.name} is not a retrowalk backup, or it is damaged or cut short (no readable "
                          f"{MANIFEST} inside): give a whole file `retrowalk-admin backup` wrote") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive.name} is a backup in format {manifest.get('format')}; this retrowalk reads "
                          f"format {FORMAT}")
    return manifest


def _holds_a_studio() -> int:
    """How many people the database here already holds (0 for an empty or new one)."""
    tables = connection.introspection.table_names()
    if "auth_user" not in tables:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM auth_user")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _unpack(archive: Path, manifest: dict[str, Any], into: Path, progress: Callable[[str], None]) -> None:
    """Every member into ``into``, each checked against the manifest before anything is put in place."""
    wanted = {manifest["database"]: manifest["database_sha256"]} | \
        {f"{MEDIA}/{rel}": meta["sha256"] for rel, meta in manifest["files"].items()}
    progress(f"checking {len(wanted)} files against the backup's checksums…")
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                rel = PurePosixPath(member.name)
                if member.name not in wanted or rel.is_absolute() or ".." in rel.parts or not member.isfile():
                    raise BackupError(f"{archive.name} holds {member.name!r}, which its manifest does not list: "
                                      "it is not a backup as retrowalk wrote it")
                tar.extract(member, into, filter="data")
                if _sha256(into / member.name) != wanted.pop(member.name):
                    raise BackupError(f"{archive.name} is damaged: {member.name} does not match its checksum; use "
                                      "another backup")
    except (tarfile.TarError, EOFError, OSError) as err:
        raise BackupError(f"{archive.name} is damaged or cut short ({err}); use another backup") from None
    if wanted:
        raise BackupError(f"{archive.name} is damaged or cut short: {len(wanted)} files its manifest lists are "
                          f"missing (the first: {next(iter(wanted))}); use another backup")


def check(archive: Path, progress: Callable[[str], None] = lambda _line: None) -> dict[str, Any]:
    """Read the backup whole and compare every checksum, changing nothing; its manifest."""
    manifest = read_manifest(Path(archive))
    with tempfile.TemporaryDirectory() as work:
        _unpack(Path(archive), manifest, Path(work), progress)
    return manifest


def restore(archive: Path, replace: bool = False,
            progress: Callable[[str], None] = lambda _line: None) -> dict[str, Any]:
    """Bring a backup back into this (empty) studio: database and uploaded files. Checked whole before anything
    is written; an occupied studio is refused unless ``replace``."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    here = engine()
    if manifest["engine"] != here:
        raise BackupError(f"{archive.name} is a {manifest['engine']} backup and this studio runs on {here}: restore "
                          f"it into {manifest['engine']} (set DATABASE_URL), then move studios with dumpdata")
    people = _holds_a_studio()
    if people and not replace:
        raise BackupError(f"this studio's database already holds {people} people: restore into an empty one, or "
                          "give --replace to overwrite it with the backup")
    media_root = Path(settings.MEDIA_ROOT)
    if not replace and any(_media_files(media_root)):
        raise BackupError(f"{media_root} already holds files: restore into an empty folder, or give --replace")
    work_parent = media_root.parent
    work_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_parent) as work:
        folder = Path(work)
        _unpack(archive, manifest, folder, progress)
        progress("restoring the database…")
        connection.close()
        if here == "sqlite":
            name = Path(str(settings.DATABASES["default"]["NAME"]))
            name.parent.mkdir(parents=True, exist_ok=True)
            for stale in (Path(f"{name}-wal"), Path(f"{name}-shm")):
                stale.unlink(missing_ok=True)
            os.replace(folder / manifest["database"], name)
        else:
            args, env = _pg_env()
            _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction",
                  *args, str(folder / manifest["database"])], env, "pg_restore")
        progress(f"restoring {len(manifest['files'])} uploaded files…")
        if replace and media_root.exists():
            shutil.rmtree(media_root)
        media_root.mkdir(parents=True, exist_ok=True)
        unpacked = folder / MEDIA
        if unpacked.is_dir():
            for path in unpacked.rglob("*"):
                if path.is_file():
                    target = media_root / path.relative_to(unpacked)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, target)
    return manifest
