"""The JSON API (OpenAPI document at /api/openapi.json, browsable at /api/docs).

Authentication: ``Authorization: Bearer rw_…`` (a token from the admin or ``retrowalk-admin token USER``), or the
browser's session (with its CSRF token). Without either: 401, as JSON, saying how to get a token; a session
without its CSRF token: 403. With the database unreachable: 503, as JSON. Ownership goes through
:mod:`retrowalk.web.accounts.access`, as for pages: another client's objects answer 404, also when named inside a
request body. Refusals are 400 with the same sentence a page shows: ``{"detail": "…"}``.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.security import HttpBearer, SessionAuth
from pydantic import ConfigDict, Field

from retrowalk.core.bounds import (
    BACKWARD_MINUTES,
    BACKWARD_SPEED,
    BELT_SPEED,
    DISTANCE_M,
    DONE_BACKWARD_MINUTES,
    DONE_FORWARD_MINUTES,
    EFFORT,
    FORWARD_SPEED,
    LOGGED_INCLINE,
    PAIN,
    ROUTE_MINUTES,
    WALK_MINUTES,
    OutOfBoundsError,
    check_speeds,
)
from retrowalk.core.plan import Kind
from retrowalk.web.accounts.access import AuthenticatedHttpRequest, client_or_404, owned, owned_or_404
from retrowalk.web.accounts.models import ApiToken, Profile
from retrowalk.web.bounds import Within
from retrowalk.web.errors import DATABASE_DOWN, SERVER_FAULT
from retrowalk.web.language import VOICE_PATTERN
from retrowalk.web.walks import services
from retrowalk.web.walks.models import Route, Setting, WalkPlan, WalkSession

LAST_USED_RESOLUTION = timedelta(minutes=1)
"""How exactly a token's "last used" is kept (``retrowalk-admin token USER --list`` shows minutes)."""


class TokenAuth(HttpBearer):
    """``Authorization: Bearer rw_…``: a token issued by ``retrowalk-admin token USER`` (only its digest is kept)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used is None or now - found.last_used >= LAST_USED_RESOLUTION:
            # At most one write a minute per token: a write on every request made all of a token's concurrent
            # requests queue on its row's lock (PostgreSQL), one after another.
            ApiToken.objects.filter(pk=found.pk).exclude(last_used__gte=now - LAST_USED_RESOLUTION) \
                .update(last_used=now)
        request.user = found.user
        return found.user


class BrowserSession(SessionAuth):
    """The browser's own session, CSRF-checked. A request without a session is simply not this kind: it is
    refused as unauthenticated (401), not as a failed CSRF check (403)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


api = NinjaAPI(title="retrowalk", version="1", auth=[TokenAuth(), BrowserSession()],
               description="Backward-walking plans, routes and the session log.")

log = logging.getLogger(__name__)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        detail = _("That token is not valid (mistyped, or revoked): make a new one with retrowalk-admin token USER.")
    else:
        detail = _("Send a token as 'Authorization: Bearer rw_…' (retrowalk-admin token USER makes one), or log in "
                   "in this browser.")
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="retrowalk"'
    return response


def refusal(error: dict[str, Any]) -> str:
    """One pydantic error as the sentence a person reads: the field, and what is wrong with it."""
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path"))
    kind, message = error.get("type", ""), str(error.get("msg", ""))
    if kind == "extra_forbidden":
        return _("%(field)s is not a field of this request; see /api/docs for the fields it takes") % {"field": where}
    if kind == "missing":
        return _("%(field)s is missing") % {"field": where}
    if kind == "value_error":  # a bound's own sentence (core/bounds.py), as the forms and the planner say it
        return message.removeprefix("Value error, ")
    return f"{where}: {message[:1].lower()}{message[1:]}" if where else message


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """400, as every refusal: the first problem as a sentence, and each problem with its field."""
    errors = [dict(e) for e in exc.errors]
    body = {"detail": refusal(errors[0]) if errors else _("The request could not be read."),
            "errors": [{"field": ".".join(str(p) for p in e.get("loc", ())[2:] or e.get("loc", ())[-1:]),
                        "detail": refusal(e)} for e in errors]}
    return api.create_response(request, body, status=400)


@api.exception_handler(DatabaseError)
def database_down(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    """Only a database that cannot be reached is 503; any other database error is a fault of ours (500)."""
    log.error("API request failed on the database", exc_info=exc)
    if isinstance(exc, OperationalError):
        response = api.create_response(request, {"detail": DATABASE_DOWN}, status=503)
        response["Retry-After"] = "60"
        return response
    return api.create_response(request, {"detail": SERVER_FAULT}, status=500)


@api.exception_handler(PermissionDenied)
def not_allowed(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("You may not do that.")}, status=403)


@api.exception_handler(Exception)
def fault(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else: JSON, never Django's HTML error page, and logged with its traceback."""
    if settings.DEBUG:
        raise exc  # a developer gets Django's debug page
    log.error("API request failed", exc_info=exc)
    return api.create_response(request, {"detail": SERVER_FAULT}, status=500)


@api.exception_handler(services.InputError)
def bad_input(request: HttpRequest, exc: services.InputError) -> HttpResponse:
    body: dict[str, Any] = {"detail": str(exc)}
    if exc.options:  # what the client could do instead, as data: the page makes buttons of the same
        body["instead"] = [{"what": o.instead.value, "backward_s": o.backward_s} for o in exc.options]
    return api.create_response(request, body, status=400)


class ProfileOut(Schema):
    id: int
    name: str
    role: str
    coach: int | None
    units: str
    language: str
    speed_forward_kmh: float
    speed_backward_kmh: float
    week: int
    treadmill: str
    knee_notes: str
    pain_baseline: int


class Body(Schema):
    """A request body: a field it does not know is refused, not ignored (a misspelt or misplaced field would
    otherwise be planned without, and the answer would look right)."""

    model_config = ConfigDict(extra="forbid")


class ProfileIn(Body):
    units: str | None = Field(None, pattern="^(mph|kmh)$")
    language: str | None = Field(None, pattern=VOICE_PATTERN)
    speed_forward_kmh: Annotated[float, Within(FORWARD_SPEED)] | None = None
    speed_backward_kmh: Annotated[float, Within(BACKWARD_SPEED)] | None = None
    treadmill: str | None = Field(None, pattern="^(none|locked|deadmill)$")
    knee_notes: str | None = Field(None, max_length=2000)
    pain_baseline: Annotated[int, Within(PAIN)] | None = None


def _profile_out(p: Profile) -> dict[str, Any]:
    return {"id": p.pk, "name": p.display_name, "role": p.role, "coach": p.coach_id, "units": p.units,
            "language": p.language, "speed_forward_kmh": p.speed_forward_kmh,
            "speed_backward_kmh": p.speed_backward_kmh, "week": p.week, "treadmill": p.treadmill,
            "knee_notes": p.knee_notes, "pain_baseline": p.pain_baseline}


@api.get("/me", response=ProfileOut, summary="The signed-in person's profile")
def me(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    profile = getattr(request.user, "profile", None)
    if profile is None:
        raise HttpError(404, _("This account has no profile."))
    return _profile_out(profile)


@api.get("/clients", response=list[ProfileOut], summary="Clients you may see (yourself, or a coach's clients)")
def clients(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    from retrowalk.web.accounts.access import visible_clients

    return [_profile_out(p) for p in visible_clients(request.user).select_related("user")[:500]]


@api.get("/clients/{client_id}/profile", response=ProfileOut)
def profile_get(request: AuthenticatedHttpRequest, client_id: int) -> dict[str, Any]:
    return _profile_out(client_or_404(request.user, client_id))


@api.patch("/clients/{client_id}/profile", response=ProfileOut)
def profile_patch(request: AuthenticatedHttpRequest, client_id: int, payload: ProfileIn) -> dict[str, Any]:
    client = client_or_404(request.user, client_id)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    for name, value in changes.items():
        setattr(client, name, value)
    try:
        check_speeds(client.speed_forward_kmh, client.speed_backward_kmh)
    except OutOfBoundsError as err:
        raise services.InputError(str(err)) from None
    client.save()
    return _profile_out(client)


class PlanOut(Schema):
    id: int
    client: int
    kind: str
    week: int
    route: int | None
    created: Any
    plan: dict[str, Any]


def _plan_out(p: WalkPlan) -> dict[str, Any]:
    return {"id": p.pk, "client": p.client_id, "kind": p.kind, "week": p.week, "route": p.route_id,
            "created": p.created, "plan": p.data}


class MinutesPlanIn(Body):
    minutes: Annotated[float, Within(WALK_MINUTES)]
    kind: str = Field("outdoor", pattern="^(outdoor|treadmill|deadmill)$")
    backward_minutes: Annotated[float, Within(BACKWARD_MINUTES)] | None = None


class RoutePlanIn(Body):
    route_id: int
    minutes: Annotated[float, Within(ROUTE_MINUTES)] | None = None
    reverse: bool = False


@api.get("/clients/{client_id}/plans", response=list[PlanOut])
def plans(request: AuthenticatedHttpRequest, client_id: int, limit: int = 20) -> list[dict[str, Any]]:
    client = client_or_404(request.user, client_id)
    return [_plan_out(p) for p in client.plans.all()[: max(1, min(limit, 100))]]


@api.post("/clients/{client_id}/plans/minutes", response={201: PlanOut}, summary="Plan a walk by time")
def plan_minutes(request: AuthenticatedHttpRequest, client_id: int, payload: MinutesPlanIn) -> Status[dict[str, Any]]:
    client = client_or_404(request.user, client_id)
    plan = services.make_plan(client, request.user, services.PlanOptions(
        minutes=payload.minutes, kind=Kind(payload.kind), backward_minutes=payload.backward_minutes))
    return Status(201, _plan_out(plan))


@api.post("/clients/{client_id}/plans/route", response={201: PlanOut}, summary="Plan a walk on a saved route")
def plan_route(request: AuthenticatedHttpRequest, client_id: int, payload: RoutePlanIn) -> Status[dict[str, Any]]:
    client = client_or_404(request.user, client_id)
    # The route named in the body must be one this user may see, and this client's own.
    route = owned_or_404(request.user, Route.objects.all(), pk=payload.route_id, client=client)
    plan = services.make_plan(client, request.user, services.PlanOptions(
        minutes=payload.minutes, kind=Kind.ROUTE, reverse=payload.reverse), route)
    return Status(201, _plan_out(plan))


@api.get("/plans/{plan_id}", response=PlanOut)
def plan_get(request: AuthenticatedHttpRequest, plan_id: int) -> dict[str, Any]:
    return _plan_out(owned_or_404(request.user, WalkPlan.objects.all(), pk=plan_id))


class RouteOut(Schema):
    id: int
    client: int
    name: str
    distance_m: float
    ascent_m: float
    descent_m: float
    elevation: str


def _route_out(r: Route) -> dict[str, Any]:
    return {"id": r.pk, "client": r.client_id, "name": r.name, "distance_m": r.distance_m, "ascent_m": r.ascent_m,
            "descent_m": r.descent_m, "elevation": r.elevation}


@api.post("/clients/{client_id}/routes", response={201: RouteOut}, summary="Upload a GPX, TCX or FIT route")
def route_upload(request: AuthenticatedHttpRequest, client_id: int, file: File[UploadedFile],
                 name: Form[str] = "") -> Status[dict[str, Any]]:
    client = client_or_404(request.user, client_id)
    route = services.save_route(client, name, file.name or "route", file.read())
    return Status(201, _route_out(route))


@api.get("/clients/{client_id}/routes", response=list[RouteOut])
def routes(request: AuthenticatedHttpRequest, client_id: int) -> list[dict[str, Any]]:
    client = client_or_404(request.user, client_id)
    return [_route_out(r) for r in owned(request.user, Route.objects.filter(client=client))[:100]]


class SessionIn(Body):
    plan_id: int | None = None
    day: date
    followed: bool = True
    setting: str = Field("outdoor", pattern="^(outdoor|treadmill|deadmill|route)$")
    backward_s: int = Field(..., ge=0, le=round(DONE_BACKWARD_MINUTES.hi * 60))
    forward_s: int = Field(..., ge=0, le=round(DONE_FORWARD_MINUTES.hi * 60))
    distance_m: Annotated[float, Within(DISTANCE_M)] | None = None
    speed_kmh: Annotated[float, Within(BELT_SPEED)] | None = None
    incline_pct: Annotated[float, Within(LOGGED_INCLINE)] | None = None
    pain_during: Annotated[int, Within(PAIN)]
    pain_next_morning: Annotated[int, Within(PAIN)] | None = None
    effort: Annotated[int, Within(EFFORT)]
    notes: str = Field("", max_length=2000)
    ref: str = Field("", max_length=40, description="Your id for this entry: sending it again logs nothing new.")


class SessionOut(Schema):
    id: int
    day: date
    week: int
    followed: bool
    setting: str
    backward_s: int
    forward_s: int
    distance_m: float | None
    speed_kmh: float | None
    incline_pct: float | None
    pain_during: int | None
    pain_next_morning: int | None
    effort: int | None
    notes: str
    plan: int | None


class LoggedOut(Schema):
    session: SessionOut
    next_week: int
    change: str
    reason: str


class MorningIn(Body):
    pain_next_morning: Annotated[int, Within(PAIN)]


@api.get("/clients/{client_id}/sessions", response=list[SessionOut])
def sessions(request: AuthenticatedHttpRequest, client_id: int, limit: int = 50) -> list[dict[str, Any]]:
    client = client_or_404(request.user, client_id)
    return [s.as_dict() for s in client.sessions.all()[: max(1, min(limit, 500))]]


@api.post("/clients/{client_id}/sessions", response={200: LoggedOut, 201: LoggedOut},
          summary="Log a session; returns the next step (200 when its ref was logged already)")
def session_log(request: AuthenticatedHttpRequest, client_id: int, payload: SessionIn) -> Status[dict[str, Any]]:
    client = client_or_404(request.user, client_id)
    plan = None
    if payload.plan_id is not None:  # a plan named in the body: checked like any other object
        plan = owned_or_404(request.user, WalkPlan.objects.all(), pk=payload.plan_id, client=client)
    # A day of grace: the phone's "today" may be ahead of the server's by a time zone.
    if payload.day > date.today() + timedelta(days=1):
        raise services.InputError(_("a session cannot be logged for a day still to come"))
    if (problem := services.session_day_problem(payload.day)) is not None:
        raise services.InputError(problem)
    if payload.ref:
        done = client.sessions.filter(ref=payload.ref).first()
        if done is not None:  # sent twice (a reload, a lost answer): the first one stands
            decision = services.decide(client)
            return Status(200, {"session": done.as_dict(), "next_week": decision.week,
                                "change": decision.change.value, "reason": decision.reason})
    if payload.setting not in Setting.values:
        raise services.InputError(f"setting must be one of {', '.join(Setting.values)}")
    values = payload.dict(exclude={"plan_id"})
    try:
        session = services.log_session(client, values, plan)
    except IntegrityError:  # the same ref sent twice at once: the other request logged it
        session = client.sessions.get(ref=payload.ref)
        decision = services.decide(client)
        return Status(200, {"session": session.as_dict(), "next_week": decision.week,
                            "change": decision.change.value, "reason": decision.reason})
    decision = services.apply_decision(client)
    return Status(201, {"session": session.as_dict(), "next_week": decision.week, "change": decision.change.value,
                        "reason": decision.reason})


@api.patch("/sessions/{session_id}", response=LoggedOut, summary="Add the next-morning pain to a session")
def session_morning(request: AuthenticatedHttpRequest, session_id: int, payload: MorningIn) -> dict[str, Any]:
    session = owned_or_404(request.user, WalkSession.objects.select_related("client"), pk=session_id)
    session.pain_next_morning = payload.pain_next_morning
    session.save(update_fields=["pain_next_morning"])
    decision = services.apply_decision(session.client)
    return {"session": session.as_dict(), "next_week": decision.week, "change": decision.change.value,
            "reason": decision.reason}
