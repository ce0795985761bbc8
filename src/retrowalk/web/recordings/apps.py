from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "retrowalk.web.recordings"
    label = "recordings"
    verbose_name = "Recorded walks"
