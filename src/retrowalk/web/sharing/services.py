"""The one place the web decides what of a route a viewer sees (DOMAIN.md:104): every page, picture, file and
the live coach ask :func:`shown` for their plan and route, so none can forget a zone.

- The client herself: the whole route (her own watch, her own map), unless she asks for a file to share.
- Her coach: the whole route, unless she has asked that he see it trimmed too.
- Anyone with a share link: trimmed, always.

Trimmed and nothing left, or trimmed and the route cannot be drawn again from its file: the route is withheld
(no map, no distances), never shown whole by mistake."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from retrowalk.core.plan import Plan
from retrowalk.core.privacy import PrivacyError, new_zone, shared
from retrowalk.core.routeplan import RoutePlan
from retrowalk.web.accounts.models import Profile
from retrowalk.web.sharing.models import PrivacyZone, ShareLink
from retrowalk.web.walks import services as walks
from retrowalk.web.walks.models import WalkPlan

WITHHELD = _("The route is not shown: all of it lies within a privacy zone.")
UNDRAWN = _("The route is not shown: it could not be drawn again from its file, so its privacy zones cannot be cut.")
"""Said on the page instead of the route; made a ``str`` in :func:`shown`, in the language of the page asking."""


@dataclass(frozen=True)
class Shown:
    plan: Plan
    """The plan to show: the saved one, or cut to the part shown."""
    route: RoutePlan | None
    """What to draw the map, profile, files and live cues from; None: a time plan, or the route withheld."""
    trimmed: bool
    withheld: str = ""
    """Why the route is not shown at all (the plan's distances are not shown either)."""


def trims_for(walk_plan: WalkPlan, viewer: User | AnonymousUser | None, sharing: bool = False) -> bool:
    """Whether ``viewer`` (None: someone with a share link) sees this plan's route trimmed."""
    client = walk_plan.client
    if viewer is None or sharing:
        return True
    if viewer.pk == client.user_id:
        return False
    return client.coach_sees_trimmed


def shown(walk_plan: WalkPlan, viewer: User | AnonymousUser | None, sharing: bool = False) -> Shown:
    """What ``viewer`` may see of ``walk_plan`` (``sharing``: a file she downloads to give to others)."""
    result = walks.route_result(walk_plan)
    if walk_plan.route is None or not trims_for(walk_plan, viewer, sharing):
        return Shown(result.plan if result else walk_plan.plan, result, False)
    zones = [z.zone for z in walk_plan.client.privacy_zones.all()]
    if not zones:
        return Shown(result.plan if result else walk_plan.plan, result, False)
    if result is None:
        return Shown(walk_plan.plan, None, True, str(UNDRAWN))
    try:
        cut = shared(result, zones, walk_plan.route.privacy_extra_m)
    except PrivacyError:
        return Shown(walk_plan.plan, None, True, str(WITHHELD))
    return Shown(cut.plan, cut, cut is not result)


def add_zone(client: Profile, lat: float, lon: float, radius_m: float, label: str = "",
             rng: random.Random | None = None) -> PrivacyZone:
    """Store a zone round a place, its centre moved once at random (the place itself is not kept)."""
    zone = new_zone(lat, lon, radius_m, rng)
    return PrivacyZone.objects.create(client=client, label=label.strip()[:60], lat_deg=zone.lat_deg,
                                      lon_deg=zone.lon_deg, radius_m=zone.radius_m)


def live_link(token: str) -> ShareLink | None:
    """The live link for ``token``; None for one unknown, revoked or expired (all alike: 404)."""
    link = ShareLink.objects.select_related("plan__route", "plan__client").filter(digest=ShareLink.hash(token)).first()
    return link if link is not None and link.live else None


@transaction.atomic
def revoke(link: ShareLink) -> None:
    from django.utils import timezone

    if link.revoked is None:
        link.revoked = timezone.now()
        link.save(update_fields=["revoked"])
