"""Public and coach forms. The public intro form defends itself without third-party services: a honeypot field,
a minimum time to fill it in, a rate limit per address (in the view), plain text only, and no double requests."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.core import signing

from retrowalk.web.frontdesk.models import CONSENT_TEXT, GroupSession
from retrowalk.web.frontdesk.sms import PhoneError, e164

MIN_FILL_S = 3
MAX_FILL_S = 24 * 3600
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
SIGNER_SALT = "retrowalk.intro-form"


def plain(text: str, what: str) -> str:
    if TAG.search(text):
        raise forms.ValidationError(f"Please write the {what} as plain text, without < > tags.")
    return text.strip()


class IntroForm(forms.Form):
    name = forms.CharField(max_length=100)
    email = forms.EmailField(max_length=200)
    phone = forms.CharField(max_length=30, help_text="With the country code if you are outside the US.")
    goals = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            label="What would you like to get out of it?")
    preferred_times = forms.CharField(max_length=200, required=False, label="When suits you?")
    timezone = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    sms_consent = forms.BooleanField(required=False, label=CONSENT_TEXT)
    website = forms.CharField(required=False, label="Leave this empty",
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
            raise forms.ValidationError("This looks automated; if it is not, leave the last field empty.")
        signer = signing.TimestampSigner(salt=SIGNER_SALT)
        started = self.data.get("started", "")
        try:
            signer.unsign(started, max_age=MAX_FILL_S)
        except signing.BadSignature:  # tampered with, or older than a day (SignatureExpired is a BadSignature)
            raise forms.ValidationError("The form expired; reload the page and fill it in again.") from None
        try:
            signer.unsign(started, max_age=MIN_FILL_S)
        except signing.SignatureExpired:
            pass  # older than the minimum: a person took their time
        else:
            raise forms.ValidationError("That was faster than a person types; please take a moment and send again.")
        return data


class SeriesForm(forms.ModelForm):  # type: ignore[type-arg]
    weeks = forms.IntegerField(min_value=1, max_value=26, initial=1, help_text="Repeat weekly for this many weeks.")

    class Meta:
        model = GroupSession
        fields = ["title", "starts_at", "duration_min", "place", "capacity", "level", "cancel_cutoff_h"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
        labels = {"cancel_cutoff_h": "Cancellations close (hours before)"}


class ScheduleIntroForm(forms.Form):
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Intro on")


class QuestionForm(forms.Form):
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), label="Your question")

    def clean_text(self) -> str:
        return plain(self.cleaned_data["text"], "question")


class AnswerForm(forms.Form):
    answer = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    publish = forms.BooleanField(required=False, label="Publish it (anonymised) on the public questions page")
    public_question = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                      label="The question as published (no names)")
    public_answer = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                    label="The answer as published (no names, nothing about this person)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("publish") and not (data.get("public_question", "").strip() and
                                        data.get("public_answer", "").strip()):
            raise forms.ValidationError("To publish, write the question and the answer as they should appear in "
                                        "public: without names or anything that identifies the person.")
        for key in ("answer", "public_question", "public_answer"):
            if data.get(key):
                data[key] = plain(data[key], "text")
        return data
