"""The Spanish catalogue (issue 17): complete, current with the code, and used: pages follow the profile, then the
browser; what is made for a client (plans, live coach, card, calendar) is in her language, whoever asks for it.

Expected words are looked up in the catalogue itself (``translation.override("es")``), not written here: a better
translation later changes no test, and a page that skipped translation still fails."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from retrowalk.core.plan import Kind
from retrowalk.web.walks import services
from tests.web.conftest import Studio, logged_in

SRC = Path(__file__).resolve().parents[2] / "src" / "retrowalk"
PO = SRC / "web" / "locale" / "es" / "LC_MESSAGES" / "django.po"


def es(message: str, context: str | None = None) -> str:
    with translation.override("es"):
        text = translation.pgettext(context, message) if context else translation.gettext(message)
    assert text != message, f"no Spanish for {message!r}: is the catalogue compiled (make test does it)?"
    return text


def entries(po: str) -> set[tuple[str, str]]:
    """(context, message) of every entry but the header, from a .po file's text."""
    found = set()
    for block in po.split("\n\n"):
        lines = [x for x in block.splitlines() if not x.startswith("#")]
        text = "\n".join(lines)
        msgid = re.search(r'^msgid ((?:"(?:[^"\\]|\\.)*"\n?)+)', text, re.M)
        if not msgid:
            continue
        context = re.search(r'^msgctxt ((?:"(?:[^"\\]|\\.)*"\n?)+)', text, re.M)
        join = lambda m: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))) if m else ""  # noqa: E731
        if join(msgid):
            found.add((join(context), join(msgid)))
    return found


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_every_message_has_its_spanish_and_keeps_its_placeholders() -> None:
    out = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, str(PO)], capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr  # --check: every %(name)s of the English is in the Spanish
    assert "untranslated" not in out.stderr and "fuzzy" not in out.stderr, out.stderr


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is not installed")
def test_the_catalogue_has_every_message_of_the_code_and_no_other(tmp_path: Path) -> None:
    """``make messages`` gathered the words after the last change: run it on a copy and compare."""
    copy = tmp_path / "retrowalk"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": "retrowalk.web.settings",
           "RETROWALK_DATA_DIR": str(tmp_path / "var")}
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "es", "--add-location", "file",
                    "--no-obsolete", "-v0"], cwd=copy, env=env, check=True, timeout=300)
    gathered = entries((copy / "web" / "locale" / "es" / "LC_MESSAGES" / "django.po").read_text())
    kept = entries(PO.read_text())
    assert gathered == kept, (f"run make messages: new {sorted(gathered - kept)[:5]}, "
                              f"gone {sorted(kept - gathered)[:5]}")


def test_a_visitor_gets_the_language_her_browser_asks_for(db) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5").get(reverse("home"))
    html = page.content.decode()
    assert page.status_code == 200 and '<html lang="es"' in html
    assert es("Schedule your free intro") in html and es("Log in") in html
    english = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("home")).content.decode()
    assert '<html lang="en"' in english and "Schedule your free intro" in english


def test_the_language_menu_switches_a_visitor_to_spanish(db) -> None:
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    answer = visitor.post(reverse("set_language"), {"language": "es", "next": reverse("frontdesk:intro")})
    assert answer.status_code == 302
    assert '<html lang="es"' in visitor.get(reverse("frontdesk:intro")).content.decode()


def test_her_profile_language_wins_over_the_browser_and_blank_follows_it(studio: Studio) -> None:
    studio.ann.language = "es-MX"
    studio.ann.save()
    ann = logged_in(studio.ann.user)
    html = ann.get(reverse("walks:dashboard", args=[studio.ann.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es"' in html and es("My walks") in html
    studio.ann.language = ""
    studio.ann.save()
    html = ann.get(reverse("walks:dashboard", args=[studio.ann.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es"' in html
    html = ann.get(reverse("walks:dashboard", args=[studio.ann.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in html and "My walks" in html


def test_the_coach_dashboard_in_spanish_says_its_flags_and_columns_in_spanish(studio: Studio) -> None:
    studio.coach.language = "es-US"
    studio.coach.save()
    html = logged_in(studio.coach.user).get(reverse("coach:dashboard")).content.decode()
    assert f'data-label="{es("Last session")}"' in html
    quiet = translation.override("es")
    with quiet:
        flag = translation.ngettext("no session in %(n)d day", "no session in %(n)d days", 7) % {"n": 7}
    assert flag in html  # Ben has never walked


def test_a_plan_made_for_a_spanish_client_speaks_spanish_to_her_live_coach_and_on_her_card(studio: Studio) -> None:
    studio.ann.language = "es-MX"
    studio.ann.save()
    # Made by her English-speaking coach's request: the plan is hers, so are its words.
    with translation.override("en"):
        plan = services.make_plan(studio.ann, studio.coach.user, services.PlanOptions(minutes=30, kind=Kind.OUTDOOR))
    assert es("Walk backward only on flat or uphill ground, never downhill.") in plan.data["safety"]
    page = logged_in(studio.ann.user).get(reverse("walks:walk", args=[plan.pk]))
    data = json.loads(re.search(r'<script id="walk-data" type="application/json">(.*?)</script>',
                                page.content.decode(), re.S).group(1))
    assert data["lang"] == "es-MX"  # her voice, with its region
    assert data["words"]["turn_outdoor"] == es(
        "Turn around now. Walk backward for %(length)s. Look over your shoulder.")
    coach = logged_in(studio.coach.user)
    ics = coach.get(reverse("walks:plan_export", args=[plan.pk, "ics"]), HTTP_ACCEPT_LANGUAGE="en")
    assert ics.status_code == 200 and es("Backward walk").encode() in ics.content


def test_english_stays_english(studio: Studio) -> None:
    studio.ann.language = "en-GB"
    studio.ann.save()
    html = logged_in(studio.ann.user).get(reverse("walks:dashboard", args=[studio.ann.pk]),
                                          HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en"' in html and "My walks" in html


def test_an_intro_asked_in_spanish_becomes_a_client_who_reads_spanish(studio: Studio) -> None:
    from retrowalk.web.frontdesk.models import IntroRequest

    intro = IntroRequest.objects.create(name="Dana Diaz", email="dana@example.com", language="es")
    english = IntroRequest.objects.create(name="Eve Evans", email="eve@example.com", language="en")
    coach = logged_in(studio.coach.user)
    for one in (intro, english):
        coach.post(reverse("frontdesk:intro", args=[one.pk]), {"convert": "1"})
        one.refresh_from_db()
    assert intro.client is not None and intro.client.language.startswith("es-")
    assert english.client is not None and english.client.language == ""  # English: as her browser asks
    html = logged_in(intro.client.user).get(reverse("walks:dashboard", args=[intro.client.pk]),
                                            HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es"' in html


def test_a_language_we_do_not_have_is_refused_with_a_sentence_and_changes_nothing(studio: Studio) -> None:
    """The profile's language, through the page and the API: only the listed voices (web/language.py VOICES)."""
    ann = logged_in(studio.ann.user)
    api = ann.patch(f"/api/clients/{studio.ann.pk}/profile", json.dumps({"language": "fr-FR"}),
                    content_type="application/json")
    assert api.status_code == 400 and "language" in api.json()["detail"], api.content
    page = ann.post(reverse("walks:profile", args=[studio.ann.pk]),
                    {"units": "mph", "language": "fr-FR", "treadmill": "none", "pain_baseline": "0",
                     "speed_forward": "3.0", "speed_backward": "1.5", "knee_notes": ""})
    assert page.status_code == 400 and b"Traceback" not in page.content
    studio.ann.refresh_from_db()
    assert studio.ann.language == ""
    # The page's picture size, from its query: anything but "phone" is the desktop's drawing, never an error.
    plan = studio.ann_route_plan
    for asked in ("phone", "desktop", "poster", "%00"):
        assert ann.get(reverse("walks:plan_profile", args=[plan.pk]), {"size": asked}).status_code == 200


def test_a_client_who_switches_to_spanish_is_told_in_spanish_and_reads_no_codes(studio: Studio) -> None:
    ann = logged_in(studio.ann.user)
    url = reverse("walks:profile", args=[studio.ann.pk])
    done = ann.post(url, {"units": "kmh", "language": "es-MX", "treadmill": "none", "pain_baseline": "0",
                          "speed_forward": "4.8", "speed_backward": "2.4", "knee_notes": ""},
                    HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "Perfil guardado." in done and "Profile saved." not in done  # in the language she has just chosen
    assert "kmh" not in done.split("<main", 1)[1]  # the units as words, not the stored code
    form = ann.get(url).content.decode()
    assert "As my browser asks" not in form and "her browser" not in form and "DOMAIN.md" not in form
