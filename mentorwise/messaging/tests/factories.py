"""Factories and fakes for messaging: notifications, and a recording chat adapter."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import factory

from mentorwise.messaging.contract import ChannelError, Kind, Message
from mentorwise.messaging.models import Notification
from mentorwise.people.tests.factories import PersonFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    person = factory.SubFactory(PersonFactory)
    kind = Kind.NUDGE
    subject = "Time to meet again"
    body = "You last met a while ago."
    url = "/relationships/1/"


@dataclass
class RecordingAdapter:
    """A chat channel that records what it was asked to send (a stand-in for Slack/Teams).

    `reach` is who it can reach (None: everybody); `fail` makes every send raise."""

    code: str = "chat"
    label: str = "Chat"
    reach: set[int] | None = None
    fail: ChannelError | None = None
    sent: list[Message] = field(default_factory=list)
    calls: int = 0

    def reachable(self, person_ids: Collection[int]) -> set[int]:
        return set(person_ids) if self.reach is None else self.reach & set(person_ids)

    def send(self, message: Message) -> str:
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        self.sent.append(message)
        return f"{self.code}-{message.notification_id}"
