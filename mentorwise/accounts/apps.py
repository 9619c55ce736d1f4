from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mentorwise.accounts"
    label = "accounts"
    verbose_name = "Accounts"
