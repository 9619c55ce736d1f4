"""Who oversees a program, as a queryset: the same logins as `can_manage_program`, read
through indexes."""

from __future__ import annotations

import itertools

import pytest

from conftest import make_person, make_user, query_plan
from mentorwise.accounts.models import User
from mentorwise.programs.models import Program, ProgramStatus
from mentorwise.programs.permissions import can_manage_program, program_overseers

pytestmark = pytest.mark.django_db


def _logins() -> list[User]:
    """Every combination of the flags that make an overseer, with and without a person."""
    logins = []
    for hr, superuser, active, person in itertools.product([False, True], repeat=4):
        logins.append(
            make_user(
                make_person() if person else None,
                is_hr_admin=hr,
                is_superuser=superuser,
                is_active=active,
            )
        )
    return logins


def test_overseers_are_the_logins_that_may_manage_the_program() -> None:
    logins = _logins()
    programs = [
        Program.objects.create(slug=f"p{n}", name=f"P{n}", status=ProgramStatus.ACTIVE)
        for n in range(3)
    ]
    # Managers of one, of two, of none; active and inactive ones.
    programs[0].managers.add(*logins[0:6])
    programs[1].managers.add(*logins[4:10])
    for program in programs:
        # Among the logins that can sign in (`can_manage_program` does not ask a manager's).
        active = User.objects.filter(is_active=True)
        expected = {u.pk for u in active if can_manage_program(u, program)}
        assert set(program_overseers(program).values_list("pk", flat=True)) == expected
        assert expected  # HR admins oversee every program


def test_overseers_are_read_through_indexes() -> None:
    _logins()
    program = Program.objects.create(slug="p", name="P", status=ProgramStatus.ACTIVE)
    program.managers.add(make_user(make_person()))
    sql, params = program_overseers(program).query.sql_with_params()
    plan = query_plan(sql, list(params))
    # The HR admins through their own index, not a read of every login; on PostgreSQL not
    # an OR of two IN (subquery) tested on each login either.
    assert "users_hr_admin" in plan, plan
    assert "SCAN accounts_user" not in plan.replace("SCAN accounts_user USING", ""), plan
    assert "Seq Scan on accounts_user" not in plan and "SubPlan" not in plan, plan
