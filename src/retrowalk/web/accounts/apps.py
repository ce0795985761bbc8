from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "retrowalk.web.accounts"
    label = "accounts"
    verbose_name = gettext_lazy("Coaches and clients")
