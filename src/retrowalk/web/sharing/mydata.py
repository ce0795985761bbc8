"""Her data, on request: everything the studio holds about a client as one archive other tools read, and her
account deleted when her coach confirms, keeping only the consent audit trail, anonymised.

What the law asks the studio to keep is the proof of each consent to text messages (when, to what words, from
where) and of the texts sent under it (US TCPA claims run for four years). Those rows stay with her number
replaced by a keyed pseudonym (:func:`pseudonym`: the studio can still check a number someone gives it against
the trail, nobody can read the number from it) and her address, browser and the words of her texts gone.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import hmac
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retrowalk.core.plan import PlanError
from retrowalk.formats.export import ExportOptions, render
from retrowalk.web.accounts.models import Profile
from retrowalk.web.frontdesk.models import InboundMessage, IntroRequest, Message, SmsConsent
from retrowalk.web.sharing.models import DeletionRequest

# Translators: the README of her data archive; keep the file names and the column widths as they are.
README = _("""Everything retrowalk's studio holds about you, as of %(when)s.

profile.json            your account and settings
plans.json              every walk plan, in retrowalk's published plan format (see the studio's README: Plan JSON)
plans/plan-N.gpx        each route plan as GPX 1.1: the route and its turn-around waypoints (any map or GPS app)
sessions.csv            every walk you logged: day, minutes, pain, effort, notes
recorded-walks.json     walks your watch or phone recorded, with their reviews
knee-checks.json        your knee checks from video, with their results
bookings.csv            small-group sessions you booked
questions.json          questions you asked and their answers
privacy-zones.json      your privacy zones, as stored (each centre moved at random from the place you gave)
share-links.csv         links you shared: when made, until when, whether revoked (the links themselves are not kept)
consent.csv             every consent to text messages given or withdrawn from your number, exactly as recorded
messages.csv            every text and e-mail the studio sent you, or meant to and did not, and why
files/                  the files you uploaded, as you uploaded them: routes, recordings, videos

CSV files are UTF-8 with a header row; JSON is UTF-8. Times are UTC (ISO 8601).
""")
"""In the language active when the archive is made: hers (sharing/views.py makes it within for_client)."""


def pseudonym(value: str) -> str:
    """A number or address as the anonymised trail keeps it: keyed with the site's secret, so only the studio
    can match a number someone gives it, and no one can read it back."""
    digest = hmac.new(settings.SECRET_KEY.encode(), value.strip().lower().encode(), hashlib.sha256).hexdigest()
    # 20 characters, the phone columns' width (52 bits of the digest: no two numbers of a studio alike).
    return f"erased:{digest[:13]}"


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat() if value else ""


def _csv(rows: Iterable[dict[str, Any]], fields: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def _json(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()


def contacts(client: Profile) -> tuple[set[str], set[str]]:
    """Her phone numbers and e-mail addresses the studio knows (profile, account, intro request)."""
    phones = {p for p in [client.phone] if p}
    emails = {e.lower() for e in [client.user.email] if e}
    intro = IntroRequest.objects.filter(client=client).first()
    if intro is not None:
        phones.add(intro.phone)
        emails.add(intro.email.lower())
    return phones, emails


def _stored_files(client: Profile) -> list[tuple[str, str]]:
    """(stored name, name in the archive) of every file she uploaded and the studio made for her."""
    out = []
    for route in client.routes.all():
        out.append((route.file.name, f"files/routes/{route.pk}-{PurePosixPath(route.original_name).name}"))
    for upload in client.imports.all():
        out.append((upload.file.name, f"files/recordings/{upload.pk}-{PurePosixPath(upload.original_name).name}"))
    for video in client.knee_videos.all():
        if video.file:
            out.append((video.file.name, f"files/knee/{video.pk}-{PurePosixPath(video.original_name).name}"))
        if video.picture:
            out.append((video.picture.name, f"files/knee/{video.pk}-picture.png"))
    return [(stored, name) for stored, name in out if stored]


def archive(client: Profile) -> IO[bytes]:
    """Her archive as a ZIP in a temporary file (the caller streams and closes it): written to disk, not held
    in memory, since videos can be large."""
    from retrowalk.web.walks import services as walks

    user: User = client.user
    phones, emails = contacts(client)
    out = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the response, which closes it)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.txt", str(README) % {"when": _when(timezone.now())})
        z.writestr("profile.json", _json({
            "username": user.get_username(), "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "joined": _when(user.date_joined),
            "coach": client.coach.display_name if client.coach else None,
            **{f.name: getattr(client, f.name) for f in Profile._meta.concrete_fields
               if f.name not in ("id", "user", "coach")}}))
        plans = list(client.plans.select_related("route").order_by("created"))
        z.writestr("plans.json", _json([{"id": p.pk, "made": _when(p.created), "title": p.title, "week": p.week,
                                         "route": p.route.name if p.route else None, "plan": p.data}
                                        for p in plans]))
        for p in plans:
            result = walks.route_result(p)
            if result is not None:
                with contextlib.suppress(PlanError):  # a plan that cannot be had as GPX is in plans.json
                    z.writestr(f"plans/plan-{p.pk}.gpx", render("gpx", result.plan, result,
                                                                 ExportOptions(name=p.title)))
        z.writestr("sessions.csv", _csv((s.as_dict() for s in client.sessions.order_by("day", "pk")),
                                        ["id", "day", "week", "followed", "setting", "backward_s", "forward_s",
                                         "distance_m", "speed_kmh", "incline_pct", "pain_during",
                                         "pain_next_morning", "effort", "notes", "plan"]))
        z.writestr("recorded-walks.json", _json([
            {"id": w.pk, "day": w.day, "title": w.title, "from_file": w.source_name, "review": w.review}
            for w in client.recorded_walks.order_by("day", "pk")]))
        z.writestr("knee-checks.json", _json([
            {"id": k.pk, "session_day": k.session.day, "video": k.original_name, "status": k.status,
             "verdict": k.verdict, "result": k.result} for k in client.knee_videos.select_related("session")]))
        z.writestr("bookings.csv", _csv(({"session": b.session.title, "starts_at": _when(b.session.starts_at),
                                          "place": b.session.place, "status": b.status,
                                          "booked": _when(b.created), "attended": b.attended}
                                         for b in client.bookings.select_related("session")),
                                        ["session", "starts_at", "place", "status", "booked", "attended"]))
        z.writestr("questions.json", _json([{"asked": _when(q.asked_at), "question": q.text, "answer": q.answer}
                                            for q in client.questions.order_by("asked_at")]))
        z.writestr("privacy-zones.json", _json([{"label": zone.label, "lat": zone.lat_deg, "lon": zone.lon_deg,
                                                 "radius_m": zone.radius_m, "made": _when(zone.created)}
                                                for zone in client.privacy_zones.all()]))
        z.writestr("share-links.csv", _csv(({"plan": link.plan_id, "made": _when(link.created),
                                             "until": _when(link.expires), "revoked": _when(link.revoked)}
                                            for link in client.share_links.all()),
                                           ["plan", "made", "until", "revoked"]))
        z.writestr("consent.csv", _csv(({"phone": c.phone, "granted": c.granted, "pending": c.pending,
                                         "words": c.text, "version": c.version, "where": c.source,
                                         "ip": c.ip or "", "at": _when(c.at)}
                                        for c in SmsConsent.objects.filter(phone__in=phones).order_by("at", "pk")),
                                       ["phone", "granted", "pending", "words", "version", "where", "ip", "at"]))
        sent = Message.objects.filter(to__in=phones | emails).order_by("at", "pk")
        z.writestr("messages.csv", _csv(({"channel": m.channel, "to": m.to, "purpose": m.purpose,
                                          "status": m.status, "text": m.body, "at": _when(m.at)} for m in sent),
                                        ["channel", "to", "purpose", "status", "text", "at"]))
        for stored, name in _stored_files(client):
            if default_storage.exists(stored):
                with default_storage.open(stored, "rb") as f, z.open(name, "w", force_zip64=True) as dest:
                    while chunk := f.read(1 << 20):
                        dest.write(chunk)
    out.seek(0)
    return out


def ask_deletion(client: Profile) -> DeletionRequest:
    pending = DeletionRequest.objects.filter(client=client, done__isnull=True).first()
    return pending or DeletionRequest.objects.create(client=client)


def erase(request: DeletionRequest, by: User) -> dict[str, int]:
    """Everything personal of the client goes, files included; the consent trail stays, anonymised; the
    request row stays as the record that it was done (counts only). The files go once the database has."""
    client = request.client
    assert client is not None, "already done"
    phones, emails = contacts(client)
    files = [stored for stored, _name in _stored_files(client)]
    with transaction.atomic():
        removed = {
            "routes": client.routes.count(), "plans": client.plans.count(), "sessions": client.sessions.count(),
            "recorded_walks": client.recorded_walks.count(), "knee_checks": client.knee_videos.count(),
            "files": len(files),
        }
        # The trail of consents and texts: kept, but no longer hers to read (QuerySet.update: the records
        # themselves refuse to be edited one by one, as they should).
        for phone in phones:
            SmsConsent.objects.filter(phone=phone).update(phone=pseudonym(phone), ip=None, user_agent="")
            InboundMessage.objects.filter(phone=phone).update(phone=pseudonym(phone), body="(erased)")
        for to in phones | emails:
            Message.objects.filter(to=to).update(to=pseudonym(to), body="(erased)")
        # Her name in what the studio wrote to others ("Ann booked…"): taken out of those texts too.
        for name in {client.display_name, client.user.get_full_name()} - {""}:
            for message in Message.objects.filter(body__icontains=name):
                Message.objects.filter(pk=message.pk).update(body=_without(message.body, name))
        IntroRequest.objects.filter(client=client).delete()
        IntroRequest.objects.filter(email__in=emails).delete()
        IntroRequest.objects.filter(phone__in=phones).delete()
        user = client.user
        DeletionRequest.objects.filter(pk=request.pk).update(client=None, confirmed_by=by, done=timezone.now(),
                                                             removed=removed)
        client.delete()
        user.delete()
        transaction.on_commit(lambda: _delete_files(files))
    return removed


def _without(text: str, name: str) -> str:
    import re

    return re.sub(re.escape(name), "(a client)", text, flags=re.IGNORECASE)


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
