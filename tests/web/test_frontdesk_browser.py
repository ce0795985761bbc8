"""The front desk in real headless Chromium: a visitor asks for an intro with consent, the coach schedules and
converts them, the new client books the last place, a second client waits and is promoted when the first cancels,
the reminder shows up in the console SMS backend, and a question is answered and published."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from retrowalk.web.frontdesk import services, sms
from retrowalk.web.frontdesk.models import CONSENT_TEXT, CONSENT_VERSION, Booking, GroupSession, IntroRequest
from tests.web.conftest import PASSWORD, Studio, needs_chromium
from tests.web.test_browser import VIEWPORTS, shoot

pytestmark = needs_chromium

BEN_PHONE = "+12125550155"


def daytime_zone(now: datetime) -> str:
    """A time zone where it is the middle of the day right now, so the reminder is not held for quiet hours."""
    for name in ("America/New_York", "Europe/London", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles",
                 "Asia/Kolkata", "Europe/Moscow", "Pacific/Honolulu"):
        if 10 <= now.astimezone(ZoneInfo(name)).hour < 19:
            return name
    return "UTC"


def log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")


def test_intro_to_client_to_booking_waitlist_reminder_and_answer(chromium, live_server, studio: Studio, settings,
                                                                 tmp_path: Path) -> None:
    settings.SMS_BACKEND, settings.SMS_FILE = "console", str(tmp_path / "sms.jsonl")
    base = live_server.url

    # A visitor on a phone asks for a free intro and agrees to texts.
    visitor = chromium.new_context(viewport=VIEWPORTS["phone"])
    page = visitor.new_page()
    page.goto(f"{base}/intro/")
    assert not page.locator("#id_sms_consent").is_checked()
    assert CONSENT_TEXT in page.locator(".consent label").inner_text()
    shoot(page, "phone-intro", tmp_path)
    page.fill("#id_name", "Dana Diaz")
    page.fill("#id_email", "dana@example.com")
    page.fill("#id_phone", "(212) 555-0123")
    page.fill("#id_goals", "Climb stairs without knee pain")
    page.fill("#id_preferred_times", "Weekday mornings")
    page.check("#id_sms_consent")
    page.wait_for_timeout(3200)  # a person takes longer than the form's minimum
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "Thank you, Dana Diaz" in page.locator("h1").inner_text()
    assert "reply YES" in page.locator("main").inner_text()
    visitor.close()
    intro = IntroRequest.objects.get()
    # The ticked box alone sends no reminders: one text asks the phone to confirm, and its YES (the provider's
    # signed webhook) makes it consent.
    assert intro.phone == "+12125550123" and not sms.has_consent(intro.phone)
    asked = [json.loads(x) for x in Path(settings.SMS_FILE).read_text().splitlines()]
    assert [x["to"] for x in asked] == [intro.phone] and "YES" in asked[0]["body"]
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    webhook = live_server.url + reverse("frontdesk:sms_inbound")
    reply = {"From": intro.phone, "Body": "Yes", "MessageSid": "SM1"}
    signature = sms.twilio_signature(webhook, reply, "secret-token")
    post = urllib.request.Request(webhook, urllib.parse.urlencode(reply).encode(),
                                  {"X-Twilio-Signature": signature})
    with urllib.request.urlopen(post, timeout=10) as answer:
        assert answer.status == 200
    assert sms.has_consent(intro.phone)

    # The coach schedules the intro, then makes Dana a client.
    coach = chromium.new_context(viewport=VIEWPORTS["desktop"])
    page = coach.new_page()
    log_in(page, base, "coach")
    page.goto(f"{base}/desk/")
    assert page.locator("table").first.inner_text().count("Dana Diaz") == 1
    page.click("text=Dana Diaz")
    when = (timezone.localtime() + timedelta(days=2)).replace(hour=10, minute=0)
    page.fill("input[name=at]", when.strftime("%Y-%m-%dT%H:%M"))
    page.click("button[name=schedule]")
    page.wait_for_load_state("networkidle")
    assert "Intro scheduled" in page.locator(".messages").inner_text()
    page.click("button[name=convert]")
    page.wait_for_load_state("networkidle")
    message = page.locator(".messages").inner_text()
    username = message.split("user name ")[1].split(",")[0]
    password = message.split("one-time password ")[1].split(" ")[0]
    shoot(page, "desktop-intro-converted", tmp_path)
    coach.close()

    # One place left tomorrow; Ben agreed to texts earlier and lives where it is daytime now.
    now = timezone.now()
    studio.ben.phone, studio.ben.timezone = BEN_PHONE, daytime_zone(now)
    studio.ben.save()
    sms.record_consent(BEN_PHONE, True, CONSENT_TEXT, CONSENT_VERSION, "test")
    session = GroupSession.objects.create(coach=studio.coach, starts_at=now + timedelta(hours=20),
                                          place="Riverside Park", capacity=1)

    dana = chromium.new_context(viewport=VIEWPORTS["phone"])
    page = dana.new_page()
    log_in(page, base, username, password)
    page.goto(f"{base}/sessions/")
    page.click("button:has-text('Book')")
    page.wait_for_load_state("networkidle")
    assert "Booked" in page.locator(".messages").inner_text()
    shoot(page, "phone-booked", tmp_path)

    ben = chromium.new_context(viewport=VIEWPORTS["phone"])
    ben_page = ben.new_page()
    log_in(ben_page, base, "ben")
    ben_page.goto(f"{base}/sessions/")
    ben_page.click("button:has-text('Join the waitlist')")
    ben_page.wait_for_load_state("networkidle")
    assert "waitlist, number 1" in ben_page.locator(".messages").inner_text()

    page.click("button:has-text('Cancel')")
    page.wait_for_load_state("networkidle")
    assert Booking.objects.get(session=session, client=studio.ben).status == Booking.Status.BOOKED
    ben_page.goto(f"{base}/sessions/")
    assert "Booked" in ben_page.locator(".session").inner_text()
    shoot(ben_page, "phone-promoted", tmp_path)

    # The reminder worker runs: Ben's reminder goes out as a text.
    assert services.send_due_reminders("browser-test") == 1
    lines = [json.loads(x) for x in Path(settings.SMS_FILE).read_text().splitlines()]
    assert any(x["to"] == BEN_PHONE and "reminder" in x["body"] for x in lines), lines

    # Dana asks a question; the coach answers and publishes it.
    page.goto(f"{base}/ask/")
    page.fill("textarea[name=text]", "Should backward walking ever hurt the next morning?")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    dana.close()
    ben.close()
    coach = chromium.new_context(viewport=VIEWPORTS["desktop"])
    page = coach.new_page()
    log_in(page, base, "coach")
    page.goto(f"{base}/desk/")
    page.click("text=Should backward walking")
    page.fill("textarea[name=answer]", "Dana, pain up to 5/10 during the walk is fine if it settles by morning.")
    page.check("input[name=publish]")
    page.fill("textarea[name=public_answer]",
              "Pain up to 5/10 during the walk is fine if it settles by the next morning.")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    coach.close()
    public = chromium.new_context(viewport=VIEWPORTS["desktop"])
    page = public.new_page()
    page.goto(f"{base}/questions/?q=morning")
    assert "settles by the next morning" in page.locator("article").inner_text()
    shoot(page, "desktop-answers", tmp_path)
    page.goto(f"{base}/intro/")
    shoot(page, "desktop-intro", tmp_path)
    public.close()
