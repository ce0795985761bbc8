"""The coach's dashboard: every client in one table with what needs attention, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from retrowalk.core.progression import PAIN_ACCEPTABLE_MAX
from retrowalk.web.accounts.access import visible_clients
from retrowalk.web.accounts.models import Profile, Role
from retrowalk.web.walks.models import WalkSession

QUIET_DAYS = 7
TREND_WEEKS = 3


@dataclass
class ClientRow:
    client: Profile
    last_day: date | None = None
    week_minutes: float = 0.0
    pain_by_week: list[float | None] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def trend(self) -> str:
        shown = ["–" if p is None else f"{p:.1f}" for p in self.pain_by_week]
        return " → ".join(shown)


def client_rows(clients: list[Profile], today: date) -> list[ClientRow]:
    """One row per client from two queries (last session days; sessions of the last three weeks)."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=TREND_WEEKS - 1)
    ids = [c.pk for c in clients]
    last = dict(WalkSession.objects.filter(client_id__in=ids).values("client_id").annotate(d=Max("day"))
                .values_list("client_id", "d"))
    recent: dict[int, list[tuple[date, int, int, int | None]]] = defaultdict(list)
    for cid, day, backward_s, pain, morning in (WalkSession.objects.filter(client_id__in=ids, day__gte=first)
                                                .values_list("client_id", "day", "backward_s", "pain_during",
                                                             "pain_next_morning")):
        recent[cid].append((day, backward_s, pain, morning))
    rows = []
    for client in clients:
        row = ClientRow(client, last.get(client.pk))
        sessions = recent.get(client.pk, [])
        row.week_minutes = round(sum(b for d, b, _, _ in sessions if d >= monday) / 60, 1)
        for w in range(TREND_WEEKS):
            start = first + timedelta(weeks=w)
            pains = [p for d, _, p, _ in sessions if start <= d < start + timedelta(days=7)]
            row.pain_by_week.append(sum(pains) / len(pains) if pains else None)
        weeks = [p for p in row.pain_by_week if p is not None]
        if row.last_day is None or (today - row.last_day).days >= QUIET_DAYS:
            row.flags.append(f"no session in {QUIET_DAYS} days")
        if len(weeks) == TREND_WEEKS and weeks[0] < weeks[1] < weeks[2]:
            row.flags.append("pain rising 2 weeks")
        if any(p > PAIN_ACCEPTABLE_MAX for d, _, p, _ in sessions if d >= today - timedelta(days=7)):
            row.flags.append(f"pain above {PAIN_ACCEPTABLE_MAX}/10 this week")
        if any(m is not None and m > client.pain_baseline for d, _, _, m in sessions
               if d >= today - timedelta(days=7)):
            row.flags.append("morning pain above baseline")
        rows.append(row)
    rows.sort(key=lambda r: (-len(r.flags), r.client.display_name.lower()))
    return rows


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "profile", None)
    if not request.user.is_staff and (profile is None or profile.role != Role.COACH):
        raise PermissionDenied("The dashboard is for coaches.")
    clients = list(visible_clients(request.user).select_related("user", "coach__user").order_by("user__first_name"))
    rows = client_rows(clients, date.today())
    return render(request, "coach/dashboard.html", {"rows": rows, "flagged": sum(1 for r in rows if r.flags)})
