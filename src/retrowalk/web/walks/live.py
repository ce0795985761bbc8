"""The live coach's page: the plan, and for a route plan the walked route, handed to the browser in one JSON.

The page then runs on its own: the clock or GPS fixes drive the steps (static/retrowalk/walk.js and geometry.js),
a service worker keeps it working offline, and what was done is sent to the session log when the network is back.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext
from django.views.decorators.cache import never_cache

from retrowalk.core.routeplan import RoutePlan
from retrowalk.web.accounts.access import AuthenticatedHttpRequest, owned_or_404, signed_in
from retrowalk.web.sharing import services as sharing
from retrowalk.web.walks.models import WalkPlan

WORDS = {
    # What the live coach says and shows (static/retrowalk/walk.js), in the walker's language: filled in there by
    # name (%(name)s), so each language may order its sentence its own way.
    "seconds": gettext_noop("%(n)s seconds"),
    "pre_end": gettext_noop("In %(n)s seconds, the walk is over."),
    "pre_slow_turn": gettext_noop("In %(n)s seconds: slow the belt to %(speed)s, then turn around."),
    "pre_turn": gettext_noop("In %(n)s seconds, turn around."),
    "pre_face": gettext_noop("In %(n)s seconds, face forward."),
    "keep_reverse": gettext_noop("Keep walking forward: you are going the route the other way, so this stretch would "
                                 "be downhill."),
    "keep_until_gps": gettext_noop("Keep walking forward until GPS shows you on the planned way; then turn around."),
    "keep": gettext_noop("Keep walking forward."),
    "turn_treadmill": gettext_noop("Hold the rails and turn around now, hips to the console. Walk backward for "
                                   "%(length)s."),
    "turn_deadmill": gettext_noop("Turn around now, hips to the console, and push the belt at your own pace. Walk "
                                  "backward for %(length)s."),
    "turn_outdoor": gettext_noop("Turn around now. Walk backward for %(length)s. Look over your shoulder."),
    "turn_outdoor_on": gettext_noop("Turn around now. Walk backward for %(length)s, %(ground)s. Look over your "
                                    "shoulder."),
    "face_treadmill": gettext_noop("Hold the rails and turn to face forward now."),
    "face_deadmill": gettext_noop("Turn to face forward now."),
    "face": gettext_noop("Face forward now."),
    "forward_for": gettext_noop("Walk forward for %(length)s."),
    "belt_at": gettext_noop("Belt at %(speed)s."),
    "incline_spoken": gettext_noop("Incline %(n)s percent."),
    "incline": gettext_noop("%(n)s %% incline"),
    "off": gettext_noop("You are off the route. Following the clock until you are back on it."),
    "lost": gettext_noop("GPS signal lost. Following the clock."),
    "weak": gettext_noop("The GPS fix is poor. Following the clock."),
    "reverse": gettext_noop("You seem to be walking the route the other way. Backward bouts are off: what was uphill "
                            "is downhill this way."),
    "back_on": gettext_noop("Back on the route. Following GPS."),
    "mode_ready": gettext_noop("Ready"),
    "mode_paused": gettext_noop("Paused"),
    "mode_done": gettext_noop("Done"),
    "mode_gps": gettext_noop("Following GPS"),
    "mode_clock": gettext_noop("Following the clock"),
    "mode_off": gettext_noop("Off the route: following the clock"),
    "mode_lost": gettext_noop("GPS lost: following the clock"),
    "mode_weak": gettext_noop("Weak GPS: following the clock"),
    "mode_reverse": gettext_noop("Wrong direction: forward only"),
    "mode_start": gettext_noop("Waiting for GPS"),
    "complete": gettext_noop("Walk complete"),
    "stopped": gettext_noop("Walk stopped"),
    "backward_total": gettext_noop("%(time)s backward"),
    "forward_total": gettext_noop("%(time)s forward"),
    "now_backward": gettext_noop("Turn around: BACKWARD"),
    "now_forward": gettext_noop("Walk FORWARD"),
    "about_to_turn": gettext_noop("about %(time)s to the next turn"),
    "to_turn": gettext_noop("to the next turn"),
    "next_backward": gettext_noop("Next: BACKWARD %(time)s"),
    "next_forward": gettext_noop("Next: forward %(time)s"),
    "next_end": gettext_noop("Next: the end of the walk"),
    "paused": gettext_noop("Paused."),
    "resuming": gettext_noop("Resuming."),
    "skipped": gettext_noop("Bout skipped. Walk forward."),
    "next_bout_in": gettext_noop("On a route each bout starts at its place: the next one is in %(distance)s."),
    "no_more": gettext_noop("No more bouts on this route. Walk forward to the end."),
    "well_done": gettext_noop("Well done. The walk is over. How was the knee?"),
    "stopped_said": gettext_noop("Walk stopped."),
    "summary": gettext_noop("%(backward)s backward and %(forward)s forward."),
    "summary_route": gettext_noop("%(backward)s backward and %(forward)s forward, %(distance)s along the route."),
    "choose_scores": gettext_noop("Choose a number for knee pain and for effort first."),
    "saved_here": gettext_noop("Saved on this phone."),
    "saved_offline": gettext_noop("Saved on this phone; it will reach your log when you are online."),
    "in_log": gettext_noop("In your log. %(reason)s"),
    "refused": gettext_noop("The log refused this walk: %(detail)s."),
    "not_yet": gettext_noop("Saved on this phone; the log could not take it yet (are you logged in?)."),
    "logged_note": gettext_noop("Logged by the live coach."),
    "uphill": gettext_noop("uphill"),
    "flat": gettext_noop("flat"),
    "steep": gettext_noop("steep"),
    "downhill": gettext_noop("downhill"),
}
"""Every word of the live coach, handed to the page in its JSON: the page then speaks offline, with no catalogue
to fetch, in the language the page was made in."""


def words() -> dict[str, str | list[str]]:
    """:data:`WORDS` in the active language, and the forms of "minute" for 1 and for more."""
    out: dict[str, str | list[str]] = {key: gettext(text) for key, text in WORDS.items()}
    out["minutes"] = [ngettext("%(n)s minute", "%(n)s minutes", n) for n in (1, 2)]
    out["minutes_seconds"] = [ngettext("%(n)s minute %(s)s seconds", "%(n)s minutes %(s)s seconds", n) for n in (1, 2)]
    return out


ROUTE_POINT_SPACING_M = 4.0
"""The route sent to the phone keeps a point every few metres: enough for 10-m cues, small enough to send."""


def route_polyline(result: RoutePlan) -> dict[str, list[float]]:
    """The walked route as lat/lon/distance lists, thinned to about one point per ROUTE_POINT_SPACING_M.

    Each kept point carries its own distance along the route as the plan counts it, so distances the phone
    computes agree with the plan's bout boundaries."""
    walk = result.walked_points()
    dist = walk.dist_m
    keep = np.r_[True, np.diff(np.floor(dist / ROUTE_POINT_SPACING_M)) > 0]
    keep[-1] = True
    return {"lat": [round(float(v), 7) for v in walk.lat_deg[keep]],
            "lon": [round(float(v), 7) for v in walk.lon_deg[keep]],
            "dist": [round(float(v), 2) for v in dist[keep]]}


def voice(tag: str) -> str:
    """The voice's language tag: the client's own (with its region) when the page is in her language, else the
    page's, so the words and the voice always agree."""
    page = translation.get_language() or "en"
    return tag if tag and tag.split("-")[0].lower() == page.split("-")[0] else page


def walk_data(request: HttpRequest, walk_plan: WalkPlan) -> dict[str, Any]:
    view = sharing.shown(walk_plan, request.user)
    plan, result = view.plan, view.route
    segments = plan.to_dict()["segments"]
    if view.withheld:  # no distances from a start that is not to be shown
        segments = [{k: v for k, v in seg.items() if k not in ("start_m", "end_m")} for seg in segments]
    data: dict[str, Any] = {
        "id": walk_plan.pk,
        "title": walk_plan.title,
        "kind": plan.kind.value,
        "units": plan.units.value,
        "lang": voice(walk_plan.client.language),
        "words": words(),
        "segments": segments,
        "safety": list(plan.safety),
        "total_s": plan.total_s,
        "log_url": f"/api/clients/{walk_plan.client_id}/sessions",
        "plan_url": reverse("walks:plan", args=[walk_plan.pk]),
        "csrf": get_token(request),
        "assets": [static("retrowalk/app.css"), static("retrowalk/walk.css"), static("retrowalk/walk.js"),
                   static("retrowalk/geometry.js")],
        "route": None,
    }
    if result is not None:
        data["route"] = route_polyline(result)
    return data


@signed_in
@never_cache
def walk_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    walk_plan = owned_or_404(request.user, WalkPlan.objects.select_related("route", "client"), pk=pk)
    return render(request, "walks/walk.html", {"walk_plan": walk_plan, "data": walk_data(request, walk_plan)})


SERVICE_WORKER = """// retrowalk's service worker: the live coach keeps working with no network once it has been opened.
// Walk pages come from the network when there is one (so a plan is never stale) and from the cache when not, or
// when the network answers with an error; static files with a content hash in their name come from the cache first
// (a new version has a new name), others from the network first.
const CACHE = "retrowalk-walk-v2";
const HASHED = /\\.[0-9a-f]{12}\\.[a-z0-9]+$/;
self.addEventListener("install", () => { self.skipWaiting(); });
self.addEventListener("activate", (event) => {
  const old = (names) => names.filter((n) => n !== CACHE);
  event.waitUntil(caches.keys().then((names) => Promise.all(old(names).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});
function networkFirst(request) {
  return fetch(request).then((response) => {
    if (!response.ok) throw new Error(String(response.status));
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
    return response;
  }).catch(() => caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true })).then((hit) =>
    hit || new Response("You are offline and this page was not opened before.", { status: 503 })));
}
self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const isStatic = url.pathname.startsWith("/static/");
  const isWalk = /^\\/plans\\/\\d+\\/walk\\/$/.test(url.pathname);
  if (!isStatic && !isWalk) return;
  if (isStatic && HASHED.test(url.pathname)) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(request).then((hit) => hit ||
      fetch(request).then((response) => {
        if (response.ok) cache.put(request, response.clone());
        return response;
      }))));
    return;
  }
  event.respondWith(networkFirst(request));
});
"""


def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site's root so that its scope covers every plan's walk page."""
    response = HttpResponse(SERVICE_WORKER, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response
