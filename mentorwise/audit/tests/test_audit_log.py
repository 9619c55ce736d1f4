"""The audit log: HR admins search, page through and export it; nobody can change it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.accounts.models import TokenScope, User
from mentorwise.accounts.services import api_token_create
from mentorwise.core.audit import audit_record
from mentorwise.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def entries(hr_admin: User) -> list[AuditEntry]:
    """Entries with distinct actors, actions, targets and dates (plus a formula label)."""
    other = make_user(make_person(first_name="Rita", last_name="Recorder"), username="rita")
    person = make_person(first_name="=HYPERLINK", last_name="Target")
    made = [
        audit_record(actor=hr_admin, action="goal.created", data={"n": 1}),
        audit_record(actor=other, action="goal.updated", target=person),
        audit_record(actor=other, action="meeting.scheduled"),
        audit_record(actor=None, action="people.imported", data={"created": 3}),
    ]
    return made


def _rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# Who may read ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["program_manager", "mentee", "executive", "outsider"])
def test_page_export_and_api_are_404_for_everyone_but_hr_admins(
    role: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(role)
    client = _client(user)
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/export.csv").status_code == 404
    assert client.get("/api/audit").status_code == 404
    _, raw = api_token_create(actor=user, name="t", scope=TokenScope.ADMIN)
    assert Client().get("/api/audit", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404


def test_anonymous_is_sent_to_login_or_gets_401(db: None) -> None:
    response = Client().get("/audit/?actor=x")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Client().get("/audit/export.csv").status_code == 302
    assert Client().get("/api/audit").status_code == 401
    assert Client().get("/api/audit", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_api_token_scopes(hr_admin: User, entries: list[AuditEntry]) -> None:
    tokens = {
        scope: api_token_create(actor=hr_admin, name=scope, scope=scope)[1]
        for scope in TokenScope.values
    }
    codes = {
        scope: Client().get("/api/audit", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
        for scope, raw in tokens.items()
    }
    assert codes == {"admin": 200, "read": 403, "scim": 401}


def test_navigation_shows_the_audit_log_to_hr_admins_only(
    hr_admin: User, program_manager: User
) -> None:
    assert 'href="/audit/"' in _client(hr_admin).get("/").content.decode()
    assert 'href="/audit/"' not in _client(program_manager).get("/").content.decode()


# Search, pages, export ------------------------------------------------------------------


def _actions(response: Any) -> list[str]:
    return [e.action for e in response.context["page"]]


def test_search_filters(hr_admin: User, entries: list[AuditEntry]) -> None:
    client = _client(hr_admin)
    assert set(_actions(client.get("/audit/?actor=rita"))) == {"goal.updated", "meeting.scheduled"}
    assert set(_actions(client.get("/audit/?action=goal"))) == {"goal.created", "goal.updated"}
    assert _actions(client.get("/audit/?action=goal.created")) == ["goal.created"]
    assert _actions(client.get("/audit/?target_type=people.person")) == ["goal.updated"]
    target_id = entries[1].target_id
    by_id = client.get(f"/audit/?target_type=people.person&target_id={target_id}")
    assert _actions(by_id) == ["goal.updated"]
    assert _actions(client.get("/audit/?q=hyperlink")) == ["goal.updated"]
    assert _actions(client.get("/audit/?q=system&action=people")) == ["people.imported"]
    today = timezone.localdate()
    both = f"date_from={today}&date_to={today}"
    assert len(_actions(client.get(f"/audit/?{both}&action=goal"))) == 2
    tomorrow = today + dt.timedelta(days=1)
    assert _actions(client.get(f"/audit/?date_from={tomorrow}")) == []
    yesterday = today - dt.timedelta(days=1)
    assert _actions(client.get(f"/audit/?date_to={yesterday}")) == []


def test_an_invalid_filter_is_reported_and_ignored(hr_admin: User, entries: list) -> None:
    response = _client(hr_admin).get("/audit/?date_from=2026-02-30&action=goal")
    assert response.status_code == 200
    assert set(_actions(response)) == {"goal.created", "goal.updated"}
    today = timezone.localdate()
    response = _client(hr_admin).get(
        f"/audit/?date_from={today}&date_to={today - dt.timedelta(days=3)}"
    )
    assert "must be on or after the start date" in response.content.decode()


def test_pagination_keeps_the_filters_in_the_url(hr_admin: User) -> None:
    for n in range(60):
        audit_record(actor=hr_admin, action="goal.created", data={"n": n})
    audit_record(actor=hr_admin, action="meeting.scheduled")
    client = _client(hr_admin)
    first = client.get("/audit/?action=goal")
    assert first.context["page"].paginator.count == 60
    assert len(first.context["page"]) == 50
    body = first.content.decode()
    assert "?action=goal&amp;page=2" in body
    second = client.get("/audit/?action=goal&page=2")
    assert len(second.context["page"]) == 10
    assert set(_actions(second)) == {"goal.created"}
    # The export link carries the filters too (without the page).
    assert 'href="/audit/export.csv?action=goal"' in second.content.decode()


def test_htmx_gets_only_the_results(hr_admin: User, entries: list) -> None:
    response = _client(hr_admin).get("/audit/?actor=rita", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">') and "<form" not in body


def test_csv_export_is_filtered_formula_safe_and_itself_audited(
    hr_admin: User, entries: list[AuditEntry]
) -> None:
    response = _client(hr_admin).get("/audit/export.csv?actor=rita")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert {r["action"] for r in rows} == {"goal.updated", "meeting.scheduled"}
    labelled = next(r for r in rows if r["action"] == "goal.updated")
    assert labelled["target_label"].startswith("'=HYPERLINK")
    export = AuditEntry.objects.filter(action="audit.exported").get()
    assert export.actor == hr_admin
    assert export.data == {"filters": {"actor": "rita"}, "rows": 2}


def test_api_search(hr_admin: User, entries: list[AuditEntry]) -> None:
    client = _client(hr_admin)
    body = client.get("/api/audit?action=goal&limit=1").json()
    assert len(body) == 1 and body[0]["action"] == "goal.updated"
    assert set(body[0]) == {
        "id",
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "data",
    }
    second = client.get("/api/audit?action=goal&limit=1&offset=1").json()
    assert second[0]["action"] == "goal.created" and second[0]["data"] == {"n": 1}
    assert [e["actor"] for e in client.get("/api/audit?q=imported").json()] == ["system"]
    assert client.get("/api/audit?limit=0").status_code == 422
    assert client.get("/api/audit?date_from=nope").status_code == 422


# Never editable ---------------------------------------------------------------------------


def test_no_route_edits_or_deletes_entries(hr_admin: User, entries: list[AuditEntry]) -> None:
    client = _client(hr_admin)
    pk = entries[0].pk
    before = AuditEntry.objects.count()
    for name in ("audit:edit", "audit:delete", "audit:detail"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[pk])
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/audit/").status_code == 405
        assert getattr(client, method)("/api/audit").status_code == 405
    assert client.delete(f"/api/audit/{pk}").status_code == 404
    assert AuditEntry.objects.count() == before


def test_the_model_refuses_changes(entries: list[AuditEntry]) -> None:
    before = AuditEntry.objects.count()
    entry = entries[0]
    entry.action = "forged"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    with pytest.raises(RuntimeError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(RuntimeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == before


def _bypassing_the_model() -> QuerySet[AuditEntry]:
    """A plain queryset, as code that skipped the model's guards would use."""
    return QuerySet(AuditEntry)


def test_the_database_refuses_updates_that_bypass_the_model(entries: list[AuditEntry]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        _bypassing_the_model().filter(pk=entries[0].pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET target_label = 'x'")
    assert AuditEntry.objects.get(pk=entries[0].pk).action == "goal.created"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE guard on PostgreSQL")
def test_postgresql_refuses_deletes(entries: list[AuditEntry]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        _bypassing_the_model().filter(pk=entries[0].pk).delete()
    assert AuditEntry.objects.filter(pk=entries[0].pk).exists()


def test_deleting_a_login_keeps_its_entries(hr_admin: User) -> None:
    """The one update the database allows: ON DELETE SET NULL of the actor."""
    user = make_user(make_person())
    entry = audit_record(actor=user, action="goal.created")
    user.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id is None and entry.actor_label == user.username


def test_api_offset_beyond_64_bits_is_refused_not_a_server_error(
    hr_admin: User, entries: list[AuditEntry]
) -> None:
    response = _client(hr_admin).get(f"/api/audit?offset={2**64}")
    assert response.status_code == 422
    assert response.json()["code"]
