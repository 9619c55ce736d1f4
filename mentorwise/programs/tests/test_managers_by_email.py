"""Program managers are named by email address, whatever its case on either side."""

from __future__ import annotations

import pytest

from conftest import make_person, make_user
from mentorwise.accounts.models import User
from mentorwise.programs.models import Program
from mentorwise.programs.services import program_managers_set

pytestmark = pytest.mark.django_db


def test_a_manager_is_found_whatever_the_case_of_the_stored_address(
    program: Program, hr_admin: User
) -> None:
    # The HRIS keeps the address as it was typed; the admin types it in lower case.
    olga = make_user(make_person(first_name="Olga", email="Olga.Outsider@Example.COM"))
    program_managers_set(actor=hr_admin, program=program, emails=["olga.outsider@example.com"])
    assert list(program.managers.all()) == [olga]
    program_managers_set(actor=hr_admin, program=program, emails=["OLGA.OUTSIDER@EXAMPLE.com"])
    assert list(program.managers.all()) == [olga]
