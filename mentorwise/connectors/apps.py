from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "mentorwise.connectors"
    label = "connectors"
    verbose_name = "HR connectors"
