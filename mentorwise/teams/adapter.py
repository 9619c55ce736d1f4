"""Teams as a channel of the one dispatcher (messaging.contract), and the account page's
line saying whether Teams reaches the signed-in person."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from mentorwise.accounts.models import User
from mentorwise.accounts.reach import Reach
from mentorwise.messaging.contract import Message
from mentorwise.teams import services
from mentorwise.teams.connector import configured
from mentorwise.teams.models import TeamsMember


class TeamsAdapter:
    code = "teams"
    label = "Microsoft Teams"  # a product name: the same in every language

    def reachable(self, person_ids: Collection[int]) -> set[int]:
        return services.reachable_people(person_ids) if configured() else set()

    def send(self, message: Message) -> str:
        return services.message_send(message)


def account_reach(user: User) -> Reach | None:
    """None while the bot is not set up here (then Teams is not mentioned at all)."""
    if not configured():
        return None
    if user.person_id and TeamsMember.objects.filter(person_id=user.person_id).exists():
        return Reach("Microsoft Teams", True, _("cards in your chat with the Mentorwise app"))
    return Reach(
        "Microsoft Teams",
        False,
        _("add the Mentorwise app in Teams (Apps, search Mentorwise) and say hello to it"),
    )
