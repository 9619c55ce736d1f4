from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "mentorwise.insights"
    label = "insights"
    verbose_name = "Insights"
