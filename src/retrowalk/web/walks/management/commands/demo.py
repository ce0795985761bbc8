"""``retrowalk-admin demo``: a small studio to try the product with: a coach, three clients with a few weeks of
history (one progressing, one whose pain is rising, one who has gone quiet), and a hilly and a flat route.

The routes are made here (a loop over rolling hills with GPS-like noise, and a flat riverside loop), so the demo
needs no outside file. Run it again and it changes nothing; ``--reset`` deletes the demo people first.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from retrowalk.core.plan import Kind
from retrowalk.web.accounts.models import HomeTreadmill, Profile, Role
from retrowalk.web.walks import services
from retrowalk.web.walks.models import WalkSession

COACH = ("coach", "Casey", "Coach", "walk-backward-coach")
CLIENTS = [
    ("alice", "Alice", "Ames", "walk-backward-alice", "progressing"),
    ("bob", "Bob", "Bauer", "walk-backward-bob", "rising"),
    ("carol", "Carol", "Cruz", "walk-backward-carol", "quiet"),
]

# The studio whose web page is the seed (shared/seed/walking-backwards-qa.txt), as the demo's public face.
SEED_STUDIO = {
    "name": "True 180 Personal Training for Women",
    "tagline": "A family-owned, women-only personal training studio",
    "street": "Just across the way from the Ballantyne Bowl, near your neighborhood Harris Teeter",
    "locality": "Charlotte", "region": "NC", "country": "US",
    "about": "Our personal trainers are here to guide you on your journey no matter your age or fitness level.",
    "offer": "We offer small group training sessions, where you'll enjoy a blend of individualized coaching and "
             "group camaraderie, together at a lower cost than you'd expect from standard personal training.",
    "intro_text": "Talk with a coach about your goals, make a plan to achieve them.",
}
SEED_STUDIO_ES = {  # our translation of the seed's words, for the studio's Spanish page (docs/translating.md)
    "tagline_es": "Un estudio de entrenamiento personal solo para mujeres, de gestión familiar",
    "street_es": "Justo enfrente del Ballantyne Bowl, cerca del Harris Teeter de tu barrio",
    "about_es": "Nuestro equipo de entrenamiento personal está aquí para guiarte en tu camino, sin importar tu edad "
                "ni tu nivel de forma física.",
    "offer_es": "Ofrecemos sesiones de entrenamiento en grupos reducidos, donde disfrutarás de una combinación de "
                "atención individual y compañerismo de grupo, a un precio más bajo de lo que esperarías del "
                "entrenamiento personal habitual.",
    "intro_text_es": "Habla con un coach sobre tus objetivos y haz un plan para lograrlos.",
}
SEED_QUESTION = ("Is there any benefit to walking backwards? I've seen it on TV and social media. Is that a thing?")
SEED_ANSWER = """Walking and/or jogging backwards can be great for your feet, ankles, knees, and your lower back. 5 to \
10 min in total is usually enough to get the benefit. So on a 30 min walk you have 20-25 min forward and 5-10 min \
backward.

Why is it helpful? Take the knees: in knee rehab an essential milestone is TKE, "terminal knee extension", being \
able to completely straighten out your knee. Going forwards, the last bit of straightening is the easiest part; \
walking backwards makes fully extending the knee the hardest part of each step, which means better quad strength \
and stability for your knees. For the rest of your lower body, think of it as a way to improve balance.

Tips for walking backwards:
- Your 5-10 min don't have to be all at once. Outside it's not always safe or practical to go that long backwards.
- Uphill and flat work better than downhill: downhill and backwards is when people tend to lose their balance.
- On a treadmill that doesn't lock when it's turned off (a "deadmill"), put your hips against the console and \
start going backwards.
- Most newer treadmills lock when they're off: set a slight incline (1% or more), start slow (2 mph), put your \
hips against the console and off you go."""

SEED_QUESTION_ES = ("¿Caminar hacia atrás tiene algún beneficio? Lo he visto en la tele y en las redes sociales. "
                    "¿De verdad funciona?")
SEED_ANSWER_ES = """Caminar o trotar hacia atrás puede ser muy bueno para los pies, los tobillos, las rodillas y la \
zona lumbar. Entre 5 y 10 minutos en total suelen bastar para notar el beneficio. Así, en una caminata de 30 \
minutos, vas de 20 a 25 minutos hacia delante y de 5 a 10 hacia atrás.

¿Por qué ayuda? Pensemos en las rodillas: en la rehabilitación de rodilla, un hito esencial es la TKE, la \
«extensión terminal de la rodilla», es decir, poder estirar la rodilla por completo. Al ir hacia delante, ese \
último tramo de extensión es la parte más fácil; al caminar hacia atrás, estirar la rodilla del todo pasa a ser la \
parte más difícil de cada paso, y eso significa más fuerza en el cuádriceps y más estabilidad en las rodillas. \
Para el resto del tren inferior, piénsalo como una forma de mejorar el equilibrio.

Consejos para caminar hacia atrás:
- Tus 5-10 minutos no tienen que ser seguidos. Al aire libre no siempre es seguro ni práctico ir tanto rato hacia \
atrás.
- Cuesta arriba y en llano funciona mejor que cuesta abajo: cuesta abajo y hacia atrás es cuando la gente suele \
perder el equilibrio.
- En una cinta que no se bloquea al apagarla (una cinta sin motor), apoya las caderas contra la consola y empieza \
a caminar hacia atrás.
- La mayoría de las cintas modernas se bloquean cuando están apagadas: pon una ligera inclinación (1 % o más), \
empieza despacio (2 mph), apoya las caderas contra la consola y adelante."""


def loop_gpx(name: str, hills_m: float, radius_m: float, seed: int) -> bytes:
    """A closed loop of ``2π·radius`` metres, one point every 4 m, elevation rolling by ``hills_m``."""
    rng = np.random.default_rng(seed)
    n = int(2 * np.pi * radius_m / 4)
    t = np.linspace(0, 2 * np.pi, n)
    north = radius_m * np.sin(t) * (1 + 0.25 * np.sin(3 * t))
    east = radius_m * (1 - np.cos(t)) * (1 + 0.15 * np.cos(2 * t))
    lat = 40.7128 + north / 111_195
    lon = -74.0060 + east / (111_195 * np.cos(np.radians(40.7128)))
    ele = 30 + hills_m * (np.sin(2 * t) + 0.5 * np.sin(5 * t + 1)) + rng.normal(0, 0.4, n)
    points = "\n".join(f'<trkpt lat="{a:.7f}" lon="{b:.7f}"><ele>{z:.1f}</ele></trkpt>'
                       for a, b, z in zip(lat, lon, ele, strict=True))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="retrowalk demo" '
            f'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>{name}</name><trkseg>\n{points}\n'
            "</trkseg></trk></gpx>\n").encode()


class Command(BaseCommand):
    help = "Load a demo studio (a coach, three clients with history, two routes) and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="delete the demo people and load them again")
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the logins")

    def handle(self, *args: Any, **options: Any) -> None:
        names = [COACH[0]] + [c[0] for c in CLIENTS]
        if options["reset"]:
            from retrowalk.web.frontdesk.models import GroupSession, IntroRequest, Studio

            GroupSession.objects.filter(coach__user__username=COACH[0]).delete()
            Studio.objects.filter(name=SEED_STUDIO["name"]).delete()
            IntroRequest.objects.filter(email="dana@example.com").delete()
            Profile.objects.filter(user__username__in=names, role=Role.CLIENT).delete()
            User.objects.filter(username__in=names).delete()
        if User.objects.filter(username=COACH[0]).exists():
            self.stdout.write("The demo studio is already loaded.")
        else:
            with transaction.atomic():
                self._load()
            self.stdout.write(self.style.SUCCESS("Demo studio loaded."))
        if not options["quiet_logins"]:
            self.stdout.write("Demo logins (user / password):")
            self.stdout.write(f"  coach  {COACH[0]} / {COACH[3]}")
            for username, _first, _last, password, story in CLIENTS:
                self.stdout.write(f"  client {username} / {password}   ({story})")

    def _load(self) -> None:
        coach_user = User.objects.create_user(COACH[0], f"{COACH[0]}@example.com", COACH[3], first_name=COACH[1],
                                              last_name=COACH[2])
        coach = Profile.objects.create(user=coach_user, role=Role.COACH)
        today = date.today()
        for i, (username, first, last, password, story) in enumerate(CLIENTS):
            user = User.objects.create_user(username, f"{username}@example.com", password, first_name=first,
                                            last_name=last)
            client = Profile.objects.create(user=user, role=Role.CLIENT, coach=coach,
                                            treadmill=[HomeTreadmill.LOCKED, HomeTreadmill.NONE,
                                                       HomeTreadmill.DEADMILL][i],
                                            pain_baseline=[0, 1, 0][i], week=1,
                                            knee_notes=["", "Left knee: mild osteoarthritis.", ""][i])
            if i == 0:
                hilly = services.save_route(client, "Hilltop loop", "hilltop-loop.gpx",
                                            loop_gpx("Hilltop loop", 12.0, 700, 1))
                services.save_route(client, "River path", "river-path.gpx", loop_gpx("River path", 0.6, 600, 2))
                services.make_plan(client, coach_user, services.PlanOptions(kind=Kind.ROUTE), hilly)
            self._history(client, story, today)
            services.make_plan(client, coach_user, services.PlanOptions(minutes=30, kind=Kind.OUTDOOR))
        self._front_desk(coach)

    def _front_desk(self, coach: Profile) -> None:
        """A weekly small-group series, a published answer, and an intro request waiting in the inbox."""
        from django.utils import timezone

        from retrowalk.web.frontdesk.models import (
            CONSENT_TEXT,
            CONSENT_VERSION,
            GroupSession,
            IntroRequest,
            Question,
            Studio,
        )
        from retrowalk.web.frontdesk.services import book, publish_series
        from retrowalk.web.frontdesk.sms import record_consent

        start = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
        sessions = publish_series(coach, start, 6, title="Backward walking on the hill, small group",
                                  place="Riverside Park, north gate", capacity=4, duration_min=45)
        GroupSession.objects.filter(pk__in=[s.pk for s in sessions]).update(
            title_es="Caminar hacia atrás en la cuesta, grupo reducido")
        for client in coach.clients.all()[:2]:
            book(sessions[0].pk, client)
        alice = coach.clients.get(user__username="alice")
        # The seed's studio and its own question and answer, with its tips, first on the home page.
        if not Studio.objects.exists():
            Studio.objects.create(**{f"{key}_en" if f"{key}_es" in SEED_STUDIO_ES else key: value
                                     for key, value in SEED_STUDIO.items()}, **SEED_STUDIO_ES)
        Question.objects.create(client=alice, text=SEED_QUESTION, language="en", answer=SEED_ANSWER,
                                answered_by=coach.user, answered_at=timezone.now(), published=True, pinned=True,
                                public_question_en=SEED_QUESTION, public_answer_en=SEED_ANSWER,
                                public_question_es=SEED_QUESTION_ES, public_answer_es=SEED_ANSWER_ES)
        Question.objects.create(
            client=alice, text="Is walking backwards good for knee pain?", answered_by=coach.user,
            answered_at=timezone.now(), published=True,
            answer="Yes, for many people: 5 to 10 minutes of it in a 30-minute walk, on flat or uphill ground.",
            public_question_en="Is walking backwards good for knee pain?",
            public_answer_en="For many people, yes. Add 5 to 10 minutes of backward walking to a 30-minute walk, "
                             "only on flat or uphill ground, in short bouts; or on a treadmill locked at 1 % incline "
                             "or more. Walking backward straightens the knee fully on every step, which strengthens "
                             "it.",
            public_question_es="¿Caminar hacia atrás es bueno para el dolor de rodilla?",
            public_answer_es="Para muchas personas, sí. Añade de 5 a 10 minutos de caminata hacia atrás a una "
                             "caminata de 30 minutos, solo en llano o cuesta arriba y en tramos cortos; o en una "
                             "cinta bloqueada con una inclinación del 1 % o más. Caminar hacia atrás estira la "
                             "rodilla por completo en cada paso, y eso la fortalece.")
        intro = IntroRequest.objects.create(name="Dana Diaz", email="dana@example.com", phone="+12125550123",
                                            goals="Climb stairs without knee pain", preferred_times="Mornings")
        record_consent(intro.phone, True, CONSENT_TEXT, CONSENT_VERSION, "demo")

    def _history(self, client: Profile, story: str, today: date) -> None:
        """Three sessions a week for five weeks, each logged as the client would, the step moved by the rule."""
        rng = np.random.default_rng({"progressing": 1, "rising": 2, "quiet": 3}[story])
        start = today - timedelta(weeks=5)
        start -= timedelta(days=start.weekday())
        stop = today - timedelta(days=10) if story == "quiet" else today - timedelta(days=1)
        day = start
        while day <= stop:
            if day.weekday() in (0, 2, 4):
                week_no = (day - start).days // 7
                pain = {"progressing": int(rng.integers(0, 3)),
                        "rising": min(7, 1 + week_no + int(rng.integers(0, 2))),
                        "quiet": int(rng.integers(1, 4))}[story]
                morning = client.pain_baseline if pain <= 5 else client.pain_baseline + 1
                backward = services.dose_minutes(client) * 60
                session = WalkSession(client=client, day=day, week=client.week, setting=Kind.OUTDOOR.value,
                                      backward_s=int(backward), forward_s=int(30 * 60 - backward), pain_during=pain,
                                      pain_next_morning=None if day == stop else morning,
                                      effort=int(rng.integers(2, 4)) if story == "progressing" else 4)
                session.save()
                services.apply_decision(client)
            day += timedelta(days=1)
