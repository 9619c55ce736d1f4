"""What a channel adapter receives and must do: the contract between the dispatcher and
e-mail, Slack and Teams. Plain dataclasses and a Protocol; no Django models.

A `Message` carries only what may leave the system (DESIGN rule 9): a subject, a body built
from non-private facts, a link back to the page, and buttons. An adapter renders it in its
own format (an e-mail, Slack blocks, an Adaptive Card) and sends it; a button pressed in
Slack or Teams comes back to that channel's app, which acts through the same services as
the web page, as the person mapped to the chat user.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable


class Kind(StrEnum):
    """What a notification is about; people choose their channels per kind."""

    MATCH_OFFER = "match_offer"  # a proposed match to accept or decline
    MATCH_UPDATE = "match_update"  # a match was accepted, declined or withdrawn
    MEETING = "meeting"  # an invitation, a change, a cancellation or a reminder
    NUDGE = "nudge"  # something due or stalled
    CHECKIN = "checkin"  # a prompt to rate how the relationship goes, 1-5
    SURVEY = "survey"  # a feedback survey is due
    RELATIONSHIP = "relationship"  # started, closing, closed
    SAFETY = "safety"  # a safety report's handling (always essential, e-mail only)
    PROGRAM = "program"  # a program's communications and broadcasts


class ActionKind(StrEnum):
    """A button on a message. `target` names the object acted on."""

    MATCH_ACCEPT = "match.accept"  # target: match id
    MATCH_DECLINE = "match.decline"  # target: match id
    CHECKIN_RATE = "checkin.rate"  # target: relationship id, value: 1-5
    SNOOZE = "snooze"  # target: notification id (reminded again in a week)
    OPEN = "open"  # a link button to `Message.url`


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    target: int
    label: str
    value: int | None = None
    style: str = ""  # "", "primary" or "danger"


@dataclass(frozen=True)
class Message:
    """One notification to one person, as every channel receives it."""

    notification_id: int
    person_id: int
    email: str
    language: str
    kind: Kind
    subject: str
    body: str
    url: str  # absolute
    essential: bool = False
    actions: tuple[Action, ...] = ()
    # For e-mail only: (file name, content, MIME type), e.g. a meeting's .ics.
    attachments: tuple[tuple[str, str, str], ...] = field(default=())


class ChannelError(Exception):
    """A send failed. `transient` failures are retried and count toward the provider's
    circuit breaker; permanent ones (the person is not on this workspace) are not."""

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


@runtime_checkable
class ChannelAdapter(Protocol):
    code: str  # "email", "slack", "teams"
    label: str  # shown on the preferences page (translatable)

    def reachable(self, person_ids: Collection[int]) -> set[int]:
        """Which of these people this channel can reach now (installed, mapped, enabled)."""
        ...

    def send(self, message: Message) -> str:
        """Deliver one message; return the provider's id for it. Raise ChannelError.
        Must finish within a few seconds (a timeout on every network call)."""
        ...


_ADAPTERS: dict[str, ChannelAdapter] = {}


def adapter_register(adapter: ChannelAdapter) -> None:
    """Called from an implementing app's `AppConfig.ready`."""
    _ADAPTERS[adapter.code] = adapter


def adapters() -> dict[str, ChannelAdapter]:
    return dict(_ADAPTERS)
