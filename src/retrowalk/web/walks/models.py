"""What a client walks: saved routes, plans made from minutes or a route, and the log of sessions done."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retrowalk.core.bounds import DONE_BACKWARD_MINUTES, DONE_FORWARD_MINUTES
from retrowalk.core.plan import Kind, Plan, plan_from_dict
from retrowalk.core.privacy import new_extra_m
from retrowalk.web.accounts.models import Profile
from retrowalk.web.bounds import WithinBound


class Route(models.Model):
    client = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="routes")
    name = models.CharField(max_length=120)
    file = models.FileField(upload_to="routes/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size_bytes = models.PositiveIntegerField()
    distance_m = models.FloatField()
    ascent_m = models.FloatField()
    descent_m = models.FloatField()
    elevation = models.CharField(max_length=10)
    """``recorded`` or ``unknown``."""
    privacy_extra_m = models.FloatField(
        default=new_extra_m,
        help_text=gettext_lazy("This route's own extra privacy radius, drawn once (DOMAIN.md:103): shared twice, "
                               "it is cut the same way and shows nothing new."))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["client", "-created"])]

    def __str__(self) -> str:
        return self.name


class Setting(models.TextChoices):
    OUTDOOR = Kind.OUTDOOR.value, gettext_lazy("Outdoors")
    TREADMILL = Kind.TREADMILL.value, gettext_lazy("Locked treadmill")
    DEADMILL = Kind.DEADMILL.value, gettext_lazy("Deadmill")
    ROUTE = Kind.ROUTE.value, gettext_lazy("Outdoors on a route")


class WalkPlan(models.Model):
    client = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="plans")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Setting.choices)
    route = models.ForeignKey(Route, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans")
    week = models.PositiveSmallIntegerField()
    request = models.JSONField(default=dict)
    """The options it was made with, to make it again (another direction, other minutes)."""
    data = models.JSONField()
    """The plan in the published JSON schema."""
    total_s = models.PositiveIntegerField()
    backward_s = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["client", "-created"])]

    def __str__(self) -> str:
        return _("%(kind)s %(minutes)d min") % {"kind": self.get_kind_display(), "minutes": self.total_s // 60}

    @property
    def plan(self) -> Plan:
        return plan_from_dict(self.data)

    @property
    def title(self) -> str:
        if self.route_id is not None and self.route is not None:
            # Translators: a plan's title: the route's name (or where it is walked: "Outdoors"), and its length.
            return _("%(name)s, %(minutes)d min") % {"name": self.route.name, "minutes": self.total_s // 60}
        return _("%(name)s, %(minutes)d min") % {"name": self.get_kind_display(), "minutes": self.total_s // 60}


class WalkSession(models.Model):
    """One walk done, as the client logged it (DOMAIN.md:45: pain during, next morning, effort)."""

    client = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="sessions")
    plan = models.ForeignKey(WalkPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    day = models.DateField()
    week = models.PositiveSmallIntegerField(help_text=gettext_lazy("The programme step the client was on."))
    followed = models.BooleanField(default=True, help_text=gettext_lazy("Walked as planned."))
    setting = models.CharField(max_length=10, choices=Setting.choices)
    backward_s = models.PositiveIntegerField(validators=[MaxValueValidator(round(DONE_BACKWARD_MINUTES.hi * 60))])
    forward_s = models.PositiveIntegerField(validators=[MaxValueValidator(round(DONE_FORWARD_MINUTES.hi * 60))])
    distance_m = models.FloatField(null=True, blank=True, validators=[WithinBound("DISTANCE_M")])
    speed_kmh = models.FloatField(null=True, blank=True, validators=[WithinBound("BELT_SPEED")])
    incline_pct = models.FloatField(null=True, blank=True, validators=[WithinBound("LOGGED_INCLINE")])
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True, validators=[WithinBound("PAIN")],
                                                   help_text=gettext_lazy("Empty only for a walk a recording brought "
                                                                          "in, until the client says how it felt."))
    pain_next_morning = models.PositiveSmallIntegerField(null=True, blank=True, validators=[WithinBound("PAIN")])
    effort = models.PositiveSmallIntegerField(null=True, blank=True, validators=[WithinBound("EFFORT")],
                                              help_text=gettext_lazy("0 nothing at all … 10 maximal (Borg CR10); "
                                                                     "empty as pain is"))
    notes = models.TextField(blank=True, max_length=2000)
    ref = models.CharField(max_length=40, blank=True,
                           help_text=gettext_lazy("The sender's id for this entry (the live coach's outbox): the "
                                                  "same ref twice is one session."))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-created"]
        # (day, client): the coach's list reads every client's last three weeks as one range of days.
        indexes = [models.Index(fields=["client", "-day"]),
                   # The coach dashboard's three weeks of every client (coach/views.py), read from the index alone.
                   models.Index(fields=["client", "day", "backward_s", "pain_during", "pain_next_morning"],
                                name="walks_session_dashboard")]
        constraints = [models.UniqueConstraint(fields=["client", "ref"], condition=~models.Q(ref=""),
                                               name="one_session_per_ref")]

    def __str__(self) -> str:
        return _("%(day)s %(minutes)d min backward") % {"day": self.day, "minutes": self.backward_s // 60}

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.pk, "day": self.day.isoformat(), "week": self.week, "followed": self.followed,
                "setting": self.setting, "backward_s": self.backward_s, "forward_s": self.forward_s,
                "distance_m": self.distance_m, "speed_kmh": self.speed_kmh, "incline_pct": self.incline_pct,
                "pain_during": self.pain_during, "pain_next_morning": self.pain_next_morning,
                "effort": self.effort, "notes": self.notes, "plan": self.plan_id}
