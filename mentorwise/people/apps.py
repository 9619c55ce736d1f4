from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "mentorwise.people"
    label = "people"
    verbose_name = "People"
