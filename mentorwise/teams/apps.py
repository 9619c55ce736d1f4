from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "mentorwise.teams"
    label = "teams"
    verbose_name = "Microsoft Teams"

    def ready(self) -> None:
        from mentorwise.accounts.reach import reach_register
        from mentorwise.messaging.contract import adapter_register
        from mentorwise.teams.adapter import TeamsAdapter, account_reach

        adapter_register(TeamsAdapter())
        reach_register("teams", account_reach)
