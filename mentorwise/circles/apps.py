from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "mentorwise.circles"
    label = "circles"
    verbose_name = "Circles"
