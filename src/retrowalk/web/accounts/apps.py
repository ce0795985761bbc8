from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "retrowalk.web.accounts"
    label = "accounts"
    verbose_name = "Coaches and clients"
