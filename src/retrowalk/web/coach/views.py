"""The coach's dashboard: every client in one table with what needs attention, in a fixed number of queries."""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from retrowalk.core.progression import PAIN_ACCEPTABLE_MAX
from retrowalk.web.accounts.access import ProfileRequest, coach_required, visible_clients
from retrowalk.web.accounts.models import Profile
from retrowalk.web.coach.models import DataVersion
from retrowalk.web.recordings.models import RecordedWalk
from retrowalk.web.walks.models import WalkSession

QUIET_DAYS = 7
TREND_WEEKS = 3


@dataclass
class ClientRow:
    client_id: int
    name: str
    week: int
    pain_baseline: int
    url: str = ""
    last_day: date | None = None
    week_minutes: float = 0.0
    pain_by_week: list[float | None] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    recorded: str = ""
    """The latest recorded walk's bouts, as the review found them ("4/5 confirmed"); empty without one."""
    last_label: str = ""
    """The last session's day in the page's language, or "never"."""

    @property
    def trend(self) -> str:
        shown = ["–" if p is None else f"{p:.1f}" for p in self.pain_by_week]
        return " → ".join(shown)


class _Words:
    """The dashboard's words in the page's language, looked up once a request rather than once a row."""

    def __init__(self) -> None:
        self.quiet = ngettext("no session in %(n)d day", "no session in %(n)d days", QUIET_DAYS) % {"n": QUIET_DAYS}
        self.rising = _("pain rising 2 weeks")
        self.above = _("pain above %(max)d/10 this week") % {"max": PAIN_ACCEPTABLE_MAX}
        self.morning = _("morning pain above baseline")
        self.descent = _("backward on a descent")
        self.never = _("never")
        self._days: dict[date, str] = {}

    def day(self, day: date | None) -> str:
        """A day as "Mon 30 Nov" in the page's language (one format call a distinct day)."""
        if day is None:
            return self.never
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = date_format(day, "D j M")
        return text


def client_rows(clients: QuerySet[Profile], today: date) -> list[ClientRow]:
    """One row per client from three queries on the (client, day) indexes, with no model object per client or
    session: the clients (the ORM's, so who may see whom stays in one place), then, in SQL written once for
    both databases, each one's last session day, this week's backward seconds, the mean pain of each of the last
    three weeks and the worst pain of the last seven days in one pass over three weeks of sessions, and the
    latest recorded walk. (Django building the statements was half of the dashboard's time at 200 clients.)"""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=TREND_WEEKS - 1)
    week_ago = today - timedelta(days=7)
    weeks = [first + timedelta(weeks=w) for w in range(TREND_WEEKS)]
    people = list(clients.order_by().values_list("pk", "user__first_name", "user__last_name", "user__username",
                                                 "week", "pain_baseline"))
    pks = [row[0] for row in people]
    recent: dict[int, tuple[Any, ...]] = {}
    last: dict[int, date] = {}
    recorded: dict[int, tuple[date, int, int, int, int]] = {}
    if pks:
        params: list[Any] = [monday, week_ago, week_ago]
        for start in weeks:
            params += [start, start + timedelta(days=7)]
        with connection.cursor() as cursor:
            cursor.execute(_sql("recent"), [*params, _ids(pks), min(first, week_ago)])
            for client, newest, *values in cursor.fetchall():
                recent[client] = tuple(values)
                last[client] = _day(newest)
            # The last day of those with no session in three weeks (few, in a studio that walks), off the index.
            older = [pk for pk in pks if pk not in last]
            if older:
                cursor.execute(_sql("last"), [_ids(older)])
                last |= {pk: _day(day) for pk, day in cursor.fetchall() if day is not None}
            cursor.execute(_sql("recorded"), [_ids(pks)])
            for client, day, *counts in cursor.fetchall():
                recorded.setdefault(client, (_day(day), *counts))
    nothing = (None,) * (3 + TREND_WEEKS)
    url = reverse("walks:dashboard", args=[0]).replace("/0/", "/{}/")  # one reverse() for all rows
    words = _Words()
    rows = []
    for pk, first_name, last_name, username, week, baseline in people:
        week_s, worst, morning, *pains = recent.get(pk, nothing)
        last_day = last.get(pk)
        name = f"{first_name} {last_name}".strip() or username
        row = ClientRow(pk, name, week, baseline, url.format(pk), last_day)
        row.week_minutes = round((week_s or 0) / 60, 1)
        row.pain_by_week = [None if p is None else float(p) for p in pains]
        known = [p for p in row.pain_by_week if p is not None]
        row.last_label = words.day(last_day)
        if last_day is None or (today - last_day).days >= QUIET_DAYS:
            row.flags.append(words.quiet)
        if len(known) == TREND_WEEKS and known[0] < known[1] < known[2]:
            row.flags.append(words.rising)
        if worst is not None and worst > PAIN_ACCEPTABLE_MAX:
            row.flags.append(words.above)
        if morning is not None and morning > baseline:
            row.flags.append(words.morning)
        walk = recorded.get(pk)
        if walk is not None:
            day, planned, confirmed, consistent, descents = walk
            row.recorded = _recorded_label(words.day(day), planned, confirmed, consistent)
            if descents and (today - day).days < 7:
                row.flags.append(words.descent)
        rows.append(row)
    rows.sort(key=lambda r: (-len(r.flags), r.name.lower()))
    return rows


def _day(value: date | str) -> date:
    """A date column as SQLite (text) or PostgreSQL (a date) gives it to plain SQL."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _ids(pks: list[int]) -> Any:
    """Client ids as one parameter (see :func:`_sql`): a list for PostgreSQL's array, JSON text for SQLite."""
    return pks if connection.vendor == "postgresql" else json.dumps(pks)


@functools.cache
def _sql(name: str) -> str:
    """The dashboard's statements, made once per process. The client ids go as one parameter, whatever their
    number (an array on PostgreSQL, JSON on SQLite): 200 placeholders cost the driver more than the query.
    CASE rather than FILTER, which both databases read alike."""
    sessions, walks = connection.ops.quote_name(WalkSession._meta.db_table), \
        connection.ops.quote_name(RecordedWalk._meta.db_table)
    among = ("{} = ANY(%s)" if connection.vendor == "postgresql"
             else "{} IN (SELECT value FROM json_each(%s))")
    if name == "version":
        return f"SELECT n FROM {connection.ops.quote_name(DataVersion._meta.db_table)} WHERE id = 1"
    if name == "recent":  # on the (day, client) index: three weeks of every client's sessions as one range
        # AVG as a float: PostgreSQL's own is numeric, which the driver makes a Decimal, slow to make and use.
        pains = ", ".join("CAST(AVG(CASE WHEN day >= %s AND day < %s THEN pain_during END) AS DOUBLE PRECISION)"
                          for _ in range(TREND_WEEKS))
        return (f"SELECT client_id, MAX(day), SUM(CASE WHEN day >= %s THEN backward_s END), "
                f"MAX(CASE WHEN day >= %s THEN pain_during END), MAX(CASE WHEN day >= %s THEN pain_next_morning END), "
                f"{pains} FROM {sessions} WHERE {among.format('client_id')} AND day >= %s GROUP BY client_id")
    if name == "last":  # each client's newest day straight off the (client, day) index
        return (f"SELECT c.id, (SELECT s.day FROM {sessions} s WHERE s.client_id = c.id ORDER BY s.day DESC LIMIT 1) "
                f"FROM {connection.ops.quote_name(Profile._meta.db_table)} c WHERE {among.format('c.id')}")
    # The latest recorded walk of each (of an import read to its end), on the (client, shown, day) index.
    return (f"SELECT client_id, day, bouts_planned, bouts_confirmed, bouts_consistent, descents FROM {walks} "
            f"WHERE {among.format('client_id')} AND shown ORDER BY client_id, day DESC, started_at DESC")


T = TypeVar("T")

KEPT = 32
"""Parts of dashboards each worker keeps (rows or requests to delete; coach, search, day, language, data version):
the last few coaches' lists."""
_kept: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_kept_lock = threading.Lock()


def data_version() -> int | None:
    """The database's data version (coach/models.py), or None when it has none (a test's emptied tables)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql("version"))
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def kept(make: Callable[[], T], version: int | None, *key: Any) -> T:
    """What ``make`` makes, made again only when the data version has changed since this worker last made it for
    the same ``key`` (whose, with which filter, which day), or the language changed. Read the version before what
    it guards: a change made while that is read makes a new version, and the next page reads again. (Each change
    makes a new random number, never one seen before, even after a restore.)"""
    if version is None:
        return make()
    full = (version, get_language(), *key)
    with _kept_lock:
        if full in _kept:
            _kept.move_to_end(full)
            return cast(T, _kept[full])
    made = make()
    with _kept_lock:
        _kept[full] = made
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return made


PAGE_SIZE = 50
"""Clients a page: those who need a look come first, so a long list's first page is the one to read."""


@coach_required
def dashboard(request: ProfileRequest) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    only_flagged = request.GET.get("show") == "flagged"
    clients = visible_clients(request.user)
    if query:
        clients = clients.filter(Q(user__first_name__icontains=query) | Q(user__last_name__icontains=query)
                                 | Q(user__username__icontains=query))
    today, version = date.today(), data_version()
    rows = kept(lambda: client_rows(clients, today), version, "rows", today, request.user.pk, request.user.is_staff,
                query)
    flagged = sum(1 for r in rows if r.flags)
    listed = [r for r in rows if r.flags] if only_flagged else rows
    # Django's own: a page that is no number is the first, one past the end the last.
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page)
    from retrowalk.web.sharing.models import DeletionRequest

    def requests_to_delete() -> list[DeletionRequest]:  # her coach's (staff see all): nearly always none
        pending = DeletionRequest.objects.filter(done__isnull=True, client__isnull=False)
        if not request.user.is_staff:
            pending = pending.filter(client__coach__user_id=request.user.pk)
        return list(pending.select_related("client__user"))

    # Kept as the rows are (coach/models.py watches the table): a query on every load was a third of its time.
    deletions = kept(requests_to_delete, version, "deletions", request.user.pk, request.user.is_staff)

    def link(page: int) -> str:
        return "?" + urlencode({k: v for k, v in (("q", query), ("show", "flagged" if only_flagged else ""),
                                                  ("page", page)) if v})

    return render(request, "coach/dashboard.html", {
        "rows": rows, "table": rows_html(shown, query), "flagged": flagged, "deletions": deletions,
        "query": query, "only_flagged": only_flagged, "listed": len(listed),
        "first": page.start_index(), "last": page.end_index(),
        "prev": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else ""})


def _recorded_label(day: str, planned: int, confirmed: int, consistent: int) -> str:
    if planned and consistent:
        text = _("bouts done: %(confirmed)d/%(planned)d confirmed, %(consistent)d consistent") % {
            "confirmed": confirmed, "planned": planned, "consistent": consistent}
    elif planned:
        text = _("bouts done: %(confirmed)d/%(planned)d confirmed") % {"confirmed": confirmed, "planned": planned}
    elif confirmed or consistent:
        n = confirmed + consistent
        text = ngettext("%(n)d backward stretch", "%(n)d backward stretches", n) % {"n": n}
    else:
        text = _("no backward bout shown")
    return _("%(what)s (%(day)s)") % {"what": text, "day": day}


def rows_html(rows: list[ClientRow], query: str = "") -> SafeString:
    """The table body, built here rather than in the template: the dashboard's hot loop (every client of a coach
    on every load). Every value goes through html.escape, as the template would escape it, at a fraction of the
    cost of format_html (which escapes through several layers per value). Each cell names its column
    (data-label): on a phone the row is a card, and the label is shown with the value."""
    if not rows:
        text = (escape(_("No client matches “%(query)s”.") % {"query": query}) if query
                else escape(_("No clients yet.")))
        return mark_safe(f'<tr><td colspan="7">{text}</td></tr>')
    # The column names (each cell's label on a phone's card) and fixed words, translated once for all rows.
    client, step, last, backward, pain, recorded, flags_label = (escape(w) for w in (
        _("Client"), _("Step"), _("Last session"), _("Backward this week"), _("Pain by week"), _("Recorded"),
        _("Flags")))
    on_track = escape(_("on track"))
    minutes = _("%(n)s min")
    out = []
    for r in rows:
        flags = ("".join(f'<span class="flag">{escape(f)}</span>' for f in r.flags) if r.flags
                 else f'<span class="ok">{on_track}</span>')
        flagged = ' class="flagged"' if r.flags else ""
        out.append(f'<tr{flagged}><td class="name" data-label="{client}"><a href="{escape(r.url)}">{escape(r.name)}'
                   f'</a></td><td data-label="{step}">{r.week:d}</td><td data-label="{last}">{escape(r.last_label)}'
                   f'</td><td data-label="{backward}">{escape(minutes % {"n": r.week_minutes})}</td>'
                   f'<td data-label="{pain}">{escape(r.trend)}</td>'
                   f'<td data-label="{recorded}">{escape(r.recorded) or "–"}</td>'
                   f'<td class="flags" data-label="{flags_label}">{flags}</td></tr>')
    return mark_safe("".join(out))  # every value above is escaped, or a number
