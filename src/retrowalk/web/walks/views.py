"""Pages for a client (and their coach acting for them): dashboard, plans, route uploads, the session log."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from retrowalk.core.ground import Terrain, terrain_label
from retrowalk.core.plan import Kind, Plan, PlanError
from retrowalk.core.refusal import Instead, Option
from retrowalk.core.routeplan import ENGINE_VERSION
from retrowalk.core.units import format_clock, format_distance, format_duration, format_grade, format_speed
from retrowalk.formats.export import FORMATS, MEDIA_TYPES, ExportOptions
from retrowalk.formats.export import render as render_export
from retrowalk.web.accounts.access import (
    AuthenticatedHttpRequest,
    client_or_404,
    own_profile,
    owned,
    owned_or_404,
    signed_in,
)
from retrowalk.web.accounts.models import Profile, Role
from retrowalk.web.frontdesk.views import public_home
from retrowalk.web.language import for_client, page_language
from retrowalk.web.pages import first_error, refuse
from retrowalk.web.sharing import services as sharing
from retrowalk.web.sharing.views import sharing_context
from retrowalk.web.walks import services, svg
from retrowalk.web.walks.forms import MinutesPlanForm, MorningForm, ProfileForm, RateForm, RoutePlanForm, SessionForm
from retrowalk.web.walks.models import Route, WalkPlan, WalkSession

WEEKS_SHOWN = 8


def home(request: HttpRequest) -> HttpResponse:
    """The studio's public page for a visitor; for someone signed in, their own start page."""
    if not request.user.is_authenticated:
        return public_home(request)
    profile = own_profile(request.user)
    if profile is None:
        if request.user.is_staff:  # the studio is run from the admin (accounts/access.py, roles)
            return redirect("admin:index")
        raise Http404(_("This account has no client or coach profile."))
    if profile.role == Role.COACH:
        return redirect("coach:dashboard")
    return redirect("walks:dashboard", client_id=profile.pk)


@signed_in
def dashboard(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_or_404(request.user, client_id)
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=WEEKS_SHOWN - 1)
    sessions = list(client.sessions.filter(day__gte=first).order_by("day"))
    weekly = []
    for w in range(WEEKS_SHOWN):
        start = first + timedelta(weeks=w)
        minutes = sum(s.backward_s for s in sessions if start <= s.day < start + timedelta(days=7)) / 60
        weekly.append((date_format(start, "j M"), round(minutes, 1)))
    recent = sessions[-20:]
    pain_chart = svg.line_chart([date_format(s.day, "j M") for s in recent], [s.pain_during for s in recent],
                                _("Knee pain during each session (0–10)"))
    dose_target = 3 * services.dose_minutes(client)
    latest_plan = client.plans.select_related("route").first()
    context = {
        "client": client,
        "latest_plan": latest_plan,
        "decision": services.decide(client),
        "streak": _streak_weeks(client, today),
        "weekly_chart": svg.bar_chart([w for w, _m in weekly], [m for _w, m in weekly],
                                      _("Backward minutes each week"), pgettext("minutes, abbreviated", "min"),
                                      target=dose_target),
        "pain_chart": pain_chart,
        "sessions": list(client.sessions.select_related("plan").prefetch_related("knee_videos")[:10]),
        "viewer_is_client": getattr(request.user, "profile", None) == client,
        "awaiting_morning": client.sessions.filter(pain_next_morning__isnull=True, pain_during__isnull=False,
                                                   day__lt=today).first(),
        "this_year": today.year,
        "unrated": client.sessions.filter(pain_during__isnull=True, day__gte=today - timedelta(days=14))
        .prefetch_related("recordings")[:3],
        "routes": list(client.routes.all()[:10]),
        "this_week_minutes": weekly[-1][1],
    }
    return render(request, "walks/dashboard.html", context)


def _streak_weeks(client: Profile, today: date) -> int:
    """Weeks in a row, up to this one, with at least one session (this week counts once it has one)."""
    days = set(client.sessions.filter(day__gte=today - timedelta(weeks=52)).values_list("day", flat=True))
    weeks = {d - timedelta(days=d.weekday()) for d in days}
    monday = today - timedelta(days=today.weekday())
    streak = 0
    week = monday if monday in weeks else monday - timedelta(weeks=1)
    while week in weeks:
        streak += 1
        week -= timedelta(weeks=1)
    return streak


@signed_in
@require_http_methods(["GET", "POST"])
def plan_new(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_or_404(request.user, client_id)
    routes = owned(request.user, Route.objects.all()).filter(client=client)
    minutes_form = MinutesPlanForm(prefix="t", initial={"kind": request.GET.get("kind", Kind.OUTDOOR.value)})
    route_form = RoutePlanForm(prefix="r", routes=routes)
    context: dict[str, Any] = {"client": client, "minutes_form": minutes_form, "route_form": route_form}
    if request.method == "POST":
        if "route-plan" in request.POST:
            route_form = RoutePlanForm(request.POST, request.FILES, prefix="r", routes=routes)
            context["route_form"] = route_form
            upload = request.FILES.get("r-file")
            if not route_form.is_valid():
                return _route_refused(request, context, first_error(route_form), upload)
            data = route_form.cleaned_data
            options = services.PlanOptions(minutes=data.get("minutes"), kind=Kind.ROUTE,
                                           reverse=data.get("reverse", False))
            try:
                if upload is not None:  # stored only if the plan on it can be made: all or nothing
                    plan = services.plan_upload(client, request.user,
                                                data.get("name") or "", upload.name or "route", upload.read(), options)
                else:
                    plan = services.make_plan(client, request.user, options, data["route"])
            except services.InputError as err:
                return _route_refused(request, context, str(err), upload,
                                      instead(err.options, client, None if upload else data["route"],
                                              data.get("minutes"), options.reverse))
        else:
            minutes_form = MinutesPlanForm(request.POST, prefix="t")
            context["minutes_form"] = minutes_form
            if not minutes_form.is_valid():
                return refuse(request, "walks/plan_new.html", context, first_error(minutes_form))
            data = minutes_form.cleaned_data
            try:
                plan = services.make_plan(client, request.user, services.PlanOptions(
                    minutes=data["minutes"], kind=Kind(data["kind"]), backward_minutes=data.get("backward_minutes")))
            except services.InputError as err:
                return refuse(request, "walks/plan_new.html", context, str(err))
        if request.headers.get("x-requested-with") == "fetch":  # the upload page's progress bar follows this
            return HttpResponse(reverse("walks:plan", args=[plan.pk]), content_type="text/plain", status=201)
        return redirect("walks:plan", pk=plan.pk)
    return render(request, "walks/plan_new.html", context)


def _route_refused(request: HttpRequest, context: dict[str, Any], reason: str, upload: Any,
                   options: list[dict[str, Any]] | None = None) -> HttpResponse:
    """The route form refused: beside the form (scrolled to and focused), naming the file, with what to do
    instead. The upload page's script asks for the same as data, so the chosen file stays chosen."""
    name = getattr(upload, "name", None) or ""
    options = options or []
    if request.headers.get("x-requested-with") == "fetch":
        return JsonResponse({"error": reason, "file": name,
                             "instead": [{k: o[k] for k in ("kind", "label", "href") if k in o} for o in options]},
                            status=400)
    context |= {"route_error": reason, "refused_file": name, "instead": options}
    return render(request, "walks/plan_new.html", context, status=400)


@signed_in
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    walk_plan = owned_or_404(request.user, WalkPlan.objects.select_related("route", "client__user"), pk=pk)
    view = sharing.shown(walk_plan, request.user)
    plan, result = view.plan, view.route
    units = plan.units
    rows = []
    for i, seg in enumerate(plan.segments, 1):
        rows.append({
            "n": i, "start": format_clock(seg.start_s), "duration": format_clock(seg.duration_s),
            "backward": seg.backward, "cue": seg.cue,
            "speed": format_speed(seg.speed_kmh, units) if seg.speed_kmh and plan.kind is not Kind.ROUTE else "",
            "incline": f"{seg.incline_pct:g} %" if seg.incline_pct is not None else "",
            "where": format_distance(seg.start_m, units) if seg.start_m is not None and not view.withheld else "",
            "ground": " ".join(w for w in (terrain_label(Terrain(seg.terrain)) if seg.terrain else "",
                                           format_grade(seg.grade_pct) if seg.grade_pct is not None else "") if w),
        })
    request_made = walk_plan.request or {}
    other_way: list[dict[str, Any]] = []
    if walk_plan.route is not None and plan.route is not None and plan.route.reverse_backward_s > plan.backward_s \
            and not view.trimmed:
        other_way = instead((Option(Instead.REVERSE, plan.route.reverse_backward_s),), walk_plan.client,
                            walk_plan.route, request_made.get("minutes"), bool(request_made.get("reverse")))
    context = {
        "walk_plan": walk_plan, "plan": plan, "rows": rows, "client": walk_plan.client, "instead": other_way,
        "older_engine": walk_plan.route is not None and request_made.get("engine") != ENGINE_VERSION,
        "speeds": _speeds_said(plan),
        "map": svg.route_map(plan, result.profile) if result else None, "legend": svg.legend(),
        "has_profile": result is not None, "formats": [f for f in FORMATS if f != "gpx" or result is not None],
        "total": format_clock(plan.total_s), "backward": format_clock(plan.backward_s),
        "distance": format_distance(plan.route.distance_m, units) if plan.route and not view.withheld else "",
        "trimmed": view.trimmed, "withheld": view.withheld,
        "is_owner": request.user.pk == walk_plan.client.user_id,
    }
    if context["is_owner"] and walk_plan.route is not None:
        context |= sharing_context(request, walk_plan)
    return render(request, "walks/plan_detail.html", context)


def _speeds_said(plan: Plan) -> str:
    """The speeds a plan was made for, in its units: "3.0 mph forward, 1.5 mph backward"."""
    if plan.kind is not Kind.ROUTE and plan.kind is not Kind.OUTDOOR:
        return ""
    forward = next((s.speed_kmh for s in plan.segments if not s.backward and s.speed_kmh), None)
    backward = next((s.speed_kmh for s in plan.segments if s.backward and s.speed_kmh), None)
    if forward is None or backward is None:
        return ""
    return _("%(forward)s forward, %(backward)s backward") % {
        "forward": format_speed(forward, plan.units), "backward": format_speed(backward, plan.units)}


# matplotlib styles its SVG inline; the picture gets a policy of its own: those styles, and nothing else at all.
# (django-csp types a view as taking the request alone, hence the ignore.)
@csp({"default-src": NONE, "style-src": UNSAFE_INLINE, "frame-ancestors": SELF})  # type: ignore[arg-type]
@signed_in
def plan_profile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    walk_plan = owned_or_404(request.user, WalkPlan.objects.select_related("route", "client"), pk=pk)
    result = sharing.shown(walk_plan, request.user, request.GET.get("for") == "sharing").route
    if result is None:
        raise Http404(_("This plan has no route profile."))
    from retrowalk.formats.picture import profile_image  # matplotlib loads only when a picture is asked for

    picture = profile_image(result.plan, result.profile, "svg", result.turns_in_the_way(),
                            size=svg.screen_size(request))
    response = HttpResponse(picture, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@signed_in
def plan_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    walk_plan = owned_or_404(request.user, WalkPlan.objects.select_related("route", "client"), pk=pk)
    if fmt not in FORMATS:
        raise Http404(_("No such format."))
    view = sharing.shown(walk_plan, request.user, request.GET.get("for") == "sharing")
    if view.withheld:
        return HttpResponse(view.withheld, status=400, content_type="text/plain; charset=utf-8")
    plan, result = view.plan, view.route
    try:
        with for_client(walk_plan.client.language):  # her card, her watch, her calendar: in her language
            name = walk_plan.route.name if walk_plan.route and not view.trimmed else _("Backward walk")
            data = render_export(fmt, plan, result, ExportOptions(name=name))
    except PlanError as err:
        return HttpResponse(str(err), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=MEDIA_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="retrowalk-plan-{walk_plan.pk}{FORMATS[fmt]}"'
    return response


@signed_in
@require_POST
def route_replan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    route = owned_or_404(request.user, Route.objects.select_related("client"), pk=pk)
    minutes = None
    reverse_walk = request.POST.get("reverse") in ("on", "true", "1")
    try:
        if request.POST.get("minutes"):
            minutes = float(request.POST["minutes"])
        plan = services.make_plan(route.client, request.user,
                                  services.PlanOptions(minutes=minutes, kind=Kind.ROUTE, reverse=reverse_walk), route)
    except ValueError as err:
        client = route.client
        routes = owned(request.user, Route.objects.all()).filter(client=client)
        context: dict[str, Any] = {"client": client, "minutes_form": MinutesPlanForm(prefix="t"),
                                   "route_form": RoutePlanForm(prefix="r", routes=routes)}
        if isinstance(err, services.InputError):
            return _route_refused(request, context, str(err), None,
                                  instead(err.options, client, route, minutes, reverse_walk))
        return _route_refused(request, context, _("Minutes must be a number."), None)
    return redirect("walks:plan", pk=plan.pk)


@signed_in
@require_POST
def plan_again(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The same walk planned anew with the client's settings of today; the saved plan stays as it was."""
    walk_plan = owned_or_404(request.user, WalkPlan.objects.select_related("route", "client__user"), pk=pk)
    try:
        plan = services.plan_again(walk_plan, request.user)
    except services.InputError as err:
        messages.error(request, str(err))
        return HttpResponseRedirect(reverse("walks:plan", args=[walk_plan.pk]), status=303)
    return redirect("walks:plan", pk=plan.pk)


def instead(options: tuple[Option, ...], client: Profile, route: Route | None, minutes: float | None = None,
            reversed_: bool = False) -> list[dict[str, Any]]:
    """What to do instead, as this app's controls: a button that plans the route the other way, links to a plan
    by time or on a treadmill. Core said what is possible; the page says how to get it."""
    out: list[dict[str, Any]] = []
    for option in options:
        if option.instead is Instead.REVERSE and option.backward_s:
            # On a saved route, a button that plans it; on an upload (stored only once a plan succeeds), the
            # upload page's script sends the same file again the other way.
            label = _("Plan it the other way (%(duration)s backward)") % {
                "duration": format_duration(option.backward_s)}
            out.append({"kind": "reverse", "label": label, "route": route, "minutes": minutes,
                        "reverse": not reversed_})
        elif option.instead is Instead.TIME_PLAN:
            out.append({"kind": "link", "label": _("Plan by time instead"),
                        "href": reverse("walks:plan_new", args=[client.pk]) + "#by-time"})
        elif option.instead is Instead.TREADMILL:
            out.append({"kind": "link", "label": _("Plan a treadmill walk"),
                        "href": reverse("walks:plan_new", args=[client.pk]) + "?kind=treadmill#by-time"})
    return out


@signed_in
@require_http_methods(["GET", "POST"])
def session_new(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_or_404(request.user, client_id)
    plan = None
    if request.GET.get("plan") or request.POST.get("plan"):
        try:
            plan_id = int(request.GET.get("plan") or request.POST.get("plan") or "")
        except ValueError:
            raise Http404(_("No such plan.")) from None
        plan = owned_or_404(request.user, WalkPlan.objects.all(), pk=plan_id, client=client)
    initial: dict[str, Any] = {"day": date.today(), "followed": True, "ref": f"form-{uuid.uuid4().hex}"}
    if plan is not None:
        # Minutes as a person types them (53.8), not as the division leaves them (53.833333333333336).
        initial |= {"setting": plan.kind, "backward_minutes": round(plan.backward_s / 60, 1),
                    "forward_minutes": round((plan.total_s - plan.backward_s) / 60, 1)}

    form = SessionForm(request.POST or None, initial=initial, units=client.units)
    context = {"client": client, "form": form, "plan": plan}
    if request.method == "POST":
        if not form.is_valid():
            return refuse(request, "walks/session_new.html", context, first_error(form))
        ref = form.cleaned_data.get("ref")

        def saved_already() -> HttpResponse:  # Back, then Save: the first one stands
            messages.info(request, _("This session was saved already."))
            return redirect("walks:dashboard", client_id=client.pk)

        if ref and client.sessions.filter(ref=ref).exists():
            return saved_already()
        try:
            with transaction.atomic():
                services.log_session(client, form.values(), plan)
        except services.InputError as err:
            return refuse(request, "walks/session_new.html", context, str(err))
        except (IntegrityError, ValidationError):
            # The same form sent twice at once: the other request saved it (the model's one_session_per_ref).
            if ref and client.sessions.filter(ref=ref).exists():
                return saved_already()
            raise
        decision = services.apply_decision(client)
        messages.success(request, _("Session saved. %(reason)s") % {"reason": decision.reason})
        return redirect("walks:dashboard", client_id=client.pk)
    return render(request, "walks/session_new.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def session_rate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """How a walk a recording brought in felt: pain and effort are the client's to give, never filled in."""
    session = owned_or_404(request.user, WalkSession.objects.select_related("client"), pk=pk)
    form = RateForm(request.POST or None)
    context = {"session": session, "form": form, "client": session.client,
               "recording": session.recordings.first()}
    if request.method == "POST":
        if not form.is_valid():
            return refuse(request, "walks/session_rate.html", context, first_error(form))
        for name in ("pain_during", "pain_next_morning", "effort"):
            setattr(session, name, form.cleaned_data.get(name))
        session.save(update_fields=["pain_during", "pain_next_morning", "effort"])
        decision = services.apply_decision(session.client)
        messages.success(request, _("Saved. %(reason)s") % {"reason": decision.reason})
        return redirect("walks:dashboard", client_id=session.client_id)
    return render(request, "walks/session_rate.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def session_morning(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = owned_or_404(request.user, WalkSession.objects.select_related("client"), pk=pk)
    form = MorningForm(request.POST or None)
    context = {"session": session, "form": form, "client": session.client}
    if request.method == "POST":
        if not form.is_valid():
            return refuse(request, "walks/session_morning.html", context, first_error(form))
        session.pain_next_morning = form.cleaned_data["pain_next_morning"]
        session.save(update_fields=["pain_next_morning"])
        decision = services.apply_decision(session.client)
        messages.success(request, decision.reason)
        return redirect("walks:dashboard", client_id=session.client_id)
    return render(request, "walks/session_morning.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_or_404(request.user, client_id)
    coach_edits = request.user.is_staff or (client.coach is not None and client.coach.user_id == request.user.pk)
    form = ProfileForm(request.POST or None, instance=client, coach_edits=coach_edits)
    context = {"client": client, "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return refuse(request, "walks/profile.html", context, first_error(form))
        form.save()
        # Told in the language she has just chosen for herself (a coach editing it is told in her own).
        chosen = page_language(client.language) if client.user_id == request.user.pk else None
        with translation.override(chosen or translation.get_language()):
            messages.success(request, _("Profile saved."))
        return redirect("walks:dashboard", client_id=client.pk)
    return render(request, "walks/profile.html", context)
