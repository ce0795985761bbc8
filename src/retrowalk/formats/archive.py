"""The walks in what people really have: single recordings, Garmin's "Export Your Data" archive and Strava's
bulk export (DOMAIN.md:94-96).

* Garmin: a zip whose ``DI_CONNECT/*Uploaded-Files*`` folder holds zips of FIT files, about 94 % of them
  monitoring and sleep. Each FIT's type is read from its first message (:func:`~retrowalk.formats.fit.file_type`),
  from the first bytes of the member only, so the monitoring files are never decoded.
* Strava: ``activities.csv`` (the activity type of each file) and ``activities/*.gpx|fit|tcx``, some gzipped,
  some with whitespace before ``<?xml``.

Nothing is written to disk and nothing is unpacked whole: members are streamed, each to at most the recording
limit. A zip bomb (a member unpacking to more than the limit, or far more than its packed size), a name that
points outside the archive, zips nested deeper than Garmin's two levels, and archives of absurd size are refused
with one sentence; one bad file inside is reported and the rest go on.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

import numpy as np

from retrowalk.core.i18n import _
from retrowalk.core.recording import Recording
from retrowalk.core.track import TrackError
from retrowalk.formats.fit import file_type, file_type_label, sport_label
from retrowalk.formats.read import MAX_FILE_BYTES, MAX_FILE_TEXT, recording_from_bytes

WALK_SPORTS = frozenset({"walking", "hiking"})
"""What counts as a walk in a FIT file's sport (its session or sport message)."""
STRAVA_WALKS = frozenset({"walk", "hike"})
"""…and in Strava's ``Activity Type`` column."""
MAX_MEMBERS = 200_000
"""More files than years of daily exports hold: an archive with more is not one of these."""
MAX_TOTAL_BYTES = 20 * 2**30
"""What the archive may unpack to in all, by its own directory (Garmin's largest exports are a few GiB)."""
MAX_RATIO = 200
"""A member may unpack to at most this many times its packed size (FIT and GPX pack 3-10×; zeros pack 1000×)."""
MAX_DEPTH = 2
"""Garmin nests one level: the export, then its zips of uploaded files."""
SPOOL_BYTES = 16 * 2**20
"""A nested zip up to this size stays in memory; a larger one goes to a temporary file."""
CHUNK_BYTES = 2**20
SNIFF_BYTES = 512
"""Enough of a member to tell a FIT's type from its first message."""
RECORDING_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")


class ArchiveError(ValueError):
    """The archive as a whole cannot be read; the message is one sentence."""


@dataclass(frozen=True, slots=True)
class Found:
    """One file of the archive: a walk, or why it was skipped."""

    name: str
    """Where it is inside the archive (``outer.zip/inner.zip/file.fit``)."""
    recording: Recording | None = None
    skipped: str = ""
    title: str = ""
    """The activity's name where the export gives one (Strava's CSV)."""


def fingerprint(recording: Recording) -> str:
    """The same walk from two exports (a FIT from Garmin, a GPX from Strava) gives the same key: its start, to
    the minute, and where it started, to about 100 m."""
    track = recording.track
    times = track.time_s[np.isfinite(track.time_s)]
    start = int(times.min() // 60) if len(times) else -1
    return f"{start}:{track.lat_deg[0]:.3f}:{track.lon_deg[0]:.3f}" if len(track) else f"{start}:-"


def scan(name: str, opener: Callable[[], IO[bytes]], progress: Callable[[int, int], None] | None = None
         ) -> Iterator[Found]:
    """Every walk in the file ``name`` (opened by ``opener``): a single recording, or a Garmin or Strava export.
    ``progress(done, total)`` is called as members are read. Raises :class:`ArchiveError` for an archive that
    cannot be read at all."""
    with opener() as stream:
        head = stream.read(4)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        with opener() as stream:
            yield from _zip(name, stream, 1, progress)
        return
    with opener() as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        yield Found(name, skipped=_("over %(limit)s; recordings are limited to that") % {"limit": MAX_FILE_TEXT})
        return
    yield _recording(name, data)


def _recording(name: str, data: bytes, strava_type: str | None = None, title: str = "") -> Found:
    try:
        recording = recording_from_bytes(data, PurePosixPath(name).name)
    except TrackError as err:
        return Found(name, skipped=str(err))
    if strava_type is not None:
        if strava_type.lower() not in STRAVA_WALKS:
            # Translators: %(type)s is the activity type as Strava's list names it ("ride", "run"…), untranslated.
            return Found(name, skipped=_("a %(type)s in Strava's list, not a walk") % {"type": strava_type.lower()})
    elif recording.sport and recording.sport not in WALK_SPORTS:
        return Found(name, skipped=_("a %(sport)s activity, not a walk") % {"sport": sport_label(recording.sport)})
    return Found(name, recording, title=title)


def _zip(name: str, stream: IO[bytes], depth: int, progress: Callable[[int, int], None] | None) -> Iterator[Found]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise ArchiveError(_("%(name)s is not a zip archive that can be read (%(error)s)")
                           % {"name": name, "error": err}) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        _refuse_the_whole(name, members)
        strava = _strava_types(name, archive)
        total = len(members)
        for done, member in enumerate(members, 1):
            if progress is not None:
                progress(done, total)
            inner = f"{name}/{member.filename}"
            lower = member.filename.lower()
            if lower.endswith(".zip"):
                if depth >= MAX_DEPTH:
                    yield Found(inner, skipped=_("a zip inside a zip inside a zip: more than Garmin's %(levels)s "
                                                 "levels, not read") % {"levels": MAX_DEPTH})
                    continue
                try:
                    # zipfile needs to seek: a nested zip goes to a temporary file (memory only while small), so
                    # a gigabyte of uploaded files costs disk, not memory.
                    with archive.open(member) as nested, tempfile.SpooledTemporaryFile(SPOOL_BYTES) as spool:
                        _copy(member, nested, spool)
                        spool.seek(0)
                        yield from _zip(inner, spool, depth + 1, progress)
                except (ArchiveError, zipfile.BadZipFile, OSError, EOFError) as err:
                    yield Found(inner, skipped=str(err))
                continue
            if not lower.endswith(RECORDING_SUFFIXES):
                continue  # the export's JSON, CSV and pictures: not recordings, not worth a line each
            try:
                with archive.open(member) as f:
                    if lower.endswith(".fit"):
                        kind = file_type(f.read(SNIFF_BYTES))
                        if kind and kind != "activity":
                            yield Found(inner, skipped=_("%(kind)s, not an activity")
                                        % {"kind": file_type_label(kind)})
                            continue
                    with archive.open(member) as whole:
                        data = _read_member(archive, member, whole)
            except (ArchiveError, zipfile.BadZipFile, OSError, EOFError, RuntimeError) as err:
                yield Found(inner, skipped=str(err))
                continue
            key = _strava_key(member.filename)
            if strava is not None and key in strava:
                kind, title = strava[key]
                yield _recording(inner, data, kind, title)
            else:
                yield _recording(inner, data)


def _refuse_the_whole(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise ArchiveError(_("%(name)s holds %(n)s files, more than any export (%(most)s); refused")
                           % {"name": name, "n": f"{len(members):,}", "most": f"{MAX_MEMBERS:,}"})
    for m in members:
        path = PurePosixPath(m.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
            raise ArchiveError(_("%(name)s names a file outside itself (%(file)s); refused as unsafe")
                               % {"name": name, "file": m.filename})
    if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
        raise ArchiveError(_("%(name)s says it unpacks to %(size)s GiB, more than %(most)s GiB; refused")
                           % {"name": name, "size": f"{sum(m.file_size for m in members) / 2**30:.0f}",
                              "most": MAX_TOTAL_BYTES // 2**30})


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, f: IO[bytes],
                 limit: int = MAX_FILE_BYTES) -> bytes:
    """A member's bytes, read no further than ``limit`` or its ratio allows, whatever its header claims."""
    allowed = min(limit, max(MAX_RATIO * member.compress_size, 2**20))
    data = f.read(allowed + 1)
    if len(data) > allowed:
        words = {"name": PurePosixPath(member.filename).name, "most": limit // 2**20}
        if allowed < limit:
            raise ArchiveError(_("%(name)s unpacks to more than its packed size allows (a zip bomb); not read") % words)
        raise ArchiveError(_("%(name)s unpacks to over %(most)s MiB; not read") % words)
    return data


def _copy(member: zipfile.ZipInfo, source: IO[bytes], target: IO[bytes]) -> None:
    """A nested zip copied out in chunks, no larger than the ratio and the archive limit allow."""
    allowed = min(MAX_TOTAL_BYTES, max(MAX_RATIO * member.compress_size, 2**20))
    copied = 0
    while chunk := source.read(CHUNK_BYTES):
        copied += len(chunk)
        if copied > allowed:
            raise ArchiveError(_("%(name)s unpacks to more than its packed size allows (a zip bomb); not read")
                               % {"name": PurePosixPath(member.filename).name})
        target.write(chunk)


def _strava_key(filename: str) -> str:
    """``activities/123.gpx.gz`` and the CSV's ``activities/123.gpx.gz`` agree; so do their stems."""
    return filename.lstrip("./").split("/", 1)[-1].lower() if "activities/" in filename.lower() else ""


def _strava_types(name: str, archive: zipfile.ZipFile) -> dict[str, tuple[str, str]] | None:
    """Strava's ``activities.csv``: each file's activity type and name, by its file name; None for an archive
    that is not Strava's."""
    csv_name = next((n for n in archive.namelist() if n.lower().rstrip("/").endswith("activities.csv")
                     and n.count("/") <= 1), None)
    if csv_name is None:
        return None
    info = archive.getinfo(csv_name)
    with archive.open(info) as f:
        text = _read_member(archive, info, f).decode("utf-8-sig", errors="replace")
    out: dict[str, tuple[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        filename = (row.get("Filename") or "").strip()
        if filename:
            out[_strava_key(filename)] = ((row.get("Activity Type") or "").strip(),
                                          (row.get("Activity Name") or "").strip())
    if not out:
        raise ArchiveError(_("%(name)s: its activities.csv lists no files (no Filename column)") % {"name": name})
    return out
