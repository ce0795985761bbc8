from django.apps import AppConfig


class CoachConfig(AppConfig):
    name = "retrowalk.web.coach"
    label = "coach"
    verbose_name = "Coach dashboard"
