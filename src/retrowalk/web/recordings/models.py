"""What the watch or phone recorded: an import (one uploaded file or export archive, worked through in the
background) and the walks found in it, each reviewed against the plan of its day (core/review.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retrowalk.web.accounts.models import Profile
from retrowalk.web.walks.models import WalkPlan, WalkSession


class Job(models.Model):
    """What every background job's record has: its progress, its tries and its worker's last sign of life
    (recordings/jobs.py claims and retries them alike)."""

    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True,
                                        help_text=_("Last sign of life of the worker on it: a stale one is retried."))
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Import(Job):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Reading")
        DONE = "done", _("Done")
        FAILED = "failed", _("Could not be read")

    client = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    digest = models.CharField(max_length=64, help_text=_("SHA-256 of the file: the same file twice is one import."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    walks_new = models.PositiveIntegerField(default=0)
    walks_known = models.PositiveIntegerField(default=0, help_text=_("Walks already imported (from another file)."))
    skipped = models.JSONField(default=list, help_text=_("What was skipped and why (at most 200 lines)."))
    skipped_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["client", "digest"], name="one_import_per_file")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == Import.Status.DONE:
            return 100
        return round(100 * self.done / self.total) if self.total else 0


class RecordedWalk(models.Model):
    client = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="recorded_walks")
    source = models.ForeignKey(Import, null=True, blank=True, on_delete=models.SET_NULL, related_name="walks")
    source_name = models.CharField(max_length=400, help_text=_("The file inside the upload it came from."))
    fingerprint = models.CharField(max_length=64, help_text=_("Its start and place: the same walk from two exports."))
    title = models.CharField(max_length=200, blank=True)
    sport = models.CharField(max_length=40, blank=True)
    indoor = models.BooleanField(default=False, help_text=_("A treadmill or indoor walk, as the file says."))
    started_at = models.DateTimeField(null=True, blank=True)
    day = models.DateField()
    duration_s = models.PositiveIntegerField(default=0)
    distance_m = models.FloatField(default=0)
    plan = models.ForeignKey(WalkPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="recordings")
    session = models.ForeignKey(WalkSession, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="recordings")
    review = models.JSONField(help_text="core/review.py's review (schemas/review.schema.json).")
    bouts_planned = models.PositiveSmallIntegerField(default=0)
    bouts_confirmed = models.PositiveSmallIntegerField(default=0)
    bouts_consistent = models.PositiveSmallIntegerField(default=0)
    backward_s = models.PositiveIntegerField(default=0)
    descents = models.PositiveSmallIntegerField(default=0)
    shown = models.BooleanField(default=False, help_text=_("Set when its import has been read to its end."))

    class Meta:
        ordering = ["-day", "-started_at"]
        constraints = [models.UniqueConstraint(fields=["client", "fingerprint"], name="one_walk_per_fingerprint")]
        indexes = [models.Index(fields=["client", "shown", "day"])]

    def __str__(self) -> str:
        return f"{self.title or self.source_name} on {self.day}"


VISIBLE = Q(shown=True)
"""Walks of an import still being read are not shown: an import appears whole, or not at all (its walks are
marked shown in the same transaction that marks it done)."""


class KneeVideo(Job):
    """A phone video of a session's walk, checked in the background for the near knee's extension (core/knee.py,
    DOMAIN.md §5). The video, its picture and its result are the client's and her coach's only: stored through
    the storage API under a name nobody serves, shown only through views that check who asks."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Checking")
        DONE = "done", _("Checked")
        FAILED = "failed", _("Could not be checked")

    client = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="knee_videos")
    session = models.ForeignKey(WalkSession, on_delete=models.CASCADE, related_name="knee_videos")
    file = models.FileField(upload_to="knee/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    seconds = models.FloatField(default=0, help_text=_("The video's length, from its header."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(null=True, blank=True, help_text="formats/kneecheck.py's to_dict.")
    verdict = models.TextField(blank=True, help_text=_("The result in one sentence (or why it could not be read)."))
    picture = models.FileField(upload_to="knee/%Y/%m/", max_length=255, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == KneeVideo.Status.DONE:
            return 100
        return min(99, round(100 * self.done / self.total)) if self.total else 0

    @property
    def steps(self) -> list[dict[str, object]]:
        return list((self.result or {}).get("steps", []))
