"""Each route its own extra privacy radius (DOMAIN.md:103). Django evaluates a callable default once for all
the rows already there, so the routes saved before get theirs drawn one by one."""

from typing import Any

from django.db import migrations, models

import retrowalk.core.privacy


def draw_each(apps: Any, schema_editor: Any) -> None:
    route = apps.get_model("walks", "Route")
    for row in route.objects.only("pk").iterator():
        route.objects.filter(pk=row.pk).update(privacy_extra_m=retrowalk.core.privacy.new_extra_m())


class Migration(migrations.Migration):

    dependencies = [
        ("walks", "0005_recorded_sessions_await_rating"),
    ]

    operations = [
        migrations.AddField(
            model_name="route",
            name="privacy_extra_m",
            field=models.FloatField(default=retrowalk.core.privacy.new_extra_m, help_text="This route's own extra privacy radius, drawn once (DOMAIN.md:103): shared twice, it is cut the same way and shows nothing new."),
        ),
        migrations.RunPython(draw_each, migrations.RunPython.noop),
    ]
