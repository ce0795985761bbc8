"""A small studio for the web tests: two coaches, their clients, a staff member; named as the tests speak of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from retrowalk.core.plan import Kind
from retrowalk.web.accounts.models import Profile, Role
from retrowalk.web.walks import services
from retrowalk.web.walks.management.commands.demo import loop_gpx
from retrowalk.web.walks.models import Route, WalkPlan, WalkSession
from tests.browser import CHROMIUM, CSP_VIOLATIONS, needs_chromium  # noqa: F401  (for the browser tests)

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """PBKDF2's deliberate slowness protects real passwords; tests have none worth it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Studio:
    coach: Profile
    ann: Profile
    """A client of ``coach``; owns ``ann_route``, ``ann_plan``, ``ann_session``."""
    ben: Profile
    """Another client of ``coach``."""
    other_coach: Profile
    cat: Profile
    """A client of ``other_coach``."""
    staff: User
    ann_route: Route
    ann_plan: WalkPlan
    ann_route_plan: WalkPlan
    ann_session: WalkSession
    ben_plan: WalkPlan
    ben_route: Route
    cat_plan: WalkPlan


def person(username: str, role: Role, coach: Profile | None = None) -> Profile:
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD, first_name=username.title())
    return Profile.objects.create(user=user, role=role, coach=coach)


@pytest.fixture
def studio(db, settings, tmp_path) -> Studio:
    settings.MEDIA_ROOT = tmp_path / "media"
    coach = person("coach", Role.COACH)
    other = person("othercoach", Role.COACH)
    ann, ben = person("ann", Role.CLIENT, coach), person("ben", Role.CLIENT, coach)
    cat = person("cat", Role.CLIENT, other)
    staff = User.objects.create_user("staff", "staff@example.com", PASSWORD, is_staff=True)
    route = services.save_route(ann, "Hill", "hill.gpx", loop_gpx("Hill", 12.0, 500, 1))
    ben_route = services.save_route(ben, "Flat", "flat.gpx", loop_gpx("Flat", 0.5, 400, 2))
    minutes = services.PlanOptions(minutes=30, kind=Kind.OUTDOOR)
    session = services.log_session(ann, {"day": date.today() - timedelta(days=1), "setting": "outdoor",
                                         "backward_s": 300, "forward_s": 1500, "pain_during": 1, "effort": 2})
    return Studio(coach, ann, ben, other, cat, staff, route, services.make_plan(ann, ann.user, minutes),
                  services.make_plan(ann, ann.user, services.PlanOptions(kind=Kind.ROUTE), route), session,
                  services.make_plan(ben, ben.user, minutes), ben_route, services.make_plan(cat, cat.user, minutes))


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client

