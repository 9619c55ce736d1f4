from django.apps import AppConfig


class AvailabilityConfig(AppConfig):
    name = "mentorwise.availability"
    label = "availability"
    verbose_name = "Availability and calendars"
