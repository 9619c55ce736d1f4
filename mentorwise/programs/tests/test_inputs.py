"""One input, one set of rules: the page, the API and the CLI refuse the same bad program
input with the same field errors, all at once, and write nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from conftest import api_client, page_client
from mentorwise.accounts.models import User
from mentorwise.core.errors import InvalidInput
from mentorwise.programs.forms import ProgramForm
from mentorwise.programs.inputs import ProgramChanges, program_changes_validate
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db

Errors = set[tuple[str, str]]

# An empty name, a cadence out of range and an end before the start: three rules, three fields.
BAD_CHANGES: dict[str, Any] = {
    "name": "",
    "meeting_cadence_days": 0,
    "start_date": "2027-03-01",
    "end_date": "2027-01-31",
}
EXPECTED: Errors = {
    ("name", "is required"),
    ("meeting_cadence_days", "must be from 1 to 365 days"),
    ("end_date", "must be after the start date"),
}


def _form_post(program: Program, **overrides: Any) -> dict[str, Any]:
    """What the edit page posts for `program` unchanged, with `overrides` typed in."""
    initial = ProgramForm(program=program, may_set_inclusion=True).initial
    data: dict[str, Any] = {}
    for name, value in {**initial, **overrides}.items():
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = value
    return data


def _cli_errors(*args: str) -> Errors:
    with pytest.raises(CommandError) as raised:
        call_command("program", *args)
    cause = raised.value.__cause__
    assert isinstance(cause, InvalidInput)
    return {(e.field, e.message) for e in cause.errors}


def _api_errors(response: Any) -> Errors:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_input"
    return {(e["field"], e["message"]) for e in body["errors"]}


def _snapshot(program: Program) -> tuple[Any, ...]:
    program.refresh_from_db()
    return (program.name, program.meeting_cadence_days, program.start_date, program.end_date)


def test_page_api_and_cli_refuse_bad_changes_with_the_same_field_errors(
    program: Program, hr_admin: User
) -> None:
    before = _snapshot(program)
    slug = program.slug

    response = page_client(hr_admin).post(
        f"/programs/{slug}/edit/", _form_post(program, **BAD_CHANGES)
    )
    assert response.status_code == 200
    form = response.context["form"]
    page: Errors = {(f, m) for f, messages in form.errors.items() for m in messages}

    api = _api_errors(
        api_client(hr_admin, scope="admin").patch(
            f"/api/programs/{slug}", json.dumps(BAD_CHANGES), content_type="application/json"
        )
    )
    cli = _cli_errors("update", slug, "--changes", json.dumps(BAD_CHANGES))

    assert page == api == cli == EXPECTED
    assert _snapshot(program) == before


def test_a_wrongly_typed_value_is_refused_alike_by_api_and_cli(
    program: Program, hr_admin: User
) -> None:
    bad = {"meeting_cadence_days": "weekly"}
    api = _api_errors(
        api_client(hr_admin, scope="admin").patch(
            f"/api/programs/{program.slug}", json.dumps(bad), content_type="application/json"
        )
    )
    cli = _cli_errors("update", program.slug, "--changes", json.dumps(bad))
    # The API names a type error by its path in the request, under the body parameter
    # (`data.`), as it does for every endpoint; the message is the same.
    assert {(f.removeprefix("data."), m) for f, m in api} == cli
    assert [field for field, _ in cli] == ["meeting_cadence_days"]


def test_api_and_cli_refuse_a_bad_new_program_with_every_problem_at_once(
    program: Program, hr_admin: User
) -> None:
    count = Program.objects.count()
    bad = {
        "template": "no_such_template",
        "name": program.name.upper(),  # taken, whatever the case
        "slug": "Not A Slug",
        "start_date": "2027-03-01",
        "end_date": "2027-02-01",
    }
    api = _api_errors(
        api_client(hr_admin, scope="admin").post(
            "/api/programs", json.dumps(bad), content_type="application/json"
        )
    )
    cli = _cli_errors(
        "create",
        "--template",
        bad["template"],
        "--name",
        bad["name"],
        "--slug",
        bad["slug"],
        "--start-date",
        bad["start_date"],
        "--end-date",
        bad["end_date"],
    )
    assert api == cli
    assert {field for field, _ in api} == {"template", "name", "slug", "end_date"}
    assert Program.objects.count() == count


def test_page_refuses_a_taken_name_for_a_new_program_as_the_api_does(
    program: Program, hr_admin: User
) -> None:
    count = Program.objects.count()
    bad = {"template": "reverse_mentoring", "name": program.name}
    response = page_client(hr_admin).post("/programs/new/", bad, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    api = _api_errors(
        api_client(hr_admin, scope="admin").post(
            "/api/programs", json.dumps(bad), content_type="application/json"
        )
    )
    assert shown == [message for _, message in api]
    assert Program.objects.count() == count


def test_cli_creates_and_changes_a_program_as_the_system(hr_admin: User) -> None:
    call_command("program", "create", "--template", "reverse_mentoring", "--name", "Reverse 2027")
    program = Program.objects.get(slug="reverse-2027")
    assert program.kind == "reverse_mentoring"
    call_command("program", "update", program.slug, "--changes", '{"meeting_cadence_days": 21}')
    program.refresh_from_db()
    assert program.meeting_cadence_days == 21


def test_validation_reports_every_problem_and_names_a_name_too_long(program: Program) -> None:
    with pytest.raises(InvalidInput) as raised:
        program_changes_validate(
            ProgramChanges(name="x" * 201, objectives=" ", status="paused"), program=program
        )
    assert {(e.field, e.message) for e in raised.value.errors} == {
        ("name", "must be at most 200 characters"),
        ("objectives", "write at least one objective"),
        ("status", "must be one of draft, enrolling, active, closed"),
    }
