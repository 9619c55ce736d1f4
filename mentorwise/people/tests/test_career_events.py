"""Career history from the HRIS import (and so from the HR connectors, which feed it):
promotions, demotions, internal moves, terminations with their kind, rehires; re-importing
the same file records nothing new. The expected events are written out by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mentorwise.people.models import CareerEvent, Person
from mentorwise.people.services import people_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_termination_hold(settings: Any) -> None:
    # These organizations have three people: one leaver is a third of them, which the
    # mass-termination guard (tested in test_import_terminations.py) would hold.
    settings.MENTORWISE_IMPORT_TERMINATION_LIMIT = 100


DAY1 = dt.date(2026, 3, 2)
DAY2 = dt.date(2026, 5, 4)
HEADER = (
    "employee_id,first_name,last_name,email,job_level,function,termination_date,termination_kind"
)
ANA = "E1,Ana,Lopez,ana@example.com"
BEN = "E2,Ben,Okafor,ben@example.com"
CHO = "E3,Cho,Park,cho@example.com"


def _import(lines: list[str], *, today: dt.date, **options: Any) -> Any:
    data = ("\n".join([HEADER, *lines]) + "\n").encode()
    return people_import(actor=None, data=data, file_name="hris.csv", today=today, **options)


def _events(employee_id: str) -> list[tuple[Any, ...]]:
    person = Person.objects.get(employee_id=employee_id)
    return list(
        CareerEvent.objects.filter(person=person)
        .order_by("date", "pk")
        .values_list(
            "kind",
            "date",
            "from_level",
            "to_level",
            "from_function",
            "to_function",
            "termination_kind",
            "source",
        )
    )


@pytest.fixture
def first_import() -> None:
    _import(
        [f"{ANA},4,Finance,,", f"{BEN},5,Sales,,", f"{CHO},3,Legal,,"],
        today=DAY1,
    )


def test_a_first_import_records_no_career_step(first_import: None) -> None:
    assert CareerEvent.objects.count() == 0


def test_level_up_down_and_function_change(first_import: None) -> None:
    _import(
        [f"{ANA},5,Finance,,", f"{BEN},4,Marketing,,", f"{CHO},3,Legal,,"],
        today=DAY2,
    )
    assert _events("E1") == [("promotion", DAY2, 4, 5, "", "", "", "import")]
    assert _events("E2") == [
        ("demotion", DAY2, 5, 4, "", "", "", "import"),
        ("internal_move", DAY2, None, None, "Sales", "Marketing", "", "import"),
    ]
    assert _events("E3") == []


@pytest.mark.parametrize("kind", ["voluntary", "involuntary", "other", "unknown"])
def test_a_row_newly_terminated_records_its_kind_on_its_own_day(
    first_import: None, kind: str
) -> None:
    _import([f"{ANA},4,Finance,2026-04-30,{kind}"], today=DAY2)
    assert _events("E1") == [
        ("termination", dt.date(2026, 4, 30), None, None, "", "", kind, "import")
    ]


def test_a_termination_without_a_kind_is_unknown(first_import: None) -> None:
    _import([f"{ANA},4,Finance,2026-04-30,"], today=DAY2)
    assert [e[6] for e in _events("E1")] == ["unknown"]
    assert Person.objects.get(employee_id="E1").termination_kind == "unknown"


def test_a_full_import_terminates_the_missing_with_an_unknown_kind(first_import: None) -> None:
    _import(
        [f"{ANA},4,Finance,,", f"{BEN},5,Sales,,"], today=DAY2, full=True, confirmed_terminations=1
    )
    assert _events("E3") == [("termination", DAY2, None, None, "", "", "unknown", "import")]
    assert _events("E1") == _events("E2") == []


def test_a_past_leaver_in_a_first_file_has_left(db: None) -> None:
    _import([f"{ANA},4,Finance,2025-12-31,voluntary"], today=DAY1)
    assert _events("E1") == [
        ("termination", dt.date(2025, 12, 31), None, None, "", "", "voluntary", "import")
    ]


def test_a_corrected_kind_corrects_the_termination_not_a_second_one(first_import: None) -> None:
    _import([f"{ANA},4,Finance,2026-04-30,unknown"], today=DAY2)
    _import([f"{ANA},4,Finance,2026-04-30,voluntary"], today=DAY2 + dt.timedelta(days=1))
    assert _events("E1") == [
        ("termination", dt.date(2026, 4, 30), None, None, "", "", "voluntary", "import")
    ]


def test_a_cleared_termination_is_a_rehire(first_import: None) -> None:
    _import([f"{ANA},4,Finance,2026-04-30,voluntary"], today=DAY2)
    later = dt.date(2026, 9, 1)
    _import([f"{ANA},4,Finance,,"], today=later)
    assert [(e[0], e[1]) for e in _events("E1")] == [
        ("termination", dt.date(2026, 4, 30)),
        ("rehire", later),
    ]
    assert Person.objects.get(employee_id="E1").termination_date is None


def test_a_scheduled_termination_called_off_never_happened(first_import: None) -> None:
    _import([f"{ANA},4,Finance,2026-12-31,voluntary"], today=DAY2)
    assert [e[0] for e in _events("E1")] == ["termination"]
    _import([f"{ANA},4,Finance,,"], today=DAY2 + dt.timedelta(days=7))
    assert _events("E1") == []


def test_the_same_file_twice_records_nothing_new(first_import: None) -> None:
    lines = [
        f"{ANA},6,Engineering,,",
        f"{BEN},5,Sales,2026-04-01,involuntary",
    ]
    _import(lines, today=DAY2, full=True, confirmed_terminations=1)
    first = CareerEvent.objects.count()
    assert first == 4  # promotion + move (Ana), termination (Ben), termination (Cho: missing)
    _import(lines, today=DAY2 + dt.timedelta(days=1), full=True, confirmed_terminations=1)
    _import(lines, today=DAY2 + dt.timedelta(days=2), full=True, confirmed_terminations=1)
    assert CareerEvent.objects.count() == first


def test_a_dry_run_records_nothing(first_import: None) -> None:
    _import([f"{ANA},7,Finance,2026-04-30,voluntary"], today=DAY2, dry_run=True)
    assert CareerEvent.objects.count() == 0


def test_the_latest_termination_event_agrees_with_the_person(first_import: None) -> None:
    _import([f"{ANA},4,Finance,2026-04-30,other"], today=DAY2)
    _import([f"{ANA},4,Finance,2026-04-20,involuntary"], today=DAY2 + dt.timedelta(days=1))
    person = Person.objects.get(employee_id="E1")
    latest = CareerEvent.objects.filter(person=person, kind="termination").latest("date", "pk")
    assert (latest.date, latest.termination_kind) == (
        person.termination_date,
        person.termination_kind,
    )
    assert CareerEvent.objects.filter(person=person, kind="termination").count() == 1


def test_an_hr_connector_run_says_so(first_import: None) -> None:
    from mentorwise.people.models import ImportSource

    data = f"{HEADER}\n{ANA},5,Finance,,\n".encode()
    people_import(
        actor=None, data=data, file_name="workday", today=DAY2, source=ImportSource.CONNECTOR
    )
    assert _events("E1") == [("promotion", DAY2, 4, 5, "", "", "", "connector")]
