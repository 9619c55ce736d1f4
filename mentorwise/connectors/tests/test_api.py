"""GET /api/connectors, POST /api/connectors/{id}/test and /run: HR admins only, no secret."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import api_client, make_person, make_user
from mentorwise.connectors.models import ConnectorRun
from mentorwise.connectors.tests.conftest import make_connector
from mentorwise.connectors.tests.fakes import SECRET, canonical, org, workday_entries
from mentorwise.people.models import Person

pytestmark = pytest.mark.django_db
REPORT = "/ccx/service/customreport2/acme/ISU/Workers"


def test_an_hr_admin_lists_tests_and_runs_a_connector(httpserver: Any) -> None:
    rows = canonical(org(15, 9))
    httpserver.expect_request(REPORT).respond_with_json({"Report_Entry": workday_entries(rows)})
    connector = make_connector(
        name="Workday", kind="workday", base_url=httpserver.url_for("/"), tenant="acme",
        username="ISU", path="ISU/Workers",
    )  # fmt: skip
    client = api_client(make_user(is_hr_admin=True), scope="admin")
    listed = client.get("/api/connectors")
    assert listed.status_code == 200 and listed.json()[0]["name"] == "Workday"
    tested = client.post(f"/api/connectors/{connector.pk}/test")
    assert tested.json() == {"ok": True, "message": "Signed in and read the report: 15 workers."}
    preview = client.post(
        f"/api/connectors/{connector.pk}/run", {"dry_run": True}, content_type="application/json"
    ).json()
    assert (preview["outcome"], preview["created"]) == ("previewed", 15)
    assert Person.objects.count() == 0
    run = client.post(f"/api/connectors/{connector.pk}/run", {}, content_type="application/json")
    assert run.json()["outcome"] == "imported" and Person.objects.count() == 15
    assert (
        run.json()["import_run_id"] == ConnectorRun.objects.get(pk=run.json()["id"]).import_run_id
    )
    for response in (listed, tested, run, client.get("/api/connectors")):
        assert SECRET not in response.content.decode()


def test_anyone_else_gets_404(httpserver: Any) -> None:
    connector = make_connector(
        name="W", kind="workday", base_url="https://example.invalid", tenant="a", username="u",
        path="u/r",
    )  # fmt: skip
    client = api_client(make_user(make_person()), scope="admin")
    assert client.get("/api/connectors").status_code == 404
    assert client.post(f"/api/connectors/{connector.pk}/test").status_code == 404
    assert (
        client.post(f"/api/connectors/{connector.pk}/run", {}, "application/json").status_code
        == 404
    )
    read = api_client(make_user(is_hr_admin=True), scope="read")
    assert read.post(f"/api/connectors/{connector.pk}/test").status_code == 403
