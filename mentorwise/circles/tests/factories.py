"""Builders for circle tests: a group program, its participants, a formed circle."""

from __future__ import annotations

from typing import Any

from conftest import make_person, make_user
from mentorwise.accounts.models import User
from mentorwise.circles.models import Circle
from mentorwise.circles.oversight import circle_create
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus


def group_program(hr: User, manager: User | None = None, slug: str = "circles-test") -> Program:
    from mentorwise.programs.services import program_create_from_template

    program = program_create_from_template(
        actor=hr, template_key="group_circle", name=f"Circles {slug}", slug=slug
    )
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ENROLLING)
    program.refresh_from_db()
    if manager is not None:
        program.managers.add(manager)
    return program


def enroll(program: Program, role: str, person: Any = None, **fields: Any) -> Enrollment:
    person = person or make_person(**fields)
    return Enrollment.objects.create(
        program=program,
        person=person,
        role=role,
        status=EnrollmentStatus.ACTIVE,
        capacity=6 if role != "mentee" else 1,
    )


def participant(program: Program, role: str, **fields: Any) -> tuple[User, Enrollment]:
    """A person with a login enrolled in `program` as `role`."""
    enrollment = enroll(program, role, **fields)
    return make_user(enrollment.person), enrollment


def formed_circle(
    hr: User, program: Program, facilitators: list[Enrollment], members: list[Enrollment]
) -> Circle:
    return circle_create(
        actor=hr,
        program=program,
        name="Circle A",
        facilitator_ids=[e.pk for e in facilitators],
        member_ids=[e.pk for e in members],
    )
