from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "mentorwise.channels"
    label = "channels"
    verbose_name = "Channels"
