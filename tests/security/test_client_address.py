"""The client's address behind a proxy (issue 13): X-Forwarded-For is read only from a trusted proxy, from the
right; a client's own header proves nothing. Limits, the consent audit and the login throttle all use it."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from retrowalk.web.clientip import client_ip
from retrowalk.web.frontdesk.models import IntroRequest, SmsConsent
from tests.web.conftest import PASSWORD, Studio
from tests.web.test_frontdesk import intro_post

PROXY = "127.0.0.1"


def seen(remote: str, forwarded: str | None, trusted: list[str], settings) -> str:
    settings.TRUSTED_PROXIES = trusted
    meta = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(("remote", "forwarded", "trusted", "client"), [
    ("198.51.100.9", "1.2.3.4", [], "198.51.100.9"),  # no proxy configured: the header is the client's own word
    ("198.51.100.9", "1.2.3.4", [PROXY], "198.51.100.9"),  # not from the proxy: ignored
    (PROXY, "203.0.113.5", [PROXY], "203.0.113.5"),
    (PROXY, "6.6.6.6, 203.0.113.5", [PROXY], "203.0.113.5"),  # the client wrote 6.6.6.6; nginx appended the rest
    (PROXY, "203.0.113.5, 10.0.0.2", [PROXY, "10.0.0.0/8"], "203.0.113.5"),  # two proxies, both trusted
    (PROXY, "10.0.0.3, 10.0.0.2", [PROXY, "10.0.0.0/8"], "10.0.0.3"),  # all trusted: the leftmost seen
    (PROXY, "[2001:db8::7]:443", [PROXY], "2001:db8::7"),
    (PROXY, "203.0.113.5:51234", [PROXY], "203.0.113.5"),
    (PROXY, "garbage, 203.0.113.5", [PROXY], "203.0.113.5"),
    (PROXY, "203.0.113.5, garbage", [PROXY], PROXY),  # a hop no proxy would write: trust stops there
    (PROXY, None, [PROXY], PROXY),
    ("::ffff:127.0.0.1", "203.0.113.5", [PROXY], "203.0.113.5"),
])
def test_the_address_is_the_rightmost_hop_that_is_not_a_trusted_proxy(remote, forwarded, trusted, client,
                                                                        settings) -> None:
    assert seen(remote, forwarded, trusted, settings) == client


def test_a_spoofed_header_from_a_client_moves_neither_the_limit_nor_the_audit(db, settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    codes = [Client().post(reverse("frontdesk:intro"), intro_post(email=f"p{i}@example.com",
                                                                   phone=f"(212) 555-01{i:02d}"),
                           REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code
             for i in range(6)]
    assert codes == [200] * 5 + [429]
    assert set(IntroRequest.objects.values_list("ip", flat=True)) == {"198.51.100.9"}
    assert set(SmsConsent.objects.values_list("ip", flat=True)) == {"198.51.100.9"}


def test_behind_the_proxy_each_visitor_has_a_limit_of_their_own(db, settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    def send(i: int, who: str) -> int:
        return Client().post(reverse("frontdesk:intro"), intro_post(email=f"q{i}@example.com",
                                                                     phone=f"(212) 555-02{i:02d}"),
                             REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=who).status_code

    assert [send(i, "203.0.113.5") for i in range(6)] == [200] * 5 + [429]
    assert send(7, "203.0.113.6") == 200
    assert SmsConsent.objects.filter(ip="203.0.113.6").count() == 1


def test_behind_the_proxy_wrong_passwords_from_one_visitor_do_not_lock_out_another(studio: Studio,
                                                                                     settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(10):
        attacker.post(reverse("login"), {"username": "ann", "password": "wrong"})
    assert attacker.post(reverse("login"), {"username": "ann", "password": PASSWORD}).status_code == 429
    ann = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert ann.post(reverse("login"), {"username": "ann", "password": PASSWORD}).status_code == 302
