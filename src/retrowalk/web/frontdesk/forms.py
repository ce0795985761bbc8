"""Public and coach forms. The public intro form defends itself without third-party services: a honeypot field,
a minimum time to fill it in, a rate limit per address (in the view), plain text only, and no double requests."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from retrowalk.web.frontdesk.models import CONSENT_TEXT, SESSION_TITLE, GroupSession
from retrowalk.web.frontdesk.sms import PhoneError, e164

MIN_FILL_S = 3
MAX_FILL_S = 24 * 3600
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
SIGNER_SALT = "retrowalk.intro-form"


PLAIN = {
    "name": _("Please write the name as plain text, without < > tags."),
    "goals": _("Please write the goals as plain text, without < > tags."),
    "times": _("Please write the times as plain text, without < > tags."),
    "question": _("Please write the question as plain text, without < > tags."),
    "text": _("Please write the text as plain text, without < > tags."),
}
"""One whole sentence per field (a translation cannot put the field's name into a sentence of another language)."""


def plain(text: str, what: str) -> str:
    if TAG.search(text):
        raise forms.ValidationError(PLAIN[what])
    return text.strip()


class IntroForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Name"))
    email = forms.EmailField(max_length=200, label=_("Email"))
    phone = forms.CharField(max_length=30, label=_("Phone"),
                            help_text=_("With the country code if you are outside the US."))
    goals = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            label=_("What would you like to get out of it?"))
    preferred_times = forms.CharField(max_length=200, required=False, label=_("When suits you?"))
    timezone = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    sms_consent = forms.BooleanField(required=False, label=_(CONSENT_TEXT))  # marked where it is defined
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    """The honeypot: hidden from people by CSS, filled in by bots."""
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.TimestampSigner(salt=SIGNER_SALT).sign("intro")

    def clean_name(self) -> str:
        return plain(self.cleaned_data["name"], "name")

    def clean_goals(self) -> str:
        return plain(self.cleaned_data.get("goals", ""), "goals")

    def clean_preferred_times(self) -> str:
        return plain(self.cleaned_data.get("preferred_times", ""), "times")

    def clean_phone(self) -> str:
        try:
            return e164(self.cleaned_data["phone"])
        except PhoneError as err:
            raise forms.ValidationError(str(err)) from None

    def clean_timezone(self) -> str:
        tz = self.cleaned_data.get("timezone") or ""
        return tz if tz in available_timezones() else "America/New_York"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("This looks automated; if it is not, leave the last field empty."))
        signer = signing.TimestampSigner(salt=SIGNER_SALT)
        started = self.data.get("started", "")
        try:
            signer.unsign(started, max_age=MAX_FILL_S)
        except signing.BadSignature:  # tampered with, or older than a day (SignatureExpired is a BadSignature)
            raise forms.ValidationError(_("The form expired; reload the page and fill it in again.")) from None
        try:
            signer.unsign(started, max_age=MIN_FILL_S)
        except signing.SignatureExpired:
            pass  # older than the minimum: a person took their time
        else:
            raise forms.ValidationError(
                _("That was faster than a person types; please take a moment and send again."))
        return data


class SeriesForm(forms.ModelForm):  # type: ignore[type-arg]
    weeks = forms.IntegerField(min_value=1, max_value=26, initial=1, label=_("Weeks"),
                               help_text=_("Repeat weekly for this many weeks."))

    class Meta:
        model = GroupSession
        fields = ["title", "starts_at", "duration_min", "place", "capacity", "level", "cancel_cutoff_h"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
        # The model's fields have no verbose_name: the labels Django would make of their names, translatable here.
        labels = {"title": _("Title"), "starts_at": _("Starts at"), "duration_min": _("Duration min"),
                  "place": _("Place"), "capacity": _("Capacity"), "level": _("Level"),
                  "cancel_cutoff_h": _("Cancellations close (hours before)")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].initial = gettext(SESSION_TITLE)  # the model's default, in the coach's language

    def clean_starts_at(self) -> datetime:
        starts: datetime = self.cleaned_data["starts_at"]
        if starts <= timezone.now():  # nobody can book it, and the public page would list it as to come
            raise forms.ValidationError(_("That time is already past: a session is published for a time to come."))
        return starts


class ScheduleIntroForm(forms.Form):
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label=_("Intro on"))


class QuestionForm(forms.Form):
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), label=_("Your question"))

    def clean_text(self) -> str:
        return plain(self.cleaned_data["text"], "question")


class AnswerForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES, widget=forms.HiddenInput, label=_("Language"),
                                 required=False)  # missing: the page's
    """The language the published question and answer are written in (the page's, or the one chosen above the
    form): each language's version is kept; publishing one does not touch the other."""
    answer = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 6}), label=_("Answer"))
    publish = forms.BooleanField(required=False, label=_("Publish it (anonymised) on the public questions page"))
    public_question = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                      label=_("The question as published (no names)"))
    public_answer = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                    label=_("The answer as published (no names, nothing about this person)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].error_messages["invalid_choice"] = gettext(
            "Publish in one of the site's languages: %(languages)s.") % {
            "languages": ", ".join(str(name) for _code, name in settings.LANGUAGES)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("publish") and not (data.get("public_question", "").strip() and
                                        data.get("public_answer", "").strip()):
            raise forms.ValidationError(_("To publish, write the question and the answer as they should appear "
                                          "in public: without names or anything that identifies the person."))
        for key in ("answer", "public_question", "public_answer"):
            if data.get(key):
                data[key] = plain(data[key], "text")
        return data
