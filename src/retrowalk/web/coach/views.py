"""The coach's dashboard: every client in one table with what needs attention, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Avg, Max, OuterRef, QuerySet, Subquery, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from retrowalk.core.progression import PAIN_ACCEPTABLE_MAX
from retrowalk.web.accounts.access import ProfileRequest, coach_required, visible_clients
from retrowalk.web.accounts.models import Profile
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

    @property
    def last_label(self) -> str:
        return self.last_day.strftime("%a %d %b") if self.last_day else "never"

    @property
    def trend(self) -> str:
        shown = ["–" if p is None else f"{p:.1f}" for p in self.pain_by_week]
        return " → ".join(shown)


def _per_client(aggregate: Any, **since: date) -> Subquery:
    """One value per client from its own sessions (a correlated subquery that walks the (client, day) index)."""
    sessions = WalkSession.objects.filter(client=OuterRef("pk"), **since).order_by().values("client")
    return Subquery(sessions.annotate(v=aggregate).values("v")[:1])


def client_rows(clients: QuerySet[Profile], today: date) -> list[ClientRow]:
    """One row per client from one query: each client with its last session day, this week's backward seconds,
    its mean pain in each of the last three weeks and its worst pain in the last seven days, computed by the
    database from the (client, day) index; no model object per client or session."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=TREND_WEEKS - 1)
    week_ago = today - timedelta(days=7)
    weeks = [first + timedelta(weeks=w) for w in range(TREND_WEEKS)]
    annotated = clients.annotate(
        last_day=Subquery(WalkSession.objects.filter(client=OuterRef("pk")).order_by("-day").values("day")[:1]),
        week_s=_per_client(Sum("backward_s"), day__gte=monday),
        worst_pain=_per_client(Max("pain_during"), day__gte=week_ago),
        worst_morning=_per_client(Max("pain_next_morning"), day__gte=week_ago),
        **{f"pain{w}": _per_client(Avg("pain_during"), day__gte=start, day__lt=start + timedelta(days=7))
           for w, start in enumerate(weeks)},
    ).values_list("pk", "user__first_name", "user__last_name", "user__username", "week", "pain_baseline",
                  "last_day", "week_s", "worst_pain", "worst_morning", *(f"pain{w}" for w in range(TREND_WEEKS)))
    url = reverse("walks:dashboard", args=[0]).replace("/0/", "/{}/")  # one reverse() for all rows
    rows = []
    for pk, first_name, last_name, username, week, baseline, last_day, week_s, worst, morning, *pains in annotated:
        name = f"{first_name} {last_name}".strip() or username
        row = ClientRow(pk, name, week, baseline, url.format(pk), last_day)
        row.week_minutes = round((week_s or 0) / 60, 1)
        row.pain_by_week = [None if p is None else float(p) for p in pains]
        known = [p for p in row.pain_by_week if p is not None]
        if last_day is None or (today - last_day).days >= QUIET_DAYS:
            row.flags.append(f"no session in {QUIET_DAYS} days")
        if len(known) == TREND_WEEKS and known[0] < known[1] < known[2]:
            row.flags.append("pain rising 2 weeks")
        if worst is not None and worst > PAIN_ACCEPTABLE_MAX:
            row.flags.append(f"pain above {PAIN_ACCEPTABLE_MAX}/10 this week")
        if morning is not None and morning > baseline:
            row.flags.append("morning pain above baseline")
        rows.append(row)
    rows.sort(key=lambda r: (-len(r.flags), r.name.lower()))
    return rows


@coach_required
def dashboard(request: ProfileRequest) -> HttpResponse:
    rows = client_rows(visible_clients(request.user), date.today())
    return render(request, "coach/dashboard.html", {"rows": rows, "table": rows_html(rows),
                                                    "flagged": sum(1 for r in rows if r.flags)})


def rows_html(rows: list[ClientRow]) -> SafeString:
    """The table body, built here rather than in the template: the dashboard's hot loop (every client of a coach
    on every load), and format_html escapes every value as the template would, at a fraction of the cost."""
    if not rows:
        return mark_safe('<tr><td colspan="6">No clients yet.</td></tr>')
    return format_html_join("", '<tr{}><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{} min</td><td>{}</td>'
                                '<td>{}</td></tr>',
                            ((' class="flagged"' if r.flags else "", r.url, r.name, r.week, r.last_label,
                              r.week_minutes, r.trend, _flags(r.flags)) for r in rows))


def _flags(flags: list[str]) -> SafeString:
    if not flags:
        return mark_safe('<span class="ok">on track</span>')
    return format_html_join("", '<span class="flag">{}</span>', ((f,) for f in flags))
