"""Read queries for training: catalogue, completions, and what programs require.

`required_modules`, `people_trained_for` and `training_status` are called by matching;
keep their signatures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id, is_hr_admin
from mentorwise.core.errors import NotFound
from mentorwise.learning import permissions
from mentorwise.learning.models import ModuleCompletion, ProgramTrainingRequirement, TrainingModule
from mentorwise.people.models import Person
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program
from mentorwise.programs.selectors import access_program


def required_modules(program: Program) -> list[TrainingModule]:
    """The active modules `program` requires before its mentors are matched, in catalogue order."""
    return list(
        TrainingModule.objects.filter(
            program_requirements__program=program, is_active=True
        ).order_by("position", "title")
    )


def people_trained_for(program: Program, person_ids: Iterable[int]) -> set[int]:
    """The ids among `person_ids` who passed every module `program` requires.

    Everyone, when the program requires none. Callers check
    `program.mentor_training_required` first; this does not.
    """
    ids = set(person_ids)
    required = [m.pk for m in required_modules(program)]
    if not required or not ids:
        return ids
    # One query: count each person's passed modules among the required ones.
    rows = (
        ModuleCompletion.objects.filter(person_id__in=ids, module_id__in=required)
        .values("person_id")
        .annotate(n=Count("module_id", distinct=True))
        .filter(n=len(required))
    )
    return {row["person_id"] for row in rows}


def training_status(
    person: Person, program: Program
) -> list[tuple[TrainingModule, dt.datetime | None]]:
    """Each module `program` requires, with when `person` passed it (None: not yet)."""
    modules = required_modules(program)
    passed = dict(
        ModuleCompletion.objects.filter(person=person, module__in=modules).values_list(
            "module_id", "passed_at"
        )
    )
    return [(module, passed.get(module.pk)) for module in modules]


def module_list(*, actor: Actor) -> QuerySet[TrainingModule]:
    return permissions.visible_modules(actor).order_by("position", "title")


def access_module(*, actor: Actor, slug: str) -> TrainingModule:
    """The module with `slug` if the actor may read it; NotFound otherwise."""
    module = permissions.visible_modules(actor).filter(slug=slug).first()
    if module is None:
        raise NotFound(_("No such training module."))
    return module


def access_editable_module(*, actor: Actor, slug: str) -> TrainingModule:
    """The module if the actor may edit it; NotFound for everything else (same answer)."""
    module = access_module(actor=actor, slug=slug)
    if not permissions.can_edit_module(actor, module):
        raise NotFound(_("No such training module."))
    return module


def completion_list(*, actor: Actor) -> QuerySet[ModuleCompletion]:
    """The actor's own completions, newest first."""
    person_id = actor_person_id(actor)
    if person_id is None:
        return ModuleCompletion.objects.none()
    return ModuleCompletion.objects.filter(person_id=person_id).select_related("module")


def completion_get(*, actor: Actor, module: TrainingModule) -> ModuleCompletion | None:
    return completion_list(actor=actor).filter(module=module).first()


def access_program_requirements(*, actor: Actor, slug: str) -> Program:
    """The program if the actor may read its requirements (managers, participants)."""
    program = access_program(actor=actor, slug=slug)
    if not permissions.can_read_requirements(actor, program):
        raise NotFound(_("No such program."))
    return program


def access_requirements_program(*, actor: Actor, slug: str) -> Program:
    """The program if the actor may set its requirements; NotFound otherwise."""
    program = access_program(actor=actor, slug=slug)
    if not permissions.can_set_requirements(actor, program):
        raise NotFound(_("No such program."))
    return program


def requirement_module_ids(program: Program) -> set[int]:
    return set(
        ProgramTrainingRequirement.objects.filter(program=program).values_list(
            "module_id", flat=True
        )
    )


@dataclass(frozen=True)
class ProgramTraining:
    """A program the actor takes part in, its required modules and the actor's progress."""

    program: Program
    roles: list[str]
    modules: list[tuple[TrainingModule, dt.datetime | None]]

    @property
    def done(self) -> int:
        return sum(1 for _, passed in self.modules if passed is not None)


def my_program_training(*, actor: Actor) -> list[ProgramTraining]:
    """For each program the actor is enrolled or invited in: what it requires, what is done."""
    person = getattr(actor, "person", None)
    if person is None:
        return []
    enrollments = (
        Enrollment.objects.filter(
            person=person, status__in=(EnrollmentStatus.ACTIVE, EnrollmentStatus.INVITED)
        )
        .select_related("program")
        .order_by("program__name")
    )
    roles: dict[int, list[str]] = {}
    programs: dict[int, Program] = {}
    for e in enrollments:
        programs[e.program_id] = e.program
        roles.setdefault(e.program_id, []).append(e.role_noun)  # inside a sentence
    # Three queries whatever the number of programs: enrollments, requirements, completions.
    requirements = (
        ProgramTrainingRequirement.objects.filter(program_id__in=programs, module__is_active=True)
        .select_related("module")
        .order_by("module__position", "module__title")
    )
    by_program: dict[int, list[TrainingModule]] = {}
    for r in requirements:
        by_program.setdefault(r.program_id, []).append(r.module)
    module_ids = {m.pk for modules in by_program.values() for m in modules}
    passed = dict(
        ModuleCompletion.objects.filter(person=person, module_id__in=module_ids).values_list(
            "module_id", "passed_at"
        )
    )
    return [
        ProgramTraining(
            program=p,
            roles=roles[pk],
            modules=[(m, passed.get(m.pk)) for m in by_program.get(pk, [])],
        )
        for pk, p in programs.items()
    ]


def programs_managed(*, actor: Actor) -> QuerySet[Program]:
    """Programs whose training requirements the actor may set."""
    if is_hr_admin(actor):
        return Program.objects.order_by("name")
    if not isinstance(actor, User):
        return Program.objects.none()
    return Program.objects.filter(managers=actor).order_by("name")
