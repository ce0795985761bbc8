"""Logging in with django-axes: ten failures for one name from one address lock that pair out for 15 minutes.

Three things here that axes leaves to the site:

* **The name as Django reads it.** The login form normalises the name (NFKC) before it looks the user up, so
  ``ｃarol`` logs in as ``carol``; axes counts the name as typed. :func:`login_name` gives axes the name the way
  the login will use it (NFKC, case folded, zero-width characters and surrounding blanks gone), so look-alikes
  share one count.
* **One password check at a time per name and address.** Axes checks the lock before the password and counts
  the failure after, so forty wrong passwords sent at once would all be checked before the first is counted.
  :func:`one_at_a_time` makes the logins of one name from one address take turns (a database lock held for the
  request: an advisory lock on PostgreSQL; SQLite's write lock does the same): each then sees the count the one
  before it left. Other names and addresses do not wait.
* **The words.** :func:`locked_out` shows the login page with the reason and when to try again (429).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from retrowalk.web.clientip import client_ip

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
LOCK_WAIT_MS = 10_000
"""How long a login waits for the one before it with the same name and address (then: too many at once)."""
BUSY = gettext_lazy("Too many log-ins for this name at once. Wait a minute and try again.")


def login_name(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The name a login is for, as the login will read it, for counting (axes' AXES_USERNAME_CALLABLE)."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "") or ""
    return unicodedata.normalize("NFKC", str(raw)).translate(ZERO_WIDTH).strip().casefold()


def cool_off() -> timedelta:
    value = settings.AXES_COOLOFF_TIME
    return value if isinstance(value, timedelta) else timedelta(hours=float(value))


def locked_out(request: HttpRequest, response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """The login page again, saying why and until when (axes' AXES_LOCKOUT_CALLABLE)."""
    until = timezone.localtime(timezone.now() + cool_off())
    minutes = round(cool_off().total_seconds() / 60)
    message = ngettext("Too many failed log-ins for this name from here. Try again in %(minutes)d minute (after "
                       "%(until)s), or reset your password.",
                       "Too many failed log-ins for this name from here. Try again in %(minutes)d minutes (after "
                       "%(until)s), or reset your password.", minutes) % {"minutes": minutes, "until": f"{until:%H:%M}"}
    template = "admin/login.html" if request.path.startswith("/admin/") else "registration/login.html"
    context = {"throttled": message, "error_message": message, "form": None, "next": request.POST.get("next", "")}
    if template.startswith("admin/"):
        from django.contrib import admin

        context |= admin.site.each_context(request) | {"title": _("Log in"), "app_path": request.get_full_path()}
    return render(request, template, context, status=429)


def one_at_a_time(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logins (POSTs) for one name from one address run one after another; see the module docstring."""

    @wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        key = f"{login_name(request)}\0{client_ip(request)}"
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    lock = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'")
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
                # SQLite: the transaction begins IMMEDIATE (settings), holding the one write lock until it ends.
                return view(request, *args, **kwargs)
        except OperationalError as err:
            if "lock" not in str(err).lower():
                raise
            return render(request, "registration/login.html", {"throttled": BUSY, "form": None}, status=429)

    return gated
