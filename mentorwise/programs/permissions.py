"""Who may do what to programs and enrollments; querysets of what an actor may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import User
from mentorwise.accounts.roles import actor_person_id, hr_admins, is_hr_admin
from mentorwise.core.lookups import in_ids
from mentorwise.programs.models import Enrollment, Program, ProgramStatus


def can_manage_program(actor: Actor, program: Program) -> bool:
    """HR admins manage every program; program managers manage theirs."""
    if is_hr_admin(actor):
        return True
    if not isinstance(actor, User):
        return False
    return program.managers.filter(pk=actor.pk).exists()


def program_overseers(program: Program) -> QuerySet[User]:
    """The logins `can_manage_program` is true for: the program's managers and HR admins.

    Each side is read through an index (the HR admins through their own, users_hr_admin):
    written as Django's OR of two `IN (subquery)`, PostgreSQL tested both subqueries on
    every login (5 ms at 13,000 logins)."""
    managers = program.managers.filter(is_active=True).values("pk")
    return User.objects.filter(in_ids("pk", managers) | in_ids("pk", hr_admins().values("pk")))


def managed_program_ids(actor: User | int) -> QuerySet[Program, Any]:
    """The ids of the programs the actor (a login or its id) manages, as a subquery (no join,
    no duplicates)."""
    return Program.objects.filter(managers=actor).values("pk")


def visible_programs(actor: Actor) -> QuerySet[Program]:
    """Programs an actor may see: all for HR admins; published ones and their own otherwise."""
    build, ids = visible_programs_rule(actor)
    return build(*ids)


# `visible_programs` as a function of plain ids, one per kind of actor: a read built on it
# can be compiled once per kind (`core.db.fixed`; the home page's programs).
VisibleRule = tuple[Callable[..., QuerySet[Program]], tuple[int, ...]]


def visible_programs_rule(actor: Actor) -> VisibleRule:
    """The function that builds `visible_programs(actor)`, and the ids it takes."""
    if is_hr_admin(actor):
        return every_program, ()
    if not isinstance(actor, User):
        return _no_programs, ()
    if (person_id := actor_person_id(actor)) is None:
        return published_or_managed_programs, (actor.pk,)
    return published_managed_or_enrolled_programs, (actor.pk, person_id)


def every_program() -> QuerySet[Program]:
    return Program.objects.all()


def _no_programs() -> QuerySet[Program]:
    return Program.objects.none()


# Subqueries rather than joins: joined, every program row repeats once per enrollment
# (10,000s at 100,000 people) before DISTINCT folds them again.
def _published_or_managed(user_id: int) -> Q:
    return ~Q(status=ProgramStatus.DRAFT) | Q(pk__in=managed_program_ids(user_id))


def published_or_managed_programs(user_id: int) -> QuerySet[Program]:
    return Program.objects.filter(_published_or_managed(user_id))


def published_managed_or_enrolled_programs(user_id: int, person_id: int) -> QuerySet[Program]:
    enrolled = Enrollment.objects.filter(person_id=person_id).values("program_id")
    return Program.objects.filter(_published_or_managed(user_id) | Q(pk__in=enrolled))


# The shapes a login's rule gives, with the number of ids each takes.
LOGIN_SHAPES: dict[Callable[..., QuerySet[Program]], int] = {
    every_program: 0,
    published_or_managed_programs: 1,
    published_managed_or_enrolled_programs: 2,
}


def visible_enrollments(actor: Actor) -> QuerySet[Enrollment]:
    """Enrollments an actor may read: their own, and all in programs they manage."""
    if is_hr_admin(actor):
        return Enrollment.objects.all()
    if not isinstance(actor, User):
        return Enrollment.objects.none()
    q = Q(program__in=managed_program_ids(actor))
    if (person_id := actor_person_id(actor)) is not None:
        q |= Q(person_id=person_id)
    return Enrollment.objects.filter(q)
