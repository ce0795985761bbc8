from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "retrowalk.web.backups"
    label = "backups"
    verbose_name = "Backups"
