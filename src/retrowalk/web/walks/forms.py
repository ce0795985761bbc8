"""Forms in the client's own units: speeds in mph or km/h, times in minutes; stored in km/h and seconds."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from retrowalk.core.bounds import (
    BACKWARD_MINUTES,
    BACKWARD_SPEED,
    BELT_SPEED,
    DISTANCE_WALKED,
    DONE_BACKWARD_MINUTES,
    DONE_FORWARD_MINUTES,
    FORWARD_SPEED,
    LOGGED_INCLINE,
    ROUTE_MINUTES,
    WALK_MINUTES,
    WEEK,
    OutOfBoundsError,
    check_speeds,
)
from retrowalk.core.plan import Kind
from retrowalk.core.units import Units, from_kmh, to_kmh
from retrowalk.web.accounts.models import Profile
from retrowalk.web.bounds import form_field
from retrowalk.web.walks.models import Route, Setting, WalkSession
from retrowalk.web.walks.services import session_day_problem

PAIN_CHOICES = [(i, f"{i}") for i in range(11)]
PAIN_MISSING = gettext_lazy("Choose how much the knee hurt during the walk, 0 (none) to 10.")
EFFORT_MISSING = gettext_lazy("Choose how hard it felt, 0 (rest) to 10 (maximal).")
TIME_KINDS = [(k.value, label) for k, label in ((Kind.OUTDOOR, gettext_lazy("Outdoors, by time")),
                                                (Kind.TREADMILL, gettext_lazy("Locked treadmill")),
                                                (Kind.DEADMILL, gettext_lazy("Deadmill")))]
NOT_CHOSEN = ("", gettext_lazy("choose"))
NOT_YET = ("", gettext_lazy("not yet"))


def speed_label(units: str) -> str:
    return "mph" if units == Units.MPH.value else "km/h"


class MinutesPlanForm(forms.Form):
    minutes = form_field(WALK_MINUTES, initial=30, label=gettext_lazy("Minutes"),
                         help_text=gettext_lazy("The whole walk, forward and backward."))
    kind = forms.ChoiceField(choices=TIME_KINDS, label=gettext_lazy("Where"), initial=Kind.OUTDOOR.value)
    backward_minutes = form_field(BACKWARD_MINUTES, required=False, label=gettext_lazy("Backward minutes"),
                                  help_text=gettext_lazy("Leave empty for your programme's amount."))


class RoutePlanForm(forms.Form):
    # Empty files too: the reader says what is wrong with any file, in the same words as the CLI and the API.
    file = forms.FileField(required=False, allow_empty_file=True,
                           label=gettext_lazy("Route file (.gpx, .tcx or .fit, up to 50 MiB)"))
    route = forms.ModelChoiceField(queryset=Route.objects.none(), required=False,
                                   label=gettext_lazy("or a saved route"))
    name = forms.CharField(max_length=120, required=False, label=gettext_lazy("Name"))
    minutes = form_field(ROUTE_MINUTES, required=False, label=gettext_lazy("Minutes"),
                         help_text=gettext_lazy("Walk only the first part of the route; empty for all of it."))
    reverse = forms.BooleanField(required=False, label=gettext_lazy("Walk it the other way"))

    def __init__(self, *args: Any, routes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if routes is not None:
            self.fields["route"].queryset = routes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("route"):
            raise forms.ValidationError(_("Choose a route file to upload, or one of your saved routes."))
        return data


class SessionForm(forms.ModelForm):  # type: ignore[type-arg]
    backward_minutes = form_field(DONE_BACKWARD_MINUTES, label=gettext_lazy("Backward minutes"))
    forward_minutes = form_field(DONE_FORWARD_MINUTES, label=gettext_lazy("Forward minutes"))
    incline_pct = form_field(LOGGED_INCLINE, required=False, label=gettext_lazy("Incline (%)"))
    # Pain and effort start unchosen: a hurried Save must not record a 0 nobody chose (the form says what is
    # missing instead).
    pain_during = forms.TypedChoiceField(choices=[NOT_CHOSEN, *PAIN_CHOICES], coerce=int,
                                         label=gettext_lazy("Knee pain during (0–10)"),
                                         error_messages={"required": PAIN_MISSING})
    pain_next_morning = forms.TypedChoiceField(choices=[NOT_YET, *PAIN_CHOICES], coerce=int, required=False,
                                               empty_value=None, label=gettext_lazy("Knee pain next morning (0–10)"))
    effort = forms.TypedChoiceField(choices=[NOT_CHOSEN, *PAIN_CHOICES], coerce=int,
                                    label=gettext_lazy("Effort (0 rest … 10 maximal)"),
                                    error_messages={"required": EFFORT_MISSING})

    ref = forms.RegexField(regex=r"^[A-Za-z0-9-]{1,40}$", required=False, widget=forms.HiddenInput)
    """This form's own reference, made when it is served: the same form saved twice (Back, then Save) is one
    session (the model's one_session_per_ref)."""

    class Meta:
        model = WalkSession
        fields = ["day", "followed", "setting", "incline_pct", "distance_m", "notes"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"day": gettext_lazy("Day"), "followed": gettext_lazy("Walked as planned"),
                  "setting": pgettext_lazy("where a walk was done", "Setting"), "notes": gettext_lazy("Notes")}

    field_order = ["day", "setting", "followed", "backward_minutes", "forward_minutes", "speed", "incline_pct",
                   "distance_m", "pain_during", "pain_next_morning", "effort", "notes", "ref"]

    def __init__(self, *args: Any, units: str = Units.MPH.value, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = units
        self.fields["followed"].help_text = ""
        # The distance in her own units: kilometres or miles, kept in metres.
        self.fields["distance_m"] = form_field(DISTANCE_WALKED, Units(units), required=False,
                                               label=_("Distance (%(unit)s)") % {
                                                   "unit": DISTANCE_WALKED.label(Units(units))})
        self.fields["speed"] = form_field(BELT_SPEED, Units(units), required=False,
                                          label=_("Backward speed (%(unit)s)") % {"unit": speed_label(units)},
                                          help_text=_("Treadmill belt speed backward."))
        self.order_fields(self.field_order)
        self.fields["setting"].choices = Setting.choices  # type: ignore[attr-defined]

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day > date.today():
            raise forms.ValidationError(_("A session cannot be logged for a day still to come."))
        if (problem := session_day_problem(day)) is not None:
            raise forms.ValidationError(problem)
        return day

    def values(self) -> dict[str, Any]:
        """The model fields, in stored units."""
        data = self.cleaned_data
        speed = data.get("speed")
        return {
            "day": data["day"], "followed": data["followed"], "setting": data["setting"],
            "backward_s": round(data["backward_minutes"] * 60), "forward_s": round(data["forward_minutes"] * 60),
            "speed_kmh": None if speed is None else to_kmh(speed, Units(self.units)),
            "incline_pct": data.get("incline_pct"),
            "distance_m": None if data.get("distance_m") is None
            else round(DISTANCE_WALKED.stored(data["distance_m"], Units(self.units))),
            "pain_during": data["pain_during"], "pain_next_morning": data.get("pain_next_morning"),
            "effort": data["effort"], "notes": data.get("notes", ""), "ref": data.get("ref") or "",
        }


class RateForm(forms.Form):
    """How a recorded walk felt: nothing chosen in advance, so a hurried Save records nothing nobody chose."""

    pain_during = forms.TypedChoiceField(choices=[NOT_CHOSEN, *PAIN_CHOICES], coerce=int,
                                         label=gettext_lazy("Knee pain during (0–10)"),
                                         error_messages={"required": PAIN_MISSING})
    pain_next_morning = forms.TypedChoiceField(choices=[NOT_YET, *PAIN_CHOICES], coerce=int, required=False,
                                               empty_value=None, label=gettext_lazy("Knee pain next morning (0–10)"))
    effort = forms.TypedChoiceField(choices=[NOT_CHOSEN, *PAIN_CHOICES], coerce=int,
                                    label=gettext_lazy("Effort (0 rest … 10 maximal)"),
                                    error_messages={"required": EFFORT_MISSING})


class MorningForm(forms.Form):
    pain_next_morning = forms.TypedChoiceField(choices=[NOT_CHOSEN, *PAIN_CHOICES], coerce=int,
                                               label=gettext_lazy("Knee pain this morning (0–10)"),
                                               error_messages={"required": gettext_lazy(
                                                   "Choose how much the knee hurts this morning, 0 (none) to 10.")})


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    # Speeds are typed in the units chosen on this same form, so their range is checked in clean(), once the
    # units are known; the fields carry the profile's current units for the browser's own min and max.
    speed_forward = forms.FloatField()
    speed_backward = forms.FloatField()

    class Meta:
        model = Profile
        fields = ["units", "language", "treadmill", "pain_baseline", "knee_notes"]
        labels = {"units": gettext_lazy("Units"), "pain_baseline": gettext_lazy("Usual knee pain on waking (0–10)"),
                  "treadmill": gettext_lazy("Treadmill at home"), "language": gettext_lazy("Voice of the live coach"),
                  "knee_notes": gettext_lazy("Knee notes")}

    def __init__(self, *args: Any, coach_edits: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile: Profile = self.instance
        units = self._units = Units(profile.units)
        self._speeds = {"speed_forward": profile.speed_forward_kmh, "speed_backward": profile.speed_backward_kmh}
        for name, bound, kmh in (("speed_forward", FORWARD_SPEED, profile.speed_forward_kmh),
                                 ("speed_backward", BACKWARD_SPEED, profile.speed_backward_kmh)):
            self.fields[name] = form_field(bound, units, label=f"{capfirst(bound.name())} ({units.speed_label})",
                                           initial=self._shown(kmh))
            self.fields[name].validators.clear()  # checked in clean(), in the units chosen on this form
        if coach_edits:
            self.fields["week"] = form_field(WEEK, initial=profile.week, required=False,
                                             label=_("Programme step (week)"),
                                             help_text=_("Set by the progression rule; change it to override."))

    def _shown(self, kmh: float) -> float:
        """A speed as this form shows it: in the profile's units as they were, to one decimal."""
        return round(from_kmh(kmh, self._units), 1)

    def _kmh(self, name: str, typed: float, units: Units) -> float:
        """A typed speed in km/h. Typed in the units chosen on this same form; but a speed left as the form showed
        it, while only the units changed, is the speed she had (3.0 mph stays 4.8 km/h, never 3.0 km/h)."""
        if units != self._units and typed == self._shown(self._speeds[name]):
            return self._speeds[name]
        return to_kmh(typed, units)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        forward, backward, units = data.get("speed_forward"), data.get("speed_backward"), data.get("units")
        if forward is not None and backward is not None and units:
            data["speed_forward_kmh"] = self._kmh("speed_forward", forward, Units(units))
            data["speed_backward_kmh"] = self._kmh("speed_backward", backward, Units(units))
            try:
                check_speeds(data["speed_forward_kmh"], data["speed_backward_kmh"], Units(units))
            except OutOfBoundsError as err:
                raise forms.ValidationError(str(err)) from None
        return data

    def save(self, commit: bool = True) -> Profile:
        profile: Profile = super().save(commit=False)
        profile.speed_forward_kmh = self.cleaned_data["speed_forward_kmh"]
        profile.speed_backward_kmh = self.cleaned_data["speed_backward_kmh"]
        if self.cleaned_data.get("week"):
            profile.week = self.cleaned_data["week"]
        if commit:
            profile.save()
        return profile
