"""The home page's program lists (programs.selectors.home_programs): the programs the actor
manages, and up to six open for enrollment, only among those the actor may see."""

from __future__ import annotations

import pytest

from conftest import make_person, make_user
from mentorwise.accounts.models import User
from mentorwise.programs.models import Program, ProgramStatus
from mentorwise.programs.selectors import home_programs

pytestmark = pytest.mark.django_db


def _program(slug: str, status: str, *managers: User) -> Program:
    program = Program.objects.create(slug=slug, name=slug.title(), status=status)
    program.managers.add(*managers)
    return program


def _slugs(programs: object) -> list[str]:
    return [p.slug for p in programs]  # type: ignore[attr-defined]


def test_each_list_holds_what_it_says(
    program: Program, program_manager: User, other_manager: User, hr_admin: User
) -> None:
    # `program` is enrolling and managed by program_manager.
    _program("a-draft", ProgramStatus.DRAFT, program_manager)
    _program("b-closed", ProgramStatus.CLOSED, program_manager)
    _program("c-others-draft", ProgramStatus.DRAFT, other_manager)
    _program("d-others-open", ProgramStatus.ENROLLING, other_manager)
    _program("e-active", ProgramStatus.ACTIVE, other_manager)

    mine = home_programs(actor=program_manager)
    assert _slugs(mine.managed) == ["a-draft", "b-closed", "leadership-2026"]
    assert _slugs(mine.open) == ["d-others-open", "leadership-2026"]

    # Another manager's draft is neither managed nor visible to them; nothing they do not
    # manage is in their "managed" list.
    theirs = home_programs(actor=other_manager)
    assert _slugs(theirs.managed) == ["c-others-draft", "d-others-open", "e-active"]
    assert "a-draft" not in _slugs(theirs.open) + _slugs(theirs.managed)

    # An HR admin sees every program but manages none of these.
    admin = home_programs(actor=hr_admin)
    assert _slugs(admin.managed) == []
    assert _slugs(admin.open) == ["d-others-open", "leadership-2026"]


def test_someone_who_manages_nothing_sees_only_open_programs(program: Program) -> None:
    nobody = make_user(make_person(first_name="No", last_name="Role"))
    _program("a-draft", ProgramStatus.DRAFT)
    lists = home_programs(actor=nobody)
    assert _slugs(lists.managed) == []
    assert _slugs(lists.open) == ["leadership-2026"]


def test_at_most_six_open_programs_in_name_order(hr_admin: User) -> None:
    for n in range(8):
        _program(f"open-{n}", ProgramStatus.ENROLLING)
    assert _slugs(home_programs(actor=hr_admin).open) == [f"open-{n}" for n in range(6)]


def test_managed_programs_are_counted_and_only_they(
    program: Program, program_manager: User, other_manager: User
) -> None:
    """`n_enrolled`: the active enrollments of each program the actor manages; programs
    shown only as open for enrollment are not counted (the home page shows no count)."""
    from mentorwise.programs.models import Enrollment, EnrollmentStatus, Role

    theirs = _program("d-others-open", ProgramStatus.ENROLLING, other_manager)
    for n, status in enumerate([EnrollmentStatus.ACTIVE] * 3 + [EnrollmentStatus.WITHDRAWN]):
        person = make_person(first_name=f"P{n}")
        for p in (program, theirs):
            Enrollment.objects.create(program=p, person=person, role=Role.MENTEE, status=status)
    expected = program.enrollments.filter(status=EnrollmentStatus.ACTIVE).count()
    assert expected >= 3

    mine = home_programs(actor=program_manager)
    assert [(p.slug, p.n_enrolled) for p in mine.managed] == [("leadership-2026", expected)]
    assert {p.slug: p.n_enrolled for p in mine.open}["d-others-open"] is None
    assert [(p.slug, p.n_enrolled) for p in home_programs(actor=other_manager).managed] == [
        ("d-others-open", 3)
    ]
    empty = _program("e-empty", ProgramStatus.DRAFT, program_manager)
    assert {p.slug: p.n_enrolled for p in home_programs(actor=program_manager).managed}[
        empty.slug
    ] == 0
