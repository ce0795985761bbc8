from django.contrib import admin

from retrowalk.web.frontdesk.models import Booking, GroupSession, IntroRequest, Message, Question, Reminder, SmsConsent


@admin.register(SmsConsent)
class SmsConsentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: consent records are an audit trail."""

    list_display = ("phone", "granted", "version", "source", "at")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


for model in (IntroRequest, Message, GroupSession, Booking, Reminder, Question):
    admin.site.register(model)
