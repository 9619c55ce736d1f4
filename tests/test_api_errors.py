"""Inputs that used to reach the database (or the framework) and answer 500 or undocumented 400.

Found by the schemathesis contract test (tests/test_schemathesis.py); each answers a
documented 422 with the error shape {"code", "message", "errors"} naming the field.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mentorwise.accounts.models import TokenScope
from mentorwise.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(hr_admin: Any) -> Client:
    _, raw = api_token_create(actor=hr_admin, name="t", scope=TokenScope.ADMIN)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_body_that_is_not_json_is_a_documented_422(api: Client, program: Any) -> None:
    response = api.patch(
        f"/api/programs/{program.slug}", data=b"\xff{", content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["errors"] == [
        {"row": None, "field": "body", "value": None, "message": "is not valid JSON"}
    ]


def test_a_nul_character_in_the_body_is_refused_naming_the_field(api: Client, program: Any) -> None:
    response = api.patch(
        f"/api/programs/{program.slug}",
        data={"name": "ok", "responsibilities": {"mentor": "a\x00b"}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "responsibilities.mentor"
    program.refresh_from_db()
    assert program.name == "Leadership 2026"


def test_a_nul_character_in_the_query_is_refused_naming_the_field(api: Client) -> None:
    response = api.get("/api/people", {"q": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"


def test_a_too_large_number_in_a_body_list_is_refused(api: Client, program: Any) -> None:
    response = api.put(
        f"/api/training/programs/{program.slug}/requirements",
        data={"module_ids": [2**64]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "module_ids.0"


@pytest.mark.parametrize("path", ["/api/people/{n}", "/api/enrollments/{n}", "/api/runs/{n}"])
def test_a_too_large_id_in_the_path_is_not_a_server_error(api: Client, path: str) -> None:
    response = api.get(path.format(n=2**64))
    assert response.status_code in (404, 422)
    assert response.json()["code"]


def test_the_calendar_file_is_documented_as_text_calendar() -> None:
    schema = Client().get("/api/openapi.json").json()
    ok = schema["paths"]["/api/meetings/{meeting_id}/ics"]["get"]["responses"]["200"]
    assert list(ok["content"]) == ["text/calendar"]


def test_every_operation_declares_the_errors_it_can_answer() -> None:
    """401 (no or bad token), 403 (read-only token writing; content the caller may not
    read), 404 (outside the caller's scope) and 422 (invalid input, including a body that is
    not JSON) can come from any operation; writes can also answer 409."""
    schema = Client().get("/api/openapi.json").json()
    missing = {
        f"{method.upper()} {path}": sorted({"401", "403", "404", "422"} - set(op["responses"]))
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
        if not {"401", "403", "404", "422"} <= set(op["responses"])
    }
    assert missing == {}
