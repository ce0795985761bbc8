"""The coach's dashboard: every client in one table with what needs attention, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from urllib.parse import urlencode

from django.db.models import Avg, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from retrowalk.core.progression import PAIN_ACCEPTABLE_MAX
from retrowalk.web.accounts.access import ProfileRequest, coach_required, visible_clients
from retrowalk.web.accounts.models import Profile
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

    @property
    def last_label(self) -> str:
        return self.last_day.strftime("%a %d %b") if self.last_day else "never"

    @property
    def trend(self) -> str:
        shown = ["–" if p is None else f"{p:.1f}" for p in self.pain_by_week]
        return " → ".join(shown)


def client_rows(clients: QuerySet[Profile], today: date) -> list[ClientRow]:
    """One row per client from two queries, computed by the database from the (client, day) index, with no model
    object per client or session: the clients with their last session day, and one pass over the sessions of the
    last three weeks, grouped by client, for this week's backward seconds, the mean pain of each week and the worst
    pain of the last seven days. (Two simple queries cost less to build than one with six correlated subqueries:
    Django's query building was half of the dashboard's time.)"""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=TREND_WEEKS - 1)
    week_ago = today - timedelta(days=7)
    weeks = [first + timedelta(weeks=w) for w in range(TREND_WEEKS)]
    recent = {row[0]: row[1:] for row in (
        WalkSession.objects.filter(client__in=clients.values("pk"), day__gte=min(first, week_ago)).order_by()
        .values("client").annotate(
            week_s=Sum("backward_s", filter=Q(day__gte=monday)),
            worst_pain=Max("pain_during", filter=Q(day__gte=week_ago)),
            worst_morning=Max("pain_next_morning", filter=Q(day__gte=week_ago)),
            **{f"pain{w}": Avg("pain_during", filter=Q(day__gte=start, day__lt=start + timedelta(days=7)))
               for w, start in enumerate(weeks)})
        .values_list("client", "week_s", "worst_pain", "worst_morning", *(f"pain{w}" for w in range(TREND_WEEKS))))}
    people = clients.annotate(
        last_day=Subquery(WalkSession.objects.filter(client=OuterRef("pk")).order_by("-day").values("day")[:1]),
    ).values_list("pk", "user__first_name", "user__last_name", "user__username", "week", "pain_baseline", "last_day")
    nothing = (None,) * (3 + TREND_WEEKS)
    recorded = latest_recorded(clients)
    url = reverse("walks:dashboard", args=[0]).replace("/0/", "/{}/")  # one reverse() for all rows
    rows = []
    for pk, first_name, last_name, username, week, baseline, last_day in people:
        week_s, worst, morning, *pains = recent.get(pk, nothing)
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
        walk = recorded.get(pk)
        if walk is not None:
            day, planned, confirmed, consistent, descents = walk
            row.recorded = _recorded_label(day, planned, confirmed, consistent)
            if descents and (today - day).days < 7:
                row.flags.append("backward on a descent")
        rows.append(row)
    rows.sort(key=lambda r: (-len(r.flags), r.name.lower()))
    return rows


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
    rows = client_rows(clients, date.today())
    flagged = sum(1 for r in rows if r.flags)
    listed = [r for r in rows if r.flags] if only_flagged else rows
    pages = max(1, -(-len(listed) // PAGE_SIZE))
    try:
        number = min(max(1, int(request.GET.get("page", "1"))), pages)
    except ValueError:
        number = 1
    shown = listed[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    from retrowalk.web.sharing.models import DeletionRequest

    # One small query on a table that is nearly always empty: her coach's requests (staff see all).
    pending = DeletionRequest.objects.filter(done__isnull=True, client__isnull=False)
    if not request.user.is_staff:
        pending = pending.filter(client__coach__user_id=request.user.pk)
    deletions = pending.select_related("client__user")

    def link(page: int) -> str:
        return "?" + urlencode({k: v for k, v in (("q", query), ("show", "flagged" if only_flagged else ""),
                                                  ("page", page)) if v})

    return render(request, "coach/dashboard.html", {
        "rows": rows, "table": rows_html(shown, query), "flagged": flagged, "deletions": list(deletions),
        "query": query, "only_flagged": only_flagged, "listed": len(listed),
        "first": (number - 1) * PAGE_SIZE + 1 if shown else 0, "last": (number - 1) * PAGE_SIZE + len(shown),
        "prev": link(number - 1) if number > 1 else "", "next": link(number + 1) if number < pages else ""})


def latest_recorded(clients: QuerySet[Profile]) -> dict[int, tuple[date, int, int, int, int]]:
    """Each client's latest recorded walk (of an import read to its end) as (day, bouts planned, confirmed,
    consistent, descents), in one query on the (client, shown, day) index, no model objects."""
    found: dict[int, tuple[date, int, int, int, int]] = {}
    for client, *rest in (RecordedWalk.objects.filter(client__in=clients.values("pk"), shown=True)
                          .order_by("client_id", "-day", "-started_at")
                          .values_list("client_id", "day", "bouts_planned", "bouts_confirmed", "bouts_consistent",
                                       "descents")):
        found.setdefault(client, tuple(rest))  # type: ignore[arg-type]
    return found


def _recorded_label(day: date, planned: int, confirmed: int, consistent: int) -> str:
    if planned:
        text = f"bouts done: {confirmed}/{planned} confirmed"
        if consistent:
            text += f", {consistent} consistent"
    elif confirmed or consistent:
        text = f"{confirmed + consistent} backward stretches"
    else:
        text = "no backward bout shown"
    return f"{text} ({day.strftime('%a %d %b')})"


def rows_html(rows: list[ClientRow], query: str = "") -> SafeString:
    """The table body, built here rather than in the template: the dashboard's hot loop (every client of a coach
    on every load). Every value goes through html.escape, as the template would escape it, at a fraction of the
    cost of format_html (which escapes through several layers per value). Each cell names its column
    (data-label): on a phone the row is a card, and the label is shown with the value."""
    if not rows:
        text = f"No client matches “{escape(query)}”." if query else "No clients yet."
        return mark_safe(f'<tr><td colspan="7">{text}</td></tr>')
    out = []
    for r in rows:
        flags = ("".join(f'<span class="flag">{escape(f)}</span>' for f in r.flags) if r.flags
                 else '<span class="ok">on track</span>')
        flagged = ' class="flagged"' if r.flags else ""
        out.append(f'<tr{flagged}><td class="name" data-label="Client"><a href="{escape(r.url)}">{escape(r.name)}</a>'
                   f'</td><td data-label="Step">{r.week:d}</td><td data-label="Last session">{escape(r.last_label)}'
                   f'</td><td data-label="Backward this week">{r.week_minutes} min</td>'
                   f'<td data-label="Pain by week">{escape(r.trend)}</td>'
                   f'<td data-label="Recorded">{escape(r.recorded) or "–"}</td>'
                   f'<td class="flags" data-label="Flags">{flags}</td></tr>')
    return mark_safe("".join(out))  # every value above is escaped, or a number
