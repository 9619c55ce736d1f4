"""A full import that would terminate more than MENTORWISE_IMPORT_TERMINATION_LIMIT percent of
the people employed waits until an HR admin confirms that number: nothing is written before,
the run is in the history as held, and page, command line and service agree."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from conftest import page_client
from mentorwise.core.models import AuditEntry
from mentorwise.people.models import ImportOutcome, ImportRun, Person
from mentorwise.people.services import TerminationsNeedConfirmation, people_import

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
HEADER = "employee_id,first_name,last_name,email,manager_id,job_level,hire_date"


def _org(n: int) -> list[str]:
    return [HEADER] + [f"E{i},First{i},Last{i},p{i}@example.com,,3,2020-01-01" for i in range(n)]


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _import(lines: list[str], **options: Any) -> Any:
    return people_import(
        actor=None, data=_csv(lines), file_name="people.csv", today=TODAY, **options
    )


def _employed() -> int:
    return Person.objects.filter(termination_date__isnull=True).count()


@pytest.fixture
def org_of_40() -> list[str]:
    org = _org(40)
    _import(org)
    return org


def test_the_limit_is_a_share_of_the_people_employed(org_of_40: list[str], settings: Any) -> None:
    settings.MENTORWISE_IMPORT_TERMINATION_LIMIT = 10
    # 4 of 40 missing: exactly 10%, not over it.
    assert _import(org_of_40[:-4], full=True).terminated == 4
    assert _employed() == 36
    # 4 more of the 36 left: 11%, over it.
    preview = _import(org_of_40[:-8], full=True, dry_run=True)
    assert preview.needs_confirmation and preview.terminated == 4
    assert (preview.employed_before, preview.termination_limit, preview.terminated_share) == (
        36,
        3,
        11,
    )


def test_over_the_limit_nothing_is_written_and_the_run_is_held(org_of_40: list[str]) -> None:
    with pytest.raises(TerminationsNeedConfirmation) as held:
        _import(org_of_40[:21], full=True)  # 20 of 40 missing: a cut-short export
    assert "would terminate 20 of the 40 people employed (50%)" in held.value.errors[0].message
    assert _employed() == 40
    run = ImportRun.objects.latest("created_at")
    assert run.outcome == ImportOutcome.HELD and run.terminated == 0 and run.errors == 0
    # A confirmation of fewer than it terminates is no confirmation.
    with pytest.raises(TerminationsNeedConfirmation):
        _import(org_of_40[:21], full=True, confirmed_terminations=19)
    assert _employed() == 40


def test_a_confirmed_number_imports_and_is_audited(org_of_40: list[str]) -> None:
    result = _import(org_of_40[:21], full=True, confirmed_terminations=20)
    assert result.terminated == 20 and _employed() == 20
    entry = AuditEntry.objects.filter(action="people.imported").latest("created_at")
    assert entry.data["confirmed_terminations"] == 20 and entry.data["terminated"] == 20


def test_partial_imports_and_unconfirmed_imports_under_the_limit_pass(
    org_of_40: list[str], settings: Any
) -> None:
    # Without --full nobody is terminated, whatever the file leaves out.
    assert _import(org_of_40[:2]).terminated == 0
    settings.MENTORWISE_IMPORT_TERMINATION_LIMIT = 60
    assert _import(org_of_40[:21], full=True).terminated == 20
    settings.MENTORWISE_IMPORT_TERMINATION_LIMIT = 0  # every termination confirmed
    with pytest.raises(TerminationsNeedConfirmation):
        _import(org_of_40[:20], full=True)


def test_the_page_asks_for_the_number_and_imports_once_it_is_ticked(
    org_of_40: list[str], hr_admin: Any, settings: Any, tmp_path: Any
) -> None:
    settings.DATA_DIR = tmp_path
    client = page_client(hr_admin)
    upload = SimpleUploadedFile("people.csv", _csv(org_of_40[:21]), content_type="text/csv")
    preview = client.post("/people/import/", {"file": upload, "full": "on"})
    html = preview.content.decode()
    # The HR admin's own record is employed too and missing from the file: 21 of 41.
    assert "This import would terminate 21 of the 41 people employed (51%)" in html
    assert 'name="confirm_terminations"' in html and "required" in html
    token = html.split('name="token" value="')[1].split('"')[0]
    unticked = client.post("/people/import/", {"token": token, "full": "True"})
    assert "an HR admin must confirm that number" in unticked.content.decode()
    assert "Held: too many terminations" in client.get("/people/import/").content.decode()
    assert _employed() == 41
    ticked = client.post(
        "/people/import/", {"token": token, "full": "True", "confirm_terminations": "21"}
    )
    assert ticked.status_code == 302 and _employed() == 20


def test_the_command_line_names_the_option(org_of_40: list[str], tmp_path: Any) -> None:
    cut = tmp_path / "people.csv"
    cut.write_bytes(_csv(org_of_40[:21]))
    out = io.StringIO()
    call_command("import_people", str(cut), "--full", "--dry-run", stdout=out)
    assert "--confirm-terminations 20" in out.getvalue()
    with pytest.raises(CommandError, match="--confirm-terminations N"):
        call_command("import_people", str(cut), "--full", stdout=io.StringIO())
    assert _employed() == 40
    call_command(
        "import_people", str(cut), "--full", "--confirm-terminations", "20", stdout=io.StringIO()
    )
    assert _employed() == 20


TERMINATING_HEADER = HEADER + ",termination_date,termination_kind"


def _with_dates(org: list[str], leavers: int) -> list[str]:
    """The same people, the last `leavers` of them given a termination date (not a full file)."""
    rows = [f"{line},," for line in org[1 : len(org) - leavers]]
    rows += [f"{line},2026-11-20,voluntary" for line in org[len(org) - leavers :]]
    return [TERMINATING_HEADER, *rows]


def test_termination_dates_in_any_file_count_toward_the_limit(
    org_of_40: list[str], settings: Any
) -> None:
    """Not only a full file's missing people: a file (or an HR connector's changes) that gives
    many people a termination date is held the same way."""
    settings.MENTORWISE_IMPORT_TERMINATION_LIMIT = 10
    lines = _with_dates(org_of_40, 5)  # 5 of 40: over 10%
    preview = _import(lines, dry_run=True)
    assert not preview.full and preview.terminated == 0
    assert (preview.ending, preview.leaving, preview.needs_confirmation) == (5, 5, True)
    with pytest.raises(TerminationsNeedConfirmation):
        _import(lines)
    assert _employed() == 40, "nothing written"
    assert ImportRun.objects.filter(outcome=ImportOutcome.HELD).count() == 1
    with pytest.raises(TerminationsNeedConfirmation):
        _import(lines, confirmed_terminations=4)
    result = _import(lines, confirmed_terminations=5)
    assert result.leaving == 5 and _employed() == 35
    run = ImportRun.objects.filter(outcome=ImportOutcome.IMPORTED).latest("created_at")
    assert run.terminated == 5, "the history counts everyone the run terminated"
    # Within the limit, and a file that only repeats known dates, nothing is held.
    assert _import(lines).leaving == 0
    small = _with_dates(_org(40), 4)
    assert not _import(small, dry_run=True).needs_confirmation


def test_full_file_leavers_and_termination_dates_add_up(
    org_of_40: list[str], settings: Any
) -> None:
    settings.MENTORWISE_IMPORT_TERMINATION_LIMIT = 10
    lines = _with_dates(org_of_40[:-2], 2)  # 2 missing and 2 dated: 4 of 40, at the limit
    preview = _import(lines, full=True, dry_run=True)
    assert (preview.terminated, preview.ending, preview.leaving) == (2, 2, 4)
    assert not preview.needs_confirmation
    lines = _with_dates(org_of_40[:-3], 2)  # 3 missing and 2 dated: 5 of 40, over it
    assert _import(lines, full=True, dry_run=True).needs_confirmation
