"""FIT activity and course files: the ``record`` messages' positions, altitudes and timestamps.

Why our own decoder: Garmin's official ``garmin-fit-sdk`` decodes every field of every message and takes about
7 s for a 45,805-record file; ``fitdecode`` takes longer still. A walk needs five fields of one message, so
this reader compiles one ``struct`` format per definition message that skips everything else, and is tested
field for field against the official SDK on every FIT file in ``shared/data/real``
(``tests/formats/test_fit.py``). The FIT protocol is Garmin's "FIT Protocol" document (file header, record
headers, definition and data messages, compressed timestamps) and its Profile.xlsx (message and field numbers).

Damage: every file's CRCs are checked, as the SDK checks them. A file that fails is read only as far as its data
makes sense (reserved bits, base types, lengths, positions on the globe; then the first fix the walk cannot have
made, :func:`~retrowalk.core.walk.trusted_fixes`), and the track says what was kept (:class:`Damage`). Read on
blindly, one deleted byte shifts every later message into records that were never made.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

import crcmod.predefined
import numpy as np

from retrowalk.core.i18n import _, gettext_noop
from retrowalk.core.recording import Lap, Recording
from retrowalk.core.track import Damage, Track, TrackError
from retrowalk.core.walk import clock_trusted, trusted_fixes

# Profile.xlsx numbers.
MESG_FILE_ID = 0
MESG_SPORT = 12
MESG_SESSION = 18
MESG_LAP = 19
MESG_RECORD = 20
MESG_WORKOUT_STEP = 27
FIELD_TIMESTAMP = 253
FIELD_MESSAGE_INDEX = 254
FILE_ID_TYPE = 0
# Translators: what a FIT file holds, as in "this FIT file holds sleep, not a walk" and "monitoring, not an
# activity".
FILE_TYPES = {4: gettext_noop("activity"), 5: gettext_noop("workout"), 6: gettext_noop("course"),
              1: gettext_noop("device"), 2: gettext_noop("settings"), 3: gettext_noop("sport settings"),
              32: gettext_noop("monitoring"), 49: gettext_noop("sleep"), 28: gettext_noop("monitoring daily"),
              15: gettext_noop("monitoring")}
"""The FIT profile's file types: codes (compared, returned by :func:`file_type`) and, marked for the catalogue,
words: :func:`file_type_label` translates one."""
RECORD_FIELDS = {0: "lat", 1: "lon", 2: "altitude", 4: "cadence", 6: "speed", 73: "enhanced_speed",
                 78: "enhanced_altitude", FIELD_TIMESTAMP: "timestamp"}
LAP_FIELDS = {2: "start_time", 7: "total_elapsed_time", 71: "wkt_step_index", FIELD_TIMESTAMP: "timestamp"}
STEP_FIELDS = {0: "wkt_step_name", FIELD_MESSAGE_INDEX: "message_index"}
SPORT_FIELDS = {0: "sport", 1: "sub_sport"}
SESSION_FIELDS = {5: "sport", 6: "sub_sport"}
WANTED = {MESG_RECORD: RECORD_FIELDS, MESG_FILE_ID: {FILE_ID_TYPE: "type"}, MESG_LAP: LAP_FIELDS,
          MESG_WORKOUT_STEP: STEP_FIELDS, MESG_SPORT: SPORT_FIELDS, MESG_SESSION: SESSION_FIELDS}
# Translators: a recording's sport, as in "a running activity, not a walk".
SPORTS = {0: gettext_noop("generic"), 1: gettext_noop("running"), 2: gettext_noop("cycling"),
          4: gettext_noop("fitness equipment"), 5: gettext_noop("swimming"), 11: gettext_noop("walking"),
          17: gettext_noop("hiking"), 15: gettext_noop("rowing")}
"""The FIT profile's sports: codes (:attr:`Recording.sport`) and, marked for the catalogue, words:
:func:`sport_label` translates one."""
INDOOR_SUB_SPORTS = {1, 13, 14, 26}  # treadmill, indoor cycling, indoor rowing, indoor walking
SPEED_SCALE = 1000.0  # speed and enhanced_speed: m/s = raw / 1000
TIME_SCALE = 1000.0  # total_elapsed_time: s = raw / 1000

SEMICIRCLE_DEG = 180.0 / 2**31
SEMICIRCLES_90 = 2**30
FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z in Unix seconds
ALTITUDE_SCALE, ALTITUDE_OFFSET = 5.0, 500.0  # altitude and enhanced_altitude: m = raw / 5 - 500

# Struct code and "invalid" value of each integer base type, by base type number (the low 5 bits of the
# base type byte; bit 7 only says whether the type has an endianness). FIT Protocol, base type table.
_BASE = {
    0x00: ("B", 0xFF), 0x01: ("b", 0x7F), 0x02: ("B", 0xFF), 0x03: ("h", 0x7FFF), 0x04: ("H", 0xFFFF),
    0x05: ("i", 0x7FFFFFFF), 0x06: ("I", 0xFFFFFFFF), 0x0A: ("B", 0x00), 0x0B: ("H", 0x0000),
    0x0C: ("I", 0x00000000), 0x0D: ("B", 0xFF),
}
STRING = 0x07



# Every base type byte FIT defines and the size of one value of it (FIT Protocol, base type table).
MULTI_BYTE = {0x03, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0B, 0x0C, 0x0E, 0x0F, 0x10}
"""Base types of more than one byte: the SDK masks a base type to its low five bits, so these may be written with
or without the endian-capable bit (0x80) and are the same type."""
BASE_SIZES = {0x00: 1, 0x01: 1, 0x02: 1, 0x83: 2, 0x84: 2, 0x85: 4, 0x86: 4, 0x07: 1, 0x88: 4, 0x89: 8, 0x0A: 1,
              0x8B: 2, 0x8C: 4, 0x0D: 1, 0x8E: 8, 0x8F: 8, 0x90: 8}

_crc16 = crcmod.predefined.mkPredefinedCrcFun("crc-16")
"""FIT's CRC is CRC-16/ARC (polynomial 0x8005, reflected, from 0): crcmod-plus computes it in C."""


@dataclass(frozen=True, slots=True)
class _Definition:
    global_num: int
    size: int
    unpack: struct.Struct | None
    """Unpacks only the fields we want, in ``fields`` order; ``None`` for messages we skip."""
    fields: tuple[tuple[str, int], ...]
    """(name, invalid value) of each unpacked field."""
    has_timestamp: bool


def read_fit(data: bytes, name: str = "") -> Track:
    return _read(data, name)[0]


def read_fit_recording(data: bytes, name: str = "") -> Recording:
    """The walk and what the watch added: cadence, speed, laps (with the workout step each was on), the workout's
    step names and the sport (DOMAIN.md §6)."""
    track, out = _read(data, name)
    n = len(track)
    laps = tuple(Lap(float(lap["start_time"]) + FIT_EPOCH_S, float(lap["end"]) + FIT_EPOCH_S,
                     None if lap.get("wkt_step_index") is None else int(lap["wkt_step_index"]))
                 for lap in out.laps if "start_time" in lap and "end" in lap)
    sport, sub = out.sport
    return Recording(track, np.asarray(out.cad[:n], dtype=np.float64), np.asarray(out.spd[:n], dtype=np.float64),
                     laps, dict(out.steps), SPORTS.get(sport, "") if sport is not None else "",
                     sub in INDOOR_SUB_SPORTS if sub is not None else False)


def file_type_label(kind: str) -> str:
    """What :func:`file_type` says a file holds, in the active language."""
    if kind in FILE_TYPES.values():
        return _(kind)
    if kind.startswith("type "):
        return _("type %(number)s") % {"number": kind.removeprefix("type ")}
    return kind


def sport_label(sport: str) -> str:
    """A :data:`SPORTS` value in the active language (anything else as it is)."""
    return _(sport) if sport in SPORTS.values() else sport


def file_type(data: bytes) -> str:
    """What a FIT file holds, from its first message (``activity``, ``monitoring``, ``sleep``…), without
    decoding the rest: about 94 % of a Garmin archive is monitoring and sleep (DOMAIN.md §6). Empty when the
    data is not a FIT file or its first message is not a readable File Id."""
    if len(data) < 12 or data[8:12] != b".FIT":
        return ""
    start = data[0]
    pos = start
    header = data[pos] if pos < len(data) else 0
    if not header & 0x40:
        return ""
    definition = _define(data, pos + 1, len(data), header, strict=False)
    if definition is None or definition[0].global_num != MESG_FILE_ID or definition[0].unpack is None:
        return ""
    found, pos = definition
    unpack = found.unpack
    if unpack is None or pos + 1 + found.size > len(data):
        return ""
    if data[pos] & 0x80 or data[pos] & 0x0F != header & 0x0F:  # the next message is not this File Id's data
        return ""
    values = dict(zip((f for f, _unpack in found.fields), unpack.unpack_from(data, pos + 1), strict=True))
    kind = values.get("type")
    return FILE_TYPES.get(int(kind), f"type {kind}") if isinstance(kind, int) else ""


def _read(data: bytes, name: str) -> tuple[Track, _Records]:
    if len(data) == 0:
        raise TrackError(_("the file is empty"))
    if len(data) < 12 or data[8:12] != b".FIT":
        raise TrackError(_("this is not a FIT file (no .FIT signature in its header)"))
    out = _Records()
    pos = 0
    checksum_failed = cut = False
    expected_bytes = decoded_bytes = 0
    while pos + 12 <= len(data) and data[pos + 8:pos + 12] == b".FIT":
        header_size = data[pos]
        (data_size,) = struct.unpack_from("<I", data, pos + 4)
        start = pos + header_size
        end = start + data_size
        expected_bytes += data_size
        whole = _checksums_hold(data, pos, header_size, end)
        checksum_failed |= not whole
        if header_size < 12 or end + 2 > len(data):
            cut = True  # the file ends before its stated length (or the length itself is damaged)
        out.piece_at.append((start, decoded_bytes))
        # A file whose checksum holds is as its writer made it: read as leniently as Garmin's SDK reads it. One
        # that fails is read strictly: anything no encoder writes means the bytes are no longer in step.
        stop = _decode(data, start, min(end, len(data)), out, strict=not whole)
        decoded_bytes += stop - start
        if stop < min(end, len(data)) or cut:
            cut = True
            break
        pos = end + 2  # past the file CRC
        out.piece += 1
    else:
        # Bytes after the last whole file: padding zeros are harmless; anything else is a file we cannot read.
        if pos < len(data) and any(data[pos:]):
            cut = True
    if not out.lat:
        kind = FILE_TYPES.get(out.file_types[0], "") if out.file_types else ""
        if kind == "workout":
            raise TrackError(_("this FIT file is a workout, not a walk: it has steps but no positions"))
        if kind and kind not in ("activity", "course"):
            raise TrackError(_("this FIT file holds %(kind)s, not a walk: it has no positions")
                             % {"kind": file_type_label(kind)})
        if checksum_failed or cut:
            raise TrackError(_("this FIT file is damaged before its first recorded position; nothing could be read"))
        raise TrackError(_("this FIT file has no recorded positions (an indoor session, or a watch without GPS)"))
    damage = None
    if checksum_failed or cut:
        # Decoding lost step somewhere: the bytes just before it may already be shifted ones that happened to
        # make sense. Where the damage starts can then only be told from what it decodes into: the first fix
        # the walk cannot have reached. That and everything after it go. A file that decoded to its end with
        # only its checksum wrong is trusted until its clock runs back (records swapped or repeated): a GPS
        # jump in it is the walk's, for walked() to judge.
        track = Track(np.asarray(out.lat) * SEMICIRCLE_DEG, np.asarray(out.lon) * SEMICIRCLE_DEG,
                      np.asarray(out.ele, dtype=np.float64), np.asarray(out.ts, dtype=np.float64),
                      np.asarray(out.seg, dtype=np.int64), name)
        trusted = trusted_fixes(track) if cut else clock_trusted(track)
        if trusted < len(out.lat):
            cut = True
            start, before = out.piece_at[out.seg[trusted]]
            decoded_bytes = before + out.at[trusted] - start
            for column in (out.lat, out.lon, out.ele, out.ts, out.seg, out.at, out.cad, out.spd):
                del column[trusted:]
    if checksum_failed or cut:
        # How much was read is told by the file's own stated length: records with a position are not spread
        # evenly through it (a ride's first minutes may wait for GPS), bytes are.
        share = min(1.0, decoded_bytes / max(expected_bytes, 1)) if cut else 1.0
        damage = Damage(len(out.lat), share, checksum_failed, cut)
    return Track(np.asarray(out.lat) * SEMICIRCLE_DEG, np.asarray(out.lon) * SEMICIRCLE_DEG,
                 np.asarray(out.ele, dtype=np.float64), np.asarray(out.ts, dtype=np.float64),
                 np.asarray(out.seg, dtype=np.int64), name, (), damage), out


def _checksums_hold(data: bytes, pos: int, header_size: int, end: int) -> bool:
    """The header's CRC (when it has one: 14 bytes, not zero) and the file's (over header and records, in the
    two bytes after them) are what Garmin's SDK checks too: any changed byte changes them."""
    if header_size == 14 and pos + 14 <= len(data):
        (stated,) = struct.unpack_from("<H", data, pos + 12)
        if stated and stated != _crc16(data[pos:pos + 12]):
            return False
    if end + 2 > len(data):
        return False
    (stated,) = struct.unpack_from("<H", data, end)
    return bool(stated == _crc16(data[pos:end]))


@dataclass(slots=True)
class _Records:
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    ele: list[float] = field(default_factory=list)
    ts: list[float] = field(default_factory=list)
    seg: list[int] = field(default_factory=list)
    file_types: list[int] = field(default_factory=list)
    cad: list[float] = field(default_factory=list)
    spd: list[float] = field(default_factory=list)
    laps: list[dict[str, Any]] = field(default_factory=list)
    steps: dict[int, str] = field(default_factory=dict)
    sport: tuple[int | None, int | None] = (None, None)
    at: list[int] = field(default_factory=list)
    """Where each record starts in the data."""
    piece: int = 0
    piece_at: list[tuple[int, int]] = field(default_factory=list)
    """For each file in the data: where its records start, and how many record bytes came before them."""


def _decode(data: bytes, pos: int, end: int, out: _Records, strict: bool = True) -> int:
    """Decode one FIT file's records from ``pos`` into ``out``; return where decoding stopped: ``end`` when the
    records ran to their end, earlier where the data stopped making sense (a header with its reserved bits set,
    a definition no encoder writes, a message never defined or running past the end, a position off the globe).

    Stopping there, rather than reading on, is the point: one deleted byte shifts every later message, and read
    on, the shifted bytes decode into positions that were never recorded (issue 12: a 9 km run became 57 km).
    With ``strict`` off (a file whose checksum holds) only what cannot be read at all stops it, as in Garmin's
    SDK: reserved bits are ignored, odd field sizes read as bytes, a position off the globe is no fix."""
    defs: dict[int, _Definition] = {}
    last_ts = -1
    nan = float("nan")
    lat, lon, ele, ts, seg, piece = out.lat, out.lon, out.ele, out.ts, out.seg, out.piece
    while pos < end:
        at = pos
        header = data[pos]
        pos += 1
        if header & 0x80:  # compressed timestamp header: local type in bits 5-6, offset in bits 0-4
            local = (header >> 5) & 0x03
            offset = header & 0x1F
            if last_ts >= 0:
                last_ts = (last_ts & ~0x1F) + offset + (0x20 if offset < (last_ts & 0x1F) else 0)
            compressed_ts = last_ts
        elif header & 0x40:  # definition message
            definition = _define(data, pos, end, header, strict)
            if definition is None:
                return at
            local, defs[header & 0x0F], pos = header & 0x0F, definition[0], definition[1]
            continue
        else:
            if header & 0x30 and strict:  # bits 4 and 5 of a data message's header are reserved: sync is lost
                return at
            local = header & 0x0F
            compressed_ts = -1
        found = defs.get(local)
        if found is None or pos + found.size > end:
            return at
        if found.unpack is not None:
            values = found.unpack.unpack_from(data, pos)
            record: dict[str, Any] = {}
            for (fname, invalid), value in zip(found.fields, values, strict=True):
                if value != invalid:
                    record[fname] = value
            if "timestamp" in record:
                last_ts = int(record["timestamp"])
            elif compressed_ts >= 0:
                record["timestamp"] = compressed_ts
            if found.global_num == MESG_RECORD:
                if "lat" in record and "lon" in record:
                    if abs(record["lat"]) > SEMICIRCLES_90:
                        if strict:
                            return at  # a latitude beyond the pole: these bytes are not the record they claim to be
                        pos += found.size
                        continue
                    out.at.append(at)
                    lat.append(record["lat"])
                    lon.append(record["lon"])
                    alt = record.get("enhanced_altitude", record.get("altitude"))
                    ele.append(nan if alt is None else alt / ALTITUDE_SCALE - ALTITUDE_OFFSET)
                    stamp = record.get("timestamp")
                    ts.append(nan if stamp is None else stamp + FIT_EPOCH_S)
                    seg.append(piece)
                    out.cad.append(record.get("cadence", nan))
                    speed = record.get("enhanced_speed", record.get("speed"))
                    out.spd.append(nan if speed is None else speed / SPEED_SCALE)
            elif found.global_num == MESG_FILE_ID and "type" in record:
                out.file_types.append(int(record["type"]))
            elif found.global_num == MESG_LAP:
                _lap(record, out)
            elif found.global_num == MESG_WORKOUT_STEP and "message_index" in record:
                text = record.get("wkt_step_name", b"")
                out.steps[int(record["message_index"]) & 0x0FFF] = (
                    text.split(b"\0", 1)[0].decode("utf-8", "replace") if isinstance(text, bytes) else "")
            elif found.global_num in (MESG_SPORT, MESG_SESSION) and out.sport == (None, None):
                out.sport = (record.get("sport"), record.get("sub_sport"))
        elif found.has_timestamp:
            # A message we skip still moves the clock that compressed timestamps count from.
            (stamp,) = struct.unpack_from(found.fields[0][0], data, pos)
            if stamp != 0xFFFFFFFF:
                last_ts = stamp
        pos += found.size
    return end


def _lap(record: dict[str, Any], out: _Records) -> None:
    """A lap's start and end and its step. The end is the start plus the lap's elapsed time where it has one:
    some watches stamp every lap with the activity's start (a real Forerunner 965 file), never with its end."""
    start = record.get("start_time")
    end = record.get("timestamp")
    if start is not None and "total_elapsed_time" in record:
        end = start + record["total_elapsed_time"] / TIME_SCALE
    if start is None or end is None or end < start:
        return
    out.laps.append({"start_time": start, "end": end, "wkt_step_index": record.get("wkt_step_index")})


def _define(data: bytes, pos: int, end: int, header: int, strict: bool = True) -> tuple[_Definition, int] | None:
    """The definition message at ``pos`` and where the next message starts, or None where it cannot be one: an
    architecture other than little or big endian, a message running past the end, and when ``strict``, a
    reserved bit or byte set, a base type FIT does not have, or a field whose size is not a whole number of its
    base type (a file whose checksum holds may have those: its fields are then read as bytes, as the SDK does)."""
    if pos + 5 > end or data[pos + 1] > 1 or (strict and (header & 0x10 or data[pos] != 0)):
        return None
    big = data[pos + 1] == 1
    global_num = struct.unpack_from(">H" if big else "<H", data, pos + 2)[0]
    nfields = data[pos + 4]
    pos += 5
    if pos + 3 * nfields > end:
        return None
    raw_fields = [(data[pos + 3 * i], data[pos + 3 * i + 1], data[pos + 3 * i + 2]) for i in range(nfields)]
    if strict:
        for _number, size, base in raw_fields:
            width = BASE_SIZES.get(base) or BASE_SIZES.get(base | 0x80 if base & 0x1F in MULTI_BYTE else -1)
            if width is None or size == 0 or size % width:
                return None
    pos += 3 * nfields
    dev_size = 0
    if header & 0x20:  # developer fields: skipped, only their sizes matter
        if pos >= end or pos + 1 + 3 * data[pos] > end:
            return None
        ndev = data[pos]
        dev_size = sum(data[pos + 1 + 3 * i + 1] for i in range(ndev))
        pos += 1 + 3 * ndev
    return _compile(global_num, big, raw_fields, dev_size), pos


def _compile(global_num: int, big: bool, raw_fields: list[tuple[int, int, int]], dev_size: int) -> _Definition:
    endian = ">" if big else "<"
    size = sum(f[1] for f in raw_fields) + dev_size
    wanted = WANTED.get(global_num)
    if wanted is None:
        # Only the timestamp of a skipped message matters; the format string is its byte offset and type.
        offset = 0
        for num, fsize, base in raw_fields:
            if num == FIELD_TIMESTAMP and fsize == 4 and base & 0x1F in (0x06, 0x0C):
                return _Definition(global_num, size, None, ((f"{endian}{offset}xI", 0),), True)
            offset += fsize
        return _Definition(global_num, size, None, (), False)
    fmt = [endian]
    fields: list[tuple[str, int]] = []
    for num, fsize, base in raw_fields:
        code = _BASE.get(base & 0x1F)
        if num in wanted and base & 0x1F == STRING:
            fmt.append(f"{fsize}s")
            fields.append((wanted[num], -1))
        elif num in wanted and code is not None and struct.calcsize(code[0]) == fsize:
            fmt.append(code[0])
            fields.append((wanted[num], code[1]))
        else:
            fmt.append(f"{fsize}x")
    if dev_size:
        fmt.append(f"{dev_size}x")
    return _Definition(global_num, size, struct.Struct("".join(fmt)), tuple(fields), False)
