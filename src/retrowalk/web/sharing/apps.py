from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "retrowalk.web.sharing"
    label = "sharing"
    verbose_name = "Privacy zones and share links"
