from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "mentorwise.matches"
    label = "matches"
    verbose_name = "Matches"
