"""One door to every export: a plan (and, for a route plan, what it was made from) to the bytes of a file.

The command line and the web app both come through here, so a FIT, GPX, calendar or card is the same file
whichever way it was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from retrowalk.core.i18n import _
from retrowalk.core.plan import Plan, PlanError
from retrowalk.core.privacy import Zone, shared
from retrowalk.core.routeplan import RoutePlan
from retrowalk.core.text import quoted
from retrowalk.formats.ics import DEFAULT_DAYS

FORMATS = {"fit": ".fit", "gpx": ".gpx", "ics": ".ics", "pdf": ".pdf"}
MEDIA_TYPES = {"fit": "application/vnd.ant.fit", "gpx": "application/gpx+xml", "ics": "text/calendar",
               "pdf": "application/pdf"}


def next_monday(today: date | None = None) -> date:
    today = today or date.today()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def default_name() -> str:
    """A file's title when none is given: "Backward walk", in the language active when the options are made."""
    return _("Backward walk")


@dataclass(frozen=True)
class ExportOptions:
    name: str = field(default_factory=default_name)
    first_day: date = field(default_factory=next_monday)
    """The calendar's week starts here."""
    days: tuple[int, ...] = DEFAULT_DAYS
    at: time = time(7, 0)
    tz: str | None = None
    paper: str | None = None
    """``a4`` or ``letter``; by default from the plan's units."""
    zones: tuple[Zone, ...] = ()
    """Privacy zones to cut out of a route plan (core.privacy), with the route's own ``extra_m``: a file for
    others. None given: the whole route, as for the walker's own watch."""
    extra_m: float = 0.0


def render(fmt: str, plan: Plan, route: RoutePlan | None = None, options: ExportOptions | None = None) -> bytes:
    """The file's bytes in format ``fmt`` (``fit``, ``gpx``, ``ics``, ``pdf``); :class:`PlanError` if the plan
    cannot be had in that form (a GPX of a time plan, say)."""
    options = options or ExportOptions()
    if route is not None and route.plan is not plan:
        raise ValueError("route must be the RoutePlan the plan came from")
    if route is not None and options.zones:
        # The one place a file for others is cut: everything below draws from the cut plan.
        route = shared(route, options.zones, options.extra_m)
        plan = route.plan
    if fmt == "fit":
        from retrowalk.formats.fitworkout import workout_fit

        return workout_fit(plan, options.name)
    if fmt == "gpx":
        if route is None:
            if plan.route is None:
                raise PlanError(_("a GPX with turn-around points needs the route file itself: a time plan has no "
                                  "route"))
            raise PlanError(_("a GPX with turn-around points needs the route file itself: a plan file holds no map "
                              "of the route"))
        from retrowalk.formats.gpxout import route_gpx

        return route_gpx(route, options.name)
    if fmt == "ics":
        from retrowalk.formats.ics import week_ics, zone

        return week_ics(plan, options.first_day, options.at, zone(options.tz), options.days, options.name)
    if fmt == "pdf":
        from retrowalk.formats.card import PAPERS, card_pdf, default_paper

        paper = options.paper or default_paper(plan.units)
        if paper not in PAPERS:
            raise PlanError(_("paper %(paper)s: give a4 or letter") % {"paper": quoted(paper)})
        return card_pdf(plan, route.profile if route else None, paper, options.name,
                        turns=route.turns_in_the_way() if route else ())
    raise PlanError(_("%(format)s is not an export format; give one of %(formats)s")
                    % {"format": quoted(fmt), "formats": ", ".join(FORMATS)})
