"""The import job on Django's Tasks API (django-tasks): any backend runs it (the database's by default, RQ on
Redis in production); settings.TASKS says which."""

from __future__ import annotations

from django_tasks import task

from retrowalk.web.recordings import services


@task()
def import_recordings(import_id: int) -> str:
    return services.run_import(import_id)


@task()
def check_knee(video_id: int) -> str:
    from retrowalk.web.recordings import knee

    return knee.run_check(video_id)
