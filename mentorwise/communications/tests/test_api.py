"""The communications API over HTTP: templates with their checks, preview, count and send."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from conftest import api_client
from mentorwise.accounts.models import User
from mentorwise.communications.models import Broadcast, MessageTemplate
from mentorwise.core.models import AuditEntry
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "mentorwise.core.mail.transaction.on_commit", lambda callback, **kwargs: callback()
    )


def _call(client, method: str, url: str, body: object | None = None):  # type: ignore[no-untyped-def]
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_put_names_every_bad_placeholder_and_writes_nothing(
    program: Program, program_manager: User
) -> None:
    client = api_client(program_manager, scope="admin")
    response = _call(
        client,
        "put",
        f"/api/programs/{program.slug}/templates/welcome/en",
        {"subject": "Hi {nom}\r\nBcc: x@y.z", "body": "{{ ok }} {% load x %} {a.b}"},
    )
    assert response.status_code == 422
    values = {e["value"] for e in response.json()["errors"]}
    assert {"{nom}", "{% load x %}", "{a.b}"} <= values
    assert not MessageTemplate.objects.exists()


def test_put_then_get_and_delete_back_to_default(program: Program, hr_admin: User) -> None:
    client = api_client(hr_admin, scope="admin")
    url = f"/api/programs/{program.slug}/templates/closing/de"
    body = {"subject": "Abschluss in {program_name}", "body": "Danke, {first_name}."}
    assert _call(client, "put", url, body).json()["is_default"] is False
    assert _call(client, "get", url).json()["subject"] == "Abschluss in {program_name}"
    assert _call(client, "delete", url).status_code == 204
    assert _call(client, "get", url).json()["is_default"] is True


def test_count_then_send_with_the_count_and_read_it_back(
    program: Program, program_manager: User, mentee: User, other_mentee: User, mentor: User
) -> None:
    client = api_client(program_manager, scope="admin")
    base = f"/api/programs/{program.slug}/broadcasts"
    body = {
        "subject": "News for {first_name}",
        "body": "See {program_url}",
        "segment": {"roles": ["mentor"]},
    }
    preview = _call(client, "post", f"{base}/preview", body).json()
    assert preview["count"] == 1 and preview["sample"]["subject"] == "News for Marta"
    refused = _call(client, "post", base, {**body, "expected_count": 3})
    assert refused.status_code == 409 and not Broadcast.objects.exists()
    sent = _call(client, "post", base, {**body, "expected_count": 1})
    assert sent.status_code == 201 and sent.json()["sent_count"] == 1
    assert [m.subject for m in mail.outbox] == ["News for Marta"]
    listed = _call(client, "get", base).json()
    assert [b["subject"] for b in listed] == ["News for {first_name}"]
    assert AuditEntry.objects.filter(action="broadcast.sent", actor=program_manager).count() == 1


def test_a_read_token_and_a_participant_are_refused(
    program: Program, program_manager: User, mentee: User
) -> None:
    url = f"/api/programs/{program.slug}/broadcasts"
    body = {"subject": "S", "body": "B", "expected_count": 1}
    assert _call(api_client(program_manager), "post", url, body).status_code == 403
    assert _call(api_client(mentee, scope="admin"), "post", url, body).status_code == 404
    assert _call(api_client(mentee, scope="admin"), "get", url).status_code == 404
    assert not Broadcast.objects.exists()


def test_the_command_counts_first_and_sends_only_the_confirmed_count(
    program: Program, mentee: User, other_mentee: User, tmp_path: object
) -> None:
    import io
    from pathlib import Path

    from django.core.management import CommandError, call_command

    body = Path(str(tmp_path)) / "body.txt"
    body.write_text("Hello {first_name}", encoding="utf-8")
    args = [program.slug, "--subject", "Hi {first_name}", "--body-file", str(body)]
    out = io.StringIO()
    call_command("broadcast", *args, "--role", "mentee", stdout=out)
    assert "recipients: 2" in out.getvalue() and "--send 2" in out.getvalue()
    assert not Broadcast.objects.exists()
    with pytest.raises(CommandError, match="not 3"):
        call_command("broadcast", *args, "--role", "mentee", "--send", "3", stdout=io.StringIO())
    call_command("broadcast", *args, "--role", "mentee", "--send", "2", stdout=out)
    assert sorted(m.subject for m in mail.outbox) == ["Hi Ana", "Hi Omar"]
    assert AuditEntry.objects.get(action="broadcast.sent").actor is None
