"""The dashboard's data version: one number the database itself changes, to a new random one, on every change to
what the coach dashboard reads (sessions, recorded walks, profiles, user names, requests to delete an account), by
triggers (migrations/0001, 0002),
whatever made the change: a page, the API, a bulk load, a restore, raw SQL. A dashboard made at one version is
right while the number stays (coach/views.py keeps the last few in each worker)."""

from __future__ import annotations

from django.db import models

WATCHED = ("walks.WalkSession", "recordings.RecordedWalk", "accounts.Profile", "auth.User",
           "sharing.DeletionRequest")
"""Every model the dashboard's kept parts are read from (coach/views.py: client_rows, and the requests to delete
an account). A new one needs its triggers too:
tests/web/test_coach_list.py checks that every table the dashboard's statements read is watched."""


class DataVersion(models.Model):
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "dashboard data version"
