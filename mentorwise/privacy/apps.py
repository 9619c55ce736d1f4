from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "mentorwise.privacy"
    label = "privacy"
    verbose_name = "Privacy"
