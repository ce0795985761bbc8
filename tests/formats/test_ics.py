"""Calendar export: icalendar reads back the same events, at the right wall-clock time in the right zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from retrowalk.core.plan import Kind, PlanError
from retrowalk.core.timeplan import TimeRequest, time_plan
from retrowalk.core.units import Units
from retrowalk.formats.ics import describe, parse_days, week_ics, zone

PLAN = time_plan(TimeRequest(total_s=1800, kind=Kind.TREADMILL, week=2, units=Units.MPH))


def events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_a_week_has_one_event_per_chosen_day_with_the_plan_in_it() -> None:
    tz = ZoneInfo("America/New_York")
    got = events(week_ics(PLAN, date(2026, 11, 30), time(7, 0), tz, parse_days("mon,wed,fri")))
    assert [e.decoded("dtstart") for e in got] == [datetime(2026, 11, d, 7, 0, tzinfo=tz) for d in (30,)] + [
        datetime(2026, 12, d, 7, 0, tzinfo=tz) for d in (2, 4)]
    for e in got:
        assert e.decoded("dtend") - e.decoded("dtstart") == timedelta(seconds=PLAN.total_s)
        assert str(e["description"]) == describe(PLAN)
        assert "BACKWARD" in str(e["description"]) and "mph" in str(e["description"])
    assert len({str(e["uid"]) for e in got}) == 3


def test_wall_clock_time_survives_a_daylight_saving_change() -> None:
    tz = ZoneInfo("Europe/Zurich")  # summer time ends on Sunday 25 October 2026
    got = events(week_ics(PLAN, date(2026, 10, 23), time(7, 30), tz, days=(4, 0)))  # Fri 23, Mon 26
    starts = [e.decoded("dtstart") for e in got]
    assert [s.hour for s in starts] == [7, 7]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=2), timedelta(hours=1)]
    cal = Calendar.from_ical(week_ics(PLAN, date(2026, 10, 23), time(7, 30), tz, days=(4, 0)))
    assert [str(t["tzid"]) for t in cal.walk("VTIMEZONE")] == ["Europe/Zurich"]


def test_the_same_week_imported_twice_keeps_its_uids() -> None:
    tz = ZoneInfo("UTC")
    a = [str(e["uid"]) for e in events(week_ics(PLAN, date(2026, 11, 30), time(7), tz))]
    b = [str(e["uid"]) for e in events(week_ics(PLAN, date(2026, 11, 30), time(7), tz))]
    assert a == b


@pytest.mark.parametrize(("text", "message"), [("mon,funday", "not a weekday"), ("", "not a weekday")])
def test_bad_days_are_refused(text: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse_days(text)


def test_an_unknown_zone_is_refused_with_an_example() -> None:
    with pytest.raises(PlanError, match="Europe/Zurich"):
        zone("Mars/Olympus")
    with pytest.raises(PlanError, match="unknown time zone"):
        zone("../../etc/passwd")
