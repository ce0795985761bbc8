"""FIT workouts: decoded by Garmin's official SDK with no errors, and the steps are the plan's."""

from __future__ import annotations

import pytest
from garmin_fit_sdk import Decoder, Stream, profile
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.core.plan import Kind, Plan
from retrowalk.core.routeplan import RouteRequest, route_plan
from retrowalk.core.timeplan import TimeRequest, time_plan
from retrowalk.core.units import Units
from retrowalk.formats import fitworkout as fw
from tests.builders import make_route
from tests.real import REAL, needs_real


def decode(data: bytes) -> dict:
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    assert decoder.is_fit()
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    assert decoder.check_integrity(), "header or file CRC wrong"
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return messages


def expand(steps: list[dict]) -> list[dict]:
    """The steps in the order the watch runs them: repeat steps unrolled."""
    out: list[dict] = []
    i = 0
    while i < len(steps):
        step = steps[i]
        if step["duration_type"] == "repeat_until_steps_cmplt":
            first = step["duration_step"]
            out += steps[first:i] * (step["repeat_steps"] - 1)  # the block already ran once
        else:
            out.append(step)
        i += 1
    return out


def test_every_field_we_write_has_the_number_and_type_the_fit_profile_gives() -> None:
    messages = profile.Profile["messages"]
    expect = {
        fw.MESG_FILE_ID: {0: "type", 1: "manufacturer", 2: "product", 3: "serial_number", 4: "time_created"},
        fw.MESG_WORKOUT: {4: "sport", 11: "sub_sport", 6: "num_valid_steps", 8: "wkt_name"},
        fw.MESG_WORKOUT_STEP: {254: "message_index", 0: "wkt_step_name", 1: "duration_type", 2: "duration_value",
                               3: "target_type", 4: "target_value", 5: "custom_target_value_low",
                               6: "custom_target_value_high", 7: "intensity", 8: "notes"},
    }
    assert messages[fw.MESG_FILE_ID]["name"] == "file_id"
    assert messages[fw.MESG_WORKOUT]["name"] == "workout"
    assert messages[fw.MESG_WORKOUT_STEP]["name"] == "workout_step"
    for mesg, fields in expect.items():
        for number, name in fields.items():
            assert messages[mesg]["fields"][number]["name"] == name
    types = profile.Profile["types"]
    assert types["file"][fw.FILE_WORKOUT] == "workout" and types["sport"][fw.SPORT_WALKING] == "walking"
    assert types["sub_sport"][fw.SUB_SPORT_TREADMILL] == "treadmill"
    assert types["wkt_step_duration"][fw.DURATION_REPEAT] == "repeat_until_steps_cmplt"
    assert types["wkt_step_target"][fw.TARGET_SPEED] == "speed"
    assert types["intensity"][fw.INTENSITY_RECOVERY] == "recovery"


def assert_same_steps(plan: Plan, messages: dict) -> None:
    workout = messages["workout_mesgs"][0]
    assert workout["sport"] == "walking"
    steps = messages["workout_step_mesgs"]
    assert workout["num_valid_steps"] == len(steps)
    assert [s["message_index"] for s in steps] == list(range(len(steps)))
    run = expand(steps)
    assert len(run) == len(plan.segments)
    for seg, step in zip(plan.segments, run, strict=True):
        assert step["wkt_step_name"].startswith("Backward" if seg.backward else "Forward")
        assert step["intensity"] == ("active" if seg.backward else step["intensity"])
        if plan.kind is Kind.ROUTE:
            assert step["duration_type"] == "distance"
            assert step["duration_distance"] == pytest.approx(seg.end_m - seg.start_m, abs=0.01)
        else:
            assert step["duration_type"] == "time" and step["duration_time"] == seg.duration_s
        if plan.kind is Kind.TREADMILL:
            assert step["target_type"] == "speed"
            mid = (step["custom_target_speed_low"] + step["custom_target_speed_high"]) / 2
            assert mid * 3.6 == pytest.approx(seg.speed_kmh, abs=0.01)
    assert run[0]["intensity"] == "warmup" and run[-1]["intensity"] == "cooldown"


@settings(max_examples=60, deadline=None)
@given(st.integers(10, 90), st.sampled_from(list(Kind)[:3]), st.integers(1, 12),
       st.sampled_from(list(Units)))
def test_time_plans_decode_to_the_same_steps(minutes: int, kind: Kind, week: int, units: Units) -> None:
    plan = time_plan(TimeRequest(total_s=minutes * 60, kind=kind, week=week, units=units))
    assert_same_steps(plan, decode(fw.workout_fit(plan)))


def test_a_regular_plan_folds_into_a_repeat_step_like_the_sdk_sample() -> None:
    plan = time_plan(TimeRequest(total_s=1800, kind=Kind.OUTDOOR, week=1, units=Units.KMH, bout_max_s=60))
    steps = decode(fw.workout_fit(plan))["workout_step_mesgs"]
    repeats = [s for s in steps if s["duration_type"] == "repeat_until_steps_cmplt"]
    assert repeats and repeats[0]["repeat_steps"] >= 2
    assert len(steps) < len(plan.segments)
    # Same shape as Garmin's own WorkoutRepeatSteps.fit: the repeat names the index of the first repeated step.
    if REAL.exists():
        sample = decode((REAL / "fit-workouts" / "fitsdk-WorkoutRepeatSteps.fit").read_bytes())
        theirs = next(s for s in sample["workout_step_mesgs"] if s["duration_type"] == "repeat_until_steps_cmplt")
        assert set(theirs) <= set(repeats[0]) | {"target_type"}


def test_a_route_plan_steps_by_distance_with_the_time_as_a_note() -> None:
    track, _grade, _edges = make_route([0, 4, 0, 5, 0], [800, 600, 700, 600, 800])
    plan = route_plan(track, RouteRequest(units=Units.KMH, week=3)).plan
    messages = decode(fw.workout_fit(plan, "Hill loop"))
    assert messages["workout_mesgs"][0]["wkt_name"] == "Hill loop"
    assert_same_steps(plan, messages)
    backward = [s for s in messages["workout_step_mesgs"] if s["wkt_step_name"].startswith("Backward")]
    assert all(s["notes"].startswith("about ") for s in backward)


@needs_real
def test_the_hilly_real_walk_exports_a_workout_the_sdk_reads() -> None:
    from retrowalk.formats.read import read_track

    track = read_track(REAL / "fit" / "workoutizer-walk-2020-08-20-fr645m.fit")
    plan = route_plan(track, RouteRequest(units=Units.MPH, week=2)).plan
    assert_same_steps(plan, decode(fw.workout_fit(plan)))


def test_long_names_are_cut_on_a_character_boundary() -> None:
    plan = time_plan(TimeRequest(total_s=1800, kind=Kind.OUTDOOR, week=1, units=Units.KMH))
    name = "Rückwärts gehen am Üetliberg — Woche 1"
    workout = decode(fw.workout_fit(plan, name))["workout_mesgs"][0]
    assert name.startswith(workout["wkt_name"]) and len(workout["wkt_name"].encode()) < fw.NAME_BYTES
