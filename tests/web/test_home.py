"""The studio's public face (issue 17 item 1): what a visitor sees at /, what search and social sites read from it
(title, description, Open Graph, schema.org data, the sitemap), and that the studio edits it in the admin."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from retrowalk.web.frontdesk.models import Booking, GroupSession, Question, Studio
from tests.web.conftest import Studio as Fixture
from tests.web.conftest import logged_in


def structured(html: str) -> list[dict]:
    block = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert block, "no JSON-LD"
    return json.loads(block.group(1))["@graph"]


@pytest.fixture
def public(studio: Fixture) -> Studio:
    """The studio's page, written in English and Spanish, with one session coming up (4 places, 1 booked), one
    past and one full."""
    now = timezone.now()
    place = Studio.objects.create(name="Hill & Vale Training", tagline_en="Personal training for women",
                                  locality="Charlotte", region="NC", street="12 Main St",
                                  offer_en="Small groups of four. Coaching for each of you.",
                                  tagline_es="Entrenamiento personal para mujeres",
                                  offer_es="Grupos de cuatro. Atención para cada una.")
    open_, full = (GroupSession.objects.create(coach=studio.coach, title_en=title, title_es=spanish,
                                               starts_at=now + timedelta(days=d), place="Park gate", capacity=cap)
                   for title, spanish, d, cap in (("Hill bouts", "Tramos en la cuesta", 2, 4),
                                                 ("Flat bouts", "Tramos en llano", 3, 1)))
    GroupSession.objects.create(coach=studio.coach, title="Last week's", starts_at=now - timedelta(days=7),
                                place="Park gate", capacity=4)
    Booking.objects.create(session=open_, client=studio.ann, status=Booking.Status.BOOKED)
    Booking.objects.create(session=open_, client=studio.ben, status=Booking.Status.CANCELLED)
    Booking.objects.create(session=full, client=studio.ben, status=Booking.Status.BOOKED)
    Question.objects.create(client=studio.ann, text="Ann's private words", published=True, pinned=True,
                            answered_at=now - timedelta(days=30), public_question_en="Uphill or downhill?",
                            public_answer_en="Uphill or flat, never downhill.",
                            public_question_es="¿Cuesta arriba o abajo?",
                            public_answer_es="Cuesta arriba o en llano, nunca cuesta abajo.")
    Question.objects.create(client=studio.ann, text="x", published=True, answered_at=now,
                            public_question_en="How long?", public_answer_en="5 to 10 minutes.",
                            public_question_es="¿Cuánto tiempo?", public_answer_es="De 5 a 10 minutos.")
    Question.objects.create(client=studio.ann, text="y", published=False, public_question="Not yet published?",
                            public_answer="No.")
    return place


def test_a_visitor_sees_the_studio_its_answers_and_sessions_and_the_free_intro_first(public: Studio) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Hill &amp; Vale Training" in html and "Charlotte, NC" in html
    assert 'name="password"' not in html  # not a login form
    intro = reverse("frontdesk:intro")
    assert html.index(f'href="{intro}"') < html.index("Small-group sessions")  # the main action comes first
    assert "Schedule your free intro" in html
    # The pinned answer first, the newer one after; nothing unpublished, no client's own words.
    assert html.index("Uphill or downhill?") < html.index("How long?")
    assert "Not yet published?" not in html and "Ann's private words" not in html
    # Sessions to come with places left; a full one says so; a past one is gone.
    assert "Hill bouts" in html and "3 places left" in html
    assert "Flat bouts" in html and "Full" in html
    assert "Last week's" not in html


def test_the_page_tells_search_and_social_sites_what_it_is(public: Studio, settings) -> None:
    settings.ALLOWED_HOSTS = ["studio.example.com"]
    html = Client().get("/", HTTP_HOST="studio.example.com").content.decode()
    assert "<title>Hill &amp; Vale Training, Charlotte, NC" in html
    description = re.search(r'<meta name="description" content="([^"]+)"', html)
    assert description and "Charlotte" in description.group(1) and len(description.group(1)) <= 300
    for prop in ("og:title", "og:description", "og:type", "og:url", "og:site_name"):
        assert f'property="{prop}"' in html, prop
    assert '<meta property="og:url" content="http://studio.example.com/">' in html
    assert '<link rel="canonical" href="http://studio.example.com/">' in html
    graph = structured(html)
    business = next(item for item in graph if item["@type"] == "ExerciseGym")
    assert business["name"] == "Hill & Vale Training"
    assert business["address"] == {"@type": "PostalAddress", "streetAddress": "12 Main St",
                                   "addressLocality": "Charlotte", "addressRegion": "NC", "addressCountry": "US"}
    events = [item for item in graph if item["@type"] == "Event"]
    assert [e["name"] for e in events] == ["Hill bouts", "Flat bouts"]
    assert events[0]["remainingAttendeeCapacity"] == 3 and events[0]["maximumAttendeeCapacity"] == 4
    assert events[1]["remainingAttendeeCapacity"] == 0
    assert events[0]["startDate"] < events[0]["endDate"]
    faq = next(item for item in graph if item["@type"] == "FAQPage")
    assert faq["mainEntity"][0]["name"] == "Uphill or downhill?"


def test_the_structured_data_cannot_close_its_script_element(public: Studio) -> None:
    public.name = "</script><script>alert(1)</script>"
    public.save()
    html = Client().get("/").content.decode()
    assert "<script>alert(1)" not in html
    assert next(i for i in structured(html) if i["@type"] == "ExerciseGym")["name"] == public.name


def test_the_sitemap_lists_the_public_pages_and_robots_points_to_it(public: Studio, settings) -> None:
    settings.ALLOWED_HOSTS = ["studio.example.com"]
    response = Client().get("/sitemap.xml", HTTP_HOST="studio.example.com")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {loc.text for loc in ElementTree.fromstring(response.content).findall("s:url/s:loc", ns)}
    assert urls == {"http://studio.example.com/", "http://studio.example.com" + reverse("frontdesk:intro"),
                    "http://studio.example.com" + reverse("frontdesk:answers")}
    robots = Client().get("/robots.txt", HTTP_HOST="studio.example.com").content.decode()
    assert "Sitemap: http://studio.example.com/sitemap.xml" in robots and "Disallow: /s/" in robots


def test_signed_in_people_still_land_on_their_own_page(public: Studio, studio: Fixture) -> None:
    assert logged_in(studio.coach.user).get("/")["Location"] == reverse("coach:dashboard")
    assert logged_in(studio.ann.user).get("/")["Location"] == reverse("walks:dashboard", args=[studio.ann.pk])


def test_the_studio_edits_its_page_in_the_admin(public: Studio, studio: Fixture) -> None:
    """By someone on the staff who may edit it (the owner, a superuser, may anyway)."""
    studio.staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="frontdesk",
                                                                 codename__endswith="_studio"))
    staff = logged_in(studio.staff)
    url = reverse("admin:frontdesk_studio_change", args=[public.pk])
    form = staff.get(url)
    assert form.status_code == 200
    response = staff.post(url, {"name": "Hill and Vale", "tagline_en": "", "tagline_es": "", "street_en": "",
                                "street_es": "",
                                "locality": "Raleigh", "region": "NC", "country": "US", "telephone": "",
                                "about_en": "", "about_es": "", "offer_en": "", "offer_es": "",
                                "intro_text_en": "Meet a coach.", "intro_text_es": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    html = Client().get("/").content.decode()
    assert "Hill and Vale" in html and "Raleigh, NC" in html and "Meet a coach." in html
    # One studio: no second one can be added.
    assert staff.get(reverse("admin:frontdesk_studio_add")).status_code == 403


def test_without_a_studio_saved_the_page_still_works(studio: Fixture) -> None:
    response = Client().get("/")
    assert response.status_code == 200 and "Schedule your free intro" in response.content.decode()


def test_the_demo_is_the_seeds_studio_with_its_own_question_first(db, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--quiet-logins")
    html = Client().get("/").content.decode()
    assert "True 180 Personal Training for Women" in html and "Charlotte, NC" in html
    first = html.index("Is there any benefit to walking backwards?")
    assert first < html.index("Is walking backwards good for knee pain?")
    assert "start slow (2 mph)" in html and "Uphill and flat work better than downhill" in html
