from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "mentorwise.content"
    label = "content"
    verbose_name = "Program content in several languages"
