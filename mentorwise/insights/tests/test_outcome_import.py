"""An HRIS import records the career events outcome insights count: promotions, internal moves."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorwise.core.errors import InvalidInput
from mentorwise.people.models import CareerEvent
from mentorwise.people.services import people_import

pytestmark = pytest.mark.django_db
HEADER = "employee_id,first_name,last_name,email,job_level,function"


def run(rows: list[str], day: dt.date) -> None:
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    people_import(actor=None, data=data, file_name="people.csv", today=day)


def events() -> list[tuple[object, ...]]:
    rows = CareerEvent.objects.select_related("person").order_by("person__employee_id", "kind")
    return [
        (
            e.person.employee_id,
            e.kind,
            e.date.isoformat(),
            e.from_level,
            e.to_level,
            e.from_function,
            e.to_function,
        )
        for e in rows
    ]


def test_raised_level_is_a_promotion_and_changed_function_an_internal_move() -> None:
    run(
        [
            "E1,Ada,A,ada@example.com,4,Sales",
            "E2,Ben,B,ben@example.com,5,Finance",
            "E3,Cy,C,cy@example.com,6,Operations",
            "E4,Di,D,di@example.com,,",
        ],
        dt.date(2026, 1, 10),
    )
    assert events() == []  # creating people records no career step
    run(
        [
            "E1,Ada,A,ada@example.com,5,Marketing",  # promoted and moved
            "E2,Ben,B,ben@example.com,4,Finance",  # level lowered: not a promotion
            "E3,Cy,C,cy@example.com,6,Operations",  # unchanged
            "E4,Di,D,di@example.com,3,People",  # first known level and function: no event
        ],
        dt.date(2026, 3, 1),
    )
    assert events() == [
        ("E1", "internal_move", "2026-03-01", None, None, "Sales", "Marketing"),
        ("E1", "promotion", "2026-03-01", 4, 5, "", ""),
    ]
    assert CareerEvent.objects.filter(source="import").count() == 2


def test_a_refused_import_records_no_career_event() -> None:
    run(["E1,Ada,A,ada@example.com,4,Sales"], dt.date(2026, 1, 10))
    with pytest.raises(InvalidInput):
        run(["E1,Ada,A,ada@example.com,5,Sales", "E2,Bo,B,bad-email,3,Sales"], dt.date(2026, 2, 1))
    assert CareerEvent.objects.count() == 0
