from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "mentorwise.messaging"
    label = "messaging"
    verbose_name = "Messaging"
