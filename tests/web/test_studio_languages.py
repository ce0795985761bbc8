"""The studio's own words in each language (issue 17 item 4): its page, the answers it publishes and its sessions'
titles have an English and a Spanish version; a visitor reads hers, and what is not translated yet is shown in
the language it is written in, marked with that language so a screen reader pronounces it right."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from retrowalk.web.accounts.models import Profile
from retrowalk.web.frontdesk import services
from retrowalk.web.frontdesk.models import GroupSession, Question, Reminder, Studio
from retrowalk.web.language import LANGUAGE_NOUNS
from tests.web.conftest import Studio as Fixture
from tests.web.conftest import logged_in


def page(path: str, language: str, **params: str) -> str:
    response = Client().get(path, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def element_with(html: str, text: str) -> str:
    """The opening tags just before ``text`` (an element and any it opens first, such as a paragraph)."""
    found = re.search(r"((?:<[a-z][a-z0-9]*\b[^>]*>\s*)+)" + re.escape(text), html)
    assert found, f"{text!r} not on the page"
    return found.group(1)


@pytest.fixture
def bilingual(studio: Fixture) -> Studio:
    """A studio page written in both languages but for its "about", an answer in both, one written only in Spanish,
    and a session whose title is translated."""
    place = Studio.objects.create(name="Hill & Vale Training", locality="Charlotte", region="NC",
                                  tagline_en="Personal training for women",
                                  tagline_es="Entrenamiento personal para mujeres",
                                  about_en="Every age, every level.",
                                  offer_en="Small groups of four.", offer_es="Grupos pequeños de cuatro.",
                                  intro_text_en="Meet a coach.", intro_text_es="Conoce a una coach.")
    now = timezone.now()
    Question.objects.create(client=studio.ann, text="x", published=True, pinned=True, answered_at=now,
                            public_question_en="Uphill or downhill?", public_answer_en="Uphill or flat, never down.",
                            public_question_es="¿Cuesta arriba o abajo?",
                            public_answer_es="Cuesta arriba o llano, nunca abajo.")
    Question.objects.create(client=studio.ann, text="y", published=True, answered_at=now - timedelta(days=1),
                            public_question_es="¿Y en la cinta?", public_answer_es="Con 1 % de inclinación o más.")
    GroupSession.objects.create(coach=studio.coach, starts_at=now + timedelta(days=2), place="Park gate",
                                capacity=4, title_en="Hill bouts", title_es="Tramos en la cuesta")
    return place


def test_a_spanish_visitor_reads_the_studio_in_spanish_and_an_english_one_in_english(bilingual: Studio) -> None:
    spanish = page("/", "es")
    for words in ("Entrenamiento personal para mujeres", "Grupos pequeños de cuatro.", "Conoce a una coach.",
                  "¿Cuesta arriba o abajo?", "Cuesta arriba o llano, nunca abajo.", "Tramos en la cuesta"):
        assert words in spanish, words
    for words in ("Personal training for women", "Small groups of four.", "Meet a coach.", "Uphill or downhill?",
                  "Hill bouts"):
        assert words not in spanish, words
    english = page("/", "en")
    for words in ("Personal training for women", "Small groups of four.", "Meet a coach.", "Uphill or downhill?",
                  "Hill bouts"):
        assert words in english, words
    assert "Entrenamiento personal" not in english and "Tramos en la cuesta" not in english
    # Search and social previews speak the page's language too.
    assert re.search(r'<meta property="og:title" content="[^"]*Entrenamiento personal para mujeres', spanish)
    assert '"name": "¿Cuesta arriba o abajo?"' in spanish  # the FAQ's structured data


def test_what_is_not_translated_yet_is_shown_in_its_own_language_and_marked_so(bilingual: Studio) -> None:
    spanish = page("/", "es")
    assert 'lang="en"' in element_with(spanish, "Every age, every level.")  # "about" has no Spanish yet
    assert "lang=" not in element_with(spanish, "Grupos pequeños de cuatro.")
    english = page("/", "en")
    assert 'lang="es"' in element_with(english, "¿Y en la cinta?")  # published in Spanish only
    assert 'lang="es"' in element_with(english, "Con 1 % de inclinación o más.")
    assert "lang=" not in element_with(english, "Uphill or downhill?")
    assert 'lang="es"' in element_with(page(reverse("frontdesk:answers"), "en"), "¿Y en la cinta?")


def test_search_finds_an_answer_in_whichever_language_it_is_written(bilingual: Studio) -> None:
    answers = reverse("frontdesk:answers")
    assert "¿Y en la cinta?" in page(answers, "en", q="inclinación")  # Spanish words, English page
    found = page(answers, "es", q="never")  # English words, Spanish page: shown in Spanish, where it has it
    assert "¿Cuesta arriba o abajo?" in found and "¿Y en la cinta?" not in found


def test_our_default_sentences_are_in_each_language_until_the_studio_writes_its_own(studio: Fixture) -> None:
    session = GroupSession.objects.create(coach=studio.coach, starts_at=timezone.now() + timedelta(days=1),
                                          place="Park gate", capacity=4)
    with translation.override("es"):
        assert GroupSession.objects.get(pk=session.pk).title == "Caminar hacia atrás, grupo reducido"
    with translation.override("en"):
        assert GroupSession.objects.get(pk=session.pk).title == "Backward walking, small group"
    assert "Habla con un coach sobre tus objetivos" in page("/", "es")  # no studio saved yet
    # What the studio writes replaces ours in that language only.
    with translation.override("es"):
        session.title = "Tramos en la cuesta"
        session.save()
    session = GroupSession.objects.get(pk=session.pk)
    assert (session.title_es, session.title_en) == ("Tramos en la cuesta", "Backward walking, small group")
    # A session made with its own title in one language shows that title in the other until it is translated.
    with translation.override("es"):
        own = GroupSession.objects.create(coach=studio.coach, starts_at=timezone.now() + timedelta(days=1),
                                          place="Park gate", capacity=4, title="Tramos en llano")
    with translation.override("en"):
        assert GroupSession.objects.get(pk=own.pk).title == "Tramos en llano"
    # Even when what a studio writes in Spanish is word for word our Spanish default, it is kept.
    Studio.objects.create(name="X", intro_text_en="Meet us.",
                          intro_text_es="Habla con un coach sobre tus objetivos y haz un plan para lograrlos.")
    assert "Habla con un coach sobre tus objetivos" in page("/", "es") and "Meet us." in page("/", "en")


def test_a_coach_publishes_in_the_language_she_chooses_and_keeps_the_other(studio: Fixture,
                                                                            bilingual: Studio) -> None:
    question = Question.objects.create(client=studio.ann, text="¿Puedo caminar hacia atrás en la cinta?")
    coach = logged_in(studio.coach.user)
    url = reverse("frontdesk:answer", args=[question.pk])
    form = coach.get(url, {"lang": "es"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language" value="es"' in form and "¿Puedo caminar hacia atrás en la cinta?" in form
    assert coach.post(url, {"answer": "Sí, Ann.", "publish": "on", "language": "es",
                            "public_question": "¿Puedo usar la cinta?", "public_answer": "Sí, a 1 % o más."},
                      HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    question.refresh_from_db()
    assert (question.public_question_es, question.public_question_en) == ("¿Puedo usar la cinta?", None)
    # Then its English version, from a page in English; the Spanish one stays.
    english_form = coach.get(url, {"lang": "en"}).content.decode()
    assert 'name="language" value="en"' in english_form
    coach.post(url, {"answer": "Sí, Ann.", "publish": "on", "language": "en",
                     "public_question": "Can I use the treadmill?", "public_answer": "Yes, at 1 % or more."})
    question.refresh_from_db()
    assert (question.public_question_es, question.public_question_en) == ("¿Puedo usar la cinta?",
                                                                          "Can I use the treadmill?")
    assert "Can I use the treadmill?" in page(reverse("frontdesk:answers"), "en")
    assert "¿Puedo usar la cinta?" in page(reverse("frontdesk:answers"), "es")
    # A language we do not have is refused, and nothing is saved.
    refused = coach.post(url, {"answer": "Ja.", "publish": "on", "language": "de", "public_question": "Kann ich?",
                               "public_answer": "Ja."})
    assert refused.status_code == 400
    question.refresh_from_db()
    assert question.answer == "Sí, Ann." and question.public_question_en == "Can I use the treadmill?"


def test_a_question_asked_in_spanish_is_answered_in_spanish_by_default(studio: Fixture) -> None:
    # Ann asks from a Spanish page; her coach reads the desk in English. The public version starts in the
    # language the question was asked in, so a Spanish answer is not published as the English one.
    logged_in(studio.ann.user).post(reverse("frontdesk:ask"), {"text": "¿Puedo caminar hacia atrás en la cinta?"},
                                    HTTP_ACCEPT_LANGUAGE="es")
    question = Question.objects.get()
    coach = logged_in(studio.coach.user)
    form = coach.get(reverse("frontdesk:answer", args=[question.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language" value="es"' in form


def test_the_answer_form_names_languages_as_a_sentence_does(studio: Fixture) -> None:
    # Mid-sentence, Spanish writes a language's name in lower case ("en español", "también en inglés"); Django's
    # catalogue capitalises them, as for a menu.
    question = Question.objects.create(client=studio.ann, text="¿Puedo caminar hacia atrás en la cinta?")
    coach = logged_in(studio.coach.user)
    url = reverse("frontdesk:answer", args=[question.pk])
    spanish = coach.get(url, {"lang": "es"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "en <strong>español</strong>" in spanish and "también en inglés" in spanish
    assert "Inglés" not in spanish and "Español</strong>" not in spanish
    english = coach.get(url, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "in <strong>English</strong>" in english and "in Spanish too" in english
    assert set(LANGUAGE_NOUNS) == set(dict(settings.LANGUAGES))  # a name for every language the pages speak


def test_the_studio_writes_both_languages_side_by_side_in_the_admin(bilingual: Studio, studio: Fixture) -> None:
    studio.staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="frontdesk",
                                                                 codename__endswith="_studio"))
    staff = logged_in(studio.staff)
    url = reverse("admin:frontdesk_studio_change", args=[bilingual.pk])
    form = staff.get(url).content.decode()
    assert 'name="tagline_en"' in form and 'name="tagline_es"' in form
    response = staff.post(url, {"name": "Hill and Vale", "street_en": "", "street_es": "", "locality": "Raleigh",
                                "region": "NC",
                                "country": "US", "telephone": "", "tagline_en": "For women",
                                "tagline_es": "Para mujeres",
                                "about_en": "", "about_es": "Todas las edades.", "offer_en": "", "offer_es": "",
                                "intro_text_en": "Meet a coach.", "intro_text_es": "Conoce a una coach."})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Para mujeres" in page("/", "es") and "Todas las edades." in page("/", "es")
    assert "For women" in page("/", "en")


def test_a_spanish_clients_reminder_names_the_session_in_spanish(studio: Fixture, bilingual: Studio,
                                                                 mailoutbox) -> None:
    Profile.objects.filter(pk=studio.ann.pk).update(language="es")
    session = GroupSession.objects.get(title_en="Hill bouts")
    services.book(session.pk, studio.ann)
    Reminder.objects.filter(booking__session=session).update(due_at=timezone.now() - timedelta(minutes=1))
    assert services.send_due_reminders("test") == 1
    assert "Tramos en la cuesta" in mailoutbox[-1].body


def test_the_demo_studio_speaks_spanish_too(db, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--quiet-logins")
    spanish = page("/", "es")
    assert "True 180 Personal Training for Women" in spanish  # a name is not translated
    assert "Justo enfrente del Ballantyne Bowl" in spanish  # directions are
    assert "Un estudio de entrenamiento personal" in spanish and "Habla con un coach sobre tus objetivos" in spanish
    assert "¿Caminar hacia atrás tiene algún beneficio?" in spanish
    assert "empieza despacio (2 mph)" in spanish  # the seed's tips, in Spanish
    assert "lang=" not in element_with(spanish, "¿Caminar hacia atrás tiene algún beneficio?")
    english = page("/", "en")
    assert "Is there any benefit to walking backwards?" in english and "start slow (2 mph)" in english
