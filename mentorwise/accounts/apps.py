from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mentorwise.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.core import checks

        from mentorwise.accounts import signals  # noqa: F401 - connects the receivers
        from mentorwise.accounts.two_step import check_required_roles

        checks.register(check_required_roles)
