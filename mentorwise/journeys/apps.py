from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "mentorwise.journeys"
    label = "journeys"
    verbose_name = "Journeys"
