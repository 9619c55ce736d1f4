"""Career history and privacy: the export lists every career event with its new fields
(terminations and their kind, the source); erasure keeps the events as they were (they are
organisational history, see docs/privacy.md) and records none."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mentorwise.people.models import CareerEvent, Person
from mentorwise.people.services import people_import
from mentorwise.privacy.erasure import person_erase
from mentorwise.privacy.export import person_export

pytestmark = pytest.mark.django_db

HEADER = "employee_id,first_name,last_name,email,job_level,termination_date,termination_kind"


def _import(row: str, today: dt.date) -> None:
    data = f"{HEADER}\n{row}\n".encode()
    people_import(actor=None, data=data, file_name="hris.csv", today=today)


def test_the_export_lists_terminations_and_erasure_adds_none(settings: Any) -> None:
    # An organization of one: its leaver is all of it, which the mass-termination guard holds.
    settings.MENTORWISE_IMPORT_TERMINATION_LIMIT = 100
    _import("E1,Ana,Lopez,ana@example.com,4,,", dt.date(2026, 3, 2))
    _import("E1,Ana,Lopez,ana@example.com,5,2026-04-30,voluntary", dt.date(2026, 5, 4))
    ana = Person.objects.get(employee_id="E1")
    data = person_export(actor=None, person=ana)
    exported = {(e["kind"], e["termination_kind"], e["source"]) for e in data["career_events"]}
    assert exported == {("promotion", "", "import"), ("termination", "voluntary", "import")}

    before = list(CareerEvent.objects.values_list("pk", "kind", "date", "termination_kind"))
    person_erase(actor=None, person=ana, confirm="E1")
    after = list(CareerEvent.objects.values_list("pk", "kind", "date", "termination_kind"))
    assert after == before
