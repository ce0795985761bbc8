"""Who may see what, and who may open which page: the one place ownership and roles are decided (pages and API
both come through here).

A client sees their own things; a coach sees their clients' things; staff see everything. Every owned model has
a ``client`` foreign key to :class:`Profile`, so one filter covers routes, plans and sessions alike.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from retrowalk.web.accounts.models import Profile, Role

M = TypeVar("M", bound=Model)
P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def visible_clients(user: User | AnonymousUser) -> QuerySet[Profile]:
    """The client profiles ``user`` may read and change."""
    clients = Profile.objects.filter(role=Role.CLIENT)
    if not user.is_authenticated:
        return clients.none()
    if user.is_staff:
        return clients
    profile = getattr(user, "profile", None)
    if profile is None:
        return clients.none()
    if profile.role == Role.COACH:
        return clients.filter(coach=profile)
    return clients.filter(pk=profile.pk)


def owned(user: User | AnonymousUser, queryset: QuerySet[M]) -> QuerySet[M]:
    """``queryset`` narrowed to what ``user`` may see (its model has a ``client`` foreign key)."""
    return queryset.filter(client__in=visible_clients(user))


def owned_or_404(user: User | AnonymousUser, queryset: QuerySet[M], **lookup: Any) -> M:
    """One object ``user`` may see, or 404: another client's object is indistinguishable from a missing one."""
    try:
        return owned(user, queryset).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404(_("No such item.")) from None


def client_or_404(user: User | AnonymousUser, pk: int) -> Profile:
    try:
        return visible_clients(user).select_related("user").get(pk=pk)
    except Profile.DoesNotExist:
        raise Http404(_("No such client.")) from None


# --- roles: who may open which kind of page -------------------------------------------------------------------
#
# One rule, used by every view: coach pages need a coach profile (the coach is who publishes sessions, schedules
# intros and answers questions, so an account without one has nobody to act as); client pages need a client profile.
# Staff are not a third role here: what staff may *see* is widened in visible_clients above, and the studio is run
# from the admin. A staff member who also coaches gets a coach profile like any coach.

# Marked for translation, kept in English here (tests and callers compare them); said in the page's language when
# a page is refused.
COACHES_ONLY = gettext_noop("This page is for coaches; staff without a coach profile run the studio from the admin.")
CLIENTS_ONLY = gettext_noop("This page is for clients.")


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed :func:`signed_in`: its user is a real, signed-in :class:`User` (healthchecks' model)."""

    user: User


class ProfileRequest(AuthenticatedHttpRequest):
    """A request that passed :func:`coach_required` or :func:`client_required`: ``profile`` is the signed-in
    person's own profile, of the role the decorator asked for."""

    profile: Profile


def own_profile(user: User | AnonymousUser) -> Profile | None:
    return getattr(user, "profile", None) if user.is_authenticated else None


def signed_in(view: Callable[Concatenate[AuthenticatedHttpRequest, P], R]
              ) -> Callable[Concatenate[HttpRequest, P], R]:
    """Django's ``login_required`` (to the login page and back), typed: the view's request has a ``User``."""
    return login_required(view)  # type: ignore[return-value]


def _role_required(role: Role, refusal: str) -> Callable[[Callable[Concatenate[ProfileRequest, P], HttpResponse]],
                                                         Callable[Concatenate[HttpRequest, P], HttpResponse]]:
    def decorator(view: Callable[Concatenate[ProfileRequest, P], HttpResponse]
                  ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            profile = own_profile(request.user)
            if profile is None or profile.role != role:
                raise PermissionDenied(_(refusal))  # in the language of this request
            request.profile = profile  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)  # type: ignore[arg-type]
        return cast(Callable[Concatenate[HttpRequest, P], HttpResponse], login_required(wrapped))
    return decorator


coach_required = _role_required(Role.COACH, COACHES_ONLY)
"""A coach page: signed in (else to the login page), with a coach profile (else 403), as ``request.profile``."""

client_required = _role_required(Role.CLIENT, CLIENTS_ONLY)
"""A client page: signed in (else to the login page), with a client profile (else 403), as ``request.profile``."""
