"""FIT activities made for the tests: a walk recorded while the watch ran a retrowalk workout.

None of the real files in shared/data/real ran one of our workouts, so this builds what such a recording holds,
written by an encoder that is not ours (Stages Cycling's ``fit-tool``, from the FIT profile) and read back by
Garmin's SDK in the tests: File Id (activity), the workout's steps (their names), one record a second (position,
altitude, speed, cadence, time), a lap per workout step run with its ``wkt_step_index`` (one backward bout split
by auto-lap into two laps sharing an index, as DOMAIN.md:88 says watches do), and a session (sport walking).

The walker goes north at the plan's forward speed (cadence 110), walks each backward bout at half that speed
with the cadence kept (104) unless told to skip it (then forward, and with laps, the watch pressed past the
step: no lap of it), and the ground is flat but where ``descent_bouts`` puts her backward bout on a 6 % descent
(from 30 s before the bout to 30 s after it, as a real hill would be).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport

from retrowalk.core.geo import destination
from retrowalk.core.plan import Plan, plan_from_dict
from retrowalk.formats.fitworkout import segment_steps, workout_steps

START = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)
FORWARD_CADENCE, BACKWARD_CADENCE = 110, 104


def walk_fit(plan: Plan, *, laps: bool = True, cadence: bool = True, skip_bouts: Collection[int] = (),
             descent_bouts: Collection[int] = (), split_bout: int | None = 2, start: datetime = START) -> bytes:
    """The recording of ``plan`` walked as planned (bouts numbered from 1). Made once per set of arguments:
    a pure-Python encoder takes about a second for a half-hour walk."""
    return _walk_fit(json.dumps(plan.to_dict(), sort_keys=True), laps, cadence, tuple(sorted(skip_bouts)),
                     tuple(sorted(descent_bouts)), split_bout, start.isoformat())


@lru_cache(maxsize=32)
def _walk_fit(plan_json: str, laps: bool, cadence: bool, skip_bouts: tuple[int, ...],
              descent_bouts: tuple[int, ...], split_bout: int | None, start_iso: str) -> bytes:
    plan = plan_from_dict(json.loads(plan_json))
    t0_ms = round(datetime.fromisoformat(start_iso).timestamp() * 1000)
    fwd_ms = (plan.segments[0].speed_kmh or 4.8) / 3.6
    index_of = segment_steps(plan)
    builder = FitFileBuilder(auto_define=True, min_string_size=24)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 1
    file_id.serial_number = 0x52574B31
    file_id.time_created = t0_ms
    builder.add(file_id)
    for i, step in enumerate(workout_steps(plan)):
        message = WorkoutStepMessage()
        message.message_index = i
        message.workout_step_name = step.name
        builder.add(message)
    lat, lon, ele = 47.0, 8.0, 400.0
    t = 0
    bout = 0
    bouts_at = [i for i, seg in enumerate(plan.segments) if seg.backward]
    descents = [(plan.segments[at].start_s - 30, plan.segments[at].end_s + 30)
                for b, at in enumerate(bouts_at) if b + 1 in descent_bouts]
    lap_messages: list[LapMessage] = []
    for i, seg in enumerate(plan.segments):
        backward = seg.backward
        if backward:
            bout += 1
        walked_backward = backward and bout not in skip_bouts
        speed = fwd_ms / 2 if walked_backward else fwd_ms
        lap_start = t
        for _ in range(seg.duration_s):
            record = RecordMessage()
            record.timestamp = t0_ms + t * 1000
            record.position_lat = lat
            record.position_long = lon
            record.altitude = ele
            record.speed = speed
            if cadence:
                record.cadence = BACKWARD_CADENCE if walked_backward else FORWARD_CADENCE
            builder.add(record)
            lat, lon = destination(lat, lon, 0.0, speed)
            ele += (-0.06 if any(a <= t < b for a, b in descents) else 0.0) * speed
            t += 1
        if not laps or (backward and not walked_backward):
            continue  # no laps recorded, or a bout skipped on the watch: it has no lap
        cuts = [lap_start, t]
        if backward and bout == split_bout and seg.duration_s >= 20:
            cuts = [lap_start, lap_start + seg.duration_s // 2, t]  # auto-lap in the middle of the bout
        for a, b in pairwise(cuts):
            lap = LapMessage()
            lap.start_time = t0_ms + a * 1000
            lap.timestamp = t0_ms + b * 1000
            lap.total_elapsed_time = b - a
            lap.workout_step_index = index_of[i]
            lap_messages.append(lap)
    for lap in lap_messages:
        builder.add(lap)
    session = SessionMessage()
    session.start_time = t0_ms
    session.timestamp = t0_ms + t * 1000
    session.sport = Sport.WALKING
    session.sub_sport = SubSport.GENERIC
    builder.add(session)
    return bytes(builder.build().to_bytes())
