"""What a visitor sees when the server fails: a page that says what happened and what to do, never Django's bare
"Server Error (500)"; JSON under /api/. Rendered without the database (it may be the thing that failed), without
the session and without the base template's user menu."""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy

DATABASE_DOWN = gettext_lazy("The studio's database is not answering just now; nothing you saved is lost. Please try "
                             "again in a minute.")
SERVER_FAULT = gettext_lazy("Something went wrong on our side and it has been logged; please try again, or tell the "
                            "studio.")


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's ``handler500``: called while the exception is being handled, so it can tell a database that
    cannot be reached (503, try again) from a fault of ours (500)."""
    down = isinstance(sys.exc_info()[1], OperationalError)
    status, detail = (503, str(DATABASE_DOWN)) if down else (500, str(SERVER_FAULT))  # in the request's language
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": detail}, status=status)
    else:
        html = loader.get_template("500.html").render({"detail": detail, "down": down})
        response = HttpResponse(html, status=status)
    if down:
        response["Retry-After"] = "60"
    return response
