"""Who may edit a journey and reach its steps: the program's managers and HR admins.

The pair's view of a journey goes through the relationship's own access
(`relationships.selectors.access_relationship`: the pair, and those who oversee it read; the
pair alone marks steps done, `relationships.permissions.require_member`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.core.errors import NotFound
from mentorwise.core.queries import one_or_none
from mentorwise.journeys.models import JourneyStep
from mentorwise.programs.models import Program
from mentorwise.programs.permissions import can_manage_program


def require_journey_editor(actor: Actor, program: Program) -> None:
    """NotFound unless the actor manages the program (its journey "does not exist" for
    anyone else, like every management page of a program); `None` is the system (an
    operator's command at the terminal)."""
    if actor is not None and not can_manage_program(actor, program):
        raise NotFound(_("No such program."))


def access_journey_step(*, actor: Actor, step_id: int) -> JourneyStep:
    """A step of a journey the actor may edit (not removed); NotFound otherwise."""
    step = one_or_none(
        JourneyStep.objects.select_related("journey__program").filter(
            pk=step_id, removed_at__isnull=True
        )
    )
    if step is None or not can_manage_program(actor, step.journey.program):
        raise NotFound(_("No such journey step."))
    return step
