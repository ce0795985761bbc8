"""A client's privacy zones and the links she shares her walks by (DOMAIN.md:98-105)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retrowalk.core.privacy import Zone
from retrowalk.web.accounts.models import Profile
from retrowalk.web.walks.models import WalkPlan


class PrivacyZone(models.Model):
    """A zone as stored: its centre already moved, at random, from the place she gave (core.privacy.new_zone).
    The place itself is never stored."""

    client = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="privacy_zones")
    label = models.CharField(max_length=60, blank=True,
                             help_text=_("Her own word for it (Home, Work); only she sees it."))
    lat_deg = models.FloatField()
    lon_deg = models.FloatField()
    radius_m = models.FloatField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return self.label or f"Zone of {self.radius_m:.0f} m"

    @property
    def zone(self) -> Zone:
        return Zone(self.lat_deg, self.lon_deg, self.radius_m)


SHARE_DAYS = (1, 7, 30, 90)
"""How long a share link may live, as the client picks (a link never lives for ever)."""


class ShareLink(models.Model):
    """A read-only page for one of her plans, at an unguessable address. Only the token's SHA-256 is stored:
    the link is shown once, when made; a database that leaks gives no one a way in."""

    client = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="share_links")
    plan = models.ForeignKey(WalkPlan, on_delete=models.CASCADE, related_name="share_links")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["client", "-created"])]

    def __str__(self) -> str:
        return f"Share of plan {self.plan_id} until {self.expires:%Y-%m-%d}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, plan: WalkPlan, days: int) -> tuple[ShareLink, str]:
        token = secrets.token_urlsafe(24)
        link = cls.objects.create(client=plan.client, plan=plan, digest=cls.hash(token),
                                  expires=timezone.now() + timedelta(days=days))
        return link, token

    @property
    def live(self) -> bool:
        return self.revoked is None and self.expires > timezone.now()


class DeletionRequest(models.Model):
    """A client's request that her account be deleted. Her coach confirms; then everything personal goes, and
    this row is what stays: when it was asked and done, and who confirmed, without her (``client`` emptied)."""

    client = models.ForeignKey(Profile, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="deletion_requests")
    asked = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done = models.DateTimeField(null=True, blank=True)
    removed = models.JSONField(default=dict, help_text=_("How many of each thing went (counts only, no content)."))

    class Meta:
        ordering = ["-asked"]

    def __str__(self) -> str:
        return f"Deletion asked {self.asked:%Y-%m-%d}" + (f", done {self.done:%Y-%m-%d}" if self.done else "")
