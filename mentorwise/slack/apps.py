from django.apps import AppConfig


class SlackConfig(AppConfig):
    name = "mentorwise.slack"
    label = "slack"
    verbose_name = "Slack"

    def ready(self) -> None:
        from mentorwise.accounts.reach import reach_register
        from mentorwise.messaging.contract import adapter_register
        from mentorwise.slack.adapter import SlackAdapter, account_reach

        adapter_register(SlackAdapter())
        reach_register("slack", account_reach)
