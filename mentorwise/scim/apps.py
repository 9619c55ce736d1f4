from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "mentorwise.scim"
    label = "scim"
    verbose_name = "SCIM provisioning"
