from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mentorwise.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from mentorwise.accounts import signals  # noqa: F401 - connects the receivers
