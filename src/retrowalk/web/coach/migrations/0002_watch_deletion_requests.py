"""The requests to delete an account move the data version too: the dashboard keeps them with its rows (issue 17
item 6: the one query it still made on every load)."""

from __future__ import annotations

from importlib import import_module

from django.db import migrations

first = import_module("retrowalk.web.coach.migrations.0001_dataversion")


def table(apps):  # type: ignore[no-untyped-def]
    return [apps.get_model("sharing", "DeletionRequest")._meta.db_table]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    first.watch(schema_editor, table(apps))


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    first.unwatch(schema_editor, table(apps))


class Migration(migrations.Migration):

    dependencies = [
        ("coach", "0001_dataversion"),
        ("sharing", "0002_deletion_request"),
    ]

    operations = [migrations.RunPython(create, drop)]
