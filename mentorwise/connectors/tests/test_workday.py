"""Workday RaaS against a local fake replaying report entries built from the synthetic
organization."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug import Request, Response

from conftest import make_user
from mentorwise.connectors.http import basic_auth
from mentorwise.connectors.models import ConnectorRun, RunOutcome
from mentorwise.connectors.services import connector_confirm, connector_run, connector_test
from mentorwise.connectors.tests.conftest import expected, make_connector, people_state
from mentorwise.connectors.tests.fakes import (
    SECRET,
    canonical,
    json_response,
    org,
    workday_entries,
)
from mentorwise.core.errors import InvalidInput
from mentorwise.people.models import ImportOutcome, ImportRun, Person

pytestmark = pytest.mark.django_db
REPORT = "/ccx/service/customreport2/acme/ISU_Mentorwise/Workers"


class Fake:
    """The report: everyone, or (with the delta prompt) only the entries marked changed."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.rows = rows
        self.changed: set[str] = set()
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        if request.headers.get("Authorization") != basic_auth("ISU_Mentorwise", SECRET):
            return Response("Unauthorized", status=401)
        self.queries.append(dict(request.args))
        rows = self.rows
        if "Updated_From" in request.args:
            rows = [r for r in rows if r["employee_id"] in self.changed]
        return json_response({"Report_Entry": workday_entries(rows)})


@pytest.fixture
def rows() -> list[dict[str, str]]:
    return canonical(org(40, 7))


@pytest.fixture
def fake(httpserver: Any, rows: list[dict[str, str]]) -> Fake:
    handler = Fake(rows)
    httpserver.expect_request(REPORT).respond_with_handler(handler)
    return handler


def workday(httpserver: Any, **values: Any) -> Any:
    settings = {
        "name": "Workday",
        "kind": "workday",
        "base_url": httpserver.url_for("/"),
        "tenant": "acme",
        "username": "ISU_Mentorwise",
        "path": "ISU_Mentorwise/Workers",
    }
    return make_connector(**{**settings, **values})


def test_a_full_run_imports_exactly_the_generated_people_and_again_changes_nothing(
    httpserver: Any, fake: Fake, rows: list[dict[str, str]]
) -> None:
    connector = workday(httpserver)
    run = connector_run(actor=None, connector=connector)
    assert run.outcome == RunOutcome.IMPORTED, run.error
    assert run.created == len(rows) and run.records == len(rows)
    assert people_state() == expected(rows)
    assert run.import_run is not None and run.import_run.outcome == ImportOutcome.IMPORTED
    assert run.import_run.source == "connector" and run.import_run.created == len(rows)
    connector.refresh_from_db()
    assert connector.cursor_at == run.started_at
    again = connector_run(actor=None, connector=connector)
    assert again.outcome == RunOutcome.IMPORTED
    assert (again.created, again.updated, again.terminated) == (0, 0, 0)
    assert people_state() == expected(rows)


def test_a_delta_run_asks_for_changes_since_the_last_run_and_changes_only_those(
    httpserver: Any, fake: Fake, rows: list[dict[str, str]]
) -> None:
    connector = workday(httpserver, mode="delta")
    first = connector_run(actor=None, connector=connector)
    assert first.outcome == RunOutcome.IMPORTED and first.since is None
    assert "Updated_From" not in fake.queries[-1]
    active = [r for r in rows if not r["termination_date"] and r["manager_id"]]
    active[0]["title"] = "Chief Delta Officer"
    active[1].update(termination_date=active[1]["hire_date"], termination_kind="other")
    fake.changed = {active[0]["employee_id"], active[1]["employee_id"]}
    connector.refresh_from_db()
    second = connector_run(actor=None, connector=connector)
    assert fake.queries[-1]["Updated_From"] == first.started_at.isoformat(timespec="seconds")
    assert second.outcome == RunOutcome.IMPORTED, second.error
    assert (second.records, second.created, second.updated) == (2, 0, 2)
    assert people_state() == expected(rows)
    assert Person.objects.get(employee_id=active[1]["employee_id"]).termination_kind == "other"


def test_429_is_retried_after_the_wait_the_server_asks_for(
    httpserver: Any, fake: Fake, rows: list[dict[str, str]], no_sleep: list[float]
) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_oneshot_request(REPORT).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request(REPORT).respond_with_handler(fake)
    run = connector_run(actor=None, connector=workday(httpserver))
    assert run.outcome == RunOutcome.IMPORTED
    assert no_sleep == [7.0]
    assert Person.objects.count() == len(rows)


def test_a_missing_required_field_names_the_record_and_field_and_writes_nothing(
    httpserver: Any, rows: list[dict[str, str]]
) -> None:
    entries = workday_entries(rows)
    del entries[4]["Email_Address"]
    httpserver.expect_request(REPORT).respond_with_json({"Report_Entry": entries})
    connector = workday(httpserver)
    run = connector_run(actor=None, connector=connector)
    assert run.outcome == RunOutcome.FAILED
    assert f"Report_Entry 5 ({rows[4]['employee_id']})" in run.error
    assert "Email_Address" in run.error
    assert Person.objects.count() == 0 and run.import_run is None
    connector.refresh_from_db()
    assert connector.cursor_at is None


def test_wrong_credentials_fail_the_test_connection_clearly(httpserver: Any, fake: Fake) -> None:
    good = connector_test(actor=None, connector=workday(httpserver))
    assert good.ok and "40 workers" in good.message
    bad = workday(httpserver, name="Wrong", secret="not-the-password")
    outcome = connector_test(actor=None, connector=bad)
    assert not outcome.ok
    assert "refused the credentials (HTTP 401)" in outcome.message
    assert "not-the-password" not in outcome.message


def test_a_mass_termination_is_held_until_an_hr_admin_confirms_it(
    httpserver: Any, fake: Fake, rows: list[dict[str, str]]
) -> None:
    hr_admin = make_user(is_hr_admin=True)  # no employee record: not one the run terminates
    connector = workday(httpserver)
    assert connector_run(actor=None, connector=connector).outcome == RunOutcome.IMPORTED
    employed = [r for r in rows if not r["termination_date"]]
    fake.rows = rows[: len(rows) // 2]  # an export cut short
    missing = sum(1 for r in employed if r not in fake.rows)
    held = connector_run(actor=None, connector=connector)
    assert held.outcome == RunOutcome.HELD
    assert held.held_terminations == missing and held.awaits_confirmation
    assert held.import_run is not None and held.import_run.outcome == ImportOutcome.HELD
    assert Person.objects.filter(termination_date__isnull=False).count() == sum(
        1 for r in rows if r["termination_date"]
    )
    with pytest.raises(InvalidInput):
        connector_confirm(actor=hr_admin, run=held, confirmed=missing - 1)
    done = connector_confirm(actor=hr_admin, run=held, confirmed=missing)
    assert done.outcome == RunOutcome.IMPORTED and done.terminated == missing
    held.refresh_from_db()
    assert held.confirmed_by == done and not held.awaits_confirmation
    unknown = Person.objects.filter(termination_kind="unknown").count()
    assert unknown == missing  # missing from a full run: left, reason unknown


def test_the_report_can_be_read_as_csv(httpserver: Any, rows: list[dict[str, str]]) -> None:
    import csv
    import io

    entries = workday_entries(rows)
    columns = sorted({k for e in entries for k in e})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(entries)
    httpserver.expect_request(REPORT, query_string="format=csv").respond_with_data(
        out.getvalue(), content_type="text/csv"
    )
    run = connector_run(actor=None, connector=workday(httpserver, report_format="csv"))
    assert run.outcome == RunOutcome.IMPORTED, run.error
    assert people_state() == expected(rows)
    assert ConnectorRun.objects.count() == 1 and ImportRun.objects.count() == 1


def test_an_unexpected_fault_is_recorded_as_a_failed_run(
    httpserver: Any, fake: Fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mentorwise.connectors.sources import workday as source

    def broken(job: Any) -> Any:
        raise KeyError("a bug")

    monkeypatch.setattr(source, "fetch", broken)
    run = connector_run(actor=None, connector=workday(httpserver))
    assert run.outcome == RunOutcome.FAILED and "server log" in run.error
    assert Person.objects.count() == 0
