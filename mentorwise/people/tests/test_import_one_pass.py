"""One upload reports every problem of a file: row errors, duplicates, references and cycles.

The files are built here from a valid organization by injecting problems of every kind at
random rows (disjoint, so that no problem hides another); the import must report exactly the
injected (row, column) pairs, count them all, write nothing, and import the file once the
injected problems are taken out again.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from mentorwise.core.errors import InvalidInput
from mentorwise.people.models import Person
from mentorwise.people.services import people_import

TODAY = dt.date(2026, 11, 26)
HEADER = ["employee_id", "first_name", "last_name", "email", "manager_id", "job_level", "hire_date"]

pytestmark = pytest.mark.django_db


def valid_org(rng: random.Random, size: int) -> list[list[str]]:
    rows = []
    for i in range(1, size + 1):
        manager = "" if i == 1 else f"E{rng.randrange(1, i)}"
        rows.append([f"E{i}", f"First{i}", f"Last{i}", f"p{i}@example.com", manager,
                     str(rng.randint(1, 10)), "2020-01-01"])  # fmt: skip
    return rows


def inject(rng: random.Random, rows: list[list[str]]) -> set[tuple[int, str]]:
    """Spoil disjoint rows with one problem each (two rows for a cycle); return what to expect.

    File row numbers: the header is row 1, so rows[i] is row i + 2.
    """
    free = list(range(1, len(rows)))  # keep the top of the organization intact
    rng.shuffle(free)
    expected: set[tuple[int, str]] = set()
    kinds = ["email", "job_level", "hire_date", "unknown", "self", "duplicate", "cycle"]
    for n in range(rng.randint(8, 16)):
        kind = kinds[n % len(kinds)] if n < len(kinds) else rng.choice(kinds)
        i = free.pop()
        if kind == "email":
            rows[i][3] = f"not-an-email-{n}"
            expected.add((i + 2, "email"))
        elif kind == "job_level":
            rows[i][5] = rng.choice(["eleven", "0", "12"])
            expected.add((i + 2, "job_level"))
        elif kind == "hire_date":
            rows[i][6] = rng.choice(["2020-02-30", "yesterday", "2099-01-01"])
            expected.add((i + 2, "hire_date"))
        elif kind == "unknown":
            rows[i][4] = f"NOBODY{n}"
            expected.add((i + 2, "manager_id"))
        elif kind == "self":
            rows[i][4] = rows[i][0]
            expected.add((i + 2, "manager_id"))
        elif kind == "duplicate":
            j = free.pop()
            rows[max(i, j)][3] = rows[min(i, j)][3].upper()  # emails compare case-insensitively
            expected.add((max(i, j) + 2, "email"))
        else:  # a management cycle of two
            j = free.pop()
            rows[i][4], rows[j][4] = rows[j][0], rows[i][0]
            expected |= {(i + 2, "manager_id"), (j + 2, "manager_id")}
    return expected


def as_csv(rows: list[list[str]]) -> bytes:
    return ("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n").encode()


@pytest.mark.parametrize("seed", range(8))
def test_one_upload_reports_every_kind_of_problem_at_once(seed):
    rng = random.Random(seed)
    clean = valid_org(rng, 60)
    spoiled = [list(r) for r in clean]
    expected = inject(rng, spoiled)
    with pytest.raises(InvalidInput) as caught:
        people_import(actor=None, data=as_csv(spoiled), file_name="f.csv", today=TODAY)
    found = {(e.row, e.field) for e in caught.value.errors}
    assert found == expected
    assert caught.value.total == len(expected) and not caught.value.at_least
    assert Person.objects.count() == 0
    # Taking the reported problems out leaves nothing to report: no second round.
    result = people_import(actor=None, data=as_csv(clean), file_name="f.csv", today=TODAY)
    assert result.created == 60


def test_the_reports_of_a_row_with_problems_are_not_called_orphans():
    # E2's row has a bad date, so it is not imported; E3 reports to E2 and must not be told
    # that nobody has that employee id.
    data = as_csv([
        ["E1", "A", "A", "a@example.com", "", "9", "2020-01-01"],
        ["E2", "B", "B", "b@example.com", "E1", "5", "2020-13-01"],
        ["E3", "C", "C", "c@example.com", "E2", "3", "2020-01-01"],
    ])  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        people_import(actor=None, data=data, file_name="f.csv", today=TODAY)
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "hire_date")]


def test_a_row_with_too_few_values_still_names_its_person_as_a_manager():
    data = as_csv([
        ["E1", "A", "A", "a@example.com", "", "9", "2020-01-01"],
        ["E2", "B", "B", "b@example.com", "E1", "5"],
        ["E3", "C", "C", "c@example.com", "E2", "3", "2020-01-01"],
    ])  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        people_import(actor=None, data=data, file_name="f.csv", today=TODAY)
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "file")]
