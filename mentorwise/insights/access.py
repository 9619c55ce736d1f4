"""Who may read which insights: one place for every insights page, export and API operation.

- HR admins: every program, every breakdown (demographic ones included, audited).
- Program managers: the programs they manage.
- Executives: every program's aggregates and the organisation-wide views, never a name and
  never a demographic breakdown.
Everyone else: nothing, and out-of-scope programs answer NotFound (404), like elsewhere.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import is_executive, is_hr_admin
from mentorwise.core.errors import NotFound
from mentorwise.programs.models import Program, ProgramStatus
from mentorwise.programs.permissions import can_manage_program
from mentorwise.programs.roles import manages_any_program


def may_read_insights(actor: Actor) -> bool:
    """True for anyone with at least one insights dashboard."""
    return is_hr_admin(actor) or is_executive(actor) or manages_any_program(actor)


def may_read_organisation_insights(actor: Actor) -> bool:
    """Organisation-wide aggregates (pipeline, all programs): HR admins and executives."""
    return is_hr_admin(actor) or is_executive(actor)


def insights_programs(actor: Actor) -> QuerySet[Program]:
    """Programs whose insights the actor may read (drafts only for HR admins and managers)."""
    if is_hr_admin(actor):
        return Program.objects.all()
    if not isinstance(actor, User):
        return Program.objects.none()
    if is_executive(actor):
        programs = Program.objects.exclude(status=ProgramStatus.DRAFT)
        if manages_any_program(actor):
            programs = programs | Program.objects.filter(managers=actor)
        return programs.distinct()
    if manages_any_program(actor):
        return Program.objects.filter(managers=actor)
    return Program.objects.none()


def access_insights_program(*, actor: Actor, slug: str) -> Program:
    """The program if the actor may read its insights; NotFound otherwise."""
    program = insights_programs(actor).filter(slug=slug).first()
    if program is None:
        raise NotFound(_("No such program."))
    return program


def may_see_people(actor: Actor, program: Program) -> bool:
    """Whether pages may name people (e.g. relationships needing attention): managers of the
    program and HR admins yes; an executive reading aggregates, no."""
    return can_manage_program(actor, program)
