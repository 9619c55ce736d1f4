from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "mentorwise.jobs"
    label = "jobs"
    verbose_name = "Scheduled jobs"
