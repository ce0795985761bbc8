"""Texts and e-mails go out in the recipient's language, not in that of whoever (or whatever) set them off: a place
freed by an English page, a reminder sent by the worker, a reply to a text the SMS provider posts.

There is no Spanish catalogue yet, so the words themselves stay English; what is checked is the language active
at the moment each message is looked up in the catalogue (every gettext goes through ``_trans.gettext``), and,
where Django's own Spanish catalogue shows it, the words that do come out in Spanish (the names of days)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from retrowalk.web.accounts.models import Profile, Role
from retrowalk.web.frontdesk import services, sms
from retrowalk.web.frontdesk.models import CONSENT_TEXT, CONSENT_VERSION, GroupSession, IntroRequest
from tests.web.conftest import Studio, logged_in, person

PROMOTED = "retrowalk: a place opened up and is yours: %(title)s, %(day)s %(time)s at %(place)s."
REMINDER = "retrowalk: reminder, %(title)s %(day)s at %(time)s, %(place)s."
INTRO_REMINDER = "retrowalk: reminder, your free intro is %(day)s at %(time)s."
STOP_REPLY = "retrowalk: you will get no more texts from us. Reply START to get them again."


@pytest.fixture
def looked_up(monkeypatch) -> list[tuple[str, str | None]]:
    """Every message looked up in a catalogue while the test runs, with the language active at that moment."""
    seen: list[tuple[str, str | None]] = []
    real = translation._trans.gettext

    def gettext(message: str) -> str:
        seen.append((message, translation.get_language()))
        return real(message)

    monkeypatch.setattr(translation._trans, "gettext", gettext)
    return seen


def languages(seen: list[tuple[str, str | None]], message: str) -> set[str | None]:
    return {language for text, language in seen if text == message}


def spanish(profile: Profile, tag: str = "es-MX") -> Profile:
    profile.language = tag
    profile.save(update_fields=["language"])
    return profile


def spanish_day(at) -> str:
    with translation.override("es"):
        return dateformat.format(timezone.localtime(at), "D d M")


def test_a_place_freed_on_an_english_page_is_offered_in_her_spanish(
        studio: Studio, looked_up, django_capture_on_commit_callbacks) -> None:
    ben = spanish(studio.ben)
    session = GroupSession.objects.create(coach=studio.coach, starts_at=timezone.now() + timedelta(hours=48),
                                          place="Riverside Park", capacity=1)
    booking = services.book(session.pk, studio.ann).booking
    assert services.book(session.pk, ben).waitlisted
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        response = logged_in(studio.ann.user).post(reverse("frontdesk:cancel", args=[booking.pk]),
                                                   headers={"Accept-Language": "en"})
    assert response.status_code == 302 and response.headers["Content-Language"] == "en"
    assert languages(looked_up, "Cancelled.") == {"en"}  # Ann's own page speaks hers
    assert languages(looked_up, PROMOTED) == {"es"}
    assert languages(looked_up, "You have a place: %(title)s") == {"es"}
    told = mail.outbox[-1]
    with translation.override("es"):
        opened = translation.gettext(PROMOTED).split("%(")[0].strip()  # the message's own Spanish opening
    assert told.to == [ben.user.email] and opened and opened in told.body and "place opened up" not in told.body
    assert spanish_day(session.starts_at) in told.body  # Django's own Spanish names of days already show


def test_one_without_a_language_of_her_own_is_not_told_in_the_cancellers(
        studio: Studio, looked_up, django_capture_on_commit_callbacks) -> None:
    session = GroupSession.objects.create(coach=studio.coach, starts_at=timezone.now() + timedelta(hours=48),
                                          place="Riverside Park", capacity=1)
    booking = services.book(session.pk, studio.ann).booking
    assert services.book(session.pk, studio.ben).waitlisted  # Ben: no language of his own
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        response = logged_in(studio.ann.user).post(reverse("frontdesk:cancel", args=[booking.pk]),
                                                   headers={"Accept-Language": "es"})
    assert response.headers["Content-Language"] == "es" and languages(looked_up, "Cancelled.") == {"es"}
    assert languages(looked_up, PROMOTED) == {"en"}  # the site's default, not Ann's Spanish


def test_the_workers_reminder_speaks_each_clients_language(studio: Studio, looked_up) -> None:
    ben = spanish(studio.ben, "es-US")
    session = GroupSession.objects.create(coach=studio.coach, starts_at=timezone.now() + timedelta(hours=20),
                                          place="Riverside Park", capacity=4)
    services.book(session.pk, ben)  # its reminder was due 4 hours ago
    with translation.override("en"):  # a worker: no request, the site's language
        call_command("frontdesk_worker", "--once", stdout=io.StringIO())
        assert translation.get_language() == "en"
    assert languages(looked_up, REMINDER) == {"es"}
    assert languages(looked_up, "Tomorrow: %(title)s") == {"es"}
    reminded = mail.outbox[-1]
    assert reminded.to == [ben.user.email] and spanish_day(session.starts_at) in reminded.body


def test_an_intro_reminder_speaks_the_language_of_the_page_she_asked_from(db, looked_up) -> None:
    intro = IntroRequest.objects.create(name="Eva", email="eva@example.com", phone="+12125550123", language="es")
    at = timezone.now() + timedelta(hours=30)
    services.schedule_intro(intro, person("introcoach", Role.COACH), at)
    with translation.override("en"):
        assert services.send_due_reminders("w", now=at - timedelta(hours=23)) == 1
    assert languages(looked_up, INTRO_REMINDER) == {"es"}
    assert languages(looked_up, "Your free intro tomorrow") == {"es"}
    assert mail.outbox[-1].to == ["eva@example.com"] and spanish_day(at) in mail.outbox[-1].body


def test_the_intro_form_keeps_the_visitors_language_and_asks_for_her_yes_in_it(db, settings, tmp_path,
                                                                               looked_up) -> None:
    from tests.web.test_frontdesk import intro_post

    settings.SMS_BACKEND, settings.SMS_FILE = "console", str(tmp_path / "sms.jsonl")
    response = Client().post(reverse("frontdesk:intro"), intro_post(), headers={"Accept-Language": "es"})
    assert response.status_code == 200
    assert IntroRequest.objects.get().language == "es"
    seen = len(looked_up)
    with translation.override("en"):  # the message as written (the page just served left Spanish active here)
        ask = str(sms.CONFIRM_ASK)
    del looked_up[seen:]  # that look-up was the test's own
    assert languages(looked_up, ask) == {"es"}
    assert languages(looked_up, CONSENT_TEXT) == {"es"}  # the words recorded are those shown


def test_a_reply_to_stop_speaks_her_language_whatever_the_providers_request_says(db, settings, tmp_path,
                                                                                  looked_up) -> None:
    settings.SMS_BACKEND, settings.SMS_FILE = "console", str(tmp_path / "sms.jsonl")
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    client = spanish(person("eva", Role.CLIENT, person("evacoach", Role.COACH)), "es-ES")
    client.phone = "+12125550177"
    client.save(update_fields=["phone"])
    sms.record_consent(client.phone, True, CONSENT_TEXT, CONSENT_VERSION, "test")
    params = {"From": client.phone, "Body": "STOP"}
    signed = sms.twilio_signature("http://testserver" + reverse("frontdesk:sms_inbound"), params, "secret-token")
    with translation.override("en"):
        response = Client().post(reverse("frontdesk:sms_inbound"), params,
                                 headers={"X-Twilio-Signature": signed, "Accept-Language": "en"})
    assert response.status_code == 200 and response.headers["Content-Language"] == "en"
    assert not sms.has_consent(client.phone)
    assert languages(looked_up, STOP_REPLY) == {"es"}
