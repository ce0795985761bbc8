"""Pain-gated progression (DOMAIN.md:43-48): each branch, and the properties that keep a knee safe."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from retrowalk.core.progression import Change, LoggedSession, next_step
from retrowalk.core.units import Units

MON = date(2026, 11, 2)


def s(day: int, pain: int, morning: int | None = 0, effort: int = 2, week: int = 3) -> LoggedSession:
    """A session ``day`` days after Monday 2 November, walked at step ``week``."""
    return LoggedSession(MON + timedelta(days=day), week, pain, morning, effort)


def test_low_pain_settled_easy_and_a_week_at_the_step_progresses_one_minute() -> None:
    d = next_step([s(0, 1), s(2, 2), s(7, 2)], current_week=3, pain_baseline=0)
    assert (d.week, d.change) == (4, Change.PROGRESS)
    assert d.reason == "Pain 2/10 and settled next morning, effort easy: +1 backward minute (8 in all)."


def test_a_good_session_before_a_week_has_passed_holds_the_step() -> None:
    d = next_step([s(0, 1), s(2, 1)], current_week=3, pain_baseline=0)
    assert (d.week, d.change) == (3, Change.REPEAT) and "one more week" in d.reason


def test_the_step_is_held_from_its_latest_start_not_from_an_old_session_at_the_same_step() -> None:
    # A session logged for a day long ago (at the step she is at today) comes before her sessions at the steps
    # below: she has held this step two days, not since then.
    long_ago = s(-400, 1, week=4)
    d = next_step([long_ago, s(0, 1, week=3), s(5, 1, week=3), s(8, 1, week=4), s(10, 1, week=4)], current_week=4,
                  pain_baseline=0)
    assert (d.week, d.change) == (4, Change.REPEAT) and "one more week" in d.reason


def test_moderate_pain_that_settles_repeats() -> None:
    d = next_step([s(0, 4), s(7, 4)], current_week=3, pain_baseline=0)
    assert (d.week, d.change) == (3, Change.REPEAT) and d.reason.startswith("Pain 4/10 and settled")


def test_hard_effort_repeats_even_without_pain() -> None:
    d = next_step([s(0, 0), s(7, 0, effort=6)], current_week=3, pain_baseline=0)
    assert d.change is Change.REPEAT and "effort 6/10" in d.reason


def test_pain_above_five_steps_back_at_once() -> None:
    d = next_step([s(0, 6)], current_week=3, pain_baseline=0, units=Units.KMH)
    assert (d.week, d.change) == (2, Change.STEP_BACK)
    assert d.reason.startswith("Pain 6/10 during the walk") and "−1 backward minute (6 in all)" in d.reason


def test_morning_pain_above_baseline_steps_back() -> None:
    d = next_step([s(0, 2, morning=3)], current_week=3, pain_baseline=2)
    assert d.change is Change.STEP_BACK and "not settled" in d.reason


def test_morning_pain_at_a_high_baseline_is_settled() -> None:
    assert next_step([s(0, 2, morning=3)], current_week=3, pain_baseline=3).change is not Change.STEP_BACK


def test_a_small_climb_within_low_pain_is_not_rising() -> None:
    assert next_step([s(0, 1), s(2, 1), s(7, 2)], current_week=3, pain_baseline=0).change is Change.PROGRESS


def test_pain_rising_week_to_week_steps_back() -> None:
    log = [s(0, 1), s(2, 1), s(7, 3), s(9, 3)]
    d = next_step(log, current_week=3, pain_baseline=0)
    assert d.change is Change.STEP_BACK and "rising week to week" in d.reason


def test_without_the_morning_answer_it_waits_and_asks() -> None:
    d = next_step([s(0, 1, morning=None)], current_week=3, pain_baseline=0)
    assert d.change is Change.WAIT and "next morning" in d.reason


def test_past_ten_minutes_the_step_is_treadmill_speed_in_the_clients_units() -> None:
    log = [s(0, 0, week=6), s(7, 0, week=6)]
    assert "+0.2 mph backward on the treadmill (2.2 mph)" in next_step(log, 6, 0, Units.MPH).reason
    assert "km/h" in next_step(log, 6, 0, Units.KMH).reason


def test_at_the_first_step_a_step_back_stays_and_says_rest() -> None:
    d = next_step([s(0, 7, week=1)], current_week=1, pain_baseline=0)
    assert (d.week, d.change) == (1, Change.STEP_BACK) and "rest" in d.reason


def test_an_empty_log_starts_with_the_current_plan() -> None:
    assert next_step([], 2, 0).week == 2


sessions = st.builds(LoggedSession, st.dates(MON, MON + timedelta(days=40)), st.integers(1, 20),
                     st.integers(0, 10), st.one_of(st.none(), st.integers(0, 10)), st.integers(0, 10))


def test_a_session_already_acted_on_is_not_acted_on_again() -> None:
    painful = [s(0, 7, week=4)]
    first = next_step(painful, current_week=4, pain_baseline=0)
    assert (first.week, first.change) == (3, Change.STEP_BACK)
    again = next_step(painful, current_week=first.week, pain_baseline=0)
    assert (again.week, again.change) == (3, Change.REPEAT) and "since your last session" in again.reason


@given(st.lists(sessions, max_size=12), st.integers(1, 20), st.integers(0, 10))
def test_never_more_than_one_step_and_never_up_on_pain(log, week, baseline) -> None:
    d = next_step(log, week, baseline)
    assert abs(d.week - week) <= 1 and d.week >= 1 and d.reason
    if log:
        last = sorted(log, key=lambda x: x.day)[-1]
        if last.week != week:
            assert d.week == week
            return
        if d.change is Change.PROGRESS:
            assert last.pain_during <= 2 and last.pain_next_morning is not None
            assert last.pain_next_morning <= baseline and last.effort <= 3
        if last.pain_during > 5 or (last.pain_next_morning or 0) > baseline:
            assert d.change is Change.STEP_BACK


def test_a_recording_that_shows_too_little_backward_time_repeats_the_step() -> None:
    """Where a recording shows the backward time walked (issue 14), a step counts only when it was walked: week 3's
    dose is 7 minutes; a watch showing 2:10 of it holds the step, one showing 6:00 (over 80 %) does not."""
    from dataclasses import replace

    from retrowalk.core.program import dose_for_week

    assert dose_for_week(3).backward_s == 420
    good = [s(0, 1), s(2, 2), s(7, 2)]
    short = [*good[:-1], replace(good[-1], recorded_backward_s=130)]
    d = next_step(short, current_week=3, pain_baseline=0)
    assert (d.week, d.change) == (3, Change.REPEAT)
    assert "the recording shows 2:10 backward of this step's 7:00" in d.reason
    enough = [*good[:-1], replace(good[-1], recorded_backward_s=360)]
    assert next_step(enough, current_week=3, pain_baseline=0).change is Change.PROGRESS
    # Pain still comes first: a short recording never hides a reason to step back.
    hurt = [*good[:-1], replace(good[-1], pain_during=7, recorded_backward_s=130)]
    assert next_step(hurt, current_week=3, pain_baseline=0).change is Change.STEP_BACK
