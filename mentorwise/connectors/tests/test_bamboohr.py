"""BambooHR (directory, custom report, changed employees) against a local fake built from
the synthetic organization."""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug import Request, Response

from mentorwise.connectors.http import basic_auth
from mentorwise.connectors.models import RunOutcome
from mentorwise.connectors.services import connector_run, connector_test
from mentorwise.connectors.tests.conftest import expected, make_connector, people_state
from mentorwise.connectors.tests.fakes import (
    SECRET,
    bamboo_report,
    canonical,
    json_response,
    org,
)
from mentorwise.people.models import Person

pytestmark = pytest.mark.django_db
API = "/api/gateway.php/acme/v1"


class Fake:
    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.rows = rows
        self.changed: dict[str, str] = {}
        self.report_fields: list[str] = []
        self.since: list[str] = []

    def __call__(self, request: Request) -> Response:
        if request.headers.get("Authorization") != basic_auth(SECRET, "x"):
            return Response("", status=401)
        if request.headers.get("Accept") != "application/json":
            return Response("<xml/>", status=200, content_type="application/xml")
        if request.path.endswith("/employees/directory"):
            active = [r for r in bamboo_report(self.rows) if r["status"] == "Active"]
            return json_response({"fields": [], "employees": active})
        if request.path.endswith("/employees/changed"):
            self.since.append(request.args["since"])
            return json_response(
                {
                    "latest": "2026-12-01T00:00:00+00:00",
                    "employees": {
                        key: {"id": key, "action": action, "lastChanged": "2026-12-01T00:00:00Z"}
                        for key, action in self.changed.items()
                    },
                }
            )
        body = json.loads(request.data)
        self.report_fields = body["fields"]
        report = [
            {k: v for k, v in e.items() if k in body["fields"]} for e in bamboo_report(self.rows)
        ]
        return json_response({"title": body["title"], "fields": [], "employees": report})


@pytest.fixture
def rows() -> list[dict[str, str]]:
    return canonical(org(35, 3))


@pytest.fixture
def fake(httpserver: Any, rows: list[dict[str, str]]) -> Fake:
    handler = Fake(rows)
    httpserver.expect_request(f"{API}/employees/directory").respond_with_handler(handler)
    httpserver.expect_request(f"{API}/employees/changed").respond_with_handler(handler)
    httpserver.expect_request(f"{API}/reports/custom", method="POST").respond_with_handler(handler)
    return handler


def bamboohr(httpserver: Any, **values: Any) -> Any:
    settings = {
        "name": "BambooHR",
        "kind": "bamboohr",
        "base_url": httpserver.url_for("/").rstrip("/"),
        "tenant": "acme",
    }
    return make_connector(**{**settings, **values})


def test_a_full_run_imports_the_custom_report_exactly(
    httpserver: Any, fake: Fake, rows: list[dict[str, str]]
) -> None:
    run = connector_run(actor=None, connector=bamboohr(httpserver))
    assert run.outcome == RunOutcome.IMPORTED, run.error
    assert people_state() == expected(rows)
    assert {"supervisorEId", "workEmail", "terminationDate"} <= set(fake.report_fields)
    again = connector_run(actor=None, connector=bamboohr(httpserver, name="Again"))
    assert (again.created, again.updated, again.terminated) == (0, 0, 0)


def test_a_delta_run_imports_only_the_changed_employees(
    httpserver: Any, fake: Fake, rows: list[dict[str, str]]
) -> None:
    connector = bamboohr(httpserver, mode="delta")
    first = connector_run(actor=None, connector=connector)
    assert first.outcome == RunOutcome.IMPORTED and not fake.since
    leaver = next(r for r in rows if not r["termination_date"] and r["manager_id"])
    leaver.update(termination_date=leaver["hire_date"], termination_kind="involuntary")
    fake.changed = {leaver["employee_id"]: "Updated", "E999999": "Deleted"}
    connector.refresh_from_db()
    run = connector_run(actor=None, connector=connector)
    assert fake.since == [first.started_at.isoformat(timespec="seconds")]
    assert (run.outcome, run.records, run.updated) == (RunOutcome.IMPORTED, 1, 1)
    assert people_state() == expected(rows)
    assert Person.objects.get(employee_id=leaver["employee_id"]).termination_kind == "involuntary"
    # Nothing changed since: a delta with nobody in it imports nothing, and moves on.
    fake.changed = {}
    connector.refresh_from_db()
    quiet = connector_run(actor=None, connector=connector)
    assert quiet.outcome == RunOutcome.NOTHING_NEW


def test_the_test_connection_reads_the_directory_and_names_a_bad_key(
    httpserver: Any, fake: Fake, rows: list[dict[str, str]]
) -> None:
    ok = connector_test(actor=None, connector=bamboohr(httpserver))
    active = sum(1 for r in rows if not r["termination_date"])
    assert ok.ok and f"{active} employees" in ok.message
    bad = connector_test(actor=None, connector=bamboohr(httpserver, name="Bad", secret="wrongkey"))
    assert not bad.ok and "HTTP 401" in bad.message and "wrongkey" not in bad.message
