"""The schedule: which connectors are due (cron every 15 minutes honours it), the
sync-hris command and the worker task."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from mentorwise.connectors.models import Connector, ConnectorRun, RunOutcome
from mentorwise.connectors.services import connectors_due, sync_due
from mentorwise.connectors.tasks import sync_hris_task
from mentorwise.connectors.tests.conftest import make_connector
from mentorwise.connectors.tests.fakes import canonical, org, workday_entries
from mentorwise.people.models import Person

pytestmark = pytest.mark.django_db
REPORT = "/ccx/service/customreport2/acme/ISU/Workers"
UTC = dt.UTC


def at(hour: int, minute: int = 0, day: int = 1) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_hourly_and_daily_connectors_come_due_once_per_slot(settings: Any) -> None:
    settings.TIME_ZONE = "UTC"
    hourly = Connector.objects.create(
        name="h", kind="workday", schedule="hourly", every_hours=4, created_at=at(0)
    )
    daily = Connector.objects.create(
        name="d", kind="workday", schedule="daily", daily_at=dt.time(2, 0), created_at=at(1)
    )
    Connector.objects.create(name="m", kind="workday", schedule="manual", created_at=at(0))
    Connector.objects.create(name="off", kind="workday", enabled=False, created_at=at(0))
    assert {c.name for c in connectors_due(at(1, 30))} == {"h"}
    Connector.objects.filter(pk=hourly.pk).update(last_attempt_at=at(1, 30))
    assert {c.name for c in connectors_due(at(1, 45))} == set()
    assert {c.name for c in connectors_due(at(2, 0))} == {"d"}
    Connector.objects.filter(pk=daily.pk).update(last_attempt_at=at(2, 0))
    assert {c.name for c in connectors_due(at(5, 15))} == set()
    assert {c.name for c in connectors_due(at(5, 30))} == {"h"}  # 4 hours after 01:30
    assert {c.name for c in connectors_due(at(2, 0, day=2))} == {"h", "d"}


def test_sync_hris_runs_the_due_connectors_from_cron_and_the_worker(httpserver: Any) -> None:
    rows = canonical(org(12, 4))
    httpserver.expect_request(REPORT).respond_with_json({"Report_Entry": workday_entries(rows)})
    make_connector(
        name="Workday", kind="workday", base_url=httpserver.url_for("/"), tenant="acme",
        username="ISU", path="ISU/Workers", schedule="hourly", every_hours=1,
    )  # fmt: skip
    out = StringIO()
    call_command("sync_hris", "--all-due", "--dry-run", stdout=out)
    assert "Workday: Preview (12 records: 12 created" in out.getvalue()
    assert Person.objects.count() == 0
    call_command("sync_hris", "--all-due", stdout=out)
    assert Person.objects.count() == 12
    out = StringIO()
    call_command("sync_hris", "--all-due", stdout=out)
    assert out.getvalue().strip() == "No HR connector was due."
    Connector.objects.update(last_attempt_at=timezone.now() - dt.timedelta(hours=2))
    assert "Workday: Imported" in sync_hris_task.enqueue().return_value
    out = StringIO()
    call_command("sync_hris", "--test", "--connector", "Workday", stdout=out)
    assert "Workday: ok: Signed in and read the report: 12 workers." in out.getvalue()
    assert ConnectorRun.objects.filter(outcome=RunOutcome.IMPORTED).count() == 2


def test_sync_hris_exits_non_zero_when_a_run_failed(httpserver: Any) -> None:
    httpserver.expect_request(REPORT).respond_with_data("no", status=404)
    make_connector(
        name="Broken", kind="workday", base_url=httpserver.url_for("/"), tenant="acme",
        username="ISU", path="ISU/Workers",
    )  # fmt: skip
    out = StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("sync_hris", "--connector", "Broken", stdout=out)
    assert stopped.value.code == 1
    assert "Broken: Fetch failed: " in out.getvalue() and "HTTP 404" in out.getvalue()


def test_one_failing_connector_does_not_stop_the_others(httpserver: Any) -> None:
    rows = canonical(org(8, 2))
    httpserver.expect_request(REPORT).respond_with_json({"Report_Entry": workday_entries(rows)})
    common = {"kind": "workday", "tenant": "acme", "username": "ISU", "path": "ISU/Workers",
              "schedule": "hourly", "every_hours": 1}  # fmt: skip
    make_connector(name="A down", base_url="http://127.0.0.1:9/", **common)
    make_connector(name="B up", base_url=httpserver.url_for("/"), **common)
    outcomes = {r.connector.name: r.outcome for r in sync_due().runs}
    assert outcomes == {"A down": RunOutcome.FAILED, "B up": RunOutcome.IMPORTED}


def test_a_held_run_is_confirmed_from_the_command_line(httpserver: Any) -> None:
    rows = canonical(org(20, 6))
    served = {"rows": rows}
    httpserver.expect_request(REPORT).respond_with_handler(
        lambda request: __import__("werkzeug").Response(
            __import__("json").dumps({"Report_Entry": workday_entries(served["rows"])}),
            content_type="application/json",
        )
    )
    make_connector(
        name="Workday", kind="workday", base_url=httpserver.url_for("/"), tenant="acme",
        username="ISU", path="ISU/Workers",
    )  # fmt: skip
    call_command("sync_hris", "--connector", "Workday", stdout=StringIO())
    served["rows"] = rows[:5]
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("sync_hris", "--connector", "Workday", stdout=out)
    held = ConnectorRun.objects.get(outcome=RunOutcome.HELD)
    assert f"{held.held_terminations} terminations wait" in out.getvalue()
    out = StringIO()
    call_command(
        "sync_hris", "--connector", "Workday", "--confirm-terminations",
        str(held.held_terminations), stdout=out,
    )  # fmt: skip
    assert "Workday: Imported" in out.getvalue()
    assert Person.objects.filter(termination_kind="unknown").count() == held.held_terminations
