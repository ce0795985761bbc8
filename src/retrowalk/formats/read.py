"""One entry point for route files: size limit, format detection, and the reader for it."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from retrowalk.core.i18n import _
from retrowalk.core.recording import Recording, plain
from retrowalk.core.track import Track, TrackError
from retrowalk.formats.cadence import xml_cadence
from retrowalk.formats.fit import read_fit, read_fit_recording
from retrowalk.formats.gpx import read_gpx
from retrowalk.formats.tcx import read_tcx

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Issue 3: refuse files over 50 MiB (a day's 1 Hz recording is a few MiB)."""
MAX_FILE_TEXT = "50 MiB"


def too_big(name: str, size: int) -> str:
    """The refusal for a file over the limit, in the same binary units as the limit."""
    return (_("%(name)s is %(size)s MiB; route files are limited to %(limit)s")
            % {"name": name, "size": f"{size / 2**20:.0f}", "limit": MAX_FILE_TEXT})

# The first element that is not a declaration, comment or processing instruction: the XML root's name.
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)

SUFFIXES: dict[str, Callable[[bytes, str], Track]] = {".gpx": read_gpx, ".tcx": read_tcx, ".fit": read_fit}


def read_track(path: str | Path, times: bool = True) -> Track:
    """The walk in ``path``. ``times=False`` may skip reading clock times where that is costly (GPX)."""
    path = Path(path)
    return read_bytes(_file_bytes(path, _("give a .gpx, .tcx or .fit file")), path.name, times)


def _file_bytes(path: Path, instead_of_folder: str) -> bytes:
    """A route or recording file's bytes, refused in one sentence when missing, a folder, unreadable or over the
    size limit (checked before reading)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise TrackError(_("%(path)s: no such file") % {"path": path}) from None
    except OSError as err:
        raise TrackError(_("%(path)s: cannot be read (%(why)s)") % {"path": path, "why": err.strerror}) from None
    if path.is_dir():
        # Translators: %(instead)s is what to give instead, as in "give a .gpx, .tcx or .fit file".
        raise TrackError(_("%(path)s is a folder; %(instead)s") % {"path": path, "instead": instead_of_folder})
    if size > MAX_FILE_BYTES:
        raise TrackError(too_big(path.name, size))
    try:
        return path.read_bytes()
    except OSError as err:
        raise TrackError(_("%(path)s: cannot be read (%(why)s)") % {"path": path, "why": err.strerror}) from None


@contextmanager
def _no_gc() -> Iterator[None]:
    """Readers make tens of thousands of short-lived strings and no reference cycles; letting the cyclic
    collector scan the heap again and again meanwhile costs a fifth of a read (bench/run.py). It runs after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_bytes(data: bytes, name: str, times: bool = True) -> Track:
    """Read ``data``, by its content first and its file name second (a .gpx that is really a FIT still reads)."""
    with _no_gc():
        return _read_bytes(data, name, times)


def _utf8(data: bytes) -> bytes:
    """XML in UTF-16 (a byte-order mark; some Windows tools write it) as UTF-8, its declaration to match, so
    that sniffing the root and the fast readers see one encoding."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[2:].decode(codec)
            except UnicodeDecodeError:
                raise TrackError(_("the file says it is UTF-16 text but is not")) from None
            return re.sub(r"^(<\?xml[^>]*?encoding=)([\"'])[^\"']*\2", r"\1\2UTF-8\2", text, count=1).encode()
    return data


def _read_bytes(data: bytes, name: str, times: bool) -> Track:
    if len(data) > MAX_FILE_BYTES:
        raise TrackError(too_big(name, len(data)))
    if data.startswith(GZIP_MAGIC):  # walk.gpx.gz, as Strava's and Garmin's exports hold them
        data = gunzip(data, name)
        name = name.removesuffix(".gz").removesuffix(".GZ")
    if len(data) >= 12 and data[8:12] == b".FIT":
        return read_fit(data, name)
    data = _utf8(data)
    root = _ROOT_TAG.search(_COMMENT.sub(b"", data[:8192]))
    if root is not None:
        local = root.group(1).rsplit(b":", 1)[-1]
        if local == b"TrainingCenterDatabase":
            return read_tcx(data, name)
        if local == b"gpx":
            return read_gpx(data, name, times)
    if not data.strip():
        raise TrackError(_("%(name)s is empty") % {"name": name})
    reader = SUFFIXES.get(Path(name).suffix.lower())
    if reader is not None and (reader is read_fit or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")):
        return reader(data, name)  # the reader names what is wrong inside the file (times: GPX only)
    raise TrackError(_("%(name)s is not a GPX, TCX or FIT file") % {"name": name})


GZIP_MAGIC = b"\x1f\x8b"


def gunzip(data: bytes, name: str) -> bytes:
    """A gzipped file's contents, refused when they would be over the size limit (a "gzip bomb" expands a few
    kilobytes into gigabytes: it is read only as far as the limit, never whole)."""
    import zlib

    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_FILE_BYTES + 1)
    except zlib.error:
        raise TrackError(_("%(name)s says it is gzipped but cannot be unpacked (damaged or cut short)")
                         % {"name": name}) from None
    if len(out) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        raise TrackError(_("%(name)s unpacks to more than %(limit)s; recordings are limited to that")
                         % {"name": name, "limit": MAX_FILE_TEXT})
    if not inflater.eof:
        raise TrackError(_("%(name)s says it is gzipped but cannot be unpacked (damaged or cut short)")
                         % {"name": name})
    return out


def read_recording(path: str | Path) -> Recording:
    """A recorded walk from a file (FIT, GPX or TCX, gzipped or not): the track, and where the file has them
    the cadence, speed and laps a review reads (DOMAIN.md §6)."""
    path = Path(path)
    return recording_from_bytes(_file_bytes(path, _("give a .fit, .gpx or .tcx recording (gzipped is fine)")),
                                path.name)


def recording_from_bytes(data: bytes, name: str) -> Recording:
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data, name)
        name = name.removesuffix(".gz").removesuffix(".GZ")
    if len(data) >= 12 and data[8:12] == b".FIT":
        with _no_gc():
            return read_fit_recording(data, name)
    data = data.lstrip(b" \t\r\n")
    track = read_bytes(data, name)
    recording = plain(track)
    cadence = xml_cadence(_utf8(data), len(track))
    if np.isfinite(cadence).any():
        recording = Recording(track, cadence, recording.speed_ms)
    return recording
