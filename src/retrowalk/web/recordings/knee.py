"""The knee check on the site (issue 15): a client uploads a phone video of a session's walk; it is checked in
the background (formats/kneecheck.py, on this server only: DOMAIN.md:80-82) and the client and her coach see the
picture and the verdict; the client can delete the video and everything made from it.

An upload that is not a video retrowalk can read (not a video, damaged, too long, too large) is refused at once,
in one sentence, and nothing is saved; what the check itself cannot tell (the view, no one in it, too short) is
its result, kept and shown.
"""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import datetime
from pathlib import Path

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from retrowalk.formats.pose import VideoError, probe
from retrowalk.formats.posemodels import PoseModelsMissingError
from retrowalk.web.recordings import jobs
from retrowalk.web.recordings.models import KneeVideo
from retrowalk.web.walks.models import WalkSession

log = logging.getLogger(__name__)

MAX_VIDEO_BYTES = 1 * 2**30
"""A minute of 4K at 60 fps from a phone is about 400 MiB; a knee check needs 10 to 60 seconds."""
STALL_S = 300
"""A check whose worker has said nothing for this long is taken to be dead, and its job is run again."""
HEARTBEAT_S = 1.0


class VideoRefusedError(ValueError):
    """An upload refused; the message is one sentence, in the language of the page it was refused on."""


def _local_path(upload: File[bytes]) -> tuple[Path, bool]:
    """A path on disk to the upload's bytes (Django spools a large upload to a temporary file already), and
    whether it is a temporary copy of ours to delete."""
    path = getattr(upload, "temporary_file_path", None)
    if callable(path):
        return Path(path()), False
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name or "video").suffix, delete=False) as tmp:
        upload.seek(0)
        for chunk in upload.chunks():
            tmp.write(chunk)
    upload.seek(0)
    return Path(tmp.name), True


def _stored_path(name: str, shown: str) -> tuple[Path, bool]:
    """A path on disk to a stored file: its own where the storage is a disk (nothing copied), else a temporary
    copy (an object store), and whether it is ours to delete."""
    try:
        return Path(default_storage.path(name)), False
    except NotImplementedError:
        with default_storage.open(name, "rb") as stored:
            return _local_path(File(stored, name=shown))


def start_check(session: WalkSession, upload: File[bytes]) -> KneeVideo:
    """Check that ``upload`` is a video that can be read (its header only: fast), store it and queue its job."""
    from retrowalk.web.recordings.tasks import check_knee

    size = upload.size or 0
    name = Path(upload.name or "video").name[:255]
    if size == 0:
        raise VideoRefusedError(_("%(name)s is empty") % {"name": name})
    if size > MAX_VIDEO_BYTES:
        raise VideoRefusedError(_("%(name)s is %(size)s GiB; film 10 to 60 seconds (videos are limited to 1 GiB)")
                                % {"name": name, "size": number_format(round(size / 2**30, 1), 1)})
    path, ours = _local_path(upload)
    try:
        # Under the name it came with: the sentences name the file the client chose, not a temporary one.
        header = probe(path, shown_name=name)
    except VideoError as err:
        raise VideoRefusedError(str(err)) from None
    finally:
        if ours:
            path.unlink(missing_ok=True)
    with transaction.atomic():
        made = KneeVideo.objects.create(client=session.client, session=session, original_name=name, size=size,
                                        seconds=header.seconds, file=File(upload, name=name))
        transaction.on_commit(lambda: check_knee.enqueue(made.pk))
    return made


def claim(video_id: int, now: datetime | None = None) -> KneeVideo | None:
    """Take the check for this run of its job, or None when it is done, failed, deleted, or alive elsewhere."""
    return KneeVideo.objects.filter(pk=video_id).first() if jobs.claim(KneeVideo, video_id, STALL_S, now) else None


def run_check(video_id: int) -> str:
    """The job's body. Returns what it did, in a sentence."""
    from retrowalk.formats.kneecheck import check_video, picture, to_dict

    video = claim(video_id)
    if video is None:
        return "nothing to do: checked, failed, deleted, or being checked by another worker"
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= HEARTBEAT_S:
            last[0] = now
            KneeVideo.objects.filter(pk=video_id).update(done=done, total=total, heartbeat_at=timezone.now())

    try:
        local, ours = _stored_path(video.file.name, video.original_name)
        try:
            check = check_video(local, progress)
            png = picture(check, local)
        finally:
            if ours:
                local.unlink(missing_ok=True)
    except (VideoError, PoseModelsMissingError) as err:
        failed = KneeVideo.objects.filter(pk=video_id).update(status=KneeVideo.Status.FAILED, verdict=str(err),
                                                              finished_at=timezone.now())
        return str(err) if failed else "deleted while being checked"
    name = default_storage.save(f"knee/{timezone.now():%Y/%m}/knee-{video_id}.png", ContentFile(png))
    result = to_dict(check)
    kept = KneeVideo.objects.filter(pk=video_id).update(
        status=KneeVideo.Status.DONE, result=result, verdict=result["verdict"], picture=name, done=F("total"),
        finished_at=timezone.now())
    if not kept:  # deleted while it was being checked: nothing of it stays
        default_storage.delete(name)
        return "deleted while being checked"
    return str(result["verdict"])


def delete(video: KneeVideo) -> None:
    """The video, its picture and its result, gone (files first: a row left without files shows as deleted)."""
    for field in (video.file, video.picture):
        if field and field.name:
            default_storage.delete(field.name)
    video.delete()


def recover_stalled(now: datetime | None = None) -> int:
    """Queue again the job of every check whose worker died or whose job never started; returns how many."""
    from retrowalk.web.recordings.tasks import check_knee

    ids = jobs.stalled(KneeVideo, STALL_S, now)
    for pk in ids:
        check_knee.enqueue(pk)
    return len(ids)
