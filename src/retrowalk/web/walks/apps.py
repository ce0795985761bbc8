from django.apps import AppConfig


class WalksConfig(AppConfig):
    name = "retrowalk.web.walks"
    label = "walks"
    verbose_name = "Routes, plans and sessions"
