"""Privacy zones, share links, and the shared page itself (DOMAIN.md:98-105)."""

from __future__ import annotations

from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from retrowalk.core.privacy import DEFAULT_RADIUS_M, MIN_RADIUS_M, PrivacyError, parse_zone
from retrowalk.core.units import format_clock, format_distance, format_grade
from retrowalk.formats.export import MEDIA_TYPES, ExportOptions
from retrowalk.formats.export import render as render_export
from retrowalk.web.accounts.access import AuthenticatedHttpRequest, owned_or_404, signed_in
from retrowalk.web.language import for_client
from retrowalk.web.pages import refuse
from retrowalk.web.sharing import mydata, services
from retrowalk.web.sharing.models import SHARE_DAYS, DeletionRequest, ShareLink
from retrowalk.web.walks import svg
from retrowalk.web.walks.models import Route, WalkPlan

NEW_LINK = "sharing.new_link"
"""Where the session keeps a link just made, to show it once on the plan's page."""


def _own_client(request: AuthenticatedHttpRequest, client_id: int) -> Any:
    """Her zones are hers: only she sets them (not her coach, not staff)."""
    profile = getattr(request.user, "profile", None)
    if profile is None or profile.pk != client_id:
        raise Http404(_("No such page."))
    return profile


@signed_in
def privacy(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = _own_client(request, client_id)
    routes = list(Route.objects.filter(client=client).only("pk", "name", "created"))
    context: dict[str, Any] = {"client": client, "zones": client.privacy_zones.all(), "routes": routes,
                               "maps": _maps(client, routes) if request.method != "POST" else [],
                               "min_radius": round(MIN_RADIUS_M), "default_radius": round(DEFAULT_RADIUS_M)}
    if request.method != "POST":
        return render(request, "sharing/privacy.html", context)
    action = request.POST.get("action", "")
    if action == "coach":
        client.coach_sees_trimmed = request.POST.get("coach_sees_trimmed") == "on"
        client.save(update_fields=["coach_sees_trimmed"])
        messages.success(request, _("Your coach now sees your routes without your privacy zones.")
                         if client.coach_sees_trimmed else _("Your coach now sees your routes whole."))
        return redirect("sharing:privacy", client_id=client.pk)
    if action == "remove":
        zone = client.privacy_zones.filter(pk=request.POST.get("zone") or 0).first()
        if zone is None:
            return refuse(request, "sharing/privacy.html", context, _("That privacy zone is not there any more."))
        zone.delete()
        messages.success(request, _("Privacy zone removed."))
        return redirect("sharing:privacy", client_id=client.pk)
    if action != "add":
        return refuse(request, "sharing/privacy.html", context, _("Choose what to do: add or remove a zone."))
    place = request.POST.get("place", "").strip()
    route_start = request.POST.get("route_start", "")
    radius = request.POST.get("radius", "").strip() or f"{DEFAULT_RADIUS_M:.0f}"
    try:
        if route_start:
            route = next((r for r in routes if str(r.pk) == route_start), None)
            if route is None:
                raise PrivacyError(_("choose one of your routes, or type the place"))
            from retrowalk.web.walks.services import route_track

            track = route_track(route)
            place = f"{track.lat_deg[0]:.6f},{track.lon_deg[0]:.6f}"
        if not place:
            raise PrivacyError(_("give the place: use where you are, a route's start, or type LAT,LON "
                                 "(for example 47.3769,8.5417)"))
        lat, lon, radius_m = parse_zone(f"{place},{radius}")
    except PrivacyError as err:
        context["form"] = {"place": place, "radius": radius, "label": request.POST.get("label", "")}
        return refuse(request, "sharing/privacy.html", context, f"{str(err)[0].upper()}{str(err)[1:]}.")
    services.add_zone(client, lat, lon, radius_m, request.POST.get("label", ""))
    messages.success(request, _("Privacy zone of %(radius)d m saved. Nothing within it leaves your account.")
                     % {"radius": round(radius_m)})
    return redirect("sharing:privacy", client_id=client.pk)


MAPS = 3
"""Maps to choose a zone's place on: her latest routes, drawn whole (the page is hers alone)."""


def _maps(client: Any, routes: list[Route]) -> list[tuple[str, Any]]:
    """(route name, a pickable map) for her latest routes that have a plan to draw them from."""
    from retrowalk.web.walks.services import route_result

    out = []
    for route in routes[:MAPS]:
        plan = WalkPlan.objects.filter(client=client, route=route).select_related("route").first()
        result = route_result(plan) if plan is not None else None
        if result is not None:
            out.append((route.name, svg.route_map(result.plan, result.profile, pickable=True,
                                                  ident=f"map-title-{route.pk}")))
    return out


def sharing_context(request: HttpRequest, walk_plan: WalkPlan) -> dict[str, Any]:
    """For the owner's plan page: her live links, a link just made (shown once), and whether a zone is set."""
    new = request.session.pop(NEW_LINK, None)
    links = [link for link in walk_plan.share_links.all() if link.live]
    return {"share_links": links, "share_days": SHARE_DAYS, "has_zones": walk_plan.client.privacy_zones.exists(),
            "new_link": request.build_absolute_uri(reverse("sharing:shared", args=[new["token"]]))
            if new and new.get("plan") == walk_plan.pk else None}


@signed_in
@require_POST
def share_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    walk_plan = owned_or_404(request.user, WalkPlan.objects.select_related("route", "client"), pk=pk)
    if walk_plan.client.user_id != request.user.pk:
        raise Http404(_("No such page."))  # a coach shares nothing of a client's
    try:
        days = int(request.POST.get("days", ""))
    except ValueError:
        days = 0
    refusal = "" if days in SHARE_DAYS else _("Choose how long the link lives: %(days)s days.") % {
        "days": ", ".join(map(str, SHARE_DAYS))}
    refusal = refusal or services.shown(walk_plan, None).withheld
    if refusal:  # the plan's page again, with the reason, as a 400: nothing made
        from retrowalk.web.walks.views import plan_detail

        messages.error(request, refusal)
        response = plan_detail(request, walk_plan.pk)
        response.status_code = 400
        return response
    _link, token = ShareLink.issue(walk_plan, days)
    request.session[NEW_LINK] = {"plan": walk_plan.pk, "token": token}
    return redirect(reverse("walks:plan", args=[walk_plan.pk]) + "#share")


@signed_in
@require_POST
def share_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = ShareLink.objects.select_related("client").filter(pk=pk, client__user=request.user).first()
    if link is None:
        raise Http404(_("No such link."))
    services.revoke(link)
    messages.success(request, _("The link is revoked: it opens nothing from now on."))
    return redirect(reverse("walks:plan", args=[link.plan_id]) + "#share")


def _shared_or_404(token: str) -> tuple[ShareLink, services.Shown]:
    link = services.live_link(token)
    if link is None:
        raise Http404(_("This link has expired or been revoked."))
    view = services.shown(link.plan, None)
    return link, view


def _private(response: HttpResponse) -> HttpResponse:
    """A shared page is for the people it was given to: not indexed, not cached, no address passed on."""
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def shared(request: HttpRequest, token: str) -> HttpResponse:
    link, view = _shared_or_404(token)
    plan, result = view.plan, view.route
    units = plan.units
    rows = [{"n": i, "start": format_clock(seg.start_s), "duration": format_clock(seg.duration_s),
             "backward": seg.backward,
             "where": format_distance(seg.start_m, units) if seg.start_m is not None and result else "",
             "ground": f"{seg.terrain or ''} {format_grade(seg.grade_pct) if seg.grade_pct is not None else ''}"}
            for i, seg in enumerate(plan.segments, 1)]
    context = {"token": token, "plan": plan, "rows": rows, "trimmed": view.trimmed, "withheld": view.withheld,
               "map": svg.route_map(plan, result.profile) if result else None, "legend": svg.legend(),
               "total": format_clock(plan.total_s), "backward": format_clock(plan.backward_s),
               "distance": format_distance(plan.route.distance_m, units) if plan.route and result else "",
               "expires": link.expires, "has_route": result is not None}
    return _private(render(request, "sharing/shared.html", context))


@csp({"default-src": NONE, "style-src": UNSAFE_INLINE, "frame-ancestors": SELF})  # type: ignore[arg-type]
def shared_profile(request: HttpRequest, token: str) -> HttpResponse:
    _link, view = _shared_or_404(token)
    if view.route is None:
        raise Http404(_("This walk has no route profile to show."))
    from retrowalk.formats.picture import profile_image

    picture = profile_image(view.plan, view.route.profile, "svg", view.route.turns_in_the_way(),
                            size=svg.screen_size(request))
    return _private(HttpResponse(picture, content_type="image/svg+xml"))


def shared_gpx(request: HttpRequest, token: str) -> HttpResponse:
    _link, view = _shared_or_404(token)
    if view.route is None:
        raise Http404(_("This walk has no route to download."))
    data = render_export("gpx", view.plan, view.route, ExportOptions(name=_("Backward walk")))
    response = HttpResponse(data, content_type=MEDIA_TYPES["gpx"])
    response["Content-Disposition"] = 'attachment; filename="backward-walk.gpx"'
    return _private(response)


@signed_in
def my_data(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = _own_client(request, client_id)
    pending = DeletionRequest.objects.filter(client=client, done__isnull=True).first()
    return render(request, "sharing/my_data.html", {"client": client, "pending": pending})


@signed_in
def my_data_zip(request: AuthenticatedHttpRequest, client_id: int) -> FileResponse:
    client = _own_client(request, client_id)
    with for_client(client.language):  # her archive's README, in her language
        archive = mydata.archive(client)
    response = FileResponse(archive, as_attachment=True, content_type="application/zip",
                            filename=f"retrowalk-my-data-{timezone.localdate():%Y-%m-%d}.zip")
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
@require_POST
def delete_account(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = _own_client(request, client_id)
    if request.POST.get("cancel"):
        DeletionRequest.objects.filter(client=client, done__isnull=True).delete()
        messages.success(request, _("Your request is withdrawn: nothing will be deleted."))
    else:
        mydata.ask_deletion(client)
        messages.success(request, _("Your coach has been asked to confirm. Until then nothing is deleted, and you "
                                    "can withdraw the request here."))
    return redirect("sharing:my_data", client_id=client.pk)


@signed_in
@require_POST
def deletion_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from retrowalk.web.accounts.access import visible_clients

    asked = DeletionRequest.objects.select_related("client__user", "client__coach").filter(
        pk=pk, done__isnull=True, client__in=visible_clients(request.user)).first()
    own = getattr(request.user, "profile", None)
    if asked is None or asked.client is None or (own is not None and own.pk == asked.client.pk) \
            or not (request.user.is_staff or (own is not None and own.is_coach)):
        raise Http404(_("No such request."))
    name = asked.client.display_name
    mydata.erase(asked, request.user)
    messages.success(request, _("%(name)s's account and data are deleted; the consent trail stays, anonymised.")
                     % {"name": name})
    return redirect("coach:dashboard")
