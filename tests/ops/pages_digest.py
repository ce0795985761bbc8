"""Run in a studio's environment (RETROWALK_DATA_DIR, DATABASE_URL): every page of every person, as a digest of
what it served, one JSON object on stdout. Two studios that print the same serve the same pages."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retrowalk.web.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402

from retrowalk.web.walks.models import WalkPlan  # noqa: E402

TOKEN = re.compile(rb'(csrfmiddlewaretoken" value="|"csrf": "|nonce="|name="started" value=")[^"]+')
"""What differs from one request to the next by design: CSRF tokens, CSP nonces, the form's signed start time."""


def digest(body: bytes) -> str:
    return hashlib.sha256(TOKEN.sub(rb"\1-", body)).hexdigest()


def main() -> int:
    out: dict[str, str] = {}
    anonymous = Client(HTTP_HOST="localhost")
    for path in ("/", "/questions/", "/intro/"):
        response = anonymous.get(path)
        out[f"anonymous {path}"] = f"{response.status_code} {digest(response.content)}"
    for user in User.objects.order_by("username"):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        paths = ["/coach/"] if hasattr(user, "profile") and user.profile.is_coach else []
        if hasattr(user, "profile") and not user.profile.is_coach:
            paths.append(f"/clients/{user.profile.pk}/")
        for plan in WalkPlan.objects.filter(client__user=user).order_by("pk"):
            paths.append(f"/plans/{plan.pk}/")
            if plan.route_id:  # the files drawn from the restored route file (the card's words stand for all)
                paths += [f"/plans/{plan.pk}/export/gpx/", f"/plans/{plan.pk}/profile.svg",
                          f"/plans/{plan.pk}/export/pdf/"]
        for path in paths:
            response = client.get(path)
            body = response.content
            if path.endswith("/pdf/"):  # its words and its pictures' sizes, not its creation time and id
                import pypdfium2

                pdf = pypdfium2.PdfDocument(body)
                body = "\n".join(page.get_textpage().get_text_range() for page in pdf).encode()
            if path.endswith("/gpx/"):
                body = re.sub(rb"<time>[^<]*</time>", b"", body)
            out[f"{user.username} {path}"] = f"{response.status_code} {digest(body)}"
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
