"""Messaging: the one dispatcher every notification to a person goes through.

Services anywhere above `people` record a notification (`notify`); the dispatcher delivers it
after commit on the channels the person chose for its kind (e-mail, Slack, Teams), within
their quiet hours, and always on at least one channel for an essential notice. Channel
adapters (`contract.ChannelAdapter`) register themselves from the apps that implement them.
"""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "mentorwise.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from mentorwise.messaging.contract import adapter_register
        from mentorwise.messaging.email import EmailAdapter

        adapter_register(EmailAdapter())
