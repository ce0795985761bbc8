"""Small pieces of wording every message shares: quoting what someone gave, one line, a date in
words."""

from __future__ import annotations

from datetime import date

from retrowalk.core.i18n import _, gettext_noop

QUOTE_MAX = 40
"""A file's own text quoted in a message is cut to this many characters: enough to find it, never a page."""

WEEKDAYS = (gettext_noop("Monday"), gettext_noop("Tuesday"), gettext_noop("Wednesday"), gettext_noop("Thursday"),
            gettext_noop("Friday"), gettext_noop("Saturday"), gettext_noop("Sunday"))
MONTHS = (gettext_noop("January"), gettext_noop("February"), gettext_noop("March"), gettext_noop("April"),
          gettext_noop("May"), gettext_noop("June"), gettext_noop("July"), gettext_noop("August"),
          gettext_noop("September"), gettext_noop("October"), gettext_noop("November"), gettext_noop("December"))
"""The names of days and months, marked for the catalogue (strftime would speak the C locale's English)."""
WEEKDAYS_SHORT = (gettext_noop("Mon"), gettext_noop("Tue"), gettext_noop("Wed"), gettext_noop("Thu"),
                  gettext_noop("Fri"), gettext_noop("Sat"), gettext_noop("Sun"))
MONTHS_SHORT = (gettext_noop("Jan"), gettext_noop("Feb"), gettext_noop("Mar"), gettext_noop("Apr"),
                # Translators: "May" is both the month's full name and its short name (as in "Mon 05 May").
                gettext_noop("May"), gettext_noop("Jun"), gettext_noop("Jul"), gettext_noop("Aug"),
                gettext_noop("Sep"), gettext_noop("Oct"), gettext_noop("Nov"), gettext_noop("Dec"))


def quoted(text: object) -> str:
    """Text from a file (or a person) as a message quotes it: in quotes, on one line, printable, short."""
    words = "".join(c if c.isprintable() else " " for c in " ".join(str(text).split()))
    if len(words) > QUOTE_MAX:
        words = words[: QUOTE_MAX - 1] + "…"
    return repr(words)


def one_line(text: str, limit: int = 300) -> str:
    """A message from a parser or library as one printable line of at most ``limit`` characters."""
    line = "".join(c if c.isprintable() else " " for c in " ".join(text.split()))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def long_date(day: date) -> str:
    """``Monday 05 January 2026`` (what ``%A %d %B %Y`` writes), in the active language."""
    # Translators: a date on the printed card; %(weekday)s and %(month)s are the full names.
    return _("%(weekday)s %(day)s %(month)s %(year)s") % {
        "weekday": _(WEEKDAYS[day.weekday()]), "day": f"{day.day:02d}", "month": _(MONTHS[day.month - 1]),
        "year": day.year}


def short_date(day: date) -> str:
    """``Mon 05 Jan`` (what ``%a %d %b`` writes), in the active language."""
    # Translators: a short date in a sentence; %(weekday)s and %(month)s are the short names.
    return _("%(weekday)s %(day)s %(month)s") % {
        "weekday": _(WEEKDAYS_SHORT[day.weekday()]), "day": f"{day.day:02d}",
        "month": _(MONTHS_SHORT[day.month - 1])}
