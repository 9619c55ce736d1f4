"""Property: any CSV text gives either a clear error or a consistent import, never a crash."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorwise.core.errors import InvalidInput
from mentorwise.people.models import Person
from mentorwise.people.services import people_import

HEADERS = [
    *("employee_id", "first_name", "last_name", "email", "manager_id", "job_level"),
    *("hire_date", "termination_date", "high_potential", "gender", "Worker ID", "Grade"),
]
REQUIRED = ["employee_id", "first_name", "last_name", "email"]
IDS = ["E1", "E2", "E3", "E4", ""]
cells = st.one_of(
    st.sampled_from(IDS),
    st.sampled_from(["a@example.com", "b@example.com", "c@example.com", "bad", ""]),
    st.sampled_from(["1", "10", "11", "x", "2020-01-01", "2099-01-01", "1/2/2020", "true"]),
    st.sampled_from(["woman", "robot", "Prefer not to say", '"', "=SUM(A1)", ";", ","]),
    st.text(max_size=8),
)


GOOD = {
    "employee_id": st.sampled_from([f"E{i}" for i in range(1, 60)]),
    "Worker ID": st.sampled_from([f"E{i}" for i in range(1, 60)]),
    "first_name": st.sampled_from(["Ana", "Bo", "Çelik", "Zoë"]),
    "last_name": st.sampled_from(["Li", "O'Brien", "da Silva"]),
    "email": st.sampled_from([f"p{i}@example.com" for i in range(1, 60)]),
    "manager_id": st.sampled_from(["", "", "", "E1"]),
    "job_level": st.sampled_from(["", "1", "7", "10"]),
    "Grade": st.sampled_from(["", "3"]),
    "hire_date": st.sampled_from(["", "2020-02-29", "2001-12-31"]),
    "termination_date": st.sampled_from(["", "", "2025-06-30"]),
    "high_potential": st.sampled_from(["", "true", "no"]),
    "gender": st.sampled_from(["", "woman", "Prefer not to say"]),
}


def _cell(name, messy):
    # Plausible values for the column; in messy files also anything at all.
    good = GOOD.get(name, cells)
    return st.one_of(good, cells) if messy else good


@st.composite
def csv_files(draw):
    extra = draw(st.lists(st.sampled_from(HEADERS), max_size=5))
    if draw(st.booleans()):  # half the files have the required columns, so some import
        extra = [h for h in extra if h not in REQUIRED and h != "Worker ID"]
        header = [*REQUIRED, *dict.fromkeys(extra)]
    else:
        header = extra or ["employee_id"]
    delimiter = draw(st.sampled_from([",", ";"]))
    messy = draw(st.booleans())
    row = st.tuples(*[_cell(name, messy) for name in header])
    rows = [list(r) for r in draw(st.lists(row, min_size=0 if messy else 1, max_size=6))]
    if not messy:
        # Tidy files keep ids and emails distinct, so that a good share of them import.
        for i, cells_ in enumerate(rows):
            for c, name in enumerate(header):
                if name in ("employee_id", "Worker ID"):
                    cells_[c] = f"E{i + 1}"
                elif name == "email":
                    cells_[c] = f"p{i + 1}@example.com"
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    text = "\n".join(lines)
    prefix = draw(st.sampled_from(["", "\ufeff"]))
    return (prefix + text).encode("utf-8")


TODAY = dt.date(2026, 11, 26)
IMPORTED: list[int] = []
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check(data: bytes) -> None:
    before = Person.objects.count()
    try:
        result = people_import(actor=None, data=data, file_name="fuzz.csv", today=TODAY)
    except InvalidInput as error:
        assert error.errors, "an InvalidInput always lists its problems"
        for e in error.errors:
            assert e.field and e.message
            assert e.row is None or e.row >= 1
        assert Person.objects.count() == before, "a refused file writes nothing"
        return
    assert result.created + result.updated + result.unchanged == result.rows
    assert Person.objects.count() == before + result.created
    again = people_import(actor=None, data=data, file_name="fuzz.csv", today=TODAY)
    assert not again.changed_anything, "re-importing the same file changes nothing"
    IMPORTED.append(result.rows)


@st.composite
def valid_files(draw):
    """Files that should import: required columns, distinct ids and emails, managers above."""
    n = draw(st.integers(1, 6))
    rows = ["employee_id;first_name;last_name;email;manager_id;job_level;gender"]
    for i in range(n):
        manager = draw(st.sampled_from(["", *[f"V{j}" for j in range(i)]]))
        name = draw(st.text(st.characters(categories=["L"]), min_size=1, max_size=6))
        level = draw(st.sampled_from(["", "1", "5", "10"]))
        gender = draw(st.sampled_from(["", "woman", "Prefer not to say"]))
        rows.append(f"V{i};{name};Doe;v{i}@example.com;{manager};{level};{gender}")
    return "\n".join(rows).encode()


@pytest.mark.django_db
@SETTINGS
@given(data=csv_files())
def test_generated_csv_files_never_crash_the_import(data):
    check(data)


@pytest.mark.django_db
@SETTINGS
@given(data=valid_files())
def test_valid_files_always_import(data):
    IMPORTED.clear()
    check(data)
    assert IMPORTED, "a valid file imports"


@pytest.mark.django_db
@SETTINGS
@given(data=st.binary(max_size=200))
def test_random_bytes_never_crash_the_import(data):
    check(data)
