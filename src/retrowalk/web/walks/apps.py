from django.apps import AppConfig
from django.utils.translation import gettext, gettext_lazy, ngettext


class WalksConfig(AppConfig):
    name = "retrowalk.web.walks"
    label = "walks"
    verbose_name = gettext_lazy("Routes, plans and sessions")

    def ready(self) -> None:
        # The domain's words (plans, cues, refusals, exports) in the request's language: core/i18n.py.
        from retrowalk.core import i18n

        i18n.install(gettext, ngettext)
