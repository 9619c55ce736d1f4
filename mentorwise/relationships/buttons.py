"""A notification's button pressed in a chat (Slack, Teams), done through the same
selectors and services as the web page, as the person's own login.

Both chat apps call `button_press`; they sit above this app and may not import each other,
so the one mapping from a button to a service lives here. Permissions are the services':
a match or relationship that is not the actor's is NotFound, an overseer acting for the
pair is Forbidden, a match already answered is a Conflict.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorwise.accounts.actors import User
from mentorwise.core.errors import InvalidInput
from mentorwise.messaging.contract import ActionKind
from mentorwise.messaging.services import notification_snooze
from mentorwise.relationships.inputs.answers import MatchAnswer
from mentorwise.relationships.inputs.feedback import CheckInNew
from mentorwise.relationships.selectors.access import (
    access_match_to_answer,
    access_relationship,
)
from mentorwise.relationships.services.feedback import check_in_create
from mentorwise.relationships.services.matches import match_respond


def button_press(*, actor: User, kind: ActionKind, target: int, value: int | None) -> str:
    """Do what the button says; return a sentence saying what was done (shown in place of
    the buttons). Raises the services' MentorwiseError (NotFound, Forbidden, Conflict,
    InvalidInput) unchanged."""
    if kind in (ActionKind.MATCH_ACCEPT, ActionKind.MATCH_DECLINE):
        match = access_match_to_answer(actor=actor, match_id=target)
        accept = kind == ActionKind.MATCH_ACCEPT
        match_respond(actor=actor, match=match, data=MatchAnswer(accept=accept))
        return _("You accepted this match.") if accept else _("You declined this match.")
    if kind == ActionKind.CHECKIN_RATE:
        relationship = access_relationship(actor=actor, relationship_id=target)
        check_in_create(
            actor=actor, relationship=relationship, data=CheckInNew(pulse=int(value or 0))
        )
        return _("You checked in: %(pulse)s out of 5.") % {"pulse": value}
    if kind == ActionKind.SNOOZE:
        notification_snooze(actor=actor, notification_id=target)
        return _("Snoozed: you will be reminded again in a week.")
    raise InvalidInput([], _("This button does nothing here."))
