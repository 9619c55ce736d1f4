"""Who may run a program use case: refused with Forbidden before anything is read or written."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.errors import Forbidden
from mentorwise.programs.models import (
    Program,
)
from mentorwise.programs.permissions import can_manage_program


def require_hr_admin(actor: Actor) -> None:
    """HR admins; `None` is the system (an operator's command at the terminal)."""
    if actor is not None and not is_hr_admin(actor):
        raise Forbidden(_("Only HR admins may do this."))


def require_manager(actor: Actor, program: Program) -> None:
    """Managers of the program and HR admins; `None` is the system."""
    if actor is not None and not can_manage_program(actor, program):
        raise Forbidden(_("Only this program's managers and HR admins may do this."))
