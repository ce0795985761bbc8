"""A CSRF check on every unsafe route, found by walking the URL resolver (tests/security/routes.py): a POST, PUT,
PATCH or DELETE from a signed-in browser without the CSRF token is refused before any view runs, on every page
and every API operation. The only routes without Django's check are named here, each with its own defence."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.security.routes import UNSAFE, api_operations, api_routes_in_resolver, pages
from tests.web.conftest import Studio

pytestmark = pytest.mark.django_db

# The routes that take an unsafe request without Django's CSRF token, and what protects each instead.
EXEMPT = {
    "frontdesk:sms_inbound": "the provider's signature (X-Twilio-Signature), checked in tests/web/test_frontdesk.py",
}


def browser(studio: Studio) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(studio.coach.user)
    return client


def sample(name: str) -> str:
    return "1"


def test_the_route_lists_are_whole() -> None:
    found = pages()
    assert len(found) > 40  # the site, the auth views and the admin
    assert {"walks:plan", "frontdesk:book", "coach:dashboard", "admin:index"} <= {p.name for p in found}
    # Every API path the resolver serves is in the OpenAPI list the API test walks.
    assert api_routes_in_resolver() == {path for _, path in api_operations()}


def test_every_unsafe_page_request_without_the_token_is_refused(studio: Studio) -> None:
    client = browser(studio)
    checked = 0
    for page in pages():
        if page.name in EXEMPT:
            assert getattr(page.callback, "csrf_exempt", False), page.name
            continue
        assert not getattr(page.callback, "csrf_exempt", False), f"{page.name} skips the CSRF check: say why in EXEMPT"
        url = page.url(**{name: sample(name) for name in page.params})
        for method in UNSAFE:
            response = getattr(client, method)(url, {} if method == "post" else "")
            assert response.status_code == 403 and b"CSRF" in response.content, (method, url, response.status_code)
            checked += 1
    assert checked >= 4 * 40


def test_every_unsafe_api_operation_from_a_browser_session_without_the_token_is_refused(studio: Studio) -> None:
    client = browser(studio)
    unsafe = [(m, p) for m, p in api_operations() if m in UNSAFE]
    assert len(unsafe) >= 6
    for method, path in unsafe:
        url = path.replace("{client_id}", str(studio.ann.pk)).replace("{plan_id}", str(studio.ann_plan.pk)) \
            .replace("{session_id}", str(studio.ann_session.pk))
        assert "{" not in url, f"{path}: give its parameter a value here"
        response = getattr(client, method)(url, "{}", content_type="application/json")
        assert response.status_code == 403, (method, url, response.status_code, response.content[:200])
        assert "CSRF" in response.json()["detail"], (method, url)


def test_the_exempt_routes_defend_themselves(studio: Studio, settings) -> None:
    settings.TWILIO_AUTH_TOKEN = "test-token"
    response = Client(enforce_csrf_checks=True).post("/sms/inbound/", {"From": "+12025550143", "Body": "STOP",
                                                                        "MessageSid": "SM1"})
    assert response.status_code == 403  # no signature
