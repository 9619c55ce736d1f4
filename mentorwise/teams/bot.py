"""What the bot does with an activity Teams sends (after its token was checked).

- The app installed, or a message written to the bot: remember the person's chat.
- A card's button (an `adaptiveCard/action` invoke from Action.Execute, or a message whose
  `value` comes from Action.Submit): done through the same services as the web page
  (relationships.buttons) as the person's own login; the card is replaced by one saying
  what was done (the invoke's answer, or `update_activity` for Action.Submit). A person
  acting on something not theirs gets a polite refusal and nothing changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from botbuilder.schema import Activity, ActivityTypes
from django.utils.translation import gettext as _
from msrest.exceptions import ClientRequestError, HttpOperationError

from mentorwise.accounts.models import User
from mentorwise.core.errors import Forbidden, MentorwiseError, NotFound
from mentorwise.core.languages import speaking_to
from mentorwise.messaging.contract import ActionKind
from mentorwise.relationships.buttons import button_press
from mentorwise.teams.cards import CARD_TYPE, action_parse, done_card
from mentorwise.teams.connector import SignInFailed, connector_client
from mentorwise.teams.models import TeamsMember
from mentorwise.teams.services import card_attachment, member_forget, member_remember

logger = logging.getLogger(__name__)


@dataclass
class Answer:
    """The HTTP answer to Teams: a status and, for an invoke, a JSON body."""

    status: int = 200
    body: dict[str, Any] | None = None
    said: list[str] = field(default_factory=list)  # what the bot said (tests, log)


def _login(member: TeamsMember | None) -> User | None:
    if member is None:
        return None
    user = User.objects.filter(person_id=member.person_id).first()
    return user if user is not None and user.may_sign_in() else None


def _press(member: TeamsMember | None, data: dict[str, Any]) -> tuple[bool, str]:
    """(done, sentence): the button done as the member's login, or why not."""
    parsed = action_parse(data.get("mw"))
    user = _login(member)
    if parsed is None:
        return False, _("This button does nothing here.")
    if user is None:
        return False, _(
            "Sorry, your Teams account is not linked to anyone in Mentorwise (we match by "
            "e-mail address), so nothing was done."
        )
    kind, target, value = parsed
    if kind == ActionKind.OPEN:
        return False, ""
    with speaking_to(user):
        try:
            return True, button_press(actor=user, kind=kind, target=target, value=value)
        except (NotFound, Forbidden):
            return False, _(
                "Sorry, this is not yours to answer, or it no longer exists: nothing was done."
            )
        except MentorwiseError as error:
            return False, _("Nothing was done: %(reason)s") % {"reason": error.message}


def _reply(activity: Activity, text: str) -> None:
    try:
        connector_client(activity.service_url).conversations.reply_to_activity(
            activity.conversation.id,
            activity.id,
            Activity(type=ActivityTypes.message, text=text),
        )
    except (ClientRequestError, HttpOperationError, SignInFailed):
        logger.warning("teams: could not reply", exc_info=True)


def _card_answer(data: dict[str, Any], done: str) -> dict[str, Any]:
    return done_card(
        subject=str(data.get("subject") or ""), url=str(data.get("url") or ""), done=done
    )


def activity_handle(activity: Activity) -> Answer:
    kind = activity.type
    if kind == ActivityTypes.installation_update:
        if (activity.action or "").startswith("remove"):
            member_forget(activity)
        else:
            member_remember(activity)
        return Answer()
    if kind == ActivityTypes.conversation_update:
        added = activity.members_added or []
        if activity.recipient and any(m.id == activity.recipient.id for m in added):
            member_remember(activity)
        return Answer()
    if kind == ActivityTypes.invoke and activity.name == "adaptiveCard/action":
        member = member_remember(activity)
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action")
        given = action.get("data") if isinstance(action, dict) else None
        data: dict[str, Any] = given if isinstance(given, dict) else {}
        done, sentence = _press(member, data)
        if not done:
            # The card stays as it is; the refusal is a message only this person sees.
            return Answer(
                body={
                    "statusCode": 200,
                    "type": "application/vnd.microsoft.activity.message",
                    "value": sentence,
                },
                said=[sentence],
            )
        return Answer(
            body={"statusCode": 200, "type": CARD_TYPE, "value": _card_answer(data, sentence)},
            said=[sentence],
        )
    if kind == ActivityTypes.message:
        member = member_remember(activity)
        if isinstance(activity.value, dict) and activity.value.get("mw"):
            done, sentence = _press(member, activity.value)
            if done and activity.reply_to_id:
                updated = Activity(
                    type=ActivityTypes.message,
                    id=activity.reply_to_id,
                    attachments=[card_attachment(_card_answer(activity.value, sentence))],
                )
                try:
                    connector_client(activity.service_url).conversations.update_activity(
                        activity.conversation.id, activity.reply_to_id, updated
                    )
                except (ClientRequestError, HttpOperationError, SignInFailed):
                    logger.warning("teams: could not update the card", exc_info=True)
            elif sentence:
                _reply(activity, sentence)
            return Answer(said=[sentence])
        if member is None:
            text = _(
                "Hello. Your Teams account's e-mail address is not one Mentorwise knows, so "
                "notifications cannot reach you here."
            )
        else:
            with speaking_to(member.person):
                text = _(
                    "Hello. Mentorwise notifications you choose to receive in Teams will "
                    "reach you here."
                )
        _reply(activity, text)
        return Answer(said=[text])
    return Answer()
