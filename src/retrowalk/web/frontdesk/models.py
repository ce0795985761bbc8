"""The studio's front desk: free-intro requests, SMS consent as an audit trail, small-group sessions with a
waitlist, reminders, and questions with answers (DOMAIN.md S7)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from retrowalk.web.accounts.models import Profile

CONSENT_VERSION = "2026-11-1"
CONSENT_TEXT = gettext_noop(  # Translators: the sentence beside the consent box; keep STOP and START as they are.
    "Yes, text me at this number about my intro and my sessions (reminders and schedule changes). Up to 4 messages a "
    "month. Message and data rates may apply. Reply STOP to stop, START to start again. Consent is not a condition of "
    "any purchase.")
"""The exact sentence shown beside the unticked box; a change of wording gets a new version. Marked, not translated
here: it is shown as ``_(CONSENT_TEXT)``, in the visitor's language, and the consent record keeps the words as
shown."""


SESSION_TITLE = gettext_noop("Backward walking, small group")
STUDIO_NAME = gettext_noop("Our studio")
STUDIO_INTRO_TEXT = gettext_noop("Talk with a coach about your goals, and make a plan to achieve them.")
"""Defaults, written in each language when nobody has written their own (:class:`WrittenInEachLanguage`)."""


def in_language(message: str, language: str) -> str:
    with translation.override(language):
        return gettext(message)


class WrittenInEachLanguage:
    """A model whose texts have a column per language (frontdesk/translation.py) and defaults for some of them.
    A default is a sentence of ours, so when nobody has written any, it is stored in every language, each in its
    own words. What someone writes replaces it in that language only; a language never written (a session made
    with its own title on a Spanish page) shows what was written (the fallback), not our default."""

    DEFAULT_TEXTS: dict[str, str] = {}

    def fill_unwritten(self) -> None:
        for name, message in self.DEFAULT_TEXTS.items():
            columns = {f"{name}_{code}": in_language(message, code) for code, _name in settings.LANGUAGES}
            if all(getattr(self, column) in (None, "", default) for column, default in columns.items()):
                for column, default in columns.items():
                    setattr(self, column, default)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_unwritten()
        super().save(*args, **kwargs)  # type: ignore[misc]


class IntroRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        SCHEDULED = "scheduled", _("Intro scheduled")
        CONVERTED = "converted", _("Now a client")
        CLOSED = "closed", _("Closed")

    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=200)
    phone = models.CharField(max_length=20, help_text=_("E.164, e.g. +12125550100"))
    goals = models.TextField(max_length=1000, blank=True)
    preferred_times = models.CharField(max_length=200, blank=True)
    timezone = models.CharField(max_length=64, default="America/New_York")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    coach = models.ForeignKey(Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="intros")
    client = models.OneToOneField(Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="intro")
    created = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True, default="")
    """The language of the page the request was sent from (get_language()): its texts and e-mails are in it."""

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["email", "-created"]), models.Index(fields=["phone", "-created"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class ImmutableError(RuntimeError):
    """A consent record is never edited or deleted: a change is a new record that supersedes it."""


class SmsConsent(models.Model):
    """One grant or withdrawal of consent to text messages, exactly as it happened. Never edited, only superseded:
    the number's current state is its newest record."""

    phone = models.CharField(max_length=20, db_index=True)
    granted = models.BooleanField()
    text = models.TextField(help_text=_("The exact sentence the person agreed to, or the keyword they sent."))
    version = models.CharField(max_length=20)
    source = models.CharField(max_length=200, help_text=_("The page, or sms:KEYWORD for a reply."))
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    pending = models.BooleanField(default=False, help_text=_("A grant from the form, waiting for the phone's YES."))
    at = models.DateTimeField(auto_now_add=True)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        state = ("asked to confirm" if self.pending else "granted") if self.granted else "withdrawn"
        return f"{self.phone} {state} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("consent records are never edited; record a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("consent records are never deleted")


class InboundMessage(models.Model):
    """A text the studio's number received, kept once by the provider's own id: a provider that delivers the
    same message again (it retries until it hears back) cannot make it count twice."""

    provider_id = models.CharField(max_length=64, unique=True)
    phone = models.CharField(max_length=20)
    body = models.TextField(max_length=1600)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.phone}: {self.body[:40]} ({self.outcome})"


class Message(models.Model):
    """Every message the studio sent or meant to send, with why it was or was not sent."""

    class Channel(models.TextChoices):
        SMS = "sms", _("Text message")
        EMAIL = "email", _("E-mail")

    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=200)
    body = models.TextField()
    purpose = models.CharField(max_length=40)
    status = models.CharField(max_length=200, help_text=_("sent, refused: no consent, failed: …"))
    provider_id = models.CharField(max_length=80, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.status}"


class GroupSession(WrittenInEachLanguage, models.Model):
    class Level(models.TextChoices):
        ALL = "all", _("All levels")
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    objects: ClassVar[models.Manager[GroupSession]]  # made at run time by modeltranslation (translation.py)
    coach = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="group_sessions")
    title = models.CharField(max_length=120, blank=True)  # SESSION_TITLE, in each language, if left blank
    starts_at = models.DateTimeField()
    duration_min = models.PositiveSmallIntegerField(default=45, validators=[MinValueValidator(10),
                                                                            MaxValueValidator(240)])
    place = models.CharField(max_length=200)
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(50)])
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.ALL)
    series = models.UUIDField(null=True, blank=True, help_text=_("Sessions published together as a weekly series."))
    cancel_cutoff_h = models.PositiveSmallIntegerField(default=12)

    DEFAULT_TEXTS = {"title": SESSION_TITLE}

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        # The studio's time and the reader's language (Django's names), as every page shows it: not UTC in English.
        return f"{self.title}, {date_format(timezone.localtime(self.starts_at), 'D j M H:i')}"


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        WAITLIST = "waitlist", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="bookings")
    client = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="bookings")
    status = models.CharField(max_length=10, choices=Status.choices)
    created = models.DateTimeField(auto_now_add=True)
    """Waitlist order: first come, first promoted."""
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            # One live booking per client and session; a cancelled one may be followed by a new one.
            models.UniqueConstraint(fields=["session", "client"], condition=~Q(status="cancelled"),
                                    name="one_live_booking_per_client"),
        ]

    def __str__(self) -> str:
        return f"{self.client} – {self.session} ({self.status})"


class Reminder(models.Model):
    """A reminder due at a time; ``claimed_at`` is set by exactly one worker (a conditional UPDATE)."""

    kind = models.CharField(max_length=10)  # "session" or "intro"
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    intro = models.ForeignKey(IntroRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True)
    outcome = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [models.Index(fields=["claimed_at", "due_at"])]
        constraints = [
            models.UniqueConstraint(fields=["booking"], condition=Q(booking__isnull=False),
                                    name="one_reminder_per_booking"),
            models.UniqueConstraint(fields=["intro", "due_at"], condition=Q(intro__isnull=False),
                                    name="one_reminder_per_intro_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder due {self.due_at:%Y-%m-%d %H:%M}"


class Question(models.Model):
    objects: ClassVar[models.Manager[Question]]  # made at run time by modeltranslation (translation.py)
    client = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(max_length=2000)
    language = models.CharField(max_length=8, blank=True, help_text=_(
        "The language of the page it was asked on: its answer is published in it unless the coach chooses."))
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True, max_length=5000)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(default=False)
    public_question = models.TextField(blank=True, max_length=2000,
                                       help_text=_("The question as published: no name, nothing that identifies."))
    public_answer = models.TextField(blank=True, max_length=5000)
    pinned = models.BooleanField(default=False, help_text=_("Shown first on the home page."))

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Studio(WrittenInEachLanguage, models.Model):
    """The studio's public face (the home page, its search and social previews): one row, edited in the admin.
    Until one is saved the home page shows :meth:`current`'s plain defaults."""

    objects: ClassVar[models.Manager[Studio]]  # made at run time by modeltranslation (translation.py)
    name = models.CharField(max_length=120, default=STUDIO_NAME)
    tagline = models.CharField(max_length=200, blank=True, help_text=_("One line under the name, e.g. "
                                                                              "“Personal training for women”."))
    street = models.CharField(max_length=200, blank=True, help_text=_("Where it is, as a visitor would find it."))
    locality = models.CharField(max_length=100, blank=True, help_text=_("Town or city."))
    region = models.CharField(max_length=100, blank=True, help_text=_("State, county or province."))
    country = models.CharField(max_length=2, default="US", help_text=_("Two-letter country code."))
    telephone = models.CharField(max_length=20, blank=True)
    about = models.TextField(max_length=2000, blank=True, help_text=_("Who the studio is for; a paragraph or two."))
    offer = models.TextField(max_length=2000, blank=True, help_text=_("The small-group offer, in a sentence or two."))
    intro_text = models.CharField(max_length=300, blank=True, help_text=_(
        "A line under “Schedule your free intro”; left blank, ours: “Talk with a coach about your goals…”."))

    DEFAULT_TEXTS = {"intro_text": STUDIO_INTRO_TEXT}

    class Meta:
        verbose_name = _("studio (public page)")
        verbose_name_plural = _("studio (public page)")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Studio:
        """The studio's row, or an unsaved one with the defaults (in the language of the page)."""
        studio = cls.objects.order_by("pk").first()
        if studio is None:
            studio = cls(name=gettext(STUDIO_NAME))
            studio.fill_unwritten()
        return studio

    @property
    def place(self) -> str:
        """``Charlotte, NC``: the town and region, for titles and the page's first line."""
        return ", ".join(part for part in (self.locality, self.region) if part)
