"""Property-based fuzzing of the HRIS import (people/importer.py through people_import).

Arbitrary files — any subset of the known columns and their HRIS aliases, unknown and
repeated columns, comma or semicolon, any line ending, five encodings, hostile values in
every cell — give either a clean import or an InvalidInput whose every error names its
field (and row), never another exception. A refused file writes nothing, a dry run never
writes, and a dry run predicts exactly what the real import then does.
mentorwise/people/tests/test_import_property.py covers tidy and messy UTF-8 files; this
file adds the encodings, aliases, line endings and the dry-run/real agreement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_person
from mentorwise.core.errors import InvalidInput
from mentorwise.people.columns import ALIASES, CANONICAL_COLUMNS, REQUIRED_COLUMNS
from mentorwise.people.models import CareerEvent, Demographics, Person
from mentorwise.people.services import people_import
from tests.fuzzing import FUZZ, NASTY

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
GOOD: dict[str, list[str]] = {
    "first_name": ["Ana", "Zoë", "Çelik"],
    "last_name": ["Li", "O'Brien"],
    "title": ["Analyst", "Lead"],
    "job_level": ["", "1", "5", "10"],
    "department": ["Sales", "Finance"],
    "function": ["Sales", "Engineering"],
    "location": ["Berlin", "Lisbon"],
    "time_zone": ["Europe/Berlin", "UTC"],
    "languages": ["English", "English; German"],
    "manager_id": ["", "E1"],
    "manager_email": ["", "e1@example.com"],
    "hire_date": ["", "2020-02-29"],
    "manager_since": ["", "2022-01-01"],
    "high_potential": ["", "true", "no"],
    "termination_date": ["", "2025-06-30"],
    "termination_kind": ["", "voluntary"],
    "gender": ["", "woman", "Prefer not to say"],
    "ethnicity": ["", "Asian"],
}
BAD: dict[str, list[str]] = {
    "employee_id": ["E1", "N1", ""],
    "email": ["e1@example.com", "n1@example.com", "not-an-email"],
    "time_zone": ["Mars/Olympus"],
    "manager_id": ["N9", "N1"],
    "hire_date": ["2021-02-29"],
    "high_potential": ["maybe"],
    "termination_kind": ["fired"],
    "job_level": ["11", "x"],
}
header_for = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
OPTIONAL = [
    c for c in [*CANONICAL_COLUMNS, *header_for, "Unknown Column"] if c not in REQUIRED_COLUMNS
]


@st.composite
def hris_files(draw: Any) -> bytes:
    """Tidy files (valid values, distinct ids: they import) and messy ones (anything)."""
    messy = draw(st.booleans())
    if messy:
        pool = [*CANONICAL_COLUMNS, *header_for, "Unknown Column", ""]
        header = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=8))
    else:
        header = [*REQUIRED_COLUMNS, *draw(st.lists(st.sampled_from(OPTIONAL), max_size=6))]
        header = list(dict.fromkeys(header))  # a tidy file names each column once
        # Two names for one column (an alias beside its canonical name) is an error.
        kept: dict[str, str] = {}
        for h in header:
            kept.setdefault(header_for.get(h, h), h)
        header = list(kept.values())
    rows = []
    for i in range(draw(st.integers(0 if messy else 1, 5))):
        row = []
        for column in header:
            name = header_for.get(column, column)
            if not messy and name == "employee_id":
                value = f"N{i + 1}"
            elif not messy and name == "email":
                value = f"n{i + 1}@example.com"
            elif messy:
                value = draw(
                    st.one_of(
                        st.sampled_from(GOOD.get(name, [""]) + BAD.get(name, [""])),
                        st.sampled_from(NASTY),
                        st.text(max_size=6),
                    )
                )
            else:
                value = draw(st.sampled_from(GOOD.get(name, ["x"])))
            row.append(value)
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ";"]))

    def cell(value: str) -> str:
        if any(c in value for c in f'{delimiter}"\r\n') or draw(st.booleans()):
            return '"' + value.replace('"', '""') + '"'
        return value

    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(delimiter.join(cell(v) for v in r) for r in [header, *rows])
    encodings = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"] if messy else ["utf-8"]
    encoding = draw(st.sampled_from([*encodings, "utf-8-sig"]))
    return text.encode(encoding, errors="replace")


def snapshot() -> tuple[Any, ...]:
    return (
        list(Person.objects.order_by("pk").values_list()),
        list(Demographics.objects.order_by("pk").values_list()),
        CareerEvent.objects.count(),
    )


def check_refusal(error: InvalidInput) -> None:
    assert error.errors, "an InvalidInput lists its problems"
    for e in error.errors:
        assert e.field and e.message, e
        assert e.row is None or e.row >= 1, e


@pytest.fixture
def population(db: None) -> None:
    boss = make_person(employee_id="E1", email="e1@example.com", job_level=8)
    make_person(employee_id="E2", email="e2@example.com", manager=boss, job_level=4)


@FUZZ
@given(data=hris_files())
def test_any_file_imports_cleanly_or_is_refused_naming_the_field(
    data: bytes, hr_admin: Any, population: None
) -> None:
    before = snapshot()
    try:
        planned = people_import(
            actor=hr_admin, data=data, file_name="hris.csv", dry_run=True, today=TODAY
        )
    except InvalidInput as error:
        check_refusal(error)
        assert snapshot() == before, "a refused dry run writes nothing"
        with pytest.raises(InvalidInput):
            people_import(actor=hr_admin, data=data, file_name="hris.csv", today=TODAY)
        assert snapshot() == before, "a refused file writes nothing"
        return
    assert snapshot() == before, "a dry run writes nothing"
    done = people_import(actor=hr_admin, data=data, file_name="hris.csv", today=TODAY)
    assert done.counts() == planned.counts(), "the dry run predicts the import"
    assert Person.objects.count() == len(before[0]) + done.created


@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_import(data: bytes, hr_admin: Any) -> None:
    before = snapshot()
    try:
        people_import(actor=hr_admin, data=data, file_name="x.csv", today=TODAY)
    except InvalidInput as error:
        check_refusal(error)
        assert snapshot() == before
