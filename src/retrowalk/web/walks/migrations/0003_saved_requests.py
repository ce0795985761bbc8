"""Route plans made before plans kept their whole request get one: the client's settings as they are now, the
best record there is of what they were (issue 12). Their engine is marked 0, "before requests were kept"."""

from django.db import migrations


def keep_requests(apps, schema_editor):
    WalkPlan = apps.get_model("walks", "WalkPlan")
    for plan in WalkPlan.objects.filter(route__isnull=False).select_related("client"):
        request = dict(plan.request or {})
        if "route_request" in request:
            continue
        client = plan.client
        backward_minutes = request.get("backward_minutes")
        request["route_request"] = {
            "week": plan.week, "units": client.units, "minutes": request.get("minutes"),
            "reverse": bool(request.get("reverse")), "forward_speed_kmh": client.speed_forward_kmh,
            "backward_speed_kmh": client.speed_backward_kmh,
            "backward_s": None if backward_minutes is None else round(backward_minutes * 60),
            "bout_min_s": None, "bout_max_s": None}
        request["engine"] = 0
        plan.request = request
        plan.save(update_fields=["request"])


class Migration(migrations.Migration):
    dependencies = [("walks", "0002_session_ref"), ("accounts", "0004_profile_language")]
    operations = [migrations.RunPython(keep_requests, migrations.RunPython.noop)]
