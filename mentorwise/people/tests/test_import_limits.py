"""HRIS import at scale: bounded memory, a capped error list, files that are not what was meant.

The import reads the file as a stream and keeps its rows in a scratch database, so memory
does not grow with the file; only the first problems are kept (importer.MAX_ERRORS), all are
counted. bench/import_memory.py measures the same at the 50 MB limit.
"""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentorwise.core.errors import InvalidInput
from mentorwise.people import importer, services
from mentorwise.people.importer import MAX_ERRORS
from mentorwise.people.models import MAX_DEPTH, Person
from mentorwise.people.reporting_lines import find_loops
from mentorwise.people.services import people_import

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
HEADER = "employee_id,first_name,last_name,email"


def refused(data: bytes | str, **kwargs: object) -> InvalidInput:
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(InvalidInput) as caught:
        people_import(actor=None, data=raw, file_name="hris.csv", today=TODAY, **kwargs)  # type: ignore[arg-type]
    assert not Person.objects.exists()
    return caught.value


def traced_peak(data: bytes, **kwargs: object) -> int:
    """Peak Python memory of one import of `data` (its bytes were allocated before)."""
    tracemalloc.start()
    try:
        people_import(actor=None, data=data, file_name="hris.csv", today=TODAY, **kwargs)  # type: ignore[arg-type]
    except InvalidInput:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_the_error_list_is_capped_and_every_problem_counted() -> None:
    rows = 5 * MAX_ERRORS
    error = refused(HEADER + "\n" + "x\n" * rows)
    assert len(error.errors) == MAX_ERRORS and error.total == rows and error.truncated
    assert [e.row for e in error.errors] == list(range(2, MAX_ERRORS + 2))  # the first ones
    assert all(e.field == "file" and "1 values" in e.message for e in error.errors)
    assert not error.at_least and f"{rows:,} problems found" in error.message


def test_checking_stops_after_a_million_problems_and_says_at_least(monkeypatch) -> None:
    monkeypatch.setattr(services, "MAX_COUNTED", 3000)
    error = refused(HEADER + "\n" + "x\n" * 5000)
    assert error.total == 3000 and error.at_least and len(error.errors) == MAX_ERRORS
    assert error.message.startswith("at least 3,000 problems found")


def test_memory_stays_bounded_on_a_file_of_bad_rows() -> None:
    # 100,000 problems: one error object per row alone would take ~15 MB (the old importer
    # peaked at 44 MB here); the capped list takes a few hundred KB whatever the count.
    data = (HEADER + "\n" + "x\n" * 100_000).encode()
    assert traced_peak(data, dry_run=True) < 2_000_000


def test_memory_stays_bounded_importing_valid_rows() -> None:
    # The rows live in the scratch database; Python holds one batch. Three times the rows
    # may not need noticeably more memory (the old importer: ~1.6 KB more per row).
    def org(n: int, start: int) -> bytes:
        rows = "".join(f"E{i},Ana,Li,e{i}@example.com\n" for i in range(start, start + n))
        return (HEADER + "\n" + rows).encode()

    small = traced_peak(org(10_000, 0))
    large = traced_peak(org(30_000, 100_000))
    assert Person.objects.count() == 40_000
    assert large < small + 1_000_000 and large < 10_000_000


def test_the_page_says_more_problems_were_found_than_shown(client, hr_admin, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mentorwise.accounts.tests.factories import PASSWORD

    settings.DATA_DIR = tmp_path
    assert client.login(username=hr_admin.username, password=PASSWORD)
    upload = SimpleUploadedFile("bad.csv", (HEADER + "\n" + "x\n" * 2500).encode())
    html = client.post("/people/import/", {"file": upload}).content.decode()
    assert "2,500 problems in bad.csv: nothing was imported" in html
    assert "1,000 problems are shown; the file has 2,500 in all. Fix these first" in html
    assert html.count('<td data-label="Row">') == MAX_ERRORS


def test_the_command_says_more_problems_were_found_than_shown(tmp_path) -> None:
    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n" + "x\n" * 2500)
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2,500 problems found in bad\.csv"):
        call_command("import_people", str(bad), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == MAX_ERRORS + 1
    assert lines[-1] == "bad.csv: 1,000 problems are shown; the file has 2,500 in all. " + (
        "Fix these first, then run the import again."
    )


def test_uploads_kept_on_disk_are_read_as_a_stream(client, hr_admin, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mentorwise.accounts.tests.factories import PASSWORD

    settings.DATA_DIR = tmp_path
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # this upload goes to a temporary file
    assert client.login(username=hr_admin.username, password=PASSWORD)
    rows = "".join(f"E{i},Ana,Li,e{i}@example.com\n" for i in range(50))
    upload = SimpleUploadedFile("hris.csv", (HEADER + "\n" + rows).encode())
    preview = client.post("/people/import/", {"file": upload})
    assert preview.context["result"].created == 50
    token = preview.context["confirm"].initial["token"]
    assert (tmp_path / "imports" / f"{token}.csv").read_text().count("\n") == 51
    before = Person.objects.count()
    client.post("/people/import/", {"token": token, "full": ""})
    assert Person.objects.count() == before + 50


def test_a_reporting_line_deeper_than_the_path_holds_is_refused() -> None:
    # A path holds MAX_DEPTH + 1 levels (the top is depth 0); below that, PostgreSQL refused
    # the path (a server error) and SQLite stored one longer than the column.
    chain = ["E0,Top,Boss,e0@example.com,"]
    chain += [f"E{i},N{i},L,e{i}@example.com,E{i - 1}" for i in range(1, MAX_DEPTH + 3)]
    error = refused("\n".join([HEADER + ",manager_id", *chain]))
    assert [e.row for e in error.errors] == [MAX_DEPTH + 3, MAX_DEPTH + 4]
    assert all("levels of management" in e.message for e in error.errors)
    fits = "\n".join([HEADER + ",manager_id", *chain[: MAX_DEPTH + 1]])
    people_import(actor=None, data=fits.encode(), file_name="hris.csv", today=TODAY)
    assert Person.objects.order_by("-depth").first().depth == MAX_DEPTH  # type: ignore[union-attr]


def test_a_long_management_cycle_is_named_in_short_on_every_row() -> None:
    n = 30
    rows = [f"E{i},N{i},L,e{i}@example.com,E{(i + 1) % n}" for i in range(n)]
    error = refused("\n".join([HEADER + ",manager_id", *rows]))
    assert [e.row for e in error.errors] == list(range(2, n + 2))
    message = error.errors[0].message
    assert message.startswith("Management cycle: E0 → E1 → ") and "(30 people) → E0." in message
    assert len(message) < 200


def test_a_row_beyond_the_row_budget_ends_the_reading(monkeypatch) -> None:
    monkeypatch.setattr(importer, "MAX_ROW_CHARS", 1000)
    # An unclosed quote swallows the rest of the file into one row.
    lines = [HEADER, "E1,Ana,Li,nope", 'E2,"Bo', *(["x" * 50] * 100)]
    error = refused("\n".join(lines))
    assert [(e.row, e.field) for e in error.errors] == [(3, "file")]
    assert "longer than 1,000 characters" in error.errors[0].message


def test_a_header_of_thousands_of_columns_is_refused() -> None:
    header = HEADER + "".join(f",extra{i}" for i in range(importer.MAX_COLUMNS))
    error = refused(header + "\nE1,A,B,a@example.com" + "," * importer.MAX_COLUMNS)
    assert [(e.row, e.field) for e in error.errors] == [(1, "file")]
    assert "1,004 columns" in error.errors[0].message


def test_a_bad_byte_far_into_the_file_is_found_on_its_line() -> None:
    rows = "".join(f"E{i},Ana,Li,e{i}@example.com\n" for i in range(5000))
    data = (HEADER + "\n" + rows).encode() + b"E9,Cl\xe9o,Chief,c@example.com\n"
    error = refused(data)
    assert [(e.row, e.field, e.value) for e in error.errors] == [(5002, "file", "\\xe9o,C")]


@given(st.lists(st.integers(0, 12), min_size=1, max_size=12))
def test_find_loops_agrees_with_walking_every_chain(successors: list[int]) -> None:
    # Oracle: walk each chain one step at a time. Position n (out of range here) is the way
    # out: a manager who has a depth.
    n = len(successors)
    after = np.array([min(s, n) for s in successors] + [n], dtype=np.int64)
    loops = find_loops(after)
    for i in range(n):
        seen, node = [i], int(after[i])
        while node != n and node not in seen:
            seen.append(node)
            node = int(after[node])
        assert loops.too_deep[i] == (node == n)
        cycle = seen[seen.index(node) :] if node != n else []
        assert loops.on_cycle[i] == (i in cycle)
        if i in cycle:
            assert loops.label[i] == min(cycle) and loops.size[min(cycle)] == len(cycle)
