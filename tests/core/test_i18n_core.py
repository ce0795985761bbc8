"""What core and the export writers say goes through the installed translator (core/i18n.py), message by message,
with the numbers filled in after translation: a text left unmarked, or formatted before it was translated, shows
here as a text without its marks, or as a message the catalogue could never hold."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, time
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from icalendar import Calendar

from retrowalk.core import i18n
from retrowalk.core.bounds import FORWARD_SPEED, OutOfBoundsError, check_speeds
from retrowalk.core.knee import measure
from retrowalk.core.plan import Kind, Plan, PlanError
from retrowalk.core.progression import LoggedSession, next_step
from retrowalk.core.refusal import REASONS, Instead, Option, RouteRefusedError, Why
from retrowalk.core.routeplan import RouteRequest, route_plan
from retrowalk.core.safety import KNEE_CUE, KNEE_NOTE, safety_notes
from retrowalk.core.timeplan import TimeRequest, time_plan
from retrowalk.core.units import Units
from retrowalk.formats.card import card_pdf
from retrowalk.formats.gpxout import route_gpx
from retrowalk.formats.ics import describe, week_ics
from tests.builders import make_route

SEEN: list[str] = []
"""Every message the fake translator was asked for."""


def mark(message: str) -> str:
    SEEN.append(message)
    return f"«{message}»"


def mark_counted(singular: str, plural: str, n: int) -> str:
    SEEN.extend((singular, plural))
    return f"«{singular if n == 1 else plural}»"


@pytest.fixture(autouse=True)
def marked() -> Iterator[None]:
    """The fake translator for each test here; whatever was installed before (identity, or Django's) after it."""
    before = i18n._gettext, i18n._ngettext
    SEEN.clear()
    i18n.install(mark, mark_counted)
    try:
        yield
    finally:
        i18n.install(*before)
    # Placeholders are filled after translation: no message asked for holds a translated piece already.
    assert not [m for m in SEEN if "«" in m], "a message was formatted before it was translated"


def translated(text: str) -> bool:
    return text.startswith("«") and text.endswith("»")


def texts(plan: Plan) -> list[str]:
    return [s.cue for s in plan.segments] + list(plan.warnings) + list(plan.safety)


@pytest.mark.parametrize("kind", [Kind.OUTDOOR, Kind.TREADMILL, Kind.DEADMILL])
def test_every_cue_warning_and_safety_note_of_a_time_plan_is_translated(kind: Kind) -> None:
    # 14 minutes: short of 15, so the plan warns it does not reach the 5-minute minimum.
    plan = time_plan(TimeRequest(total_s=14 * 60, kind=kind, week=1, units=Units.MPH))
    assert plan.warnings
    for text in texts(plan):
        assert translated(text), text
    backward = [s.cue for s in plan.segments if s.backward]
    # The knee cue (a marked constant) is translated where it is shown, inside the translated cue.
    assert all(f"«{KNEE_CUE}»" in cue for cue in backward)
    # The bout's length is filled in after translation: its number stands inside the translated sentence.
    assert all(re.search(r"backward \d+:\d\d", cue) for cue in backward)
    assert f"«{KNEE_NOTE}»" in plan.safety
    assert "«The belt turns" in " ".join(plan.safety) or kind is not Kind.DEADMILL


def test_safety_notes_fill_in_their_numbers_after_translation() -> None:
    notes = safety_notes(Kind.TREADMILL, Units.KMH)
    assert "«Keep about «2 m» clear behind the treadmill.»" in notes
    assert "«Stop and face forward on dizziness, loss of balance, or knee pain above 5/10.»" in notes
    assert "Keep about %(clearance)s clear behind the treadmill." in SEEN
    assert "%(length)s m" in SEEN


def test_a_route_plan_says_its_ground_and_its_cues_in_the_translation() -> None:
    track, _grade, _edges = make_route([0, 4, 0, 3, 0], [500, 500, 400, 500, 500])
    result = route_plan(track, RouteRequest(units=Units.KMH, week=2))
    for text in texts(result.plan):
        assert translated(text), text
    backward = [s.cue for s in result.plan.segments if s.backward]
    assert backward and all("«uphill»" in cue or "«flat»" in cue for cue in backward)
    gpx = route_gpx(result).decode()
    assert "<name>«Backward walk»</name>" in gpx
    assert "<name>«Turn around 1»</name>" in gpx and "<name>«Face forward 1»</name>" in gpx
    assert 'type="turn-around"' not in gpx and "<type>turn-around</type>" in gpx  # the codes stay as they are


def test_a_refusal_is_one_translated_sentence_of_translated_parts() -> None:
    err = RouteRefusedError(Why.NO_SAFE_GROUND, (Option(Instead.REVERSE, 300), Option(Instead.TIME_PLAN),
                                                 Option(Instead.TREADMILL)))
    said = str(err)
    assert translated(said), said
    assert f"«{REASONS[Why.NO_SAFE_GROUND]}»" in said
    assert "«walked the other way it holds «5 min»»" in said
    assert "«plan by time or on a treadmill instead»" in said
    with pytest.raises(PlanError) as refused:
        time_plan(TimeRequest(total_s=60))
    assert translated(str(refused.value))
    assert "«3 min»" in str(refused.value) and "one 30 s backward bout" in str(refused.value)


def test_a_bound_says_its_range_in_the_translation() -> None:
    sentence = FORWARD_SPEED.too_high(Units.KMH)
    assert translated(sentence), sentence
    assert "«forward speed»" in sentence and "«this is a walking plan»" in sentence and "8.0 «km/h»" in sentence
    with pytest.raises(OutOfBoundsError) as refused:
        check_speeds(4.0, 4.5)
    assert translated(str(refused.value))


def test_the_card_and_the_calendar_speak_the_translation() -> None:
    pypdfium2 = pytest.importorskip("pypdfium2")
    plan = time_plan(TimeRequest(total_s=1800, kind=Kind.TREADMILL, week=2, units=Units.MPH))
    pdf = pypdfium2.PdfDocument(card_pdf(plan, day=date(2026, 1, 5)))
    try:
        text = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    for word in ("«Locked treadmill»", "«Safety»", "«Start»", "«BACKWARD»", "«forward»", "«Monday»", "«January»"):
        assert word in text, word
    # The counted summary: one message with its numbers inside it.
    assert "«30:00 in all · 6:00 backward in 1 bout · 24:00 forward»" in text
    description = describe(plan)
    lines = description.splitlines()
    assert translated(lines[0]) and "«Safety:»" in lines
    assert "2. 12:30 «BACKWARD» 6:00 «at 2.0 «mph»», «1 % incline»" in lines
    cal = Calendar.from_ical(week_ics(plan, date(2026, 11, 30), time(7, 0), ZoneInfo("UTC"), (0,)))
    event = next(iter(cal.walk("VEVENT")))
    assert str(event["summary"]).startswith("««Backward walk»: ")
    assert str(next(iter(event.walk("VALARM")))["description"]).endswith(" in 15 minutes»")


def test_progression_and_knee_reasons_are_translated() -> None:
    decision = next_step([LoggedSession(date(2026, 1, 5), 1, 2, None, 3)], 1, 0)
    assert translated(decision.reason) and "2/10" in decision.reason and "«Mon»" in decision.reason
    result = measure(np.full((10, 33, 4), np.nan), 10.0)
    assert result.verdict == "«Cannot tell: «the video has 10 frames a second; a step needs at least 24 to be seen " \
                             "(set the phone to 30 or 60 fps)»»"
