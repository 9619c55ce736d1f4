"""Who may decide matches in a program: checks the match services and selectors share."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id
from mentorwise.core.errors import Forbidden
from mentorwise.matches.models import Match
from mentorwise.programs.models import Program
from mentorwise.programs.permissions import can_manage_program


def require_manager(actor: Actor, program: Program) -> User | None:
    """Managers of the program and HR admins; `None` is the system (an operator's command).
    Returns the acting login (None for the system), which the rows it writes record."""
    if actor is None:
        return None
    if not isinstance(actor, User) or not can_manage_program(actor, program):
        raise Forbidden(_("Only this program's managers and HR admins may do this."))
    return actor


def require_not_in_pair(actor: Actor, *person_ids: int) -> None:
    """A manager who takes part in the program never decides a pair they are in (nor reads
    the marks on it): another manager or an HR admin does."""
    if actor is not None and actor_person_id(actor) in person_ids:
        raise Forbidden(
            _("You are in this pair: another manager of the program or an HR admin decides it."),
            code="conflict_of_interest",
        )


def require_decider(actor: Actor, match: Match) -> User | None:
    login = require_manager(actor, match.program)
    require_not_in_pair(actor, match.mentee.person_id, match.mentor.person_id)
    return login
