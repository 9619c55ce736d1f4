from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mentorwise.notifications"
    label = "notifications"
    verbose_name = "Notifications"
