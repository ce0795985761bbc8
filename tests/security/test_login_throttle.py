"""Logging in cannot be dodged (issue 13): ten wrong passwords for a name from one address lock that pair out,
whatever look-alike spelling of the name comes next, on the site's form and the admin's, and however many arrive
at once."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.web.conftest import PASSWORD, Studio

LOOK_ALIKES = ["ｃarol", "cａrol", "𝐜arol", "CAROL", " carol", "car\u200bol"]


@pytest.fixture
def carol(studio: Studio):
    from retrowalk.web.accounts.models import Role
    from tests.web.conftest import person

    return person("carol", Role.CLIENT, studio.coach)


def fail(browser: Client, name: str, times: int, url: str = "") -> list[int]:
    url = url or reverse("login")
    return [browser.post(url, {"username": name, "password": "wrong"}).status_code for _ in range(times)]


@pytest.mark.parametrize("alike", LOOK_ALIKES)
def test_a_look_alike_name_gets_no_fresh_tries(carol, alike: str) -> None:
    browser = Client()
    # Nine wrong passwords are nine "do not match"; the tenth locks the name out from here, and says so.
    assert fail(browser, "carol", 10) == [400] * 9 + [429]
    response = browser.post(reverse("login"), {"username": alike, "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed log-ins" in page and "15 minutes" in page
    assert "_auth_user_id" not in browser.session


def test_the_lock_is_per_name_and_address_not_the_whole_site(carol, studio: Studio) -> None:
    browser = Client()
    fail(browser, "carol", 10)
    assert browser.post(reverse("login"), {"username": "ann", "password": PASSWORD}).status_code == 302
    elsewhere = Client(REMOTE_ADDR="203.0.113.7")
    assert elsewhere.post(reverse("login"), {"username": "carol", "password": PASSWORD}).status_code == 302


def test_the_admin_login_is_throttled_too(studio: Studio) -> None:
    studio.coach.user.is_staff = True
    studio.coach.user.save()
    browser = Client()
    codes = fail(browser, "coach", 10, reverse("admin:login"))
    assert codes[-1] == 429 and 302 not in codes
    locked = browser.post(reverse("admin:login"), {"username": "coach", "password": PASSWORD})
    assert locked.status_code == 429 and "_auth_user_id" not in browser.session


CHECKS: list[int] = []


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting every password it is asked to check."""

    def verify(self, password: str, encoded: str) -> bool:
        CHECKS.append(1)
        return super().verify(password, encoded)


@pytest.mark.django_db(transaction=True)
def test_forty_wrong_logins_at_once_check_no_more_than_ten_passwords(settings) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("forty logins at once need PostgreSQL's concurrent writers (make test runs this on PostgreSQL)")
    from django.contrib.auth.models import User

    settings.PASSWORD_HASHERS = ["tests.security.test_login_throttle.CountingHasher"]
    User.objects.create_user("carol", "carol@example.com", PASSWORD)
    CHECKS.clear()
    start = threading.Barrier(40)
    codes: list[int] = []

    def attempt() -> None:
        start.wait()
        codes.append(Client().post(reverse("login"), {"username": "carol", "password": "wrong"}).status_code)
        connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(CHECKS) == 10, f"{len(CHECKS)} passwords checked for a limit of 10"
    assert sorted(codes) == [400] * 9 + [429] * 31  # the tenth check locks the pair out, as one at a time does
