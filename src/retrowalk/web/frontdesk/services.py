"""Front-desk verbs: book and cancel with a waitlist, publish a weekly series, convert an intro into a client,
and send each due reminder exactly once.

Locking protocol for capacity (after pretix): inside one transaction, lock the session's row
(``SELECT … FOR UPDATE``), count its live bookings *after* the lock, then insert. Every booking and cancellation
of a session passes through that row lock, so two requests for the last place are served one after the other:
one gets it, the other the waitlist. (SQLite has no row locks; there ``transaction_mode = IMMEDIATE`` takes the
database's write lock at the start of the transaction, which serialises the same way.) Messages go out in
``transaction.on_commit``, once the booking is safe.
"""

from __future__ import annotations

import secrets
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from retrowalk.web.accounts.models import Profile, Role
from retrowalk.web.frontdesk.models import Booking, GroupSession, IntroRequest, Message, Reminder
from retrowalk.web.frontdesk.sms import send_email, send_sms
from retrowalk.web.language import for_client, page_language, tag_for

REMINDER_LEAD = timedelta(hours=24)
"""Reminders go out the day before: 24 hours ahead of the start."""


class DeskError(ValueError):
    """A front-desk request that cannot be carried out; the message is shown as it is (in the language active
    when it was raised: the page's)."""


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    waitlisted: bool
    position: int
    """Place on the waitlist (1 = next), 0 when booked."""


def book(session_id: int, client: Profile, now: datetime | None = None) -> BookingResult:
    now = now or timezone.now()
    with transaction.atomic():
        # The lock: every booking of this session waits here for the one before it to commit.
        session = GroupSession.objects.select_for_update().get(pk=session_id)
        if session.starts_at <= now:
            raise DeskError(_("This session has already started."))
        live = Booking.objects.filter(session=session).exclude(status=Booking.Status.CANCELLED)
        if live.filter(client=client).exists():
            raise DeskError(_("You are already booked or on the waitlist for this session."))
        booked = live.filter(status=Booking.Status.BOOKED).count()  # counted after the lock
        status = Booking.Status.BOOKED if booked < session.capacity else Booking.Status.WAITLIST
        try:
            booking = Booking.objects.create(session=session, client=client, status=status)
        except IntegrityError:
            raise DeskError(_("You are already booked or on the waitlist for this session.")) from None
        position = 0
        if status == Booking.Status.WAITLIST:
            position = live.filter(status=Booking.Status.WAITLIST, pk__lte=booking.pk).count()
        else:
            _plan_reminder(booking)
    return BookingResult(booking, status == Booking.Status.WAITLIST, position)


def cancel(booking: Booking, now: datetime | None = None) -> Booking | None:
    """Cancel ``booking``; if it held a place, the first on the waitlist gets it and is told. Returns the promoted
    booking, if any."""
    now = now or timezone.now()
    with transaction.atomic():
        session = GroupSession.objects.select_for_update().get(pk=booking.session_id)
        booking.refresh_from_db()
        if booking.status == Booking.Status.CANCELLED:
            raise DeskError(_("This booking is already cancelled."))
        cutoff = session.starts_at - timedelta(hours=session.cancel_cutoff_h)
        if booking.status == Booking.Status.BOOKED and now > cutoff:
            hours = session.cancel_cutoff_h
            # The English says "hours" whatever the number (as it always has); other languages get their plurals.
            raise DeskError(ngettext("Cancellations close %(hours)d hours before the start; tell your coach if you "
                                     "cannot come.",
                                     "Cancellations close %(hours)d hours before the start; tell your coach if you "
                                     "cannot come.", hours) % {"hours": hours})
        held_place = booking.status == Booking.Status.BOOKED
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status"])
        Reminder.objects.filter(booking=booking, claimed_at__isnull=True).delete()
        promoted = None
        booked = Booking.objects.filter(session=session, status=Booking.Status.BOOKED).count()
        if held_place and booked < session.capacity:  # the capacity may have been lowered since
            promoted = (Booking.objects.filter(session=session, status=Booking.Status.WAITLIST)
                        .order_by("created", "pk").first())
            if promoted is not None:
                promoted.status = Booking.Status.BOOKED
                promoted.save(update_fields=["status"])
                _plan_reminder(promoted)
                transaction.on_commit(lambda: _tell_promoted(promoted))
    return promoted


def in_her_language(client: Profile) -> AbstractContextManager[None]:
    """Within: texts in the client's own language (her profile's). One who left it to her browser gets the site's
    default: never the language of whoever set the send off (another client's cancellation, a coach's page)."""
    if page_language(client.language) is None:
        return translation.override(settings.LANGUAGE_CODE)
    return for_client(client.language)


def _day(at: datetime) -> str:
    """``Tue 05 Mar``, in the active language (Django's names of days and months, not the C library's)."""
    return dateformat.format(timezone.localtime(at), "D d M")


def _time(at: datetime) -> str:
    return dateformat.format(timezone.localtime(at), "H:i")


def _tell_promoted(booking: Booking) -> None:
    """Told in her own language, whoever's cancellation freed the place."""
    session = booking.session
    with in_her_language(booking.client):
        text = _("retrowalk: a place opened up and is yours: %(title)s, %(day)s %(time)s at %(place)s.") % {
            "title": session.title, "day": _day(session.starts_at), "time": _time(session.starts_at),
            "place": session.place}
        subject = _("You have a place: %(title)s") % {"title": session.title}
    notify(booking.client, text, "waitlist-promotion", subject)


# Translators: the end of every text message; keep STOP in English capitals (the keyword people text back).
STOP_LINE: Promise = gettext_lazy(" Reply STOP to stop texts.")


def notify(client: Profile, text: str, purpose: str, subject: str, now: datetime | None = None) -> Message:
    """A text message when the client agreed to texts and it is daytime for them (at ``now``: the caller's clock,
    so a reminder run for a given moment judges that moment's quiet hours); otherwise an e-mail. Only the text says
    how to stop texts; an e-mail never mentions STOP. ``text`` and ``subject`` are in her language already (made
    within :func:`in_her_language`), and so is the line this adds."""
    if client.phone:
        with in_her_language(client):
            stop = str(STOP_LINE)
        message = send_sms(client.phone, text + stop, purpose, client.timezone, now=now)
        if message.status == "sent":
            return message
    return send_email(client.user.email, subject, text, purpose)


def _plan_reminder(booking: Booking) -> None:
    due = booking.session.starts_at - REMINDER_LEAD
    Reminder.objects.get_or_create(booking=booking, defaults={"kind": "session", "due_at": due})


def publish_series(coach: Profile, first_start: datetime, weeks: int, **fields: object) -> list[GroupSession]:
    """The same session every week for ``weeks`` weeks (one series)."""
    if not 1 <= weeks <= 26:
        raise DeskError(_("Publish between 1 and 26 weekly sessions at a time."))
    series = uuid.uuid4() if weeks > 1 else None
    with transaction.atomic():
        return [GroupSession.objects.create(coach=coach, starts_at=first_start + timedelta(weeks=w), series=series,
                                            **fields)
                for w in range(weeks)]


def schedule_intro(intro: IntroRequest, coach: Profile, at: datetime) -> None:
    with transaction.atomic():
        intro.status = IntroRequest.Status.SCHEDULED
        intro.scheduled_at = at
        intro.coach = coach
        intro.save(update_fields=["status", "scheduled_at", "coach"])
        # A new time replaces the old one's reminder.
        Reminder.objects.filter(intro=intro, claimed_at__isnull=True).delete()
        Reminder.objects.get_or_create(intro=intro, due_at=at - REMINDER_LEAD, defaults={"kind": "intro"})


def convert_intro(intro: IntroRequest, coach: Profile) -> tuple[Profile, str]:
    """A client account for the person who asked for the intro; returns it and a one-time password to hand over
    (they can also set their own with "Forgot your password?")."""
    with transaction.atomic():  # a double click must not make two accounts
        intro = IntroRequest.objects.select_for_update().get(pk=intro.pk)
        if intro.client_id is not None:
            raise DeskError(_("This request is already a client."))
        return _convert(intro, coach)


def _convert(intro: IntroRequest, coach: Profile) -> tuple[Profile, str]:
    base = "".join(ch for ch in intro.email.split("@")[0].lower() if ch.isalnum())[:20] or "client"
    username = base
    n = 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}{n}"
    password = secrets.token_urlsafe(9)
    first, _sep, last = intro.name.partition(" ")
    with transaction.atomic():
        user = User.objects.create_user(username, intro.email, password, first_name=first[:150], last_name=last[:150])
        # She keeps the language she asked in (her pages, texts and plans in it from the first day).
        client = Profile.objects.create(user=user, role=Role.CLIENT, coach=coach, phone=intro.phone,
                                        timezone=intro.timezone, language=tag_for(intro.language))
        intro.client = client
        intro.status = IntroRequest.Status.CONVERTED
        intro.save(update_fields=["client", "status"])
    return client, password


def send_due_reminders(worker: str, now: datetime | None = None, limit: int = 100) -> int:
    """Send every reminder that is due and not yet claimed; returns how many this worker sent.

    Each reminder is claimed with a conditional UPDATE (``… WHERE claimed_at IS NULL``): of two workers racing for
    it, exactly one sees a row count of 1 and sends it; the other moves on. A reminder whose moment has passed
    (the session started) is claimed and dropped, not sent late."""
    now = now or timezone.now()
    sent = 0
    due = list(Reminder.objects.filter(claimed_at__isnull=True, due_at__lte=now).order_by("due_at")
               .values_list("pk", flat=True)[:limit])
    for pk in due:
        won = Reminder.objects.filter(pk=pk, claimed_at__isnull=True).update(claimed_at=now, claimed_by=worker)
        if won != 1:
            continue  # another worker has it
        reminder = Reminder.objects.select_related("booking__session", "booking__client__user", "intro").get(pk=pk)
        try:
            reminder.outcome = _send_reminder(reminder, now)[:80]
        except Exception as err:
            reminder.outcome = f"failed: {err}"[:80]
        reminder.save(update_fields=["outcome"])
        sent += reminder.outcome.startswith("sent")
    return sent


def _send_reminder(reminder: Reminder, now: datetime) -> str:
    if reminder.booking is not None:
        booking = reminder.booking
        session = booking.session
        if booking.status != Booking.Status.BOOKED:
            return "dropped: not booked"
        if session.starts_at <= now:
            return "dropped: too late"
        with in_her_language(booking.client):  # a worker: no request, her language chosen here
            text = _("retrowalk: reminder, %(title)s %(day)s at %(time)s, %(place)s.") % {
                "title": session.title, "day": _day(session.starts_at), "time": _time(session.starts_at),
                "place": session.place}
            subject = _("Tomorrow: %(title)s") % {"title": session.title}
        message = notify(booking.client, text, "session-reminder", subject, now)
        return f"sent by {message.channel}" if message.status == "sent" else f"{message.channel} {message.status}"
    intro = reminder.intro
    if intro is None or intro.scheduled_at is None or intro.scheduled_at <= now:
        return "dropped: no intro"
    if reminder.due_at != intro.scheduled_at - REMINDER_LEAD:
        return "dropped: the intro moved"
    # No profile yet: the language of the page the request was sent from (the site's default if not known).
    with translation.override(intro.language or None):
        text = _("retrowalk: reminder, your free intro is %(day)s at %(time)s.") % {
            "day": _day(intro.scheduled_at), "time": _time(intro.scheduled_at)}
        stop = str(STOP_LINE)
        subject = _("Your free intro tomorrow")
    message = send_sms(intro.phone, text + stop, "intro-reminder", intro.timezone, now=now)
    if message.status != "sent":  # an e-mail says nothing of replying STOP: that is for texts
        message = send_email(intro.email, subject, text, "intro-reminder")
    return f"sent by {message.channel}" if message.status == "sent" else f"{message.channel} {message.status}"

