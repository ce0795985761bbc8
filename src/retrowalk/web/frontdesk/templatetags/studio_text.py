"""``{{ studio|lang_of:"about" }}``: ` lang="en"` when the text shown is not in the page's language (it is not
translated yet, and is shown as written: settings.MODELTRANSLATION_FALLBACK_LANGUAGES), nothing when it is; so a
screen reader reads English words as English on a Spanish page (WCAG 3.1.2, language of parts)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString

from retrowalk.web.language import active_page_language

register = template.Library()


def written_in(item: models.Model, field: str) -> str:
    """The language of the words ``item.<field>`` shows: the page's, or the first in the fallbacks that has any."""
    page = active_page_language()
    for code in (page, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES):
        if getattr(item, f"{field}_{code}", None):
            return code
    return page


@register.filter
def lang_of(item: models.Model, field: str) -> SafeString:
    code = written_in(item, field)
    return SafeString("") if code == active_page_language() else format_html(' lang="{}"', code)
