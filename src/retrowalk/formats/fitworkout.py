"""A plan as a FIT workout file for a watch: File Id (type workout), one Workout, and Workout Steps.

Field numbers, base types and scales are the FIT profile's (checked against Garmin's ``garmin-fit-sdk`` profile in
tests/formats/test_fitworkout.py, so a misspelt or misnumbered field fails a test instead of vanishing silently).

* Time plans: one step per segment, duration in time; a treadmill step carries the belt speed as a custom speed
  target and the incline in its name and notes.
* Route plans: steps by distance (a watch counts the metres of each step from where it began), with the time as
  the step's note.
* A forward/backward pair repeated unchanged becomes the pair and a repeat step ("repeat 4 times"), as a coach
  would write it and as the watch shows it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime

from retrowalk.core.ground import Terrain, terrain_label
from retrowalk.core.i18n import _
from retrowalk.core.plan import Kind, Plan, Segment
from retrowalk.core.rules import M_PER_FT
from retrowalk.core.units import Units, format_clock, format_distance, format_speed

# FIT profile numbers (Profile.xlsx; garmin_fit_sdk.profile).
MESG_FILE_ID, MESG_WORKOUT, MESG_WORKOUT_STEP = 0, 26, 27
FILE_WORKOUT = 5
MANUFACTURER_DEVELOPMENT = 255
SPORT_WALKING = 11
SUB_SPORT_GENERIC, SUB_SPORT_TREADMILL = 0, 1
DURATION_TIME, DURATION_DISTANCE, DURATION_REPEAT = 0, 1, 6  # wkt_step_duration
TARGET_SPEED, TARGET_OPEN = 0, 2  # wkt_step_target
INTENSITY_ACTIVE, INTENSITY_WARMUP, INTENSITY_COOLDOWN, INTENSITY_RECOVERY = 0, 2, 3, 4
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
PROFILE_VERSION = 2132
SPEED_TOLERANCE_KMH = 0.2
"""A treadmill step's speed target is the plan's speed ± this: the watch nags only when the belt is really off."""

# Base types (FIT protocol, "Base Type Definition").
ENUM, UINT16, UINT32, STRING, UINT32Z = 0x00, 0x84, 0x86, 0x07, 0x8C
_FORMATS = {ENUM: "B", UINT16: "H", UINT32: "I", UINT32Z: "I"}
NAME_BYTES = 24
NOTES_BYTES = 64


@dataclass(frozen=True, slots=True)
class Step:
    """One workout step as the watch will show it (also what a test expects back from the decoder)."""

    name: str
    duration_type: int
    duration_value: int
    """Milliseconds, centimetres, or for a repeat the index of the first step repeated."""
    intensity: int
    notes: str = ""
    speed_low_mms: int | None = None
    speed_high_mms: int | None = None
    repeat: int = 0
    """For a repeat step: how many times the block runs in all."""


def workout_steps(plan: Plan) -> list[Step]:
    """The plan's segments as steps, with repeated forward/backward pairs folded into repeat steps."""
    steps: list[Step] = []
    segments = plan.segments
    i = 0
    while i < len(segments):
        times = _repeats(segments, i, plan.kind is Kind.ROUTE)
        if times >= 2:
            first = len(steps)
            steps += [_step(plan, segments[i], i), _step(plan, segments[i + 1], i + 1)]
            # Translators: a workout step on a watch (24 bytes at most): repeat the two steps before it N times.
            steps.append(Step(_("Repeat %(times)sx") % {"times": times}, DURATION_REPEAT, first, INTENSITY_ACTIVE,
                              repeat=times))
            i += 2 * times
        else:
            steps.append(_step(plan, segments[i], i))
            i += 1
    return steps


def _same(a: Segment, b: Segment) -> bool:
    return (a.direction, a.duration_s, a.speed_kmh, a.incline_pct) == (b.direction, b.duration_s, b.speed_kmh,
                                                                      b.incline_pct)


def _repeats(segments: tuple[Segment, ...], i: int, by_distance: bool) -> int:
    """How many times the pair at ``i`` runs unchanged (route steps differ in length: never folded).

    The first and last segments are warm-up and cool-down, so a repeated block starts after the first."""
    if by_distance or i == 0 or i + 1 >= len(segments):
        return 1
    times = 1
    while i + 2 * times + 1 < len(segments) - 1 and _same(segments[i], segments[i + 2 * times]) \
            and _same(segments[i + 1], segments[i + 2 * times + 1]):
        times += 1
    return times


def _step(plan: Plan, seg: Segment, index: int) -> Step:
    last = index == len(plan.segments) - 1
    intensity = (INTENSITY_ACTIVE if seg.backward else INTENSITY_WARMUP if index == 0
                 else INTENSITY_COOLDOWN if last else INTENSITY_RECOVERY)
    details = []
    if seg.speed_kmh is not None and plan.kind is not Kind.ROUTE:
        details.append(format_speed(seg.speed_kmh, plan.units))
    if seg.incline_pct is not None:
        details.append(_("%(incline)s%% incline") % {"incline": f"{seg.incline_pct:g}"})
    if plan.kind is Kind.ROUTE and seg.start_m is not None and seg.end_m is not None:
        metres = seg.end_m - seg.start_m
        name = _way(seg.backward, _exact_distance(metres, plan.units))
        if seg.terrain and seg.terrain is not Terrain.MIXED:
            # Translators: a route step's note on a watch (64 bytes at most), as in "about 1:30, uphill".
            notes = (_("about %(length)s, %(ground)s")
                     % {"length": format_clock(seg.duration_s), "ground": terrain_label(seg.terrain)})
        else:
            notes = _("about %(length)s") % {"length": format_clock(seg.duration_s)}
        return Step(name, DURATION_DISTANCE, max(1, round(metres * 100)), intensity, notes)
    name = _way(seg.backward, format_clock(seg.duration_s))
    notes = ", ".join(details) or seg.cue
    low = high = None
    if seg.speed_kmh is not None and plan.kind is Kind.TREADMILL:
        low = round(max(seg.speed_kmh - SPEED_TOLERANCE_KMH, 0.1) / 3.6 * 1000)
        high = round((seg.speed_kmh + SPEED_TOLERANCE_KMH) / 3.6 * 1000)
    return Step(name, DURATION_TIME, seg.duration_s * 1000, intensity, notes, low, high)


def _way(backward: bool, length: str) -> str:
    """A step's name: its direction and how long or how far, as in "Backward 1:30" or "Forward 350 m"."""
    # Translators: workout step names on a watch (24 bytes at most).
    return (_("Backward %(length)s") if backward else _("Forward %(length)s")) % {"length": length}


def _exact_distance(length_m: float, units: Units) -> str:
    """The step's own length to the metre (or foot): the watch counts it exactly, the name should agree."""
    if units is Units.MPH and length_m / M_PER_FT < 1000:
        return _("%(length)s ft") % {"length": f"{length_m / M_PER_FT:.0f}"}
    if units is Units.KMH and length_m < 1000:
        return _("%(length)s m") % {"length": f"{length_m:.0f}"}
    return format_distance(length_m, units)


def workout_fit(plan: Plan, name: str | None = None, created: datetime | None = None) -> bytes:
    """The FIT file's bytes. ``name``: the workout's; by default "Backward walk" in the active language."""
    name = _("Backward walk") if name is None else name
    steps = workout_steps(plan)
    created = created or datetime.now(UTC)
    body = bytearray()
    body += _definition(0, MESG_FILE_ID, [(0, 1, ENUM), (1, 2, UINT16), (2, 2, UINT16), (3, 4, UINT32Z),
                                          (4, 4, UINT32)])
    body += _data(0, [(ENUM, FILE_WORKOUT), (UINT16, MANUFACTURER_DEVELOPMENT), (UINT16, 1),
                      (UINT32Z, 0x52574B31), (UINT32, int((created - FIT_EPOCH).total_seconds()))])
    body += _definition(1, MESG_WORKOUT, [(4, 1, ENUM), (11, 1, ENUM), (6, 2, UINT16), (8, NAME_BYTES, STRING)])
    sub_sport = SUB_SPORT_TREADMILL if plan.kind in (Kind.TREADMILL, Kind.DEADMILL) else SUB_SPORT_GENERIC
    body += _data(1, [(ENUM, SPORT_WALKING), (ENUM, sub_sport), (UINT16, len(steps)),
                      (STRING, _text(name, NAME_BYTES))])
    # Two step layouts: with a speed target (treadmill) and without; a definition is cheap, an invalid value not.
    plain = [(254, 2, UINT16), (0, NAME_BYTES, STRING), (1, 1, ENUM), (2, 4, UINT32), (3, 1, ENUM), (4, 4, UINT32),
             (7, 1, ENUM), (8, NOTES_BYTES, STRING)]
    body += _definition(2, MESG_WORKOUT_STEP, plain)
    body += _definition(3, MESG_WORKOUT_STEP, [*plain, (5, 4, UINT32), (6, 4, UINT32)])
    for index, step in enumerate(steps):
        target = TARGET_OPEN if step.speed_low_mms is None else TARGET_SPEED
        values: list[tuple[int, int | bytes]] = [
            (UINT16, index), (STRING, _text(step.name, NAME_BYTES)), (ENUM, step.duration_type),
            (UINT32, step.duration_value), (ENUM, target), (UINT32, step.repeat), (ENUM, step.intensity),
            (STRING, _text(step.notes, NOTES_BYTES))]
        if step.speed_low_mms is None or step.speed_high_mms is None:
            body += _data(2, values)
        else:
            body += _data(3, [*values, (UINT32, step.speed_low_mms), (UINT32, step.speed_high_mms)])
    return fit_file(bytes(body))


def fit_file(body: bytes) -> bytes:
    """FIT messages framed as a file: the 14-byte header with its CRC, the messages, the file's CRC."""
    header = struct.pack("<BBHI4s", 14, 0x20, PROFILE_VERSION, len(body), b".FIT")
    header += struct.pack("<H", crc16(header))
    out = header + body
    return out + struct.pack("<H", crc16(out))


def _definition(local: int, global_num: int, fields: list[tuple[int, int, int]]) -> bytes:
    out = struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
    return out + b"".join(struct.pack("<BBB", num, size, base) for num, size, base in fields)


def _data(local: int, values: list[tuple[int, int | bytes]]) -> bytes:
    out = bytearray([local])
    for base, value in values:
        if isinstance(value, bytes):
            out += value
        else:
            out += struct.pack("<" + _FORMATS[base], value)
    return bytes(out)


def _text(text: str, size: int) -> bytes:
    """UTF-8, cut on a character boundary to leave room for the terminating zero, zero-padded."""
    raw = text.encode("utf-8")[: size - 1]
    raw = raw.decode("utf-8", errors="ignore").encode("utf-8")
    return raw.ljust(size, b"\0")


_CRC_TABLE = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
              0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)


def crc16(data: bytes) -> int:
    """The FIT protocol's CRC-16 (nibble table, as the protocol document gives it)."""
    crc = 0
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc ^= tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc ^= tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


def segment_steps(plan: Plan) -> list[int]:
    """For each of the plan's segments, the index of the workout step the watch runs it as (a repeated pair runs
    as the same two steps each time): what a recorded lap's ``wkt_step_index`` is matched against."""
    out: list[int] = []
    segments = plan.segments
    step = 0
    i = 0
    while i < len(segments):
        times = _repeats(segments, i, plan.kind is Kind.ROUTE)
        if times >= 2:
            out += [step, step + 1] * times
            step += 3
            i += 2 * times
        else:
            out.append(step)
            step += 1
            i += 1
    return out
