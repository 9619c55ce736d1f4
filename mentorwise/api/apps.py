from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mentorwise.api"
    label = "api"
    verbose_name = "API"
