from __future__ import annotations

from typing import Any

import pytest

from mentorwise.connectors import http
from mentorwise.connectors.models import Connector
from mentorwise.connectors.services import connector_create
from mentorwise.connectors.tests.fakes import SECRET
from mentorwise.people.models import Person


@pytest.fixture(autouse=True)
def _local_fakes_over_http(settings: Any) -> None:
    # The fake vendor servers listen on 127.0.0.1 over plain http.
    settings.MENTORWISE_ALLOW_PLAIN_HTTP = True


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries do not wait in tests: the waits asked for are collected instead."""
    waits: list[float] = []
    monkeypatch.setattr(http, "sleep", waits.append)
    return waits


def make_connector(**values: Any) -> Connector:
    secret = values.pop("secret", SECRET)
    defaults: dict[str, Any] = {"name": values.get("kind", "c"), "mode": "full"}
    return connector_create(actor=None, values={**defaults, **values}, secret=secret)


def people_state() -> dict[str, dict[str, str]]:
    """Everyone in Mentorwise, in the canonical columns a connector fills."""
    out = {}
    for p in Person.objects.select_related("manager"):
        out[p.employee_id] = {
            "employee_id": p.employee_id,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "email": p.email,
            "title": p.title,
            "job_level": str(p.job_level or ""),
            "department": p.department,
            "function": p.function,
            "location": p.location,
            "time_zone": p.time_zone,
            "manager_id": p.manager.employee_id if p.manager else "",
            "hire_date": p.hire_date.isoformat() if p.hire_date else "",
            "termination_date": p.termination_date.isoformat() if p.termination_date else "",
            "termination_kind": p.termination_kind,
        }
    return out


def expected(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["employee_id"]: r for r in rows}
