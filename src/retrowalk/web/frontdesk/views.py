"""Front-desk pages: the public intro form and Q&A, the coach's inbox and sessions, the client's bookings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from retrowalk.formats.ics import event_ics
from retrowalk.web.accounts.access import ProfileRequest, client_required, coach_required, visible_clients
from retrowalk.web.clientip import client_ip
from retrowalk.web.frontdesk import services, sms
from retrowalk.web.frontdesk.forms import AnswerForm, IntroForm, QuestionForm, ScheduleIntroForm, SeriesForm
from retrowalk.web.frontdesk.models import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    Booking,
    GroupSession,
    IntroRequest,
    Question,
    SmsConsent,
    Studio,
)
from retrowalk.web.language import active_page_language, for_client, language_noun
from retrowalk.web.pages import first_error, refuse

INTRO_LIMIT_PER_HOUR = 5
DUPLICATE_WINDOW = timedelta(days=1)


def _ip(request: HttpRequest) -> str:
    return client_ip(request)


def _grant(request: HttpRequest, phone: str) -> None:
    """The ticked box: a grant recorded as it happened, waiting for the phone's own YES, and the one text that
    asks for it (a second ticked box while one waits asks no more)."""
    waiting = sms.consent_state(phone)
    if waiting is not None and waiting.granted and waiting.pending:
        return
    # The words as they were shown beside the box: in the language of the page.
    sms.record_consent(phone, True, _(CONSENT_TEXT), CONSENT_VERSION, request.build_absolute_uri(), _ip(request),
                       request.META.get("HTTP_USER_AGENT", ""), pending=True)
    sms.ask_to_confirm(phone)


# --- public ------------------------------------------------------------------------------------------------------


HOME_QUESTIONS = 5
HOME_SESSIONS = 6


def public_home(request: HttpRequest) -> HttpResponse:
    """The studio's public page (what an anonymous visitor sees at /): its name, place and offer, the published
    answers (pinned first), the small-group sessions coming up with places left, and the free intro as the
    main action; with the titles, description, Open Graph tags and structured data search and social sites
    read."""
    studio = Studio.current()
    questions = list(Question.objects.filter(published=True).order_by("-pinned", "-answered_at")[:HOME_QUESTIONS])
    upcoming = list(GroupSession.objects.filter(starts_at__gt=timezone.now())
                    .annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)))
                    .order_by("starts_at")[:HOME_SESSIONS])
    for session in upcoming:
        session.left = max(0, session.capacity - session.booked)  # type: ignore[attr-defined]
    url = request.build_absolute_uri(reverse("home"))
    who = ", ".join(part for part in (studio.name, studio.tagline, studio.place) if part)
    offer = studio.offer.split(". ")[0].rstrip(".") + "." if studio.offer else ""
    description = " ".join(part for part in (who + ".", offer, _("Schedule your free intro.")) if part)
    return render(request, "frontdesk/home.html", {
        "studio": studio, "questions": questions, "upcoming": upcoming, "canonical": url,
        "description": description[:300], "structured": structured_data(studio, questions, upcoming, url, request)})


def structured_data(studio: Studio, questions: Sequence[Question], upcoming: Sequence[GroupSession], url: str,
                    request: HttpRequest) -> str:
    """schema.org JSON-LD for the page: the studio as a local business, each session as an event at it with its
    places left, and the answers as a FAQ; escaped to sit inside a <script> element."""
    business: dict[str, Any] = {"@type": "ExerciseGym", "@id": url + "#studio", "name": studio.name, "url": url}
    if studio.tagline or studio.about:
        business["description"] = studio.tagline or studio.about[:300]
    address = {"@type": "PostalAddress", "streetAddress": studio.street, "addressLocality": studio.locality,
               "addressRegion": studio.region, "addressCountry": studio.country}
    business["address"] = {k: v for k, v in address.items() if v}
    if studio.telephone:
        business["telephone"] = studio.telephone
    graph: list[dict[str, Any]] = [business]
    book = request.build_absolute_uri(reverse("frontdesk:intro"))
    for session in upcoming:
        ends = session.starts_at + timedelta(minutes=session.duration_min)
        graph.append({
            "@type": "Event", "name": session.title, "startDate": session.starts_at.isoformat(),
            "endDate": ends.isoformat(), "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": {"@type": "Place", "name": session.place, "address": business["address"]},
            "organizer": {"@id": business["@id"]}, "maximumAttendeeCapacity": session.capacity,
            "remainingAttendeeCapacity": session.left,  # type: ignore[attr-defined]
            "url": book})
    if questions:
        graph.append({"@type": "FAQPage", "mainEntity": [
            {"@type": "Question", "name": q.public_question,
             "acceptedAnswer": {"@type": "Answer", "text": q.public_answer}} for q in questions]})
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    # Inside <script> nothing may close the element or open a comment: <, > and & as JSON escapes.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

@require_http_methods(["GET", "POST"])
def intro(request: HttpRequest) -> HttpResponse:
    form = IntroForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "consent_text": _(CONSENT_TEXT)}
    if request.method == "GET":
        return render(request, "frontdesk/intro.html", context)
    key = "intro-rate:" + hashlib.sha256(_ip(request).encode()).hexdigest()
    if cache.get(key, 0) >= INTRO_LIMIT_PER_HOUR:
        return refuse(request, "frontdesk/intro.html", context,
                      _("Too many requests from this connection; please try again in an hour or call the studio."),
                      429)
    if not form.is_valid():
        return refuse(request, "frontdesk/intro.html", context, first_error(form))
    data = form.cleaned_data
    since = timezone.now() - DUPLICATE_WINDOW
    same_person = Q(email__iexact=data["email"]) | Q(phone=data["phone"])
    if IntroRequest.objects.filter(same_person, created__gte=since).exists():
        if data.get("sms_consent") and not sms.has_consent(data["phone"]):  # the box ticked this time: keep that
            _grant(request, data["phone"])
        return refuse(request, "frontdesk/intro.html", context,
                      _("We already have your request from today; we will be in touch soon."), 409)
    # set, not incr: incr would give the key the cache's default lifetime instead of the hour.
    cache.set(key, cache.get(key, 0) + 1, 3600)
    intro_request = IntroRequest.objects.create(
        name=data["name"], email=data["email"], phone=data["phone"], goals=data.get("goals", ""),
        preferred_times=data.get("preferred_times", ""), timezone=data["timezone"], ip=_ip(request),
        language=translation.get_language() or "")  # the visitor's: her reminder speaks it (she has no profile)
    if data.get("sms_consent"):
        _grant(request, data["phone"])
    return render(request, "frontdesk/intro_thanks.html", {"intro": intro_request, "texts": data.get("sms_consent")})


def answers(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL in text
    published = Question.objects.filter(published=True)
    if query:
        # In whichever language it is written: a Spanish page shows an English-only answer too (as written).
        words = Q()
        for code, _name in settings.LANGUAGES:
            for field in ("public_question", "public_answer"):
                words |= Q(**{f"{field}_{code}__icontains": query})
        published = published.filter(words)
    return render(request, "frontdesk/answers.html", {"questions": published.order_by("-answered_at")[:50],
                                                      "q": query})


@csrf_exempt  # called by the SMS provider, authenticated by its signature instead
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    token = getattr(settings, "TWILIO_AUTH_TOKEN", "")
    if token:
        params = {k: request.POST[k] for k in request.POST}
        if not sms.signature_ok(request.build_absolute_uri(), params, token,
                                request.headers.get("X-Twilio-Signature", "")):
            return HttpResponse("bad signature", status=403)
    elif not settings.DEBUG:  # unsigned replies are for development only: anyone could post them
        return HttpResponse("the SMS webhook needs TWILIO_AUTH_TOKEN", status=403)
    try:
        phone = sms.e164(request.POST.get("From", ""))
    except sms.PhoneError as err:
        return HttpResponse(str(err), status=400, content_type="text/plain")
    sms.inbound(phone, request.POST.get("Body", ""),
                message_id=request.POST.get("MessageSid", "") or request.POST.get("SmsSid", ""))
    # The confirmation (if any) went out through the backend; answer the webhook with an empty reply.
    return HttpResponse('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml")


# --- coach -------------------------------------------------------------------------------------------------------

@coach_required
def inbox(request: ProfileRequest) -> HttpResponse:
    intros = list(IntroRequest.objects.exclude(status=IntroRequest.Status.CLOSED).select_related("client")[:200])
    # Each number's newest consent record, in one query: the newest first, the first seen per number kept.
    newest: dict[str, str] = {}
    for phone, granted, pending in (SmsConsent.objects.filter(phone__in={i.phone for i in intros})
                                    .order_by("-at", "-pk").values_list("phone", "granted", "pending")):
        newest.setdefault(phone, pgettext("text consent", "waiting for YES") if granted and pending
                          else pgettext("text consent", "yes") if granted else pgettext("text consent", "withdrawn"))
    rows = [(i, newest.get(i.phone) or pgettext("text consent", "no")) for i in intros]
    questions = Question.objects.filter(client__in=visible_clients(request.user), answered_at__isnull=True)
    return render(request, "frontdesk/inbox.html", {"rows": rows, "questions": questions.select_related(
        "client__user")[:100]})


@coach_required
@require_http_methods(["GET", "POST"])
def intro_detail(request: ProfileRequest, pk: int) -> HttpResponse:
    try:
        intro_request = IntroRequest.objects.get(pk=pk)
    except IntroRequest.DoesNotExist:
        raise Http404(_("No such request.")) from None
    coach = request.profile
    form = ScheduleIntroForm(request.POST if "schedule" in request.POST else None)
    context: dict[str, Any] = {"intro": intro_request, "form": form, "consent": sms.consent_state(intro_request.phone),
                               "history": list(intro_request.phone and
                                               SmsConsent.objects.filter(phone=intro_request.phone))}
    if request.method == "POST":
        if "schedule" in request.POST:
            if not form.is_valid():
                return refuse(request, "frontdesk/intro_detail.html", context, first_error(form))
            services.schedule_intro(intro_request, coach, form.cleaned_data["at"])
            messages.success(request, _("Intro scheduled; a reminder goes out the day before."))
        elif "convert" in request.POST:
            try:
                client, password = services.convert_intro(intro_request, coach)
            except services.DeskError as err:
                return refuse(request, "frontdesk/intro_detail.html", context, str(err))
            messages.success(request, _("%(name)s is now your client: user name %(username)s, one-time password "
                                        "%(password)s (or they can reset it by e-mail).") % {
                "name": client.display_name, "username": client.user.username, "password": password})
        return redirect("frontdesk:intro", pk=pk)
    return render(request, "frontdesk/intro_detail.html", context)


@coach_required
@require_http_methods(["GET", "POST"])
def coach_sessions(request: ProfileRequest) -> HttpResponse:
    coach = request.profile
    form = SeriesForm(request.POST or None, initial={"capacity": 6, "duration_min": 45, "cancel_cutoff_h": 12})
    sessions = (GroupSession.objects.filter(coach=coach, starts_at__gte=timezone.now() - timedelta(days=1))
                .annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
                          waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLIST)))[:100])
    context = {"form": form, "sessions": sessions}
    if request.method == "POST":
        if not form.is_valid():
            return refuse(request, "frontdesk/coach_sessions.html", context, first_error(form))
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("weeks", "starts_at")}
        try:
            made = services.publish_series(coach, form.cleaned_data["starts_at"], form.cleaned_data["weeks"], **data)
        except services.DeskError as err:
            return refuse(request, "frontdesk/coach_sessions.html", context, str(err))
        messages.success(request, ngettext("%(n)d session published.", "%(n)d sessions published.", len(made))
                         % {"n": len(made)})
        return redirect("frontdesk:coach_sessions")
    return render(request, "frontdesk/coach_sessions.html", context)


@coach_required
@require_http_methods(["GET", "POST"])
def attendance(request: ProfileRequest, pk: int) -> HttpResponse:
    try:
        session = GroupSession.objects.get(pk=pk, coach=request.profile)
    except GroupSession.DoesNotExist:
        raise Http404(_("No such session.")) from None
    bookings = list(session.bookings.exclude(status=Booking.Status.CANCELLED).select_related("client__user"))
    if request.method == "POST":
        present = {int(v) for v in request.POST.getlist("present") if v.isascii() and v.isdigit()}
        for b in bookings:
            if b.status == Booking.Status.BOOKED:
                b.attended = b.pk in present
                b.save(update_fields=["attended"])
        messages.success(request, _("Attendance saved."))
        return redirect("frontdesk:attendance", pk=pk)
    return render(request, "frontdesk/attendance.html", {"session": session, "bookings": bookings})


@coach_required
@require_http_methods(["GET", "POST"])
def answer(request: ProfileRequest, pk: int) -> HttpResponse:
    try:
        question = Question.objects.select_related("client__user").get(pk=pk, client__in=visible_clients(request.user))
    except Question.DoesNotExist:
        raise Http404(_("No such question.")) from None
    languages = dict(settings.LANGUAGES)
    # The version asked for, else the language the question was asked in, else the page's.
    language = next((code for code in (request.GET.get("lang", ""), question.language) if code in languages),
                    active_page_language())
    form = AnswerForm(request.POST or None, initial={
        "language": language, "answer": question.answer,
        "public_question": getattr(question, f"public_question_{language}") or question.text,
        "public_answer": getattr(question, f"public_answer_{language}") or ""})

    context = {"question": question, "form": form, "language": language_noun(language), "versions": [
        (code, language_noun(code), bool(getattr(question, f"public_question_{code}"))) for code in languages]}
    if request.method == "POST":
        if not form.is_valid():
            return refuse(request, "frontdesk/answer.html", context, first_error(form))
        data = form.cleaned_data
        question.answer = data["answer"]
        question.answered_by = request.user
        question.answered_at = timezone.now()
        question.published = data["publish"]
        if data["publish"]:  # this language's version; the other's stays as it is
            written = data["language"] or language
            setattr(question, f"public_question_{written}", data.get("public_question", ""))
            setattr(question, f"public_answer_{written}", data.get("public_answer", ""))
        else:  # taken down: nothing of it stays public in any language
            for code in languages:
                setattr(question, f"public_question_{code}", "")
                setattr(question, f"public_answer_{code}", "")
        question.save()
        messages.success(request, _("Answer saved and published.") if data["publish"] else _("Answer saved."))
        return redirect("frontdesk:inbox")
    return render(request, "frontdesk/answer.html", context)


# --- client ------------------------------------------------------------------------------------------------------

@client_required
def sessions(request: ProfileRequest) -> HttpResponse:
    client = request.profile
    upcoming = (GroupSession.objects.filter(coach=client.coach, starts_at__gt=timezone.now())
                .annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)))[:60])
    mine = {b.session_id: b for b in Booking.objects.filter(client=client).exclude(status=Booking.Status.CANCELLED)}
    return render(request, "frontdesk/sessions.html", {"sessions": upcoming, "mine": mine, "client": client})


@client_required
@require_POST
def book(request: ProfileRequest, pk: int) -> HttpResponse:
    client = request.profile
    if not GroupSession.objects.filter(pk=pk, coach=client.coach).exists():
        raise Http404(_("No such session."))
    try:
        result = services.book(pk, client)
    except services.DeskError as err:
        messages.error(request, str(err))
        return redirect("frontdesk:sessions")
    messages.success(request, _("You are on the waitlist, number %(position)d: we will tell you if a place opens.")
                     % {"position": result.position} if result.waitlisted
                     else _("Booked. Add it to your calendar below."))
    return redirect("frontdesk:sessions")


@client_required
@require_POST
def cancel(request: ProfileRequest, pk: int) -> HttpResponse:
    client = request.profile
    try:
        booking = Booking.objects.get(pk=pk, client=client)
    except Booking.DoesNotExist:
        raise Http404(_("No such booking.")) from None
    try:
        services.cancel(booking)
    except services.DeskError as err:
        messages.error(request, str(err))
        return redirect("frontdesk:sessions")
    messages.success(request, _("Cancelled."))
    return redirect("frontdesk:sessions")


@client_required
def booking_ics(request: ProfileRequest, pk: int) -> HttpResponse:
    client = request.profile
    try:
        booking = Booking.objects.select_related("session").get(pk=pk, client=client, status=Booking.Status.BOOKED)
    except Booking.DoesNotExist:
        raise Http404(_("No such booking.")) from None
    s = booking.session
    with for_client(client.language):  # her calendar, in her language
        description = _("Small-group backward walking (%(level)s).") % {"level": s.get_level_display()}
    data = event_ics(s.title, s.starts_at, timedelta(minutes=s.duration_min), s.place, description,
                     f"booking-{booking.pk}")
    response = HttpResponse(data, content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="retrowalk-session-{s.pk}.ics"'
    return response


@client_required
@require_http_methods(["GET", "POST"])
def ask(request: ProfileRequest) -> HttpResponse:
    client = request.profile
    form = QuestionForm(request.POST or None)
    mine = client.questions.all()[:20]
    context = {"form": form, "questions": mine}
    if request.method == "POST":
        if not form.is_valid():
            return refuse(request, "frontdesk/ask.html", context, first_error(form))
        text = form.cleaned_data["text"]
        if client.questions.filter(text=text, asked_at__gte=timezone.now() - DUPLICATE_WINDOW).exists():
            return refuse(request, "frontdesk/ask.html", context,
                          _("You asked this already; your coach will answer soon."), 409)
        Question.objects.create(client=client, text=text, language=active_page_language())
        messages.success(request, _("Your coach will answer soon."))
        return redirect("frontdesk:ask")
    return render(request, "frontdesk/ask.html", context)
