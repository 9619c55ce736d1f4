from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "mentorwise.communications"
    label = "communications"
    verbose_name = "Program communications"
