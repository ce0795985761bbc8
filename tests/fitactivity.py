"""FIT activities made for the tests: a walk recorded while the watch ran a retrowalk workout.

None of the real files in shared/data/real ran one of our workouts, so this builds what such a recording holds,
with the FIT protocol's own encoding (the same messages and fields a Garmin watch writes, read back by Garmin's
SDK in the tests): File Id (activity), the workout's steps (their names), one record a second (position,
altitude, speed, cadence, time), a lap per workout step run with its ``wkt_step_index`` (one backward bout split
by auto-lap into two laps sharing an index, as DOMAIN.md:88 says watches do), and a session (sport walking).

The walker goes north at the plan's forward speed (cadence 110), walks each backward bout at half that speed
with the cadence kept (104) unless told to skip it (then forward, and with laps, the watch pressed past the
step: no lap of it), and the ground is flat but where ``descent_bouts`` puts her
backward bout on a 6 % descent (from 30 s before the bout to 30 s after it, as a real hill would be).
"""

from __future__ import annotations

import struct
from collections.abc import Collection
from datetime import UTC, datetime
from itertools import pairwise

from retrowalk.core.geo import destination
from retrowalk.core.plan import Plan
from retrowalk.formats.fitworkout import (
    FIT_EPOCH,
    MESG_WORKOUT_STEP,
    PROFILE_VERSION,
    _definition,
    _text,
    crc16,
    segment_steps,
    workout_steps,
)

ENUM, UINT8, UINT16, SINT32, UINT32 = 0x00, 0x02, 0x84, 0x85, 0x86
STRING = 0x07
FILE_ACTIVITY, SPORT_WALKING = 4, 11
START = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)
FORWARD_CADENCE, BACKWARD_CADENCE = 110, 104


SEMICIRCLE = 180 / 2**31


def _message(local: int, values: list[tuple[int, int | bytes]]) -> bytes:
    out = bytearray([local])
    for base, value in values:
        out += value if isinstance(value, bytes) else struct.pack(
            "<" + {ENUM: "B", UINT8: "B", UINT16: "H", SINT32: "i", UINT32: "I"}[base], value)
    return bytes(out)


def walk_fit(plan: Plan, *, laps: bool = True, cadence: bool = True, skip_bouts: Collection[int] = (),
             descent_bouts: Collection[int] = (), split_bout: int | None = 2, start: datetime = START) -> bytes:
    """The recording of ``plan`` walked as planned (bouts numbered from 1)."""
    t0 = int((start - FIT_EPOCH).total_seconds())
    fwd_ms = (plan.segments[0].speed_kmh or 4.8) / 3.6
    steps = workout_steps(plan)
    index_of = segment_steps(plan)
    body = bytearray()
    body += _definition(0, 0, [(0, 1, ENUM), (1, 2, UINT16), (2, 2, UINT16), (4, 4, UINT32)])
    body += _message(0, [(ENUM, FILE_ACTIVITY), (UINT16, 255), (UINT16, 1), (UINT32, t0)])
    body += _definition(1, MESG_WORKOUT_STEP, [(254, 2, UINT16), (0, 24, STRING)])
    for i, step in enumerate(steps):
        body += _message(1, [(UINT16, i), (STRING, _text(step.name, 24))])
    body += _definition(2, 20, [(253, 4, UINT32), (0, 4, SINT32), (1, 4, SINT32), (2, 2, UINT16), (6, 2, UINT16),
                                (4, 1, UINT8)])
    body += _definition(3, 19, [(253, 4, UINT32), (2, 4, UINT32), (7, 4, UINT32), (71, 2, UINT16)])
    lat, lon, ele = 47.0, 8.0, 400.0
    t = 0
    bout = 0
    lap_bytes = bytearray()
    bouts_at = [i for i, seg in enumerate(plan.segments) if seg.backward]
    for i, seg in enumerate(plan.segments):
        backward = seg.backward
        if backward:
            bout += 1
        walked_backward = backward and bout not in skip_bouts
        speed = fwd_ms / 2 if walked_backward else fwd_ms
        lap_start = t
        for _ in range(seg.duration_s):
            # The ground: a 6 % descent through a bout in descent_bouts, from 30 s before it to 30 s after it.
            grade = -0.06 if any(plan.segments[at].start_s - 30 <= t < plan.segments[at].end_s + 30
                                 for b, at in enumerate(bouts_at) if b + 1 in descent_bouts) else 0.0
            cad = (BACKWARD_CADENCE if walked_backward else FORWARD_CADENCE) if cadence else 0xFF
            body += _message(2, [(UINT32, t0 + t), (SINT32, round(lat / SEMICIRCLE)), (SINT32, round(lon / SEMICIRCLE)),
                                 (UINT16, round((ele + 500) * 5)), (UINT16, round(speed * 1000)), (UINT8, cad)])
            lat, lon = destination(lat, lon, 0.0, speed)
            ele += grade * speed
            t += 1
        if laps and backward and not walked_backward:
            pass  # skipped on the watch (the lap button pressed past the step): it has no lap
        elif laps:
            cuts = [lap_start, t]
            if backward and bout == split_bout and seg.duration_s >= 20:
                cuts = [lap_start, lap_start + seg.duration_s // 2, t]  # auto-lap in the middle of the bout
            for a, b in pairwise(cuts):
                lap_bytes += _message(3, [(UINT32, t0 + b), (UINT32, t0 + a), (UINT32, (b - a) * 1000),
                                       (UINT16, index_of[i])])
    body += lap_bytes
    body += _definition(4, 18, [(253, 4, UINT32), (5, 1, ENUM), (6, 1, ENUM)])
    body += _message(4, [(UINT32, t0 + t), (ENUM, SPORT_WALKING), (ENUM, 0)])
    header = struct.pack("<BBHI4s", 14, 0x20, PROFILE_VERSION, len(body), b".FIT")
    header += struct.pack("<H", crc16(header))
    out = header + bytes(body)
    return out + struct.pack("<H", crc16(out))
