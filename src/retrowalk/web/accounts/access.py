"""Who may see what: the one place ownership is decided (pages and API both come through here).

A client sees their own things; a coach sees their clients' things; staff see everything. Every owned model has
a ``client`` foreign key to :class:`Profile`, so one filter covers routes, plans and sessions alike.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from retrowalk.web.accounts.models import Profile, Role

M = TypeVar("M", bound=Model)


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
        raise Http404("No such item.") from None


def client_or_404(user: User | AnonymousUser, pk: int) -> Profile:
    try:
        return visible_clients(user).select_related("user").get(pk=pk)
    except Profile.DoesNotExist:
        raise Http404("No such client.") from None
