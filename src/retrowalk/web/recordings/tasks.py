"""The import job on Django's Tasks API (django-tasks): any backend runs it (the database's by default, RQ on
Redis in production); settings.TASKS says which.

A worker has no request, so no language: each job speaks its client's (her review words, verdicts and messages
are stored as she will read them)."""

from __future__ import annotations

from django.db.models import Model
from django_tasks import task

from retrowalk.web.language import for_client
from retrowalk.web.recordings import services
from retrowalk.web.recordings.models import Import, KneeVideo


def _language(model: type[Model], pk: int) -> str:
    return model._default_manager.filter(pk=pk).values_list("client__language", flat=True).first() or ""


@task()
def import_recordings(import_id: int) -> str:
    with for_client(_language(Import, import_id)):
        return services.run_import(import_id)


@task()
def check_knee(video_id: int) -> str:
    from retrowalk.web.recordings import knee

    with for_client(_language(KneeVideo, video_id)):
        return knee.run_check(video_id)
