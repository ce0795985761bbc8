"""Every route the site answers, found by walking Django's URL resolver and the API's own OpenAPI document, so a
security test over "every route" covers a view added tomorrow without anyone remembering to list it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

UNSAFE = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Page:
    route: str
    """As Django writes it: ``plans/<int:pk>/``; a regular expression's groups as ``<name>``."""
    name: str
    callback: Any

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)

    def url(self, **values: object) -> str:
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), self.route)
        return "/" + path


def _route(pattern: Any) -> str:
    if isinstance(pattern, RegexPattern):  # the admin's ^(?P<app_label>auth|…)/$ and its catch-all
        text = pattern.regex.pattern.lstrip("^").rstrip("$")
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
        return text.replace(".*", "")
    return str(pattern)


def _walk(patterns: list[Any], prefix: str, names: str) -> Iterator[Page]:
    for p in patterns:
        if isinstance(p, URLResolver):
            space = f"{names}{p.namespace}:" if p.namespace else names
            yield from _walk(p.url_patterns, prefix + _route(p.pattern), space)
        elif isinstance(p, URLPattern):
            yield Page(prefix + _route(p.pattern), f"{names}{p.name or ''}", p.callback)


def pages() -> list[Page]:
    """Every Django route but the API's (those come from :func:`api_operations`, which knows their methods)."""
    return [p for p in _walk(get_resolver().url_patterns, "", "") if not p.route.startswith("api/")
            or p.route in ("api/docs", "api/openapi.json")]


def api_operations() -> list[tuple[str, str]]:
    """(method, path as ``/api/clients/{client_id}/plans``) for every operation of the API."""
    from retrowalk.web.api.api import api

    paths = api.get_openapi_schema()["paths"]
    return [(method, "/api" + path.removeprefix("/api")) for path, ops in paths.items() for method in ops]


def api_routes_in_resolver() -> set[str]:
    """The API's paths as the resolver holds them (``/api/plans/{plan_id}``): checked against the OpenAPI list."""
    return {"/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", p.route) for p in _walk(get_resolver().url_patterns, "", "")
            if p.route.startswith("api/") and p.route not in ("api/", "api/docs", "api/openapi.json")}
