"""Opting out in any wording, once per message, and opting in only from the phone itself (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from retrowalk.web.frontdesk import sms
from retrowalk.web.frontdesk.models import CONSENT_TEXT, CONSENT_VERSION, Message, SmsConsent
from tests.web.test_frontdesk import NOON_NY, PHONE, intro_post, texts

OPT_OUTS = ["STOP", "stop", "STOP ALL", "stop all", "StopAll", "opt out", "opt-out", "OPT OUT", "please stop",
            "Stop please!", "\u200bSTOP", "ＳＴＯＰ", "Ｓｔｏｐ ａｌｌ", "unsubscribe", "Unsubscribe me", "cancel",
            "END", "quit", "Revoke", "stop texting me", "STOP!!!", "  stop.  ", "stop sending these"]
NOT_OPT_OUTS = ["Can I cancel Tuesday's session?", "See you at the end of the path", "Thanks!", "yes please",
                "Don't stop believing", "Is there parking?"]


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.SMS_BACKEND = "console"
    settings.SMS_FILE = str(tmp_path / "sms.jsonl")
    return Path(settings.SMS_FILE)


def reply(settings, body: str, sid: str = "SM1") -> int:
    """A reply as the provider posts it, with its message id, signed."""
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    params = {"From": PHONE, "Body": body, "MessageSid": sid}
    url = "http://testserver" + reverse("frontdesk:sms_inbound")
    signed = sms.twilio_signature(url, params, "secret-token")
    return Client().post(reverse("frontdesk:sms_inbound"), params, headers={"X-Twilio-Signature": signed}).status_code


def confirmed(phone: str = PHONE) -> None:
    sms.record_consent(phone, True, CONSENT_TEXT, CONSENT_VERSION, "test")
    sms.confirm(phone, "test")


@pytest.mark.parametrize("words", OPT_OUTS)
def test_an_opt_out_in_any_wording_withdraws_consent_with_one_confirmation(db, settings, sms_file, words) -> None:
    confirmed()
    assert reply(settings, words) == 200
    assert not sms.has_consent(PHONE)
    assert [t["body"] for t in texts(sms_file)] == [sms.STOP_REPLY]


@pytest.mark.parametrize("words", NOT_OPT_OUTS)
def test_a_message_that_is_not_an_opt_out_leaves_consent_standing(db, settings, sms_file, words) -> None:
    confirmed()
    assert reply(settings, words) == 200
    assert sms.has_consent(PHONE) and texts(sms_file) == []


def test_a_stop_delivered_ten_times_is_one_withdrawal_and_one_text(db, settings, sms_file) -> None:
    confirmed()
    assert [reply(settings, "STOP", sid="SMsame") for _ in range(10)] == [200] * 10
    assert SmsConsent.objects.filter(phone=PHONE, granted=False).count() == 1
    assert len(texts(sms_file)) == 1
    # A second STOP (a new message) while texts are already off changes nothing and texts nothing more.
    reply(settings, "STOP", sid="SMother")
    assert len(texts(sms_file)) == 1


def test_ticking_the_box_asks_the_phone_to_confirm_and_texts_start_only_on_yes(db, settings, sms_file) -> None:
    response = Client().post(reverse("frontdesk:intro"), intro_post())
    assert response.status_code == 200 and b"reply YES" in response.content
    assert not sms.has_consent(PHONE)  # someone else's number, or a typo, gets nothing more than this one text
    assert [t["body"] for t in texts(sms_file)] == [sms.CONFIRM_ASK]
    assert sms.send_sms(PHONE, "reminder", "test", "America/New_York", now=NOON_NY).status == "refused: no consent"
    assert reply(settings, "Yes", sid="SMyes") == 200
    assert sms.has_consent(PHONE) and sms.consent_state(PHONE).text == CONSENT_TEXT
    assert texts(sms_file)[-1]["body"] == sms.CONFIRMED_REPLY
    assert sms.send_sms(PHONE, "reminder", "test", "America/New_York", now=NOON_NY).status == "sent"


def test_the_coach_sees_a_ticked_box_as_waiting_until_the_phone_says_yes(studio, settings, sms_file) -> None:
    from tests.web.conftest import logged_in

    Client().post(reverse("frontdesk:intro"), intro_post())
    inbox = logged_in(studio.coach.user).get(reverse("frontdesk:inbox")).content.decode()
    assert "waiting for YES" in inbox
    reply(settings, "YES")
    inbox = logged_in(studio.coach.user).get(reverse("frontdesk:inbox")).content.decode()
    assert "waiting for YES" not in inbox and "<td>yes</td>" in inbox


def test_yes_from_a_number_that_was_never_asked_gives_no_consent(db, settings, sms_file) -> None:
    assert reply(settings, "YES") == 200
    assert not sms.has_consent(PHONE) and texts(sms_file) == []


def test_a_reminder_that_falls_back_to_email_never_says_reply_stop(studio, settings) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from retrowalk.web.frontdesk import services
    from retrowalk.web.frontdesk.models import IntroRequest, Reminder

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    soon = timezone.now() + timedelta(hours=30)
    intro = IntroRequest.objects.create(name="Eve", email="eve@example.com", phone=PHONE, scheduled_at=soon,
                                        timezone="America/New_York")
    Reminder.objects.create(kind="intro", intro=intro, due_at=soon - services.REMINDER_LEAD)
    services.send_due_reminders(now=soon - services.REMINDER_LEAD, worker="test")
    mail = Message.objects.get(channel=Message.Channel.EMAIL)
    assert "STOP" not in mail.body.upper() and "reminder" in mail.body
