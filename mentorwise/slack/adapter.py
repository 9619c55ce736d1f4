"""Slack as a channel of the one dispatcher (messaging.contract), and the account page's
line saying whether Slack reaches the signed-in person."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from mentorwise.accounts.models import User
from mentorwise.accounts.reach import Reach
from mentorwise.messaging.contract import Message
from mentorwise.slack import services
from mentorwise.slack.models import SlackWorkspace


class SlackAdapter:
    code = "slack"
    label = "Slack"  # a product name: the same in every language

    def reachable(self, person_ids: Collection[int]) -> set[int]:
        return services.reachable_people(person_ids)

    def send(self, message: Message) -> str:
        return services.message_send(message)


def account_reach(user: User) -> Reach | None:
    """None while no workspace is installed (then Slack is not mentioned at all)."""
    if not SlackWorkspace.objects.installed().exists():
        return None
    member = services.member_for_person(user.person_id) if user.person_id else None
    if member is None:
        return Reach(
            "Slack",
            False,
            _("no Slack user with your e-mail address was found in the installed workspace"),
        )
    return Reach(
        "Slack", True, _("direct messages in %(team)s") % {"team": member.workspace.team_name}
    )
