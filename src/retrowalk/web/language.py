"""Which language a page speaks: the signed-in person's profile, else what the browser asks for (Django's
LocaleMiddleware: its language cookie, then Accept-Language), else English.

The profile keeps a full tag (``es-US``) because the live coach's voice needs a region; pages need only the
language (``es``). Exports and texts made *for* a client (her card, her calendar, her live coach) use her
language whoever asks for them: see :func:`for_client`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy

VOICES = [("", gettext_lazy("As my browser asks")),
          ("en-US", "English (US)"), ("en-GB", "English (UK)"), ("en-CA", "English (Canada)"),
          ("en-AU", "English (Australia)"), ("en-IE", "English (Ireland)"),
          ("es-US", "Español (Estados Unidos)"), ("es-MX", "Español (México)"), ("es-ES", "Español (España)")]
"""The profile's choices: each a language of the pages and a voice of the live coach. Names are written in their
own language, as a language menu should be (a reader of Spanish looks for "Español", not "Spanish")."""

VOICE_PATTERN = r"^(|en-(US|GB|CA|AU|IE)|es-(US|MX|ES))$"
"""The same choices for the API's validation."""


LANGUAGE_NOUNS = {"en": gettext_lazy("English"), "es": gettext_lazy("Spanish")}
"""Each page language's name as a sentence says it ("también en inglés"): Spanish writes it in lower case, where
Django's own names (``get_language_info``) are capitalised for a menu."""


def language_noun(code: str) -> str:
    """The language's name in this page's words, for use inside a sentence."""
    return str(LANGUAGE_NOUNS[code])


def page_language(tag: str) -> str | None:
    """The page language of a profile's tag (``es-MX`` -> ``es``), or None for "as the browser asks"."""
    code = tag.split("-", 1)[0].lower()
    return code if code in dict(settings.LANGUAGES) else None


def active_page_language() -> str:
    """The language this page (or this override) speaks, as one of settings.LANGUAGES' codes."""
    return page_language(translation.get_language() or "") or settings.LANGUAGE_CODE


def tag_for(code: str) -> str:
    """A profile's tag for a page language someone used (an intro request's ``es``): the first voice of that
    language (``es-US``), or "as the browser asks" for the site's own language and for one we do not have."""
    code = code.split("-", 1)[0].lower()
    if not code or code == settings.LANGUAGE_CODE.split("-", 1)[0]:
        return ""
    return next((tag for tag, _name in VOICES if tag.split("-", 1)[0].lower() == code), "")


class ProfileLanguageMiddleware:
    """After AuthenticationMiddleware and LocaleMiddleware: a signed-in person's profile language, when set, wins
    over the browser's. Reads the profile the page's own access checks load anyway (one cached relation)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
        code = page_language(profile.language) if profile is not None else None
        if code is not None and code != request.LANGUAGE_CODE:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


@contextmanager
def for_client(tag: str) -> Iterator[None]:
    """Within: texts in a client's own language (her profile's), whatever the page's. Falls back to the page's."""
    code = page_language(tag)
    if code is None:
        yield
        return
    with translation.override(code):
        yield
