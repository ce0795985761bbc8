"""FIT activity and course files: the ``record`` messages' positions, altitudes and timestamps.

Why our own decoder: Garmin's official ``garmin-fit-sdk`` decodes every field of every message and takes about
7 s for a 45,805-record file; ``fitdecode`` takes longer still. A walk needs five fields of one message, so
this reader compiles one ``struct`` format per definition message that skips everything else, and is tested
field for field against the official SDK on every FIT file in ``shared/data/real``
(``tests/formats/test_fit.py``). The FIT protocol is Garmin's "FIT Protocol" document (file header, record
headers, definition and data messages, compressed timestamps) and its Profile.xlsx (message and field numbers).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from retrowalk.core.track import Track, TrackError

# Profile.xlsx numbers.
MESG_FILE_ID = 0
MESG_RECORD = 20
FIELD_TIMESTAMP = 253
FILE_ID_TYPE = 0
FILE_TYPES = {4: "activity", 5: "workout", 6: "course", 1: "device", 2: "settings", 3: "sport settings"}
RECORD_FIELDS = {0: "lat", 1: "lon", 2: "altitude", 78: "enhanced_altitude", FIELD_TIMESTAMP: "timestamp"}

SEMICIRCLE_DEG = 180.0 / 2**31
FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z in Unix seconds
ALTITUDE_SCALE, ALTITUDE_OFFSET = 5.0, 500.0  # altitude and enhanced_altitude: m = raw / 5 - 500

# Struct code and "invalid" value of each integer base type, by base type number (the low 5 bits of the
# base type byte; bit 7 only says whether the type has an endianness). FIT Protocol, base type table.
_BASE = {
    0x00: ("B", 0xFF), 0x01: ("b", 0x7F), 0x02: ("B", 0xFF), 0x03: ("h", 0x7FFF), 0x04: ("H", 0xFFFF),
    0x05: ("i", 0x7FFFFFFF), 0x06: ("I", 0xFFFFFFFF), 0x0A: ("B", 0x00), 0x0B: ("H", 0x0000),
    0x0C: ("I", 0x00000000), 0x0D: ("B", 0xFF),
}


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
    if len(data) == 0:
        raise TrackError("the file is empty")
    if len(data) < 12 or data[8:12] != b".FIT":
        raise TrackError("this is not a FIT file (no .FIT signature in its header)")
    lat: list[float] = []
    lon: list[float] = []
    ele: list[float] = []
    ts: list[float] = []
    seg: list[int] = []
    notes: list[str] = []
    file_types: list[int] = []
    pos = 0
    piece = 0
    while pos + 12 <= len(data) and data[pos + 8:pos + 12] == b".FIT":
        header_size = data[pos]
        (data_size,) = struct.unpack_from("<I", data, pos + 4)
        start = pos + header_size
        end = start + data_size
        truncated = end > len(data)
        end = min(end, len(data))
        try:
            problem = _decode(data, start, end, piece, lat, lon, ele, ts, seg, file_types)
        except (IndexError, struct.error):  # a damaged byte made a length lie; keep what came before
            problem = "The file is damaged; the points before the damage were read."
        if problem or truncated:
            notes.append(problem or "The file ends early; the points before the cut were read.")
            break
        pos = end + 2  # the file CRC
        piece += 1
    else:
        if pos < len(data) and lat:
            notes.append("The file carries bytes after its end that are not FIT data; they were ignored.")

    if not lat:
        kind = FILE_TYPES.get(file_types[0], "") if file_types else ""
        if kind == "workout":
            raise TrackError("this FIT file is a workout, not a walk: it has steps but no positions")
        if kind and kind not in ("activity", "course"):
            raise TrackError(f"this FIT file holds {kind}, not a walk: it has no positions")
        raise TrackError("this FIT file has no recorded positions (an indoor session, or a watch without GPS)")
    ele_a = np.asarray(ele, dtype=np.float64)
    return Track(np.asarray(lat) * SEMICIRCLE_DEG, np.asarray(lon) * SEMICIRCLE_DEG, ele_a,
                 np.asarray(ts, dtype=np.float64), np.asarray(seg, dtype=np.int64), name, tuple(notes))


def _decode(data: bytes, pos: int, end: int, piece: int, lat: list[float], lon: list[float], ele: list[float],
            ts: list[float], seg: list[int], file_types: list[int]) -> str | None:
    """Decode one FIT file's records into the lists; return a sentence if it had to stop early."""
    defs: dict[int, _Definition] = {}
    last_ts = -1
    nan = float("nan")
    while pos < end:
        header = data[pos]
        pos += 1
        if header & 0x80:  # compressed timestamp header: local type in bits 5-6, offset in bits 0-4
            local = (header >> 5) & 0x03
            offset = header & 0x1F
            if last_ts >= 0:
                last_ts = (last_ts & ~0x1F) + offset + (0x20 if offset < (last_ts & 0x1F) else 0)
            compressed_ts = last_ts
        elif header & 0x40:  # definition message
            if pos + 5 > end:
                return "The file ends in the middle of a message; the points before it were read."
            local = header & 0x0F
            big = data[pos + 1] == 1
            global_num = struct.unpack_from(">H" if big else "<H", data, pos + 2)[0]
            nfields = data[pos + 4]
            pos += 5
            if pos + 3 * nfields > end:
                return "The file ends in the middle of a message; the points before it were read."
            raw_fields = [(data[pos + 3 * i], data[pos + 3 * i + 1], data[pos + 3 * i + 2]) for i in range(nfields)]
            pos += 3 * nfields
            dev_size = 0
            if header & 0x20:  # developer fields: skipped, only their sizes matter
                if pos >= end or pos + 1 + 3 * data[pos] > end:
                    return "The file ends in the middle of a message; the points before it were read."
                ndev = data[pos]
                dev_size = sum(data[pos + 1 + 3 * i + 1] for i in range(ndev))
                pos += 1 + 3 * ndev
            if pos > end:
                return "The file ends in the middle of a message; the points before it were read."
            defs[local] = _compile(global_num, big, raw_fields, dev_size)
            continue
        else:
            local = header & 0x0F
            compressed_ts = -1
        definition = defs.get(local)
        if definition is None:
            return "Part of the file refers to a message it never defined; the points before it were read."
        if pos + definition.size > end:
            return "The file ends in the middle of a message; the points before it were read."
        if definition.unpack is not None:
            values = definition.unpack.unpack_from(data, pos)
            record: dict[str, float] = {}
            for (fname, invalid), value in zip(definition.fields, values, strict=True):
                if value != invalid:
                    record[fname] = value
            if "timestamp" in record:
                last_ts = int(record["timestamp"])
            elif compressed_ts >= 0:
                record["timestamp"] = compressed_ts
            if definition.global_num == MESG_RECORD:
                if "lat" in record and "lon" in record:
                    lat.append(record["lat"])
                    lon.append(record["lon"])
                    alt = record.get("enhanced_altitude", record.get("altitude"))
                    ele.append(nan if alt is None else alt / ALTITUDE_SCALE - ALTITUDE_OFFSET)
                    stamp = record.get("timestamp")
                    ts.append(nan if stamp is None else stamp + FIT_EPOCH_S)
                    seg.append(piece)
            elif definition.global_num == MESG_FILE_ID and "type" in record:
                file_types.append(int(record["type"]))
        elif definition.has_timestamp:
            # A message we skip still moves the clock that compressed timestamps count from.
            (stamp,) = struct.unpack_from(definition.fields[0][0], data, pos)
            if stamp != 0xFFFFFFFF:
                last_ts = stamp
        pos += definition.size
    return None


def _compile(global_num: int, big: bool, raw_fields: list[tuple[int, int, int]], dev_size: int) -> _Definition:
    endian = ">" if big else "<"
    size = sum(f[1] for f in raw_fields) + dev_size
    wanted = {MESG_RECORD: RECORD_FIELDS, MESG_FILE_ID: {FILE_ID_TYPE: "type"}}.get(global_num)
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
        if num in wanted and code is not None and struct.calcsize(code[0]) == fsize:
            fmt.append(code[0])
            fields.append((wanted[num], code[1]))
        else:
            fmt.append(f"{fsize}x")
    if dev_size:
        fmt.append(f"{dev_size}x")
    return _Definition(global_num, size, struct.Struct("".join(fmt)), tuple(fields), False)
