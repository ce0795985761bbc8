"""Reviewing a recording against its plan (core/review.py, DOMAIN.md §6), on FIT activities made for the purpose
(tests/fitactivity.py: a watch that ran our workout) and on the real forward-only walks."""

from __future__ import annotations

import pytest
from garmin_fit_sdk import Decoder, Stream

from retrowalk.core.plan import Kind
from retrowalk.core.review import Verdict, review
from retrowalk.core.timeplan import TimeRequest, time_plan
from retrowalk.formats.fit import read_fit_recording
from retrowalk.formats.fitworkout import segment_steps
from tests.fitactivity import walk_fit
from tests.real import REAL, needs_real

PLAN = time_plan(TimeRequest(total_s=1800, kind=Kind.OUTDOOR, week=3))
STEPS = segment_steps(PLAN)


def reviewed(**kwargs):
    return review(read_fit_recording(walk_fit(PLAN, **kwargs)), PLAN, STEPS)


def test_the_made_activity_is_a_valid_fit_file_by_garmins_own_sdk() -> None:
    data = bytearray(walk_fit(PLAN))
    assert Decoder(Stream.from_byte_array(data)).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(data)).read()
    assert errors == []
    assert messages["file_id_mesgs"][0]["type"] == "activity"
    backward = [i for i, s in enumerate(messages["workout_step_mesgs"]) if s["wkt_step_name"].startswith("Backward")]
    assert {lap["wkt_step_index"] for lap in messages["lap_mesgs"]} >= set(backward)
    assert len(messages["lap_mesgs"]) == len(PLAN.segments) + 1  # one bout split by auto-lap


def test_laps_of_the_workouts_backward_steps_confirm_every_bout_and_flag_the_one_on_a_descent() -> None:
    r = reviewed(descent_bouts={3})
    assert [b.verdict for b in r.bouts] == [Verdict.CONFIRMED] * 5
    # The auto-lap split of bout 2 is merged back into one bout of its planned length.
    assert [round(b.stretch.duration_s) for b in r.bouts if b.stretch] == [s.duration_s for s in PLAN.segments
                                                                          if s.backward]
    assert [b.number for b in r.bouts if b.stretch and b.stretch.on_descent] == [3]
    assert r.confirmed_s == sum(s.duration_s for s in PLAN.segments if s.backward) and r.consistent_s == 0
    assert "never downhill (S3)" in r.words[0] and "5/5 confirmed" in r.words[1]


def test_a_bout_skipped_on_the_watch_is_missed_and_the_others_keep_their_own_laps() -> None:
    """Bouts 1-4 are one repeated step (the same wkt_step_index), bout 5 another: skipping bout 4 (no lap of it)
    must not hand bout 5's lap to bout 4."""
    r = reviewed(skip_bouts={4}, split_bout=None)
    assert [b.verdict for b in r.bouts] == [Verdict.CONFIRMED] * 3 + [Verdict.MISSED, Verdict.CONFIRMED]
    assert r.bouts[4].stretch is not None and round(r.bouts[4].stretch.duration_s) == PLAN.segments[9].duration_s
    assert "1/5 bouts: nothing in the recording shows them." in r.words


def test_without_laps_pace_and_cadence_make_bouts_consistent_never_detected_and_a_skipped_one_missed() -> None:
    r = reviewed(laps=False, skip_bouts={4}, descent_bouts={2})
    assert [b.verdict for b in r.bouts] == [Verdict.CONSISTENT] * 3 + [Verdict.MISSED, Verdict.CONSISTENT]
    for b in r.bouts:
        if b.stretch:
            assert abs(b.stretch.start_s - b.planned_at_s) <= 10 and abs(b.stretch.duration_s - b.planned_s) <= 10
    assert [b.number for b in r.bouts if b.stretch and b.stretch.on_descent] == [2]
    text = " ".join(r.words)
    assert "consistent with backward walking" in text and "detected" not in text and "cannot prove" in text


def test_without_cadence_or_on_a_treadmill_nothing_can_be_verified() -> None:
    r = reviewed(laps=False, cadence=False)
    assert {b.verdict for b in r.bouts} == {Verdict.NOT_VERIFIABLE}
    assert "no cadence" in r.words[0] and "confirm them yourself" in r.words[0]
    mill = time_plan(TimeRequest(total_s=1800, kind=Kind.TREADMILL, week=3))
    r = review(read_fit_recording(walk_fit(mill, laps=False)), mill, segment_steps(mill))
    assert {b.verdict for b in r.bouts} == {Verdict.NOT_VERIFIABLE} and "treadmill" in r.bouts[0].why


def test_without_a_plan_the_seed_rule_judges_what_the_laps_show() -> None:
    r = review(read_fit_recording(walk_fit(PLAN, descent_bouts={1})))
    assert len(r.bouts) == 5 and r.basis == "laps"  # found by the step names: "Backward 1:25"
    assert r.confirmed_s == pytest.approx(420)
    assert any("(S3)" in w for w in r.words) and any("7:00 in all" in w for w in r.words)


WALKS = ["workoutizer-walk-2020-08-20-fr645m.fit", "workoutizer-walk-2020-08-28-fr645m.fit",
         "workoutizer-walk-2020-09-12-fr645m-gaps.fit", "workoutizer-hike-muggenbrunn-fr645m.fit",
         "goldencheetah-fr55-walk.fit", "fitparse-fenix5-walk-tiny.fit"]


@needs_real
def test_real_forward_only_walks_confirm_nothing_and_rarely_look_like_a_bout() -> None:
    """DOMAIN.md:91: on real forward-only walks the pace rule gives few false alarms; issue 14 allows 0.5 an hour."""
    hours = alarms = 0.0
    for name in WALKS:
        r = review(read_fit_recording((REAL / "fit" / name).read_bytes()))
        assert r.confirmed_s == 0 and r.basis != "laps"
        hours += r.duration_s / 3600
        alarms += len(r.bouts)
    assert hours > 15
    assert alarms / hours <= 0.5, (alarms, hours)


def test_a_skipped_bout_inside_a_repeat_does_not_take_the_next_bouts_lap() -> None:
    r = reviewed(skip_bouts={2}, split_bout=None)
    assert [b.verdict for b in r.bouts] == [Verdict.CONFIRMED, Verdict.MISSED] + [Verdict.CONFIRMED] * 3
    assert r.bouts[2].stretch is not None and abs(r.bouts[2].stretch.start_s - r.bouts[2].planned_at_s) < 5
