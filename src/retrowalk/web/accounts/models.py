"""People: every user has a profile saying whether they coach or walk, and a client belongs to one coach."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from retrowalk.core.rules import DEFAULTS
from retrowalk.core.units import Units
from retrowalk.web.bounds import WithinBound
from retrowalk.web.language import VOICES

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

    from retrowalk.web.frontdesk.models import GroupSession, Question


class Role(models.TextChoices):
    COACH = "coach", gettext_lazy("Coach")
    CLIENT = "client", gettext_lazy("Client")


class HomeTreadmill(models.TextChoices):
    NONE = "none", gettext_lazy("No treadmill")
    LOCKED = "locked", gettext_lazy("Powered treadmill that locks when off")
    DEADMILL = "deadmill", gettext_lazy("Deadmill (belt turns freely)")


UNIT_CHOICES = [(Units.MPH.value, gettext_lazy("mph and miles")),
                (Units.KMH.value, gettext_lazy("km/h and kilometres"))]
"""The units as people read them (the stored code, "kmh", is for the database and the API)."""


class Profile(models.Model):
    if TYPE_CHECKING:  # managers modeltranslation makes at run time, which django-stubs cannot see (its #981)
        group_sessions: RelatedManager[GroupSession]
        questions: RelatedManager[Question]
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CLIENT)
    coach = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="clients",
                              limit_choices_to={"role": Role.COACH})
    units = models.CharField(max_length=4, choices=UNIT_CHOICES, default=Units.MPH.value)
    speed_forward_kmh = models.FloatField(default=DEFAULTS.forward_speed_kmh,
                                          validators=[WithinBound("FORWARD_SPEED")])
    speed_backward_kmh = models.FloatField(default=DEFAULTS.backward_speed_kmh,
                                           validators=[WithinBound("BACKWARD_SPEED")])
    week = models.PositiveSmallIntegerField(
        default=1, validators=[WithinBound("WEEK")],
        # DOMAIN.md:50 (the ladder); the words a person reads name no file.
        help_text=gettext_lazy("Step on the programme ladder; moved by the pain-gated progression."))
    treadmill = models.CharField(max_length=10, choices=HomeTreadmill.choices, default=HomeTreadmill.NONE)
    knee_notes = models.TextField(blank=True, max_length=2000)
    language = models.CharField(
        max_length=10, choices=VOICES, default="", blank=True,
        help_text=gettext_lazy("The language of the pages, card and texts, and the live coach's voice."))
    phone = models.CharField(max_length=20, blank=True,
                             help_text=gettext_lazy("E.164, for text messages (with consent)."))
    timezone = models.CharField(max_length=64, default="America/New_York",
                                help_text=gettext_lazy("IANA time zone: reminders keep out of the night here."))
    progress_note = models.TextField(blank=True,
                                     help_text=gettext_lazy("Why the step last changed, as the client was told."))
    coach_sees_trimmed = models.BooleanField(
        default=False,
        help_text=gettext_lazy("The coach, too, sees the routes without their privacy zones."))  # DOMAIN.md:104
    pain_baseline = models.PositiveSmallIntegerField(
        default=0, validators=[WithinBound("PAIN")],
        # DOMAIN.md:45: next-morning pain against this baseline.
        help_text=gettext_lazy("Usual knee pain on waking, 0–10: next-morning pain is compared with it."))

    class Meta:
        indexes = [models.Index(fields=["coach", "role"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_coach(self) -> bool:
        return self.role == Role.COACH


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once, when made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, default="API")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} – {self.name}"

    @staticmethod
    def hash(token: str) -> str:
        import hashlib

        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: Any, name: str = "API") -> tuple[ApiToken, str]:
        import secrets

        token = "rw_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.hash(token)), token
