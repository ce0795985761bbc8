from django.contrib import admin

from retrowalk.web.recordings.models import Import, RecordedWalk


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("original_name", "client", "status", "done", "total", "walks_new", "created")
    list_filter = ("status",)
    readonly_fields = ("digest", "heartbeat_at", "finished_at", "attempts")


@admin.register(RecordedWalk)
class RecordedWalkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("day", "client", "title", "bouts_planned", "bouts_confirmed", "descents")
    list_filter = ("day",)
