"""Who may write a program's messages and broadcasts: its managers and HR admins."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.communications.models import Broadcast
from mentorwise.core.errors import NotFound
from mentorwise.programs.models import Program
from mentorwise.programs.permissions import can_manage_program
from mentorwise.programs.selectors import access_managed_program


def require_manages(actor: Actor, program: Program) -> None:
    """NotFound unless the actor manages the program (a management page: 404, not 403).
    The system (actor None: the CLI at the operator's terminal, the demo) may."""
    if actor is not None and not can_manage_program(actor, program):
        raise NotFound(_("No such program."))


def access_program_messages(*, actor: Actor, slug: str) -> Program:
    """The program whose messages the actor may write; NotFound otherwise."""
    return access_managed_program(actor=actor, slug=slug)


def access_broadcast(*, actor: Actor, program: Program, broadcast_id: int) -> Broadcast:
    """A broadcast of a program the actor manages; NotFound for any other id."""
    require_manages(actor, program)
    broadcast = Broadcast.objects.filter(pk=broadcast_id, program=program).first()
    if broadcast is None:
        raise NotFound(_("No such broadcast."))
    return broadcast
