"""The web app's verbs over core/ and formats/: save a route, make a plan, log a session, decide the next step.

Views and the API both call these, so both apply the same checks and give the same messages. Anything that can
be refused is refused *before* anything is saved (a route file is read and profiled first), so a bad upload never
leaves half a route behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retrowalk.core.plan import Kind, Plan, PlanError
from retrowalk.core.progression import Decision, LoggedSession, next_step
from retrowalk.core.refusal import Option, RouteRefusedError
from retrowalk.core.routeplan import ENGINE_VERSION, RoutePlan, RouteRequest, route_plan
from retrowalk.core.terrain import profile
from retrowalk.core.text import one_line
from retrowalk.core.timeplan import TimeRequest, time_plan
from retrowalk.core.track import Track, TrackError
from retrowalk.core.units import Units
from retrowalk.formats.read import MAX_FILE_BYTES, read_bytes, too_big
from retrowalk.web.accounts.models import Profile
from retrowalk.web.language import for_client
from retrowalk.web.walks.models import Route, WalkPlan, WalkSession

ROUTE_SUFFIXES = (".gpx", ".tcx", ".fit")
SUMMARY_STEP_M = 5.0


OLDEST_SESSION_DAYS = 60
"""How far back a session may be logged: two months catch up on a forgotten log; a day further back is a slip
of the date picker (1 January 1900), and would count as weeks held at her step (core/progression.py)."""


def session_day_problem(day: date) -> str | None:
    """Why a session cannot be logged for ``day`` as long past (the page's and the API's one sentence), or None.
    (A day still to come is checked by each: the API gives a phone in another time zone a day's grace.)"""
    if day < date.today() - timedelta(days=OLDEST_SESSION_DAYS):
        return ngettext("A session cannot be logged for a day more than %(days)d day ago.",
                        "A session cannot be logged for a day more than %(days)d days ago.",
                        OLDEST_SESSION_DAYS) % {"days": OLDEST_SESSION_DAYS}
    return None


class InputError(ValueError):
    """A request that cannot be carried out; the message is shown as it is (a page's error, an API 400).

    ``options`` say what could be done instead (a route that holds nothing: walk it the other way, plan by time);
    pages offer them as buttons, the API lists them."""

    def __init__(self, message: str, options: tuple[Option, ...] = ()) -> None:
        super().__init__(message)
        self.options = options


@dataclass(frozen=True)
class Upload:
    """A route file read and checked, not stored yet: the route it would be, and its track."""

    route: Route
    track: Track
    data: bytes


def read_upload(client: Profile, name: str, filename: str, data: bytes) -> Upload:
    """Read and check a route file; nothing is stored. Refuses with the reader's own sentence."""
    suffix = Path(filename).suffix.lower()
    if suffix not in ROUTE_SUFFIXES:
        raise InputError(_("%(filename)s: upload a .gpx, .tcx or .fit file") % {"filename": filename})
    if len(data) > MAX_FILE_BYTES:
        raise InputError(too_big(filename, len(data)))
    track = _read(data, filename)
    try:
        prof = profile(track, SUMMARY_STEP_M)
    except (TrackError, PlanError) as err:
        raise InputError(str(err)) from None
    route = Route(client=client, name=(name or track.name or Path(filename).stem)[:120],
                  original_name=filename[:255], size_bytes=len(data), distance_m=prof.track_m,
                  ascent_m=prof.ascent_m, descent_m=prof.descent_m, elevation=prof.elevation)
    # The route's name as the client gave it, as route_track() gives it for a stored route.
    return Upload(route, replace(track, name=route.name), data)


@contextmanager
def _storing(upload: Upload) -> Iterator[Route]:
    """Store the upload's file and row, with whatever else the caller saves inside: all of it, or (on any error,
    the database's included) none of it, the file removed again."""
    route = upload.route
    route.file.save(f"route{Path(route.original_name).suffix.lower()}", ContentFile(upload.data), save=False)
    try:
        with transaction.atomic():
            route.save()
            yield route
    except BaseException:
        route.file.delete(save=False)
        route.pk = None
        raise


def save_route(client: Profile, name: str, filename: str, data: bytes) -> Route:
    """Read and check the file, then store it and its summary. Refuses with the reader's own sentence."""
    with _storing(read_upload(client, name, filename, data)) as route:
        return route


def plan_upload(client: Profile, by: User | None, name: str, filename: str, data: bytes,
                options: PlanOptions) -> WalkPlan:
    """A plan on a route file just uploaded. The file is read and the plan made first; only when both succeed
    are the route, its file and the plan stored, together. A refused upload leaves nothing behind."""
    upload = read_upload(client, name, filename, data)
    options = replace(options, kind=Kind.ROUTE)
    plan, made = _made(client, options, upload.track)
    with _storing(upload) as route:
        return _store_plan(client, by, options, route, plan, made)


def _read(data: bytes, filename: str) -> Track:
    try:
        return read_bytes(data, filename, times=False)
    except TrackError as err:
        raise InputError(str(err)) from None


@lru_cache(maxsize=32)
def _route_track(path: str, modified_ns: int) -> Track:
    """Parsed route files, kept while they are unchanged: re-planning and exports read the same file again."""
    return read_bytes(Path(path).read_bytes(), Path(path).name, times=False)


def route_track(route: Route) -> Track:
    path = Path(route.file.path)
    try:
        # The route's name as the client gave it, not the stored file's: plans and pictures show it.
        return replace(_route_track(str(path), path.stat().st_mtime_ns), name=route.name)
    except FileNotFoundError:
        raise InputError(_("the route file is missing from storage; upload it again")) from None


@dataclass(frozen=True)
class PlanOptions:
    minutes: float | None = None
    kind: Kind = Kind.OUTDOOR
    reverse: bool = False
    backward_minutes: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"minutes": self.minutes, "kind": self.kind.value, "reverse": self.reverse,
                "backward_minutes": self.backward_minutes}

    @staticmethod
    def from_dict(data: dict[str, Any]) -> PlanOptions:
        return PlanOptions(minutes=data.get("minutes"), kind=Kind(data.get("kind", Kind.OUTDOOR.value)),
                           reverse=bool(data.get("reverse")), backward_minutes=data.get("backward_minutes"))


def make_plan(client: Profile, by: User | None, options: PlanOptions, route: Route | None = None) -> WalkPlan:
    """A plan for ``client`` at their step, speeds and units, saved. :class:`InputError` when it cannot be made.

    The plan is saved with the whole request it was made from (speeds, units, step, direction, the engine's
    version), so that its page, exports and live coach show it as it was made, whatever the client changes
    later (:func:`route_result`). Its words (cues, safety notes, warnings) are in the client's language, as
    everything made for her is, whoever asks for it."""
    with for_client(client.language):
        plan, made = _made(client, options, None if route is None else route_track(route))
    return _store_plan(client, by, options, route, plan, made)


def _made(client: Profile, options: PlanOptions, track: Track | None) -> tuple[Plan, dict[str, Any]]:
    """The plan for ``client`` (on ``track`` when it is a route plan) and the request it was made from; nothing
    is stored. :class:`InputError` when it cannot be made."""
    units = Units(client.units)
    backward_s = None if options.backward_minutes is None else round(options.backward_minutes * 60)
    made: dict[str, Any] = {}
    try:
        if track is not None:
            request = _route_request(client, options)
            plan = route_plan(track, request).plan
            made = {"route_request": request.to_dict(), "engine": ENGINE_VERSION}
        else:
            if options.minutes is None:
                raise InputError(_("give the minutes of the walk"))
            if options.kind is Kind.ROUTE:
                raise InputError(_("a route plan needs a route"))
            kind = options.kind
            outdoors = kind is Kind.OUTDOOR  # treadmill speeds come from the programme (S5), not the client's walk
            time_request = TimeRequest(
                total_s=round(options.minutes * 60), kind=kind, week=client.week, units=units, backward_s=backward_s,
                forward_speed_kmh=client.speed_forward_kmh if outdoors else None,
                backward_speed_kmh=client.speed_backward_kmh if outdoors else None)
            plan = time_plan(time_request)
            made = {"time_request": {"total_s": time_request.total_s, "week": time_request.week,
                                     "units": units.value, "backward_s": backward_s,
                                     "forward_speed_kmh": time_request.forward_speed_kmh,
                                     "backward_speed_kmh": time_request.backward_speed_kmh}}
    except RouteRefusedError as err:
        raise InputError(err.reason(), err.options) from None
    except (PlanError, TrackError) as err:
        raise InputError(one_line(str(err))) from None
    return plan, made


def _store_plan(client: Profile, by: User | None, options: PlanOptions, route: Route | None, plan: Plan,
                made: dict[str, Any]) -> WalkPlan:
    return WalkPlan.objects.create(client=client, created_by=by, kind=plan.kind.value, route=route,
                                   week=client.week, request=options.as_dict() | made, data=plan.to_dict(),
                                   total_s=plan.total_s, backward_s=plan.backward_s)


def plan_again(walk_plan: WalkPlan, by: User | None) -> WalkPlan:
    """The same walk planned anew with the client's settings of today: a new plan; the old one stays as it was."""
    return make_plan(walk_plan.client, by, PlanOptions.from_dict(walk_plan.request), walk_plan.route)


def _route_request(client: Profile, options: PlanOptions) -> RouteRequest:
    return RouteRequest(week=client.week, units=Units(client.units), minutes=options.minutes,
                        reverse=options.reverse, forward_speed_kmh=client.speed_forward_kmh,
                        backward_speed_kmh=client.speed_backward_kmh,
                        backward_s=None if options.backward_minutes is None else round(options.backward_minutes * 60))


def saved_request(walk_plan: WalkPlan) -> RouteRequest:
    """The request a route plan was made from, as saved with it."""
    return RouteRequest.from_dict(walk_plan.request.get("route_request") or {"week": walk_plan.week})


def route_result(walk_plan: WalkPlan) -> RoutePlan | None:
    """What a saved route plan was made from (for the profile, map, GPX, card and live coach), or None for a
    time plan.

    Made again from the stored file and the request saved with the plan, never the client's settings of today.
    The plan served is always the one saved, which the client saw: made by an older engine, its bouts may differ
    from what planning again would give, and the profile and track they are drawn on do not depend on that. Only
    if even the stretch of route differs (an engine that reads the file otherwise) is there no picture, rather
    than a wrong one."""
    if walk_plan.route is None:
        return None
    try:
        with for_client(walk_plan.client.language):  # in the words it was made in (make_plan)
            result = route_plan(route_track(walk_plan.route), saved_request(walk_plan))
    except (PlanError, TrackError):
        return None
    saved = walk_plan.plan
    if result.plan.to_dict()["segments"] == walk_plan.data["segments"]:
        return result
    if saved.route is None or result.plan.route is None or \
            abs(saved.route.distance_m - result.plan.route.distance_m) > result.profile.step_m:
        return None
    return replace(result, plan=saved)


def log_session(client: Profile, values: dict[str, Any], plan: WalkPlan | None = None) -> WalkSession:
    """Save one session; ``plan`` must already be one the caller may see (the views and API check it)."""
    if plan is not None and plan.client_id != client.pk:
        raise InputError(_("that plan belongs to someone else"))
    from retrowalk.web.recordings.models import RecordedWalk

    session = WalkSession(client=client, plan=plan, week=client.week, **values)
    session.full_clean()
    session.save()
    # A walk recorded that day is this session's record (its backward time then counts for progression).
    RecordedWalk.objects.filter(client=client, day=session.day, session__isnull=True).update(session=session)
    return session


def dose_minutes(client: Profile) -> float:
    """Backward minutes per session at the client's step."""
    from retrowalk.core.program import dose_for_week

    return dose_for_week(client.week).backward_s / 60


def decide(client: Profile, today: date | None = None) -> Decision:
    """The next step for ``client`` from their log (core.progression), in their units."""
    # A walk a recording brought in counts once the client has said how it felt: pain decides (DOMAIN.md:45).
    sessions = list(client.sessions.filter(pain_during__isnull=False, effort__isnull=False)
                    .order_by("-day", "-created")[:60])
    recorded = recorded_backward(sessions)
    log = [LoggedSession(s.day, s.week, s.pain_during, s.pain_next_morning, s.effort, recorded.get(s.pk))
           for s in sessions if s.pain_during is not None and s.effort is not None]
    with for_client(client.language):  # the reason is told to her, and kept as her progress note
        return next_step(log, client.week, client.pain_baseline, Units(client.units))


def recorded_backward(sessions: list[WalkSession]) -> dict[int, int]:
    """For each session with a recording that can show backward time (by laps or pace, not "not verifiable"),
    the backward seconds it shows: the progression rule uses these where they exist."""
    from retrowalk.web.recordings.models import VISIBLE, RecordedWalk

    out: dict[int, int] = {}
    for walk in RecordedWalk.objects.filter(VISIBLE, session__in=[s.pk for s in sessions]).only(
            "session_id", "backward_s", "review"):
        if walk.session_id is not None and walk.review.get("basis") in ("laps", "pace"):
            out[walk.session_id] = max(out.get(walk.session_id, 0), walk.backward_s)
    return out


def apply_decision(client: Profile) -> Decision:
    """Move the client to the step the log calls for, and say why."""
    decision = decide(client)
    if decision.week != client.week:
        client.week = decision.week
        client.progress_note = decision.reason
        client.save(update_fields=["week", "progress_note"])
    return decision
