"""SAP SuccessFactors OData v2 (User and EmpJob) against a local fake that pages with
d.__next, built from the synthetic organization."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug import Request, Response

from mentorwise.connectors.http import basic_auth
from mentorwise.connectors.models import RunOutcome
from mentorwise.connectors.services import connector_run, connector_test
from mentorwise.connectors.tests.conftest import expected, make_connector, people_state
from mentorwise.connectors.tests.fakes import (
    SECRET,
    canonical,
    json_response,
    odata_handler,
    org,
    sf_jobs,
    sf_users,
)
from mentorwise.people.models import ImportRun, Person

pytestmark = pytest.mark.django_db
PAGE = 7


@pytest.fixture
def rows() -> list[dict[str, str]]:
    return canonical(org(40, 11))


class Fake:
    def __init__(self, httpserver: Any, rows: list[dict[str, str]]) -> None:
        self.entities = {"User": sf_users(rows), "EmpJob": sf_jobs(rows)}
        self.log: list[str] = []
        self.fail_page: int | None = None
        self.handler = odata_handler(
            self.entities,
            page_size=PAGE,
            base_url=httpserver.url_for("").rstrip("/"),
            log=self.log,
            fail=self.fail,
        )

    def fail(self, request: Request, page: int) -> Response | None:
        if request.headers.get("Authorization") != basic_auth("sfapi@ACME01", SECRET):
            return json_response({"error": {"message": {"value": "Unauthorized"}}}, status=401)
        if self.fail_page is not None and page == self.fail_page - 1:
            return Response("Service Unavailable", status=503)
        return None

    def __call__(self, request: Request) -> Response:
        return self.handler(request)


@pytest.fixture
def fake(httpserver: Any, rows: list[dict[str, str]]) -> Fake:
    handler = Fake(httpserver, rows)
    httpserver.expect_request("/odata/v2/User").respond_with_handler(handler)
    httpserver.expect_request("/odata/v2/EmpJob").respond_with_handler(handler)
    return handler


def successfactors(httpserver: Any, **values: Any) -> Any:
    settings = {
        "name": "SuccessFactors",
        "kind": "successfactors",
        "base_url": httpserver.url_for("/"),
        "tenant": "ACME01",
        "username": "sfapi",
    }
    return make_connector(**{**settings, **values})


def test_a_full_run_reads_every_page_and_imports_exactly_the_generated_people(
    httpserver: Any, fake: Fake, rows: list[dict[str, str]]
) -> None:
    run = connector_run(actor=None, connector=successfactors(httpserver))
    assert run.outcome == RunOutcome.IMPORTED, run.error
    pages = -(-len(rows) // PAGE)
    assert run.pages == 2 * pages and run.records == len(rows)
    assert people_state() == expected(rows)
    kinds = {p.employee_id: p.termination_kind for p in Person.objects.all()}
    assert {r["termination_kind"] for r in rows if r["termination_date"]} <= {
        "voluntary",
        "involuntary",
        "other",
    }
    assert all(kinds[r["employee_id"]] == r["termination_kind"] for r in rows)
    again = connector_run(actor=None, connector=successfactors(httpserver, name="Again"))
    assert (again.created, again.updated, again.terminated) == (0, 0, 0)


def test_a_503_on_page_3_after_retries_writes_nothing_and_records_the_failure(
    httpserver: Any, fake: Fake, no_sleep: list[float]
) -> None:
    fake.fail_page = 3
    connector = successfactors(httpserver)
    run = connector_run(actor=None, connector=connector)
    assert run.outcome == RunOutcome.FAILED
    assert "HTTP 503 after 6 attempts" in run.error and "/odata/v2/User" in run.error
    assert len(no_sleep) == 5 and no_sleep == sorted(no_sleep)  # exponential, with jitter
    assert Person.objects.count() == 0 and ImportRun.objects.count() == 0
    connector.refresh_from_db()
    assert connector.cursor_at is None and connector.last_attempt_at == run.started_at


def test_a_delta_run_filters_on_last_modified_and_reads_the_other_entity_for_those_people(
    httpserver: Any, fake: Fake, rows: list[dict[str, str]]
) -> None:
    connector = successfactors(httpserver, mode="delta")
    assert connector_run(actor=None, connector=connector).outcome == RunOutcome.IMPORTED
    users, jobs = fake.entities["User"], fake.entities["EmpJob"]
    users[3].update(lastName="Renamed", _changed=True)
    rows[3]["last_name"] = "Renamed"
    jobs[5].update(jobTitle="Principal", _changed=True)
    rows[5]["title"] = "Principal"
    connector.refresh_from_db()
    run = connector_run(actor=None, connector=connector)
    assert run.outcome == RunOutcome.IMPORTED, run.error
    assert (run.records, run.updated, run.created) == (2, 2, 0)
    assert people_state() == expected(rows)
    assert any("lastModifiedDateTime+ge+datetime" in line for line in fake.log)
    assert any("userId+in+" in line for line in fake.log)


def test_wrong_credentials_and_a_next_page_elsewhere_are_refused(
    httpserver: Any, fake: Fake
) -> None:
    assert connector_test(actor=None, connector=successfactors(httpserver)).ok
    wrong = successfactors(httpserver, name="Wrong", secret="nope-nope")
    outcome = connector_test(actor=None, connector=wrong)
    assert not outcome.ok and "HTTP 401" in outcome.message


def test_a_next_page_on_another_server_is_refused(httpserver: Any) -> None:
    httpserver.expect_request("/odata/v2/User").respond_with_json(
        {"d": {"results": [], "__next": "https://evil.example/odata/v2/User?$skiptoken=1"}}
    )
    run = connector_run(actor=None, connector=successfactors(httpserver))
    assert run.outcome == RunOutcome.FAILED and "another server" in run.error
