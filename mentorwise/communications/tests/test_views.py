"""The communications pages through HTTP: who may open them, templates with their checks,
preview and test send, broadcasts with their count, confirmation and audit, unsubscribing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from mentorwise.accounts.models import User
from mentorwise.communications import texts
from mentorwise.communications.models import (
    Broadcast,
    BroadcastStatus,
    MessageTemplate,
    Unsubscription,
)
from mentorwise.core.models import AuditEntry
from mentorwise.people.models import Person
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each request's e-mails as they leave after its commit (the test's own transaction
    never commits): the callback runs when the service registers it."""
    monkeypatch.setattr(
        "mentorwise.core.mail.transaction.on_commit", lambda callback, **kwargs: callback()
    )


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _base(program: Program) -> str:
    return f"/communications/programs/{program.slug}/"


def _pages(program: Program) -> list[str]:
    base = _base(program)
    return [base, f"{base}templates/welcome/en/", f"{base}broadcasts/new/"]


def test_managers_and_hr_admins_open_the_pages(
    program: Program, program_manager: User, hr_admin: User
) -> None:
    for user in (program_manager, hr_admin):
        for url in _pages(program):
            assert _client(user).get(url).status_code == 200, url


def test_everyone_else_gets_404_on_pages_partials_and_posts(
    program: Program,
    mentee: User,
    mentor: User,
    other_manager: User,
    executive: User,
    other_program: Program,
) -> None:
    base = _base(program)
    for user in (mentee, mentor, other_manager, executive):
        client = _client(user)
        for url in _pages(program):
            assert client.get(url).status_code == 404, (user, url)
            assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
        posts = [
            (f"{base}templates/welcome/en/", {"subject": "x", "body": "y", "action": "preview"}),
            (f"{base}templates/welcome/en/", {"subject": "x", "body": "y", "action": "test"}),
            (f"{base}templates/new/", {"name": "N", "key": "n", "language": "en"}),
            (f"{base}broadcasts/new/", {"subject": "x", "body": "y", "action": "send"}),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (user, url)
            assert client.post(url, data, headers={"HX-Request": "true"}).status_code == 404
    assert not MessageTemplate.objects.exists()
    assert not Broadcast.objects.exists()
    assert len(mail.outbox) == 0


def test_anonymous_is_sent_to_login(program: Program) -> None:
    response = Client().get(_base(program))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_template_with_an_unknown_or_malformed_placeholder_is_refused_naming_it(
    program: Program, program_manager: User
) -> None:
    url = f"{_base(program)}templates/welcome/en/"
    response = _client(program_manager).post(
        url, {"subject": "Hi {firstname}", "body": "{% debug %} {program_name.x}"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "{firstname}" in text and "{% debug %}" in text and "{program_name.x}" in text
    assert not MessageTemplate.objects.exists()


def test_preview_escapes_html_and_test_send_goes_to_the_editor(
    program: Program, program_manager: User, mentee: User
) -> None:
    Person.objects.filter(pk=mentee.person_id).update(first_name="<script>alert(1)</script>")
    url = f"{_base(program)}templates/welcome/en/"
    data = {"subject": "Hello {first_name}", "body": "Dear {first_name} of {program_name}"}
    client = _client(program_manager)
    response = client.post(url, {**data, "action": "preview"}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)" not in text
    client.post(url, {**data, "action": "test"})
    assert [m.to for m in mail.outbox] == [[program_manager.email or program_manager.person.email]]
    assert mail.outbox[0].subject.startswith("[Test] Hello")
    assert AuditEntry.objects.filter(action="message_template.test_sent").count() == 1


def test_saved_template_per_language_and_back_to_default(
    program: Program, program_manager: User
) -> None:
    client = _client(program_manager)
    url = f"{_base(program)}templates/welcome/de/"
    response = client.post(url, {"subject": "Willkommen, {first_name}", "body": "Hallo"})
    assert response.status_code == 302
    saved = MessageTemplate.objects.get(program=program, key="welcome", language="de")
    assert saved.subject == "Willkommen, {first_name}"
    assert client.get(_base(program)).content.decode().count("Willkommen") == 1
    client.post(url, {"subject": "x", "body": "y", "action": "reset"})
    assert not MessageTemplate.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="message_template")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["message_template.saved", "message_template.deleted"]


def test_broadcast_counts_confirms_sends_and_audits(
    program: Program, program_manager: User, mentee: User, other_mentee: User, mentor: User
) -> None:
    client = _client(program_manager)
    url = f"{_base(program)}broadcasts/new/"
    data = {
        "roles": ["mentee"],
        "enrollment_statuses": ["active"],
        "subject": "Kick-off for {first_name}",
        "body": "Hello {first_name}, see {program_url}",
    }
    preview = client.post(url, {**data, "action": "preview"}, headers={"HX-Request": "true"})
    assert "2 people" in preview.content.decode()
    asking = client.post(url, {**data, "action": "send"})
    assert asking.status_code == 200 and b'name="expected" value="2"' in asking.content
    assert not Broadcast.objects.exists()
    sent = client.post(url, {**data, "action": "send", "confirmed": "yes", "expected": "2"})
    broadcast = Broadcast.objects.get()
    assert sent.status_code == 302 and sent["Location"].endswith(f"/broadcasts/{broadcast.pk}/")
    assert broadcast.status == BroadcastStatus.SENT and broadcast.sent_count == 2
    assert sorted(m.subject for m in mail.outbox) == ["Kick-off for Ana", "Kick-off for Omar"]
    assert all("/communications/unsubscribe/" in m.body for m in mail.outbox)
    entry = AuditEntry.objects.get(action="broadcast.sent")
    assert entry.actor == program_manager
    assert entry.data["count"] == 2 and entry.data["subject"] == "Kick-off for {first_name}"
    assert entry.data["segment"]["roles"] == ["mentee"] and entry.data["essential"] is False
    page = client.get(f"{_base(program)}broadcasts/{broadcast.pk}/")
    assert page.status_code == 200 and b"Kick-off" in page.content


def test_a_count_that_changed_since_confirmation_is_refused(
    program: Program, program_manager: User, mentee: User
) -> None:
    data = {"roles": ["mentee"], "subject": "S", "body": "B", "action": "send"}
    response = _client(program_manager).post(
        f"{_base(program)}broadcasts/new/", {**data, "confirmed": "yes", "expected": "5"}
    )
    assert response.status_code == 200 and b"not 5" in response.content
    assert not Broadcast.objects.exists() and not mail.outbox


def test_unsubscribe_needs_a_second_click_and_then_only_essential_mail_arrives(
    program: Program, program_manager: User, mentee: User, other_mentee: User
) -> None:
    token = texts.unsubscribe_token(mentee.person_id, program.pk)
    anonymous = Client()
    page = anonymous.get(f"/communications/unsubscribe/{token}/")
    assert page.status_code == 200 and not Unsubscription.objects.exists()
    assert anonymous.post(f"/communications/unsubscribe/{token}/").status_code == 200
    assert Unsubscription.objects.filter(person_id=mentee.person_id, program=program).exists()
    assert anonymous.get(f"/communications/unsubscribe/{token}x/").status_code == 404
    client = _client(program_manager)
    base = {"roles": ["mentee"], "subject": "S {first_name}", "body": "B", "action": "send"}
    client.post(f"{_base(program)}broadcasts/new/", {**base, "confirmed": "yes"})
    assert [m.subject for m in mail.outbox] == ["S Omar"]
    mail.outbox.clear()
    client.post(f"{_base(program)}broadcasts/new/", {**base, "essential": "on", "confirmed": "yes"})
    assert sorted(m.subject for m in mail.outbox) == ["S Ana", "S Omar"]
    assert all("/unsubscribe/" not in m.body for m in mail.outbox)
    assert AuditEntry.objects.filter(action="broadcast.sent", data__essential=True).count() == 1


def test_terminated_and_erased_people_never_receive_even_essential_mail(
    program: Program, program_manager: User, mentee: User, other_mentee: User, mentor: User
) -> None:
    Person.objects.filter(pk=mentee.person_id).update(
        termination_date=timezone.localdate() - dt.timedelta(days=1)
    )
    Person.objects.filter(pk=mentor.person_id).update(erased_at=timezone.now())
    data = {"subject": "S {first_name}", "body": "B", "essential": "on", "action": "send"}
    _client(program_manager).post(f"{_base(program)}broadcasts/new/", {**data, "confirmed": "yes"})
    assert [m.subject for m in mail.outbox] == ["S Omar"]


def test_the_count_needs_no_text_and_a_bad_text_names_its_problem_in_the_partial(
    program: Program, program_manager: User, mentee: User
) -> None:
    client = _client(program_manager)
    url = f"{_base(program)}broadcasts/new/"
    headers = {"HX-Request": "true"}
    counted = client.post(url, {"roles": ["mentee"], "action": "preview"}, headers=headers)
    assert b"1 person" in counted.content
    bad = {"roles": ["mentee"], "subject": "Hi {nom}", "action": "preview"}
    refused = client.post(url, bad, headers=headers).content.decode()
    assert "{nom} is not a variable of this message" in refused


@pytest.mark.parametrize("key", ["welcome", "match_announcement", "midpoint", "closing"])
def test_every_standard_message_is_editable_with_its_own_variables(
    program: Program, program_manager: User, key: str
) -> None:
    url = f"{_base(program)}templates/{key}/en/"
    client = _client(program_manager)
    assert client.get(url).status_code == 200
    response = client.post(url, {"subject": "{program_name}", "body": "{first_name}"})
    assert response.status_code == 302
    assert MessageTemplate.objects.filter(program=program, key=key).exists()
    # A match announcement's own variables are not offered elsewhere.
    refused = client.post(url, {"subject": "{program_name}", "body": "{match_name}"})
    assert (refused.status_code == 302) == (key == "match_announcement")
