from django.contrib import admin

from retrowalk.web.accounts.models import ApiToken, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("display_name", "role", "coach", "week", "units")
    list_filter = ("role",)
    list_select_related = ("user", "coach__user")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "name", "created", "last_used")
    readonly_fields = ("digest",)
