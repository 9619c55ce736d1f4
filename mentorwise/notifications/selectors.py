"""Read queries for nudges (always the actor's own) and the outbox (HR admins)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.db.fixed import FixedQuery
from mentorwise.core.errors import NotFound
from mentorwise.core.models import OutboxMessage
from mentorwise.core.outbox import outbox_active
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.selectors import kinds_switched_off
from mentorwise.notifications.models import Nudge


def my_nudges(*, actor: Actor, include_dismissed: bool = False) -> QuerySet[Nudge]:
    person_id = getattr(actor, "person_id", None)
    if person_id is None:
        return Nudge.objects.none()
    return _nudges_of(person_id, include_dismissed=include_dismissed)


def _nudges_of(person_id: int, *, include_dismissed: bool) -> QuerySet[Nudge]:
    nudges = Nudge.objects.filter(person_id=person_id).select_related("program")
    if not include_dismissed:
        nudges = nudges.filter(dismissed_at__isnull=True)
    return nudges.order_by("-created_at", "-id")


HOME_NUDGES = 5
_NEWEST_NUDGES = FixedQuery(
    lambda person_id: _nudges_of(person_id, include_dismissed=False)[:HOME_NUDGES], int
)


def my_newest_nudges(*, actor: Actor) -> list[Nudge]:
    """The actor's newest HOME_NUDGES reminders not dismissed (the home page), read with SQL
    compiled once."""
    person_id = getattr(actor, "person_id", None)
    return [] if person_id is None else _NEWEST_NUDGES.all(person_id)


def my_nudges_muted(*, actor: Actor) -> bool:
    """Whether the actor switched reminders off (their channel preference for nudges)."""
    person_id = getattr(actor, "person_id", None)
    if person_id is None:
        return False
    return bool(kinds_switched_off([person_id], [Kind.NUDGE]))


# Outbox (core/outbox.py) ----------------------------------------------------------------


def outbox_messages(*, actor: Actor, q: str = "") -> QuerySet[OutboxMessage]:
    """The e-mails the outbox kept, newest first, for HR admins while the outbox is the
    e-mail backend; NotFound for everyone else and whenever real e-mail is sent."""
    if not (outbox_active() and is_hr_admin(actor)):
        raise NotFound(_("No such page."))
    messages = OutboxMessage.objects.all()
    for word in q.split():
        messages = messages.filter(Q(to__icontains=word) | Q(subject__icontains=word))
    return messages.order_by("-sent_at", "-id")


def access_outbox_message(*, actor: Actor, message_id: int) -> OutboxMessage:
    message = outbox_messages(actor=actor).filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("No such message."))
    return message
