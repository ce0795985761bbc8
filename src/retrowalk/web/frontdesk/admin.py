from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from retrowalk.web.frontdesk.models import (
    Booking,
    GroupSession,
    IntroRequest,
    Message,
    Question,
    Reminder,
    SmsConsent,
    Studio,
)


@admin.register(SmsConsent)
class SmsConsentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: consent records are an audit trail."""

    list_display = ("phone", "granted", "version", "source", "at")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


for model in (IntroRequest, Message, Booking, Reminder):
    admin.site.register(model)


# The studio's own words (frontdesk/translation.py): each language's version side by side, as plain fields (no
# tabs: those need scripts from outside the site).
for texts in (GroupSession, Question):
    admin.site.register(texts, TranslationAdmin)


@admin.register(Studio)
class StudioAdmin(TranslationAdmin):  # type: ignore[type-arg]
    """One row: the studio's name, place and offer on the public home page."""

    list_display = ("name", "locality", "region")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return not Studio.objects.exists()
