"""What the studio writes in its own words, in each language of the site (issue 17 item 4): its public page, the
answers it publishes and its small-group sessions' titles. django-modeltranslation gives each field a column per
language (``tagline_en``, ``tagline_es``); reading ``studio.tagline`` gives the page's language, or the other one
when that is not written yet (settings.MODELTRANSLATION_FALLBACK_LANGUAGES).

The studio's name, town and region and the sessions' places are not translated: they are what a visitor looks for
on a sign or a map. Its street line is, as it is often directions ("just across the way from the Bowl")."""

from modeltranslation.translator import TranslationOptions, register

from retrowalk.web.frontdesk.models import GroupSession, Question, Studio


@register(Studio)
class StudioTexts(TranslationOptions):
    fields = ("tagline", "street", "about", "offer", "intro_text")


@register(Question)
class PublishedAnswerTexts(TranslationOptions):
    fields = ("public_question", "public_answer")  # the client's own words (text, answer) stay as written


@register(GroupSession)
class SessionTexts(TranslationOptions):
    fields = ("title",)
