"""The people commands: generate-org, import-people, export-people (exit codes, output)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from mentorwise.people.models import Demographics, Person

pytestmark = pytest.mark.django_db


def command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def org_csv(tmp_path):
    path = tmp_path / "people.csv"
    command("generate_org", "--people", "300", "--seed", "4", "--today", "2026-11-26",
            "--out", str(path))  # fmt: skip
    return path


def test_generate_org_writes_the_import_format(org_csv):
    rows = list(csv.DictReader(org_csv.open(encoding="utf-8")))
    assert len(rows) == 300 and sum(1 for r in rows if not r["manager_id"]) == 1


def test_generate_org_to_stdout_is_reproducible():
    first, _ = command("generate_org", "--people", "20", "--seed", "9", "--today", "2026-01-01")
    again, _ = command("generate_org", "--people", "20", "--seed", "9", "--today", "2026-01-01")
    assert first == again and first.startswith("employee_id,")


def test_generate_org_refuses_zero_people():
    with pytest.raises(CommandError, match="at least 1"):
        command("generate_org", "--people", "0")


def test_import_people_then_again_then_dry_run(org_csv):
    out, _ = command("import_people", str(org_csv))
    assert "300 created" in out
    assert Person.objects.count() == 300 and Demographics.objects.exists()
    out, _ = command("import_people", str(org_csv))
    assert "nothing changed" in out
    out, _ = command("import_people", str(org_csv), "--dry-run", "--full")
    assert "nothing would change" in out


def test_import_people_full_terminates_the_missing(org_csv, tmp_path):
    command("import_people", str(org_csv))
    lines = org_csv.read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(lines))
    managers = {r["manager_id"] for r in rows}
    # Leave out the last person who manages nobody.
    victim = next(r["employee_id"] for r in reversed(rows) if r["employee_id"] not in managers)
    smaller = tmp_path / "smaller.csv"
    kept = [lines[0], *(line for line in lines[1:] if not line.startswith(victim + ","))]
    smaller.write_text("\n".join(kept) + "\n", encoding="utf-8")
    out, _ = command("import_people", str(smaller), "--full")
    assert "1 terminated" in out
    assert Person.objects.get(employee_id=victim).termination_date is not None
    assert Person.objects.count() == 300


def test_import_people_with_errors_exits_non_zero_and_prints_every_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "employee_id,first_name,last_name,email,job_level\n"
        "E1,Cleo,Chief,nope,3\n"
        "E2,Vik,Vice,vik@example.com,x\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problems found in bad\.csv; nothing was imported"):
        call_command("import_people", str(bad), stdout=io.StringIO(), stderr=err)
    assert "row 2, email ('nope')" in err.getvalue()
    assert "row 3, job_level ('x')" in err.getvalue()
    assert Person.objects.count() == 0


def test_import_people_missing_file():
    with pytest.raises(CommandError, match="Cannot read"):
        command("import_people", "/nonexistent/people.csv")


def test_export_round_trips_without_demographics(org_csv, tmp_path):
    command("import_people", str(org_csv))
    Person.objects.filter(pk=Person.objects.order_by("pk").first().pk).update(title="=HYPERLINK(1)")
    out_path = tmp_path / "export.csv"
    command("export_people", "--out", str(out_path))
    text = out_path.read_text(encoding="utf-8")
    header = text.splitlines()[0]
    assert "gender" not in header and "ethnicity" not in header
    assert "'=HYPERLINK(1)" in text
    out, _ = command("import_people", str(out_path))
    assert "nothing changed" in out
    stdout, _ = command("export_people")
    assert stdout == text


def test_the_console_command_exits_non_zero_on_errors(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"employee_id,first_name,last_name,email\nE1,Cl\xe9o,Chief,c@example.com\n")
    env = {**os.environ, "MENTORWISE_DATA_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)  # an unreadable file fails before the database is touched
    done = subprocess.run(
        [sys.executable, "-m", "mentorwise", "import_people", str(bad), "--skip-checks"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "row 2, file" in done.stderr and "not UTF-8" in done.stderr
    assert "nothing was imported" in done.stderr


def test_the_console_command_lists_row_errors_and_unknown_managers_together(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "employee_id,first_name,last_name,email,manager_id\n"
        "E1,Cleo,Chief,nope,\nE2,Ann,A,a@example.com,E404\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problems found in bad\.csv"):
        call_command("import_people", str(bad), stdout=io.StringIO(), stderr=err)
    assert "row 2, email ('nope'): Not a valid email address." in err.getvalue()
    assert "row 3, manager_id ('E404'): Unknown manager" in err.getvalue()
    assert Person.objects.count() == 0
