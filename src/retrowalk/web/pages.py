"""What every app's pages share: refusing a request on the page itself, with the reason and a 4xx status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def refuse(request: HttpRequest, template: str, context: dict[str, Any], message: str,
           status: int = 400) -> HttpResponse:
    """The page again with the reason on it (the API says the same words)."""
    context["error"] = message
    return render(request, template, context, status=status)


def first_error(form: Any) -> str:
    """A form's first problem as one sentence a person can act on: "Phone: That is not a valid number…"."""
    for field, errors in form.errors.items():
        if field == "__all__":
            return str(errors[0])
        label = form.fields[field].label if field in form.fields else field
        # Translators: a form's first problem, as one sentence: the field's label, then what is wrong with it.
        return _("%(field)s: %(error)s") % {"field": label or field.replace("_", " ").capitalize(), "error": errors[0]}
    return _("Check the form.")
