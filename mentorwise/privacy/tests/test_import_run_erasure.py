"""An import run keeps people by id only: after an erasure its page shows no trace of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import page_client
from mentorwise.people.models import ImportRun, Person
from mentorwise.people.services import people_import
from mentorwise.privacy.erasure import person_erase

pytestmark = pytest.mark.django_db

HEADER = "employee_id,first_name,last_name,email,job_level"


def _rows(n: int) -> list[str]:
    return [f"R{i:03},Ann{i},Lee{i},r{i}@example.com,3" for i in range(n)]


def _import(rows: list[str]) -> None:
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    people_import(actor=None, data=data, file_name="hris.csv", today=dt.date(2026, 11, 26))


def _latest() -> ImportRun:
    return ImportRun.objects.latest("created_at", "id")


def test_an_erased_person_leaves_no_name_in_the_run(hr_admin: Any) -> None:
    _import(_rows(2))
    run = _latest()
    ann = Person.objects.get(employee_id="R000")
    person_erase(actor=hr_admin, person=ann, confirm="R000")
    page = page_client(hr_admin).get(f"/people/import/runs/{run.pk}/").content.decode()
    assert "Ann0" not in page and ">R000<" not in page
    assert "Ann1 Lee1" in page  # the others as before
