"""The dashboard's data version: one number the database itself changes, to a new random one, on every change to
what the coach dashboard reads (sessions, recorded walks, profiles, user names), by triggers (migrations/0001),
whatever made the change: a page, the API, a bulk load, a restore, raw SQL. A dashboard made at one version is
right while the number stays (coach/views.py keeps the last few in each worker)."""

from __future__ import annotations

from django.db import models

WATCHED = ("walks.WalkSession", "recordings.RecordedWalk", "accounts.Profile", "auth.User")
"""Every model the dashboard's rows are read from (coach/views.py client_rows). A new one needs its triggers too:
tests/web/test_coach_list.py checks that every table the dashboard's statements read is watched."""


class DataVersion(models.Model):
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "dashboard data version"
