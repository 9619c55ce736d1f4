from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mentorwise.demo"
    label = "demo"
    verbose_name = "Demo organization"
