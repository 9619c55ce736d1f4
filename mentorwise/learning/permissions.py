"""Who may do what to training modules and program requirements."""

from __future__ import annotations

from django.db.models import QuerySet

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id, is_hr_admin
from mentorwise.learning.models import TrainingModule
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program
from mentorwise.programs.permissions import can_manage_program


def visible_modules(actor: Actor) -> QuerySet[TrainingModule]:
    """Everyone logged in reads the active modules; HR admins also the inactive ones."""
    if is_hr_admin(actor):
        return TrainingModule.objects.all()
    if not isinstance(actor, User):
        return TrainingModule.objects.none()
    return TrainingModule.objects.filter(is_active=True)


def can_author_modules(actor: Actor) -> bool:
    """HR admins add the organization's own modules."""
    return is_hr_admin(actor)


def can_edit_module(actor: Actor, module: TrainingModule) -> bool:
    """HR admins edit the organization's modules; built-ins change only through their files."""
    return is_hr_admin(actor) and not module.is_builtin


def can_set_requirements(actor: Actor, program: Program) -> bool:
    """HR admins and this program's managers choose the modules a program requires."""
    return can_manage_program(actor, program)


def can_read_requirements(actor: Actor, program: Program) -> bool:
    """The program's managers, HR admins, and people enrolled (or invited) in it."""
    if can_manage_program(actor, program):
        return True
    person_id = actor_person_id(actor)
    return (
        person_id is not None
        and Enrollment.objects.filter(
            program=program,
            person_id=person_id,
            status__in=(EnrollmentStatus.ACTIVE, EnrollmentStatus.INVITED),
        ).exists()
    )
