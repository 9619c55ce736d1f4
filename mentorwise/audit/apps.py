from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mentorwise.audit"
    label = "audit"
    verbose_name = "Audit log"
