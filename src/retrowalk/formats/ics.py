"""A week of sessions as an iCalendar file: one event per planned walk, the plan in its description.

Times are wall-clock times in a named IANA zone (a VTIMEZONE is included), so "07:00 in Europe/Zurich" stays 07:00
across a daylight-saving change and in any calendar app. Each event has a stable UID (the date and the plan), so
importing the same week twice updates the events instead of doubling them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event

from retrowalk.core.ground import terrain_label
from retrowalk.core.i18n import _, ngettext
from retrowalk.core.plan import Plan, PlanError
from retrowalk.core.text import quoted
from retrowalk.core.units import format_clock, format_distance, format_speed

DEFAULT_DAYS = (0, 2, 4)
"""Monday, Wednesday, Friday: three sessions a week, the studied dose (DOMAIN.md:51)."""
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REMINDER_MIN = 15


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone ``name``; without one, this machine's zone (``TZ``, then /etc/localtime), else UTC."""
    if not name:
        name = os.environ.get("TZ", "").lstrip(":") or _system_zone() or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PlanError(_("unknown time zone %(zone)s; give one like Europe/Zurich or America/New_York")
                        % {"zone": quoted(name)}) from None


def _system_zone() -> str | None:
    try:
        target = Path("/etc/localtime").resolve()
    except OSError:
        return None
    parts = target.parts
    return "/".join(parts[parts.index("zoneinfo") + 1:]) if "zoneinfo" in parts else None


def parse_days(text: str) -> tuple[int, ...]:
    """``"mon,wed,fri"`` → ``(0, 2, 4)``."""
    days = []
    for word in text.lower().replace(" ", "").split(","):
        if word[:3] not in DAY_NAMES or len(word) < 3:
            raise PlanError(_("--days: %(day)s is not a weekday; give them like mon,wed,fri") % {"day": quoted(word)})
        days.append(DAY_NAMES.index(word[:3]))
    return tuple(sorted(set(days)))


def week_ics(plan: Plan, first_day: date, at: time, tz: ZoneInfo, days: Sequence[int] = DEFAULT_DAYS,
             name: str | None = None) -> bytes:
    """The calendar's bytes: the week from ``first_day`` (seven days), a session at ``at`` on each of ``days``.
    ``name``: the events' title; by default "Backward walk" in the active language."""
    name = _("Backward walk") if name is None else name
    cal = Calendar()
    cal.add("prodid", "-//retrowalk//backward walking plans//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    fingerprint = hashlib.sha256(json.dumps(plan.to_dict(), sort_keys=True).encode()).hexdigest()[:16]
    summary = _("%(name)s: %(backward)s backward") % {"name": name, "backward": format_clock(plan.backward_s)}
    reminder = (ngettext("%(summary)s in %(n)s minute", "%(summary)s in %(n)s minutes", REMINDER_MIN)
                % {"summary": summary, "n": REMINDER_MIN})
    description = describe(plan)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for offset in range(7):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        start = datetime.combine(day, at, tzinfo=tz)
        event = Event()
        event.add("uid", f"{day.isoformat()}-{fingerprint}@retrowalk")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(seconds=plan.total_s))
        event.add("summary", summary)
        event.add("description", description)
        event.add("categories", [_("Walking")])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", reminder)
        alarm.add("trigger", timedelta(minutes=-REMINDER_MIN))
        event.add_component(alarm)
        cal.add_component(event)
    if not cal.walk("VEVENT"):
        raise PlanError(_("none of the chosen weekdays falls in that week"))
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def event_ics(title: str, start: datetime, duration: timedelta, location: str, description: str,
              uid: str) -> bytes:
    """One event (a booked group session) as a calendar file; ``start`` is an aware datetime."""
    if start.tzinfo is None:
        raise PlanError(_("an event needs a time zone"))
    cal = Calendar()
    cal.add("prodid", "-//retrowalk//backward walking plans//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{uid}@retrowalk")
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("dtstart", start)
    event.add("dtend", start + duration)
    event.add("summary", title)
    event.add("location", location)
    event.add("description", description)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("%(title)s in 1 hour") % {"title": title})
    alarm.add("trigger", timedelta(hours=-1))
    event.add_component(alarm)
    cal.add_component(event)
    return bytes(cal.to_ical())


def describe(plan: Plan) -> str:
    """The plan in plain text, one step a line, then warnings and safety notes."""
    lines = [_("%(total)s in all: %(backward)s backward, %(forward)s forward.")
             % {"total": format_clock(plan.total_s), "backward": format_clock(plan.backward_s),
                "forward": format_clock(plan.forward_s)}, ""]
    for i, seg in enumerate(plan.segments, 1):
        where = ""
        if seg.start_m is not None:
            # Translators: where a step starts along the route, as in "3. 4:00 BACKWARD 1:30 from 350 m (uphill)".
            where = " " + _("from %(distance)s") % {"distance": format_distance(seg.start_m, plan.units)}
            if seg.terrain:
                where += f" ({terrain_label(seg.terrain)})"
        # Translators: a step's belt speed, as in "2. 3:00 BACKWARD 5:00 at 2.0 mph, 1 % incline".
        speed = "" if seg.speed_kmh is None else " " + _("at %(speed)s") % {
            "speed": format_speed(seg.speed_kmh, plan.units)}
        incline = "" if seg.incline_pct is None else ", " + _("%(incline)s %% incline") % {
            "incline": f"{seg.incline_pct:g}"}
        way = _("BACKWARD") if seg.backward else _("forward")
        lines.append(f"{i}. {format_clock(seg.start_s)} {way} {format_clock(seg.duration_s)}{speed}{incline}{where}")
    if plan.warnings:
        lines += ["", *(f"! {w}" for w in plan.warnings)]
    lines += ["", _("Safety:"), *(f"- {s}" for s in plan.safety)]
    return "\n".join(lines)
