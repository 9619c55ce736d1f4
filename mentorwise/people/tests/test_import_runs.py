"""Each import run keeps what it did (every change, or the file's problems) and shows it on
its own page to HR admins; people are kept by id, so an erasure leaves no trace in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import page_client
from mentorwise.core.errors import InvalidInput
from mentorwise.people.models import ImportOutcome, ImportRun, Person
from mentorwise.people.run_record import unpack
from mentorwise.people.services import people_import

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
HEADER = "employee_id,first_name,last_name,email,job_level"


def _import(rows: list[str], **options: Any) -> Any:
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    return people_import(actor=None, data=data, file_name="hris.csv", today=TODAY, **options)


def _rows(n: int, level: int = 3) -> list[str]:
    return [f"R{i:03},Ann{i},Lee{i},r{i}@example.com,{level}" for i in range(n)]


def _latest() -> ImportRun:
    return ImportRun.objects.latest("created_at", "id")


def test_a_run_records_every_change_by_person_id() -> None:
    _import(_rows(3))
    first = unpack(_latest().record)
    ids = dict(Person.objects.values_list("employee_id", "pk"))
    assert [(c.person_id, c.kind) for c in first.changes] == [
        (ids["R000"], "created"),
        (ids["R001"], "created"),
        (ids["R002"], "created"),
    ]
    changed = _rows(3)
    changed[1] = "R001,Ann1,Lee1,r1@example.com,4"  # a promotion
    _import(changed[:2], full=True, confirmed_terminations=1)
    second = unpack(_latest().record)
    assert [(c.person_id, c.kind, c.fields) for c in second.changes] == [
        (ids["R001"], "updated", ["job_level"]),
        (ids["R002"], "terminated", ["termination_date"]),
    ]
    assert b"Ann1" not in bytes(_latest().record)  # compressed, and only ids anyway


def test_the_run_page_lists_filters_and_pages_the_changes(hr_admin: Any) -> None:
    _import(_rows(150))
    run = _latest()
    client = page_client(hr_admin)
    page = client.get(f"/people/import/runs/{run.pk}/").content.decode()
    assert "All (150)" in page and "Created (150)" in page
    assert "R000" in page and "Ann0 Lee0" in page and "Page 1 of 2" in page
    assert "R120" not in page
    second = client.get(f"/people/import/runs/{run.pk}/?page=2").content.decode()
    assert "R120" in second and "R000" not in second
    updated = client.get(f"/people/import/runs/{run.pk}/?kind=updated").content.decode()
    assert "Nothing of this kind changed." in updated
    history = client.get("/people/import/").content.decode()
    assert f'href="/people/import/runs/{run.pk}/"' in history


def test_a_refused_run_shows_its_problems_without_the_cells(hr_admin: Any) -> None:
    with pytest.raises(InvalidInput):
        _import(["R900,Zed,Secret-Value,not-an-email,3"])
    run = _latest()
    assert run.outcome == ImportOutcome.REFUSED
    page = page_client(hr_admin).get(f"/people/import/runs/{run.pk}/").content.decode()
    assert "Why it was not imported" in page and '<code translate="no">email</code>' in page
    assert "not-an-email" not in page  # the file's cells are not kept


def test_only_hr_admins_read_runs(mentee: Any, program_manager: Any) -> None:
    _import(_rows(2))
    run = _latest()
    for user in (mentee, program_manager):
        assert page_client(user).get(f"/people/import/runs/{run.pk}/").status_code == 404
    assert Client().get(f"/people/import/runs/{run.pk}/").status_code == 302
