"""Read queries for programs and enrollments, always filtered by who asks."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id
from mentorwise.core.aggregates import cached_aggregate
from mentorwise.core.db.fixed import FixedQuery
from mentorwise.core.errors import NotFound
from mentorwise.core.queries import one_or_none
from mentorwise.people.models import Person
from mentorwise.programs import permissions
from mentorwise.programs.eligibility import eligible_people
from mentorwise.programs.models import (
    ROLE_PLURALS,
    Enrollment,
    EnrollmentStatus,
    Program,
    ProgramStatus,
    Role,
    role_noun,
)


def _enrolled_count() -> Coalesce:
    """A program's active enrollments, counted in a subquery: a join with GROUP BY would
    carry every enrollment through any further filter (`.filter(managers=...)`)."""
    enrolled = (
        Enrollment.objects.filter(program=OuterRef("pk"), status=EnrollmentStatus.ACTIVE)
        .order_by()
        .values("program")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(enrolled, output_field=IntegerField()), 0)


def program_list(*, actor: Actor, status: str | None = None) -> QuerySet[Program]:
    programs = permissions.visible_programs(actor)
    if status:
        programs = programs.filter(status=status)
    return programs.annotate(n_enrolled=_enrolled_count()).order_by("name")


@dataclass(frozen=True)
class HomePrograms:
    """The home page's programs: those the actor manages (with `n_enrolled`), and up to six
    open for enrollment."""

    managed: Sequence[Program]
    open: Sequence[Program]


def home_programs(*, actor: Actor, open_limit: int = 6) -> HomePrograms:
    """The programs the actor may see that they manage or that are enrolling, read in one
    query (compiled once per kind of login: `_HOME_READS`). Only managed programs are
    counted (the home page shows no other count): in a CASE, so that the database runs the
    count for them alone."""
    if not isinstance(actor, User):
        return HomePrograms(managed=[], open=[])
    visible, ids = permissions.visible_programs_rule(actor)
    programs = _HOME_READS[visible].all(actor.pk, *ids)
    return HomePrograms(
        managed=[p for p in programs if p.is_managed],
        open=[p for p in programs if p.status == ProgramStatus.ENROLLING][:open_limit],
    )


def _home_shape(visible: Callable[..., QuerySet[Program]]) -> Callable[..., QuerySet[Program]]:
    """`home_programs`' queryset for the login `user_id` whose visible programs `visible(*ids)`
    builds."""

    def build(user_id: int, *ids: int) -> QuerySet[Program]:
        is_managed = Q(pk__in=permissions.managed_program_ids(user_id))
        return (
            visible(*ids)
            .annotate(
                is_managed=ExpressionWrapper(is_managed, output_field=BooleanField()),
                n_enrolled=Case(When(is_managed, then=_enrolled_count()), default=None),
            )
            .filter(Q(is_managed=True) | Q(status=ProgramStatus.ENROLLING))
            .order_by("name")
        )

    return build


# Rows are programs with `is_managed` and `n_enrolled` annotated.
_HOME_READS: dict[Callable[..., QuerySet[Program]], FixedQuery[Any]] = {
    visible: FixedQuery(_home_shape(visible), int, *(int,) * n)
    for visible, n in permissions.LOGIN_SHAPES.items()
}


def access_program(*, actor: Actor, slug: str) -> Program:
    """The program with `slug` if the actor may see it; NotFound otherwise (same answer)."""
    program = permissions.visible_programs(actor).filter(slug=slug).first()
    if program is None:
        raise NotFound(_("No such program."))
    return program


def access_managed_program(*, actor: Actor, slug: str) -> Program:
    """The program if the actor manages it; NotFound if they may not even see it."""
    program = access_program(actor=actor, slug=slug)
    if not permissions.can_manage_program(actor, program):
        raise NotFound(_("No such program."))
    return program


@dataclass(frozen=True)
class RoleCounts:
    role: str
    label: str
    eligible: int
    enrolled: int
    invited: int

    @property
    def plural_noun(self) -> str:
        """The role's plural inside a sentence ("mentees"), in the active language."""
        return str(ROLE_PLURALS[Role(self.role)])


def program_role_counts(
    *, program: Program, eligibility: dict[str, Any] | None = None
) -> list[RoleCounts]:
    """Eligible, enrolled and invited people per role ("312 eligible mentees, 88 mentors").
    With the program's own rules (`eligibility` None) the counts are cached until the next
    write (`core.aggregates`): counting the eligible scans the people of every level."""
    if eligibility is None:
        return cached_aggregate(
            "program_role_counts",
            lambda: (program.pk, json.dumps(program.eligibility, sort_keys=True)),
            lambda: _role_counts(program, program.eligibility),
        )
    return _role_counts(program, eligibility)


def _role_counts(program: Program, rules_by_role: dict[str, Any]) -> list[RoleCounts]:
    status_counts = {
        (row["role"], row["status"]): row["n"]
        for row in program.enrollments.values("role", "status").annotate(n=Count("id"))
    }
    labels = dict(Role.choices)
    roles = [r for r in Role.values if r in rules_by_role] or [Role.MENTEE, Role.MENTOR]
    return [
        RoleCounts(
            role=role,
            label=str(labels[role]),
            eligible=eligible_people(rules_by_role.get(role, {})).count(),
            enrolled=status_counts.get((role, EnrollmentStatus.ACTIVE), 0),
            invited=status_counts.get((role, EnrollmentStatus.INVITED), 0),
        )
        for role in roles
    ]


def enrollment_list(
    *,
    actor: Actor,
    program: Program | None = None,
    role: str | None = None,
    status: str | None = None,
    search: str = "",
) -> QuerySet[Enrollment]:
    enrollments = permissions.visible_enrollments(actor).select_related("person", "program")
    if program is not None:
        enrollments = enrollments.filter(program=program)
    if role:
        enrollments = enrollments.filter(role=role)
    if status:
        enrollments = enrollments.filter(status=status)
    if search:
        enrollments = enrollments.filter(
            Q(person__first_name__icontains=search)
            | Q(person__last_name__icontains=search)
            | Q(person__email__icontains=search)
        )
    return enrollments.order_by("role", "person__last_name", "person__first_name", "id")


def access_enrollment(*, actor: Actor, enrollment_id: int) -> Enrollment:
    enrollment = one_or_none(
        permissions.visible_enrollments(actor)
        .select_related("person", "program")
        .filter(pk=enrollment_id)
    )
    if enrollment is None:
        raise NotFound(_("No such enrollment."))
    return enrollment


def person_enrollments(person_id: int) -> QuerySet[Enrollment, Any]:
    """The ids of a person's enrollments, as a subquery for the pairs they are in.

    Filter matches and relationships with `mentee__in=person_enrollments(p)` rather than
    `mentee__person_id=p`: the join makes the database read every match or relationship
    (all 100,000 people's), the subquery reads the person's few through the indexes.
    """
    return Enrollment.objects.filter(person_id=person_id).values("pk")


def person_enrollment_ids(person_id: int) -> list[int]:
    """The ids of a person's enrollments, read now: for a filter that ORs the two sides of a
    pair (`Q(mentee__in=ids) | Q(mentor__in=ids)`). PostgreSQL plans such an OR of two
    subqueries as a scan of every match, hash-joined with every enrollment (13 ms at 100,000
    people); with the ids written out it reads the person's few rows through the indexes
    (0.1 ms)."""
    return _ENROLLMENT_IDS.all(person_id)


_ENROLLMENT_IDS = FixedQuery(
    lambda person_id: person_enrollments(person_id).values_list("pk", flat=True), int
)


def my_enrollments(*, actor: Actor, with_skills: bool = True) -> QuerySet[Enrollment]:
    """The actor's own enrollments, newest first, with their program (and their skills,
    two more queries, unless `with_skills` is False)."""
    person_id = actor_person_id(actor)
    if person_id is None:
        return Enrollment.objects.none()
    enrollments = _enrollments_of(person_id)
    if with_skills:
        return enrollments.prefetch_related("skills_wanted", "skills_offered")
    return enrollments


def my_enrollment_list(*, actor: Actor) -> list[Enrollment]:
    """`my_enrollments` without their skills, read with SQL compiled once (the home page)."""
    person_id = actor_person_id(actor)
    return [] if person_id is None else _ENROLLMENTS_OF.all(person_id)


def _enrollments_of(person_id: int) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(person_id=person_id)
        .select_related("program")
        .order_by("-created_at")
    )


_ENROLLMENTS_OF = FixedQuery(_enrollments_of, int)


# Conflicts of interest ------------------------------------------------------------------


def overseer_person_ids(program: Program) -> set[int]:
    """The people who oversee the program (its managers, the HR admins) through their login."""
    return set(
        permissions.program_overseers(program)
        .filter(person__isnull=False)
        .values_list("person_id", flat=True)
    )


@dataclass(frozen=True)
class OverseerConflict:
    """Someone who oversees a program and takes part in it: they see their own relationships
    as a member of the pair only (`relationships.permissions.can_oversee`)."""

    person: Person
    manages: bool  # a manager of the program (else an HR admin)
    roles: tuple[str, ...]  # the labels of the roles they take part in


def overseer_conflicts(*, program: Program) -> list[OverseerConflict]:
    """The program's managers and HR admins with an active enrollment in it, by name.

    Taking part in a program one oversees is allowed (managers often also mentor) and
    shown to the program's other overseers on its page; a caller shows it only to them.
    """
    overseers = permissions.program_overseers(program).filter(person__isnull=False)
    managers = set(
        program.managers.filter(person__isnull=False).values_list("person_id", flat=True)
    )
    roles: dict[int, list[str]] = {}
    people: dict[int, Person] = {}
    for enrollment in (
        Enrollment.objects.filter(
            program=program,
            status=EnrollmentStatus.ACTIVE,
            person_id__in=overseers.values("person_id"),
        )
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "role")
    ):
        people[enrollment.person_id] = enrollment.person
        roles.setdefault(enrollment.person_id, []).append(role_noun(enrollment.role))
    return [
        OverseerConflict(person=person, manages=pid in managers, roles=tuple(roles[pid]))
        for pid, person in people.items()
    ]
