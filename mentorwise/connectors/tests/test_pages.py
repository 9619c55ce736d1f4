"""The Connectors pages: HR admins only; create with a write-only secret, test, preview
then import, confirm a held run; and the secret never in a page, a log, the audit log or
its export."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from conftest import make_person, make_user, page_client
from mentorwise.connectors.models import Connector, ConnectorRun, RunOutcome
from mentorwise.connectors.tests.fakes import SECRET, canonical, org, workday_entries
from mentorwise.core.models import AuditEntry
from mentorwise.people.models import Person

pytestmark = pytest.mark.django_db
REPORT = "/ccx/service/customreport2/acme/ISU/Workers"


def form(httpserver: Any, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Workday",
        "kind": "workday",
        "base_url": httpserver.url_for("/"),
        "username": "ISU",
        "tenant": "acme",
        "path": "ISU/Workers",
        "report_format": "json",
        "delta_parameter": "Updated_From",
        "mode": "full",
        "schedule": "daily",
        "every_hours": "24",
        "daily_at": "02:00",
        "enabled": "on",
        "secret": SECRET,
        "field_map_text": "",
        **extra,
    }


@pytest.fixture
def admin() -> Any:
    return make_user(is_hr_admin=True)  # no employee record: not terminated by full runs


@pytest.mark.parametrize("role", ["mentor", "mentee", "program_manager", "executive", "anon"])
def test_only_hr_admins_reach_the_pages(role: str, admin: Any) -> None:
    connector = Connector.objects.create(name="x", kind="workday", base_url="https://x")
    if role == "anon":
        client = Client()
    else:
        flags = {"is_executive": True} if role == "executive" else {}
        client = page_client(make_user(make_person(), **flags))
    urls = ["/people/connectors/", "/people/connectors/new/", f"/people/connectors/{connector.pk}/",
            f"/people/connectors/{connector.pk}/edit/"]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if role == "anon":
            assert response["Location"].startswith("/login/")
    for action in ("test", "run", "delete"):
        response = client.post(f"/people/connectors/{connector.pk}/{action}/", {"confirm": "yes"})
        assert response.status_code in (302, 404)
        assert response.status_code == 404 or response["Location"].startswith("/login/")
    assert Connector.objects.filter(pk=connector.pk).exists()
    assert not AuditEntry.objects.filter(action__startswith="connector.").exists()


def test_create_test_preview_import_and_confirm_without_the_secret_anywhere(
    httpserver: Any, admin: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rows = canonical(org(30, 5))
    served = {"rows": rows}
    httpserver.expect_request(REPORT).respond_with_handler(
        lambda request: __import__("werkzeug").Response(
            __import__("json").dumps({"Report_Entry": workday_entries(served["rows"])}),
            content_type="application/json",
        )
    )
    client = page_client(admin)
    assert client.get("/people/import/").content.decode().count("/people/connectors/") >= 1
    response = client.post("/people/connectors/new/", form(httpserver))
    assert response.status_code == 302, response.content.decode()[:2000]
    connector = Connector.objects.get()
    assert SECRET not in connector.secret_sealed
    pages = [client.get(u).content.decode() for u in (
        "/people/connectors/", f"/people/connectors/{connector.pk}/",
        f"/people/connectors/{connector.pk}/edit/",
    )]  # fmt: skip
    tested = client.post(f"/people/connectors/{connector.pk}/test/", follow=True)
    assert "Connection works" in tested.content.decode()
    preview = client.post(f"/people/connectors/{connector.pk}/run/", {"preview": "1"})
    body = preview.content.decode()
    assert "Preview: nothing was written" in body and "Import now" in body
    assert Person.objects.count() == 0
    imported = client.post(f"/people/connectors/{connector.pk}/run/", follow=True)
    assert "Imported: 30 created" in imported.content.decode()
    assert Person.objects.count() == 30
    # A report cut short: held, then confirmed on the page.
    served["rows"] = rows[:10]
    held_page = client.post(f"/people/connectors/{connector.pk}/run/", follow=True).content.decode()
    held = ConnectorRun.objects.filter(outcome=RunOutcome.HELD).get()
    assert "Confirm and run again" in held_page and held.held_terminations
    done = client.post(
        f"/people/connectors/runs/{held.pk}/confirm/",
        {"confirm_terminations": str(held.held_terminations)},
        follow=True,
    )
    assert "Imported:" in done.content.decode()
    assert ConnectorRun.objects.filter(outcome=RunOutcome.IMPORTED).count() == 2
    # Editing without a secret keeps it; the edit page never shows it.
    edit = form(httpserver, secret="", name="Workday EU")
    assert client.post(f"/people/connectors/{connector.pk}/edit/", edit).status_code == 302
    connector.refresh_from_db()
    assert connector.name == "Workday EU" and connector.has_secret
    pages.append(client.get(f"/people/connectors/{connector.pk}/").content.decode())
    pages.append(client.get("/audit/").content.decode())
    export = client.get("/audit/export.csv")
    pages.append(
        b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    )
    for page in pages:
        assert SECRET not in page
    for entry in AuditEntry.objects.filter(action__startswith="connector."):
        assert SECRET not in str(entry.data) and SECRET not in entry.target_label
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "connector.created",
        "connector.tested",
        "connector.run",
        "connector.updated",
    } <= actions
    assert SECRET not in caplog.text
    assert (
        client.post(f"/people/connectors/{connector.pk}/delete/", {"confirm": "yes"}).status_code
        == 302
    )
    assert not Connector.objects.exists() and Person.objects.count() == 30
    assert AuditEntry.objects.filter(action="connector.deleted").exists()


def test_a_form_with_missing_settings_names_them(admin: Any, httpserver: Any) -> None:
    client = page_client(admin)
    response = client.post("/people/connectors/new/", form(httpserver, tenant="", secret=""))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The tenant or company id is required." in body
    assert "The password, API key or private key is required." in body
    assert not Connector.objects.exists()
