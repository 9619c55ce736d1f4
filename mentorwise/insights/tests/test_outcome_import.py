"""An HRIS import records the career events outcome insights count: promotions, internal moves."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorwise.core.errors import InvalidInput
from mentorwise.people.models import CareerEvent, Person
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
            "E2,Ben,B,ben@example.com,4,Finance",  # level lowered: a demotion
            "E3,Cy,C,cy@example.com,6,Operations",  # unchanged
            "E4,Di,D,di@example.com,3,People",  # first known level and function: no event
        ],
        dt.date(2026, 3, 1),
    )
    assert events() == [
        ("E1", "internal_move", "2026-03-01", None, None, "Sales", "Marketing"),
        ("E1", "promotion", "2026-03-01", 4, 5, "", ""),
        ("E2", "demotion", "2026-03-01", 5, 4, "", ""),
    ]
    assert CareerEvent.objects.filter(source="import").count() == 3


def test_a_full_import_records_leavers_with_an_unknown_kind_of_exit() -> None:
    run(
        ["E1,Ada,A,ada@example.com,4,Sales", "E2,Ben,B,ben@example.com,5,Finance"],
        dt.date(2026, 1, 1),
    )
    data = (HEADER + "\nE1,Ada,A,ada@example.com,4,Sales\n").encode()
    people_import(
        actor=None,
        data=data,
        file_name="p.csv",
        today=dt.date(2026, 2, 1),
        full=True,
        confirmed_terminations=1,  # 1 of 2 leaves: over the 10% limit
    )
    ben = Person.objects.get(employee_id="E2")
    assert (ben.termination_date, ben.termination_kind) == (dt.date(2026, 2, 1), "unknown")
    assert Person.objects.get(employee_id="E1").termination_kind == ""


def test_a_termination_date_with_a_blank_kind_is_an_unknown_exit() -> None:
    header = "employee_id,first_name,last_name,email,termination_date,termination_kind"
    rows = [
        "E1,Ada,A,ada@example.com,2026-01-05,",
        "E2,Ben,B,ben@example.com,2026-01-06,voluntary",
        "E3,Cy,C,cy@example.com,,",
    ]
    data = ("\n".join([header, *rows]) + "\n").encode()
    people_import(actor=None, data=data, file_name="p.csv", today=dt.date(2026, 1, 10))
    kinds = dict(Person.objects.values_list("employee_id", "termination_kind"))
    assert kinds == {"E1": "unknown", "E2": "voluntary", "E3": ""}


def test_a_refused_import_records_no_career_event() -> None:
    run(["E1,Ada,A,ada@example.com,4,Sales"], dt.date(2026, 1, 10))
    with pytest.raises(InvalidInput):
        run(["E1,Ada,A,ada@example.com,5,Sales", "E2,Bo,B,bad-email,3,Sales"], dt.date(2026, 2, 1))
    assert CareerEvent.objects.count() == 0
