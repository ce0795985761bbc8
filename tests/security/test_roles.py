"""Roles, decided in one place (accounts/access.py): every coach page answers a client, a coach and a staff member
the same way, and so does every client page. Before, the coach dashboard let staff without a coach profile in and
the front desk's coach pages refused them; the client pages refused with their own words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from retrowalk.web.accounts.access import CLIENTS_ONLY, COACHES_ONLY
from retrowalk.web.frontdesk.models import Booking, GroupSession, IntroRequest, Question
from tests.web.conftest import Studio, logged_in

pytestmark = pytest.mark.django_db


def coach_pages(studio: Studio) -> list[str]:
    intro = IntroRequest.objects.create(name="Eve", email="eve@example.com", phone="+12025550143")
    session = GroupSession.objects.create(coach=studio.coach, starts_at=timezone.now() + timedelta(days=2),
                                          place="Park", capacity=4)
    question = Question.objects.create(client=studio.ann, text="Uphill or flat first?")
    return [reverse("coach:dashboard"), reverse("frontdesk:inbox"), reverse("frontdesk:intro", args=[intro.pk]),
            reverse("frontdesk:coach_sessions"), reverse("frontdesk:attendance", args=[session.pk]),
            reverse("frontdesk:answer", args=[question.pk])]


def client_pages(studio: Studio) -> list[str]:
    session = GroupSession.objects.create(coach=studio.coach, starts_at=timezone.now() + timedelta(days=3),
                                          place="Gym", capacity=4)
    booking = Booking.objects.create(session=session, client=studio.ann, status=Booking.Status.BOOKED)
    return [reverse("frontdesk:sessions"), reverse("frontdesk:ask"),
            reverse("frontdesk:booking_ics", args=[booking.pk])]


@pytest.mark.parametrize(("pages", "role", "refusal"), [(coach_pages, "coach", COACHES_ONLY),
                                                      (client_pages, "client", CLIENTS_ONLY)])
def test_every_role_page_opens_for_its_role_and_refuses_everyone_else_alike(studio: Studio, pages, role: str,
                                                                            refusal: str) -> None:
    coach, ann, staff = logged_in(studio.coach.user), logged_in(studio.ann.user), logged_in(studio.staff)
    allowed, refused = (coach, (ann, staff)) if role == "coach" else (ann, (coach, staff))
    for url in pages(studio):
        assert allowed.get(url).status_code == 200, url
        for who in refused:
            response = who.get(url)
            assert response.status_code == 403, url
            assert refusal in response.content.decode(), url


def test_nobody_signed_in_is_sent_to_log_in_from_every_role_page(studio: Studio) -> None:
    from django.test import Client

    anonymous = Client()
    for url in coach_pages(studio) + client_pages(studio):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_staff_without_a_profile_land_in_the_admin_and_a_coach_who_is_staff_keeps_the_coach_pages(
        studio: Studio) -> None:
    assert logged_in(studio.staff).get(reverse("home"))["Location"] == reverse("admin:index")
    studio.coach.user.is_staff = True
    studio.coach.user.save()
    coach = logged_in(studio.coach.user)
    assert coach.get(reverse("home"))["Location"] == reverse("coach:dashboard")
    # Staff who coach see every client on the dashboard (visible_clients), not only their own.
    assert studio.cat.display_name in coach.get(reverse("coach:dashboard")).content.decode()


def test_a_refusal_and_a_missing_page_say_why_in_the_sites_own_page(studio: Studio) -> None:
    ann = logged_in(studio.ann.user)
    missing = ann.get(reverse("walks:plan", args=[studio.cat_plan.pk])).content.decode()
    assert "No such item." in missing and 'href="/"' in missing  # another client's plan: 404, in words
    unknown = ann.get("/no/such/page/").content.decode()
    assert "There is nothing at this address." in unknown and "Resolver404" not in unknown
