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
from django.views.decorators.cache import never_cache

from retrowalk.core.routeplan import RoutePlan
from retrowalk.web.accounts.access import AuthenticatedHttpRequest, owned_or_404, signed_in
from retrowalk.web.sharing import services as sharing
from retrowalk.web.walks.models import WalkPlan

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
        "lang": walk_plan.client.language or translation.get_language(),
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
