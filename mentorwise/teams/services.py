"""Teams use cases: remember where a person's personal chat with the bot is (when they
install the app or write to it), and send them a card proactively.

A person is found by the e-mail (or user principal name) the Bot Connector gives for
their Teams account; someone not in the workforce is not remembered.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from botbuilder.schema import Activity, ActivityTypes, Attachment
from django.db import transaction
from django.utils import timezone
from msrest.exceptions import ClientRequestError, HttpOperationError

from mentorwise.core.audit import audit_record
from mentorwise.messaging.contract import ChannelError, Message
from mentorwise.people.models import Person
from mentorwise.teams.cards import CARD_TYPE, message_card
from mentorwise.teams.connector import SignInFailed, connector_client, tokens_forget
from mentorwise.teams.models import TeamsMember

logger = logging.getLogger(__name__)


def _member_email(activity: Activity) -> str:
    """The Teams user's e-mail, asked of the Bot Connector (activities do not carry it)."""
    client = connector_client(activity.service_url)
    raw = client.conversations.get_conversation_member(
        activity.conversation.id, activity.from_property.id, raw=True
    )
    answer: dict[str, Any] = raw.response.json()
    return str(answer.get("email") or answer.get("userPrincipalName") or "").strip()


def member_remember(activity: Activity) -> TeamsMember | None:
    """Keep (or move) the conversation reference of the activity's sender, if they are a
    person of the workforce; None otherwise. Only personal chats are remembered."""
    conversation = activity.conversation
    sender = activity.from_property
    if conversation is None or sender is None or not sender.id:
        return None
    if (conversation.conversation_type or "personal") != "personal":
        return None
    existing = TeamsMember.objects.filter(teams_user_id=sender.id).first()
    if existing is None:
        try:
            email = _member_email(activity)
        except (ClientRequestError, HttpOperationError, SignInFailed):
            logger.warning("teams: could not read the member's e-mail", exc_info=True)
            return None
        person = Person.objects.filter(email__iexact=email, erased_at__isnull=True).first()
        if not email or person is None:
            return None
    else:
        person = existing.person
    tenant = getattr(conversation, "tenant_id", None) or (
        (activity.channel_data or {}).get("tenant", {}).get("id")
        if isinstance(activity.channel_data, dict)
        else None
    )
    values = {
        "teams_user_id": sender.id,
        "aad_object_id": sender.aad_object_id or "",
        "tenant_id": tenant or "",
        "service_url": activity.service_url,
        "conversation_id": conversation.id,
        "bot_id": activity.recipient.id if activity.recipient else "",
        "updated_at": timezone.now(),
    }
    with transaction.atomic():
        member, created = TeamsMember.objects.update_or_create(person=person, defaults=values)
        if created:
            audit_record(actor=None, action="teams.member_linked", target=member)
    return member


def member_forget(activity: Activity) -> None:
    """The person removed the app: their cards stop."""
    sender = activity.from_property
    if sender is None or not sender.id:
        return
    with transaction.atomic():
        for member in TeamsMember.objects.filter(teams_user_id=sender.id):
            audit_record(actor=None, action="teams.member_unlinked", target=member)
            member.delete()


def reachable_people(person_ids: Collection[int]) -> set[int]:
    return set(
        TeamsMember.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True)
    )


def card_attachment(card: dict[str, Any]) -> Attachment:
    return Attachment(content_type=CARD_TYPE, content=card)


def message_send(message: Message) -> str:
    """Send the message's card to the person's personal chat; the provider id is the
    activity id the Bot Connector gives."""
    member = TeamsMember.objects.filter(person_id=message.person_id).first()
    if member is None:
        raise ChannelError("the person has not installed the Teams app", transient=False)
    activity = Activity(
        type=ActivityTypes.message,
        summary=message.subject[:200],
        attachments=[card_attachment(message_card(message))],
    )
    try:
        answer = connector_client(member.service_url).conversations.send_to_conversation(
            member.conversation_id, activity
        )
    except SignInFailed as error:
        # The bot's own sign-in failed (a wrong password, Microsoft unreachable): every send
        # fails alike, so it is transient and counts toward the circuit breaker.
        raise ChannelError(str(error), transient=True) from None
    except HttpOperationError as error:
        status = getattr(error.response, "status_code", 0) or 0
        if status == 401:
            # The Bot Connector refused our token: the next attempt signs in afresh.
            tokens_forget()
            raise ChannelError("Bot Connector: HTTP 401 (token refused)", transient=True) from None
        # 403/404: the app was removed or the chat is gone; 429 and 5xx pass.
        raise ChannelError(
            f"Bot Connector: HTTP {status}", transient=status in (429,) or status >= 500
        ) from error
    except ClientRequestError as error:
        raise ChannelError(f"Bot Connector: {type(error).__name__}", transient=True) from error
    return str(getattr(answer, "id", "") or "")
