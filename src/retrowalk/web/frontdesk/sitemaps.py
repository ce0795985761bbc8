"""The public pages for search engines (Django's own sitemaps framework): the home page, the free intro and the
published answers. Nothing behind a login, and no share link (those ask not to be indexed)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

PUBLIC = ("home", "frontdesk:intro", "frontdesk:answers")


class PublicPages(Sitemap):  # type: ignore[type-arg]
    changefreq = "weekly"

    def items(self) -> tuple[str, ...]:
        return PUBLIC

    def location(self, item: str) -> str:
        return reverse(item)

    def priority(self, item: str) -> float:
        return 1.0 if item == "home" else 0.6


SITEMAPS = {"public": PublicPages}


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    """robots.txt: the public pages may be indexed, the rest is private (and signed in anyway); where the
    sitemap is."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", "Disallow: /s/", "Disallow: /desk/",
             "Disallow: /accounts/", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
