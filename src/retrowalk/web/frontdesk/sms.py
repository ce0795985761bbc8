"""Sending text messages, safely: never without a valid consent record, never in the recipient's quiet hours,
and through a small backend interface (console/file for development and tests, Twilio's HTTP API in production).

``send_sms`` is the only way out: it checks consent and quiet hours itself, so no caller can forget to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from retrowalk.web.frontdesk.models import Message, SmsConsent

QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
"""No text between 21:00 and 08:00 in the recipient's own time zone (TCPA: 8 am to 9 pm local time)."""
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
START_WORDS = {"START", "UNSTOP"}
STOP_REPLY = "retrowalk: you will get no more texts from us. Reply START to get them again."
START_REPLY = "retrowalk: texts are on again. Reply STOP to stop them."


class PhoneError(ValueError):
    """A phone number that cannot be used; the message says why in one sentence."""


def e164(raw: str, region: str = "US") -> str:
    """A phone number as +CCNNN…, or :class:`PhoneError`."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise PhoneError("That does not look like a phone number; write it like (212) 555-0100 or +44 20 7946 0000.") \
            from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("That phone number is not a valid number; check the digits and the country code.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def consent_state(phone: str) -> SmsConsent | None:
    """The number's newest consent record (grant or withdrawal), or None if it never gave one."""
    return SmsConsent.objects.filter(phone=phone).order_by("-at", "-pk").first()


def has_consent(phone: str) -> bool:
    record = consent_state(phone)
    return record is not None and record.granted


def record_consent(phone: str, granted: bool, text: str, version: str, source: str, ip: str | None = None,
                   user_agent: str = "") -> SmsConsent:
    """A new record superseding the newest one: the history is kept whole. Two at once for one number (a STOP
    delivered twice) would both supersede the same record; the second then supersedes the first instead."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                previous = consent_state(phone)
                return SmsConsent.objects.create(phone=phone, granted=granted, text=text, version=version,
                                                 source=source[:200], ip=ip, user_agent=user_agent[:400],
                                                 supersedes=previous)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def in_quiet_hours(at: datetime, tz_name: str) -> bool:
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo(settings.TIME_ZONE)
    local = at.astimezone(tz).time()
    return local >= QUIET_START or local < QUIET_END


class Backend(Protocol):
    def send(self, to: str, body: str) -> str:
        """Send one message; return the provider's id. Raise OSError when it could not be sent."""


class ConsoleBackend:
    """Development and tests: the message goes to the log and, if RETROWALK_SMS_FILE is set, a JSON line there."""

    def send(self, to: str, body: str) -> str:
        line = json.dumps({"to": to, "body": body, "at": timezone.now().isoformat()})
        print(f"SMS {line}", flush=True)
        path = getattr(settings, "SMS_FILE", "")
        if path:
            with Path(path).open("a", encoding="utf-8") as f:
                f.write(line + "\n")
        return f"console-{hashlib.sha1(line.encode()).hexdigest()[:10]}"


@dataclass
class TwilioBackend:
    """Twilio's Messages API over HTTPS (``base_url`` is configurable so tests can point it at a local server)."""

    account_sid: str
    auth_token: str
    sender: str
    base_url: str = "https://api.twilio.com"
    timeout_s: float = 10.0

    def send(self, to: str, body: str) -> str:
        url = f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        data = urllib.parse.urlencode({"To": to, "From": self.sender, "Body": body}).encode()
        auth = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Authorization": f"Basic {auth}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return str(json.loads(response.read()).get("sid", ""))
        except urllib.error.HTTPError as err:
            detail = err.read()[:200].decode(errors="replace")
            raise OSError(f"the SMS provider refused the message ({err.code}: {detail})") from None
        except (urllib.error.URLError, TimeoutError) as err:
            raise OSError(f"the SMS provider could not be reached ({err})") from None


def backend() -> Backend:
    if getattr(settings, "SMS_BACKEND", "console") == "twilio":
        return TwilioBackend(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM,
                             settings.TWILIO_BASE_URL)
    return ConsoleBackend()


def send_sms(to: str, body: str, purpose: str, tz_name: str, *, now: datetime | None = None,
             confirmation: bool = False) -> Message:
    """Send ``body`` to ``to`` if, and only if, the number's consent stands and it is not night there.

    ``confirmation`` is for the one reply confirming a STOP (the law requires it, consent just ended).
    The returned Message says what happened: ``sent``, ``refused: no consent``, ``deferred: quiet hours``,
    ``failed: …``."""
    now = now or timezone.now()
    if not confirmation and not has_consent(to):
        return Message.objects.create(channel=Message.Channel.SMS, to=to, body=body, purpose=purpose,
                                      status="refused: no consent")
    if not confirmation and in_quiet_hours(now, tz_name):
        return Message.objects.create(channel=Message.Channel.SMS, to=to, body=body, purpose=purpose,
                                      status="deferred: quiet hours")
    try:
        provider_id = backend().send(to, body)
    except OSError as err:
        return Message.objects.create(channel=Message.Channel.SMS, to=to, body=body, purpose=purpose,
                                      status=f"failed: {err}"[:200])
    return Message.objects.create(channel=Message.Channel.SMS, to=to, body=body, purpose=purpose, status="sent",
                                  provider_id=provider_id)


def send_email(to: str, subject: str, body: str, purpose: str) -> Message:
    subject = " ".join(subject.split())  # a header: no line breaks, whatever a title holds
    sent = send_mail(subject, body, None, [to], fail_silently=True)
    return Message.objects.create(channel=Message.Channel.EMAIL, to=to, body=body, purpose=purpose,
                                  status="sent" if sent else "failed: mail")


def inbound(phone: str, text: str, source: str = "sms") -> str | None:
    """A reply to the studio's number: STOP-like words withdraw consent at once, START/UNSTOP restore it.
    Returns the one confirmation sent, or None when the message was not a keyword."""
    word = text.strip().upper().rstrip(".!")
    if word in STOP_WORDS:
        if has_consent(phone) or consent_state(phone) is None:
            record_consent(phone, False, word, "keyword", f"{source}:{word}")
        send_sms(phone, STOP_REPLY, "stop-confirmation", settings.TIME_ZONE, confirmation=True)
        return STOP_REPLY
    if word in START_WORDS:
        # START restores consent the person gave and later withdrew; it cannot create consent out of nothing
        # (that needs the form and its sentence). The restored record repeats the sentence agreed to.
        current = consent_state(phone)
        grant = SmsConsent.objects.filter(phone=phone, granted=True).order_by("-at", "-pk").first()
        if current is None or current.granted or grant is None:
            return None
        record_consent(phone, True, grant.text, grant.version, f"{source}:{word}")
        send_sms(phone, START_REPLY, "start-confirmation", settings.TIME_ZONE, confirmation=True)
        return START_REPLY
    return None


def twilio_signature(url: str, params: dict[str, str], auth_token: str) -> str:
    """Twilio's request signature: HMAC-SHA1 over the URL and the sorted form parameters, base64."""
    payload = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_ok(url: str, params: dict[str, str], auth_token: str, given: str) -> bool:
    return hmac.compare_digest(twilio_signature(url, params, auth_token), given)
