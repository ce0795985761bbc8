from django.apps import AppConfig


class FrontdeskConfig(AppConfig):
    name = "retrowalk.web.frontdesk"
    label = "frontdesk"
    verbose_name = "Front desk"
