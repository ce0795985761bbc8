"""The data version and the triggers that move it (see coach/models.py). PostgreSQL: one statement-level trigger per
table, so a bulk load moves it once; SQLite: row-level ones (it has no other)."""

from __future__ import annotations

from django.db import migrations, models

WATCHED = (("walks", "WalkSession"), ("recordings", "RecordedWalk"), ("accounts", "Profile"), ("auth", "User"))
# A new random number, not n + 1: after a restore, or a transaction rolled back, a count could come back to a number
# a worker already saw with other data; a random one never does (in practice: 2^53 and more).
BUMP = {"postgresql": "UPDATE coach_dataversion SET n = floor(random() * 9007199254740991)::bigint WHERE id = 1",
        "sqlite": "UPDATE coach_dataversion SET n = random() WHERE id = 1"}


def tables(apps):  # type: ignore[no-untyped-def]
    return [apps.get_model(app, model)._meta.db_table for app, model in WATCHED]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("coach", "DataVersion").objects.create(id=1, n=0)
    watch(schema_editor, tables(apps))


def watch(schema_editor, watched):  # type: ignore[no-untyped-def]
    """The triggers that move the version on every change to the ``watched`` tables (later migrations add more)."""
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        # Statement-level, with the statement's changed rows as a table: a bulk load moves the version once, and a
        # statement that changed nothing (an UPDATE matching no row) does not move it.
        run("CREATE OR REPLACE FUNCTION retrowalk_dashboard_bump() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF TG_OP = 'TRUNCATE' THEN {BUMP['postgresql']}; "
            f"ELSIF EXISTS (SELECT 1 FROM changed) THEN {BUMP['postgresql']}; END IF; RETURN NULL; END $$")
        for table in watched:
            for event, rows in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
                run(f'CREATE TRIGGER "rw_dashboard_{table}_{event.lower()}" AFTER {event} ON "{table}" '
                    f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION retrowalk_dashboard_bump()")
            run(f'CREATE TRIGGER "rw_dashboard_{table}_truncate" AFTER TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION retrowalk_dashboard_bump()")
    elif schema_editor.connection.vendor == "sqlite":
        for table in watched:
            for event in ("INSERT", "UPDATE", "DELETE"):
                run(f'CREATE TRIGGER "rw_dashboard_{table}_{event.lower()}" AFTER {event} ON "{table}" '
                    f"BEGIN {BUMP['sqlite']}; END")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    unwatch(schema_editor, tables(apps))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS retrowalk_dashboard_bump()")


def unwatch(schema_editor, watched):  # type: ignore[no-untyped-def]
    run = schema_editor.execute
    for table in watched:
        for event in ("insert", "update", "delete", "truncate"):
            if schema_editor.connection.vendor == "postgresql":
                run(f'DROP TRIGGER IF EXISTS "rw_dashboard_{table}_{event}" ON "{table}"')
            elif event != "truncate":
                run(f'DROP TRIGGER IF EXISTS "rw_dashboard_{table}_{event}"')


class Migration(migrations.Migration):

    dependencies = [
        ("walks", "0008_dashboard_covering_index"),
        ("recordings", "__first__"),
        ("accounts", "0008_profile_language_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("n", models.BigIntegerField(default=0))],
            options={"verbose_name": "dashboard data version"},
        ),
        migrations.RunPython(create, drop),
    ]
