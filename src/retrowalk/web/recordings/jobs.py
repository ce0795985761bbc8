"""Claiming and retrying background jobs (models.Job): one job runs a record at a time, and a record whose worker
died (running, no sign of life for ``stall_s``) or whose job never started (queued for as long) is queued again.
The imports (services.py) and the knee checks (knee.py) share this."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Model
from django.utils import timezone

QUEUED, RUNNING = "queued", "running"


def claim(model: type[Model], pk: int, stall_s: float, now: datetime | None = None) -> bool:
    """Take record ``pk`` for this run of its job: False when it is done, failed, gone, or alive in another
    worker. One UPDATE: two workers never both take it."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=stall_s)
    manager: Any = model._default_manager
    return bool(manager.filter(pk=pk, status__in=[QUEUED, RUNNING]).exclude(
        status=RUNNING, heartbeat_at__gte=stale).update(
        status=RUNNING, heartbeat_at=now, attempts=F("attempts") + 1, done=0))


def stalled(model: type[Model], stall_s: float, now: datetime | None = None) -> list[int]:
    """The records whose job should be queued again."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=stall_s)
    manager: Any = model._default_manager
    return list(manager.filter(status=RUNNING, heartbeat_at__lt=stale).values_list("pk", flat=True)) + \
        list(manager.filter(status=QUEUED, created__lt=stale).values_list("pk", flat=True))
