from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "mentorwise.relationships"
    label = "relationships"
    verbose_name = "Relationships"
