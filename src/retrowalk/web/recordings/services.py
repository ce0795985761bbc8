"""Importing recorded walks: an upload is stored through Django's storage API (so an object store can replace the
disk), then worked through by a background job (tasks.py) that finds the walks (formats/archive.py), reviews each
against the plan of its day (core/review.py) and keeps it once.

The job is idempotent: the same file twice is one import (its SHA-256), the same walk twice is one walk (its
fingerprint, a unique constraint, not a lookup), and a job retried after its worker died starts the import
over, adding only what is not there yet. Walks of an import still running are not shown (models.VISIBLE).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import IO
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from retrowalk.core.bounds import DISTANCE_M, DONE_BACKWARD_MINUTES, DONE_FORWARD_MINUTES
from retrowalk.core.geo import along_m
from retrowalk.core.review import Review, Verdict, review, review_to_dict
from retrowalk.formats.archive import ArchiveError, Found, fingerprint, scan
from retrowalk.formats.fitworkout import segment_steps
from retrowalk.web.accounts.models import Profile
from retrowalk.web.language import for_client
from retrowalk.web.recordings import jobs
from retrowalk.web.recordings.models import Import, RecordedWalk
from retrowalk.web.walks.models import Setting, WalkPlan, WalkSession

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 4 * 2**30
"""An export of several years is a few GiB; more is not one."""
STALL_S = 120
"""An import whose worker has said nothing for this long is taken to be dead, and its job is run again."""
HEARTBEAT_S = 1.0
SKIPPED_KEPT = 200


class UploadRefusedError(ValueError):
    """An upload refused; the message is one sentence, in the language of the page it was refused on."""


def digest_of(f: IO[bytes]) -> str:
    h = hashlib.sha256()
    f.seek(0)
    while chunk := f.read(2**20):
        h.update(chunk)
    f.seek(0)
    return h.hexdigest()


def start_import(client: Profile, upload: File[bytes]) -> tuple[Import, bool]:
    """Store ``upload`` (streamed: Django's upload handlers already spooled a large one to disk) and queue its
    job; the same file uploaded again is the import already made (``False``: nothing new queued)."""
    from retrowalk.web.recordings.tasks import import_recordings

    size = upload.size or 0
    if size == 0:
        raise UploadRefusedError(_("%(name)s is empty") % {"name": upload.name})
    if size > MAX_UPLOAD_BYTES:
        raise UploadRefusedError(_("%(name)s is %(size)s GiB; uploads are limited to 4 GiB") % {
            "name": upload.name, "size": number_format(round(size / 2**30, 1), 1)})
    digest = digest_of(upload)
    known = Import.objects.filter(client=client, digest=digest).first()
    if known is not None:
        return known, False
    try:
        with transaction.atomic():
            made = Import.objects.create(client=client, original_name=(upload.name or "upload")[:255], size=size,
                                         digest=digest, file=File(upload, name=upload.name))
            transaction.on_commit(lambda: import_recordings.enqueue(made.pk))
    except IntegrityError:  # the same file, uploaded twice at once: the other request made it
        return Import.objects.get(client=client, digest=digest), False
    return made, True


def claim(import_id: int, now: datetime | None = None) -> Import | None:
    """Take the import for this run of its job, or None when it is done, failed or alive in another worker."""
    taken = jobs.claim(Import, import_id, STALL_S, now)
    return Import.objects.select_related("client").get(pk=import_id) if taken else None


def run_import(import_id: int) -> str:
    """The job's body: find, review and keep the walks of one import. Returns what it did, in a sentence."""
    job = claim(import_id)
    if job is None:
        return "nothing to do: done, failed, or being read by another worker"
    beat = Heartbeat(job)
    new = known = 0
    skipped: list[dict[str, str]] = []
    try:
        for item in scan(job.original_name, _opener(job), beat.progress):
            if item.recording is None:
                skipped.append({"file": item.name, "reason": item.skipped})
                continue
            if keep(job, item):
                new += 1
            else:
                known += 1
            beat.walk()
    except ArchiveError as err:
        Import.objects.filter(pk=job.pk).update(status=Import.Status.FAILED, message=str(err),
                                                finished_at=timezone.now())
        return str(err)
    with transaction.atomic():  # the import and its walks appear together
        Import.objects.filter(pk=job.pk).update(status=Import.Status.DONE, walks_new=new, walks_known=known,
                                                skipped=skipped[:SKIPPED_KEPT], skipped_count=len(skipped),
                                                done=F("total"), finished_at=timezone.now())
        for walk in RecordedWalk.objects.filter(source=job, session__isnull=True).select_related("plan"):
            walk.session = session_for(walk)
            walk.save(update_fields=["session"])
        RecordedWalk.objects.filter(source=job).update(shown=True)
    return f"{new} new walk{'s' if new != 1 else ''}, {known} known, {len(skipped)} skipped"


def _opener(job: Import) -> Callable[[], IO[bytes]]:
    """For scan(): the stored file, through the storage API, opened anew each time it is asked."""
    name = job.file.name

    def opener() -> IO[bytes]:
        return default_storage.open(name, "rb")
    return opener


class Heartbeat:
    """Progress and a sign of life, written at most once a second (not once per file of a 2,000-file export)."""

    def __init__(self, job: Import) -> None:
        self.job = job
        self.last = 0.0

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= HEARTBEAT_S or done == total:
            self.last = now
            Import.objects.filter(pk=self.job.pk).update(done=done, total=total, heartbeat_at=timezone.now())

    def walk(self) -> None:
        if settings.IMPORT_PAUSE_S:
            time.sleep(settings.IMPORT_PAUSE_S)
            Import.objects.filter(pk=self.job.pk).update(heartbeat_at=timezone.now())


def keep(job: Import, item: Found) -> bool:
    """Review the walk against the plan of its day and keep it; False when it was imported already (from this
    file in an earlier run of the job, or from another file): the unique constraint decides, not a lookup."""
    recording = item.recording
    assert recording is not None
    client = job.client
    key = fingerprint(recording)
    track = recording.track
    times = track.time_s[np.isfinite(track.time_s)]
    started = datetime.fromtimestamp(float(times.min()), tz=ZoneInfo("UTC")) if len(times) else None
    day = (started.astimezone(ZoneInfo(client.timezone)).date() if started is not None
           else timezone.localdate())
    duration = float(times.max() - times.min()) if len(times) else 0.0
    plan = _plan_of(client, day, duration) if started is not None else None
    core_plan = plan.plan if plan is not None else None
    result = review(recording, core_plan, segment_steps(core_plan) if core_plan is not None else None)
    try:
        with transaction.atomic():
            RecordedWalk.objects.create(
                client=client, source=job, source_name=item.name[-400:], fingerprint=key, title=item.title[:200],
                sport=recording.sport[:40], indoor=recording.indoor, started_at=started, day=day,
                duration_s=round(duration),
                distance_m=float(along_m(track.lat_deg, track.lon_deg)[-1]) if len(track) > 1 else 0.0,
                plan=plan, review=review_to_dict(result, item.name.rsplit("/", 1)[-1]),
                **summary(result))
    except IntegrityError:
        return False
    return True


def session_for(walk: RecordedWalk) -> WalkSession:
    """The walk's session in the log: the one the client logged that day, or a new one from the recording, its
    pain and effort left for her to give (never a value nobody chose)."""
    found = WalkSession.objects.filter(client=walk.client, day=walk.day).order_by("-created").first()
    if found is not None:
        return found
    plan = walk.plan
    # What the log may call backward time: what the watch's laps confirm, and, for a walk meant to hold bouts (a
    # plan of its day), the stretches consistent with them. An old walk without a plan is not credited with
    # backward minutes for a pace alone (DOMAIN.md:91: never proof of direction).
    shown = walk.review.get("confirmed_s", 0) + (walk.review.get("consistent_s", 0) if plan is not None else 0)
    backward = min(round(shown), round(DONE_BACKWARD_MINUTES.hi * 60))
    setting = plan.kind if plan is not None else Setting.TREADMILL if walk.indoor else Setting.OUTDOOR
    with for_client(walk.client.language):  # a worker: no request; the note is hers to read in her log
        notes = _("From the recorded walk.")
    made = WalkSession(client=walk.client, plan=plan, day=walk.day, week=walk.client.week, followed=plan is not None,
                       setting=setting, backward_s=backward,
                       forward_s=min(max(0, walk.duration_s - backward), round(DONE_FORWARD_MINUTES.hi * 60)),
                       distance_m=min(walk.distance_m, DISTANCE_M.hi) or None, pain_during=None, effort=None,
                       notes=notes)
    made.full_clean()
    made.save()
    return made


def _plan_of(client: Profile, day: date, duration_s: float) -> WalkPlan | None:
    """The plan of the walk's day (made that day, in the studio's time): of several, the one whose length is
    nearest the walk's."""
    plans = [p for p in WalkPlan.objects.filter(client=client, created__date__gte=day - timedelta(days=1),
                                                created__date__lte=day + timedelta(days=1))
             if timezone.localtime(p.created).date() == day]
    return min(plans, key=lambda p: abs(p.total_s - duration_s)) if plans else None


def summary(result: Review) -> dict[str, int]:
    """The numbers the coach's dashboard shows, kept beside the review."""
    return {"bouts_planned": len(result.bouts) if result.planned else 0,
            "bouts_confirmed": sum(1 for b in result.bouts if b.verdict is Verdict.CONFIRMED),
            "bouts_consistent": sum(1 for b in result.bouts if b.verdict is Verdict.CONSISTENT),
            "backward_s": round(result.backward_s), "descents": len(result.descents)}


def recover_stalled(now: datetime | None = None) -> int:
    """Queue again the job of every import whose worker died (running, no sign of life for STALL_S) or whose job
    never started (queued for as long); returns how many. Run by the worker loop and before each job."""
    from retrowalk.web.recordings.tasks import import_recordings

    ids = jobs.stalled(Import, STALL_S, now)
    for pk in ids:
        import_recordings.enqueue(pk)
    return len(ids)
