from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "mentorwise.learning"
    label = "learning"
    verbose_name = "Learning"
