"""Sending text messages, safely: never without a valid consent record, never in the recipient's quiet hours,
and through a small backend interface (console/file for development and tests, Twilio's HTTP API in production).

``send_sms`` is the only way out: it checks consent and quiet hours itself, so no caller can forget to.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import unicodedata
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
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retrowalk.web.accounts.models import Profile
from retrowalk.web.frontdesk.models import InboundMessage, IntroRequest, Message, SmsConsent
from retrowalk.web.language import for_client

QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
"""No text between 21:00 and 08:00 in the recipient's own time zone (TCPA: 8 am to 9 pm local time)."""
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
"""The carriers' opt-out keywords (CTIA), and the words the FCC's 2024 revocation rule names (47 CFR
64.1200(a)(10): "stop", "quit", "end", "revoke", "opt out", "cancel", "unsubscribe")."""
START_WORDS = {"START", "UNSTOP", "YES"}
# Translators: STOP, START and YES are the keywords people text back: keep them in English capitals.
STOP_REPLY = gettext_lazy("retrowalk: you will get no more texts from us. Reply START to get them again.")
# Translators: STOP, START and YES are the keywords people text back: keep them in English capitals.
START_REPLY = gettext_lazy("retrowalk: texts are on again. Reply STOP to stop them.")
# Translators: STOP, START and YES are the keywords people text back: keep them in English capitals.
CONFIRM_ASK = gettext_lazy("retrowalk: reply YES to get texts about your free intro and sessions (up to 4 a month; "
                           "message and data rates may apply). Reply STOP to stop. If you did not ask for this, "
                           "ignore it.")
# Translators: STOP, START and YES are the keywords people text back: keep them in English capitals.
CONFIRMED_REPLY = gettext_lazy("retrowalk: thank you, texts are on. Reply STOP at any time to stop them.")
"""The replies, each sent in the language of the person the number belongs to (:func:`in_language_of`); the
keywords they name (STOP, START, YES) are the carriers' and stay as they are in every language."""
FILLER = {"please", "pls", "plz", "all", "me", "now", "texts", "text", "texting", "messages", "message", "sms",
          "thanks", "thank", "you", "these", "this", "sending", "us", "from", "out"}
"""Words an opt-out may come with ("stop texting me please") that do not change what it asks for."""
DECISIVE = {"stop", "stopall", "unsubscribe", "optout", "revoke", "quit"}
"""An opt-out word that, first in a message, makes the whole message one ("stop sending these"); "cancel" and
"end" do not, since they start other sentences ("cancel Tuesday?")."""


class PhoneError(ValueError):
    """A phone number that cannot be used; the message says why in one sentence."""


def e164(raw: str, region: str = "US") -> str:
    """A phone number as +CCNNN…, or :class:`PhoneError`."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise PhoneError(_("That does not look like a phone number; write it like (212) 555-0100 or "
                           "+44 20 7946 0000.")) from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(_("That phone number is not a valid number; check the digits and the country code."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def consent_state(phone: str) -> SmsConsent | None:
    """The number's newest consent record (grant or withdrawal), or None if it never gave one."""
    return SmsConsent.objects.filter(phone=phone).order_by("-at", "-pk").first()


def has_consent(phone: str) -> bool:
    """Texts may go: the newest record is a grant the phone itself confirmed."""
    record = consent_state(phone)
    return record is not None and record.granted and not record.pending


def record_consent(phone: str, granted: bool, text: str, version: str, source: str, ip: str | None = None,
                   user_agent: str = "", pending: bool = False) -> SmsConsent:
    """A new record superseding the newest one: the history is kept whole. Two at once for one number (a STOP
    delivered twice) would both supersede the same record; the second then supersedes the first instead."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                previous = consent_state(phone)
                return SmsConsent.objects.create(phone=phone, granted=granted, text=text, version=version,
                                                 source=source[:200], ip=ip, user_agent=user_agent[:400],
                                                 pending=pending, supersedes=previous)
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

    ``confirmation`` is for the replies the phone asked for by texting: a STOP's confirmation (the law requires
    it, consent just ended), a YES's, and the one text asking a new grant to be confirmed.
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


def words(text: str) -> list[str]:
    """A text's words as the keyword rules read them: Unicode NFKC (full-width letters become letters), format
    characters (zero-width spaces) gone, case folded, punctuation a space; "opt-out" and "opt out" are "optout"."""
    plain = "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf").casefold()
    tokens = "".join(c if c.isalnum() else " " for c in plain).split()
    out: list[str] = []
    for token in tokens:
        if token == "out" and out and out[-1] == "opt":
            out[-1] = "optout"
        else:
            out.append(token)
    return out


def is_opt_out(text: str) -> bool:
    """STOP in any of its wordings: only opt-out words and filler ("Stop all!", "please stop", "ＳＴＯＰ"), or a
    decisive opt-out word first ("stop sending these")."""
    tokens = words(text)
    keys = {w.upper() for w in tokens} & STOP_WORDS
    if not keys:
        return False
    return all(w.upper() in STOP_WORDS or w in FILLER for w in tokens) or tokens[0] in DECISIVE


def is_opt_in(text: str) -> bool:
    """START, UNSTOP or YES, alone or with filler ("yes please" is not an opt-out, and is an opt-in)."""
    tokens = words(text)
    return bool(tokens) and tokens[0].upper() in START_WORDS and all(
        w.upper() in START_WORDS or w in FILLER for w in tokens)


def confirm(phone: str, source: str) -> bool:
    """The phone's YES: a grant waiting for it becomes consent. False when none was waiting."""
    current = consent_state(phone)
    if current is None or not current.granted or not current.pending:
        return False
    record_consent(phone, True, current.text, current.version, source)
    return True


def ask_to_confirm(phone: str) -> Message:
    """The one text a new grant sends: asking the phone itself to say YES (so a typo'd or someone else's number
    never gets reminders). In the language active now: that of the form the person just filled in."""
    return send_sms(phone, str(CONFIRM_ASK), "consent-ask", settings.TIME_ZONE, confirmation=True)


def in_language_of(phone: str) -> contextlib.AbstractContextManager[None]:
    """Within: texts in the language of the person ``phone`` belongs to, whatever the webhook's request says (it
    is the SMS provider's, not hers): a client's profile language, else that of the page her newest intro request
    was sent from, else the site's default."""
    profile = Profile.objects.filter(phone=phone).exclude(language="").only("language").first()
    if profile is not None:
        return for_client(profile.language)
    intro = IntroRequest.objects.filter(phone=phone).order_by("-created").only("language").first()
    return translation.override(intro.language if intro is not None and intro.language else None)


def inbound(phone: str, text: str, source: str = "sms", message_id: str = "") -> str | None:
    """A reply to the studio's number: an opt-out in any wording withdraws consent at once, with one confirmation
    for each withdrawal; YES confirms a grant from the form; START/UNSTOP restore one that was withdrawn.

    ``message_id`` is the provider's: a message delivered again is recorded once (a unique key, not a look-up)
    and acted on once. Returns the reply sent, or None."""
    if message_id:
        try:
            with transaction.atomic():
                record = InboundMessage.objects.create(provider_id=message_id[:64], phone=phone, body=text[:1600])
        except IntegrityError:
            return None  # this very message was received before
    else:
        record = None
    reply = _act(phone, text, source)
    if record is not None:
        InboundMessage.objects.filter(pk=record.pk).update(outcome=(reply or "none")[:40])
    return reply


def _act(phone: str, text: str, source: str) -> str | None:
    label = " ".join(words(text))[:40]
    if is_opt_out(text):
        current = consent_state(phone)
        if current is not None and not current.granted:
            return None  # already off: nothing to withdraw, nothing more to say
        record_consent(phone, False, label, "keyword", f"{source}:{label}")
        return _reply(phone, STOP_REPLY, "stop-confirmation")
    if is_opt_in(text):
        if confirm(phone, f"{source}:{label}"):
            return _reply(phone, CONFIRMED_REPLY, "consent-confirmed")
        # START restores consent the person gave, confirmed, and later withdrew; it cannot create consent out of
        # nothing (that needs the form, its sentence and a YES). The restored record repeats the sentence.
        current = consent_state(phone)
        grant = SmsConsent.objects.filter(phone=phone, granted=True, pending=False).order_by("-at", "-pk").first()
        if current is None or current.granted or grant is None:
            return None
        record_consent(phone, True, grant.text, grant.version, f"{source}:{label}")
        return _reply(phone, START_REPLY, "start-confirmation")
    return None


def _reply(phone: str, text: str | Promise, purpose: str) -> str:
    """Send one of the keyword replies in the language of the person the number belongs to; returns it as sent."""
    with in_language_of(phone):
        body = str(text)
    send_sms(phone, body, purpose, settings.TIME_ZONE, confirmation=True)
    return body


def twilio_signature(url: str, params: dict[str, str], auth_token: str) -> str:
    """Twilio's request signature: HMAC-SHA1 over the URL and the sorted form parameters, base64."""
    payload = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_ok(url: str, params: dict[str, str], auth_token: str, given: str) -> bool:
    return hmac.compare_digest(twilio_signature(url, params, auth_token), given)
