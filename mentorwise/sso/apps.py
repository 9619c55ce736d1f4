from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "mentorwise.sso"
    label = "sso"
    verbose_name = "Single sign-on"
