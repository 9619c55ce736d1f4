"""Erasure: personal data gone everywhere, counts unchanged, confirmed, audited, irreversible."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from mentorwise.accounts.models import ApiToken, User
from mentorwise.core.errors import Conflict, InvalidInput, NotFound
from mentorwise.core.models import AuditEntry, OutboxMessage
from mentorwise.insights.health import program_health
from mentorwise.matches.models import Match
from mentorwise.notifications.models import Nudge, NudgeSettings
from mentorwise.people.models import Demographics, Person
from mentorwise.people.services import people_import
from mentorwise.privacy.erasure import person_erase
from mentorwise.privacy.export import person_export
from mentorwise.programs.models import Enrollment
from mentorwise.relationships.models import (
    CheckIn,
    Goal,
    Meeting,
    PrivateNote,
    Relationship,
    RelationshipEvent,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db


def _health(program: Any) -> dict[str, Any]:
    figures = dataclasses.asdict(program_health(program=program))
    figures.pop("program"), figures.pop("as_of")
    return figures


def _everything_stored() -> str:
    """Every column of every row outside the audit log, as one string to search."""
    from django.apps import apps

    chunks = []
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "contenttypes", "auth"} or model is AuditEntry:
            continue
        for values in model._default_manager.values():
            chunks.append(json.dumps(values, default=str))
    return "\n".join(chunks)


def test_erasure_removes_every_trace_of_the_person(
    rich_relationship: Any, mentee: Any, hr_admin: Any
) -> None:
    ana = mentee.person
    employee_id, email = ana.employee_id, ana.email
    person_erase(actor=hr_admin, person=ana, confirm=employee_id)
    stored = _everything_stored()
    for trace in ("ANA-SECRET", "Ana Mentee", email, employee_id, mentee.username):
        assert trace.lower() not in stored.lower(), trace
    # The other side's own texts stay theirs.
    assert "MARTA-SECRET" in stored
    ana.refresh_from_db()
    assert ana.full_name == f"Erased person #{ana.pk}"
    assert ana.erased_at is not None
    assert ana.email.endswith("@erased.invalid")
    assert not Demographics.objects.filter(person=ana).exists()
    assert not NudgeSettings.objects.filter(person=ana).exists()
    assert not Nudge.objects.filter(person=ana).exists()
    assert not PrivateNote.objects.filter(author=mentee).exists()
    # Marta's note stays, with the name replaced.
    note = PrivateNote.objects.get()
    assert note.text == f"MARTA-SECRET about Erased person #{ana.pk}"


def test_erasure_ends_logins_sessions_and_tokens(
    client: Any, rich_relationship: Any, mentee: Any, hr_admin: Any
) -> None:
    client.force_login(mentee)
    assert client.get(reverse("home")).status_code == 200
    person_erase(actor=hr_admin, person=mentee.person, confirm=mentee.person.employee_id)
    user = User.objects.get(pk=mentee.pk)
    assert not user.is_active and not user.has_usable_password()
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_erasure_keeps_program_figures_unchanged(
    rich_relationship: Any, mentee: Any, hr_admin: Any, program: Any, settings: Any
) -> None:
    settings.MENTORWISE_MIN_GROUP_SIZE = 1  # show every figure, so a change would show
    rows = [Enrollment, Match, Relationship, Meeting, Goal, CheckIn, SurveyResponse]
    counts = {m.__name__: m.objects.count() for m in rows}
    before = _health(program)
    person_erase(actor=hr_admin, person=mentee.person, confirm=mentee.person.employee_id)
    assert {m.__name__: m.objects.count() for m in rows} == counts
    assert _health(program) == before
    assert Person.objects.count() == Person.objects.filter(erased_at__isnull=True).count() + 1


def test_erasure_forgets_queued_and_sent_emails_naming_the_person(
    mentee: Any, mentor: Any, hr_admin: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    def email_task(to: str, body: str, status: str) -> DBTaskResult:
        return DBTaskResult.objects.create(
            task_path="mentorwise.core.mail.email_send",
            args_kwargs={"args": [[to], "Hello", body, []], "kwargs": {}},
            status=status,
            backend_name="default",
        )

    to_ana = email_task(mentee.person.email, "Hello Ana", "SUCCESSFUL")
    about_ana = email_task(mentor.person.email, "Ana Mentee accepted", "READY")
    running = email_task(mentee.person.email, "Hello Ana", "RUNNING")
    unrelated = email_task(mentor.person.email, "Hello Marta", "SUCCESSFUL")
    result = person_erase(actor=hr_admin, person=mentee.person, confirm=mentee.person.employee_id)
    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert remaining == {running.pk, unrelated.pk}
    assert to_ana.pk not in remaining and about_ana.pk not in remaining
    assert result.task_results_deleted == 2


def test_erasure_deletes_the_outbox_emails_that_name_the_person(hr_admin: Any, mentee: Any) -> None:
    person = mentee.person
    person.first_name = "Tomás"
    person.save()

    def kept(to: str, body: str, content: str = "") -> OutboxMessage:
        return OutboxMessage.objects.create(
            sent_at=timezone.now(),
            from_email="m@x",
            to=[to],
            subject="Hello",
            body=body,
            attachments=[{"name": "a.ics", "mimetype": "text/calendar", "content": content}],
        )

    to_her = kept(person.email, "Hi")
    about_her = kept("marta@example.com", f"{person.full_name} accepted your match")
    in_invitation = kept("marta@example.com", "Invitation", f"ATTENDEE;CN={person.full_name}")
    unrelated = kept("marta@example.com", "Hi Marta")
    result = person_erase(actor=hr_admin, person=person, confirm=person.employee_id)
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {unrelated.pk}
    assert result.outbox_emails_deleted == 3
    assert {to_her.pk, about_her.pk, in_invitation.pk}.isdisjoint(
        OutboxMessage.objects.values_list("pk", flat=True)
    )


def test_erasure_keeps_scale_answers_and_blanks_text(
    rich_relationship: Any, mentee: Any, hr_admin: Any
) -> None:
    person_erase(actor=hr_admin, person=mentee.person, confirm=mentee.person.employee_id)
    answers = SurveyResponse.objects.get(side="mentee").answers
    assert answers["satisfaction"] == 4 and answers["comments"] == ""
    assert SurveyResponse.objects.get(side="mentor").answers["comments"] == "MARTA-SECRET survey"
    assert CheckIn.objects.get(side="mentee").comment == ""
    assert CheckIn.objects.get(side="mentee").pulse == 4


def test_erasure_is_audited_without_the_erased_data(
    rich_relationship: Any, mentee: Any, hr_admin: Any
) -> None:
    ana = mentee.person
    name, email, employee_id = ana.full_name, ana.email, ana.employee_id
    person_erase(actor=hr_admin, person=ana, confirm=employee_id)
    entry = AuditEntry.objects.get(action="person.erased")
    assert entry.actor == hr_admin and entry.target_id == str(ana.pk)
    text = json.dumps([entry.target_label, entry.data])
    assert name not in text and email not in text and employee_id not in text
    assert entry.data["private_notes_deleted"] == 1
    ended = AuditEntry.objects.get(action="user.sessions_ended")
    assert ended.target_label == f"erased-{mentee.pk}" and ended.data["reason"] == "erased"
    # The audit log itself is kept as it was: the record of who did what.
    assert AuditEntry.objects.filter(actor=mentee, actor_label=mentee.username).exists()


def test_erasure_requires_the_employee_id_and_writes_nothing_otherwise(
    rich_relationship: Any, mentee: Any, hr_admin: Any
) -> None:
    with pytest.raises(InvalidInput) as error:
        person_erase(actor=hr_admin, person=mentee.person, confirm="yes")
    assert error.value.errors[0].field == "confirm"
    ana = Person.objects.get(pk=mentee.person.pk)
    assert ana.erased_at is None and ana.full_name == "Ana Mentee"
    assert PrivateNote.objects.filter(author=mentee).exists()
    assert not AuditEntry.objects.filter(action="person.erased").exists()


def test_erasure_cannot_run_twice(mentee: Any, hr_admin: Any) -> None:
    employee_id = mentee.person.employee_id
    person_erase(actor=hr_admin, person=mentee.person, confirm=employee_id)
    with pytest.raises(Conflict):
        person_erase(actor=hr_admin, person=mentee.person, confirm=employee_id)


@pytest.mark.parametrize("role", ["mentee", "mentor", "program_manager", "executive"])
def test_only_hr_admins_may_erase(request: Any, role: str, other_mentee: Any) -> None:
    with pytest.raises(NotFound):
        person_erase(
            actor=request.getfixturevalue(role),
            person=other_mentee.person,
            confirm=other_mentee.person.employee_id,
        )
    assert Person.objects.get(pk=other_mentee.person.pk).erased_at is None


@pytest.mark.parametrize("role", ["mentee", "program_manager", "executive", "outsider"])
def test_erase_page_is_not_found_for_everyone_else(
    client: Any, request: Any, role: str, other_mentee: Any
) -> None:
    client.force_login(request.getfixturevalue(role))
    url = reverse("privacy:erase", args=[other_mentee.person.pk])
    response = client.post(url, {"confirm": other_mentee.person.employee_id})
    assert response.status_code == 404
    assert Person.objects.get(pk=other_mentee.person.pk).erased_at is None


def test_erase_page_asks_for_the_employee_id(client: Any, mentee: Any, hr_admin: Any) -> None:
    client.force_login(hr_admin)
    url = reverse("privacy:erase", args=[mentee.person.pk])
    response = client.post(url, {"confirm": "wrong"})
    assert response.status_code == 422
    assert b"Type the person&#x27;s employee id exactly" in response.content
    assert Person.objects.get(pk=mentee.person.pk).erased_at is None
    response = client.post(url, {"confirm": mentee.person.employee_id})
    assert response.status_code == 302
    assert Person.objects.get(pk=mentee.person.pk).erased_at is not None
    page = client.get(response["Location"])
    assert b"was erased on" in page.content


def test_erase_page_only_accepts_post(client: Any, mentee: Any, hr_admin: Any) -> None:
    client.force_login(hr_admin)
    assert client.get(reverse("privacy:erase", args=[mentee.person.pk])).status_code == 405


def test_erase_command_requires_confirm(mentee: Any) -> None:
    employee_id = mentee.person.employee_id
    with pytest.raises(CommandError, match="--confirm"):
        call_command("erase_person", employee_id)
    with pytest.raises(CommandError, match="employee id exactly"):
        call_command("erase_person", employee_id, "--confirm", "E0")
    assert Person.objects.get(pk=mentee.person.pk).erased_at is None
    call_command("erase_person", employee_id, "--confirm", employee_id)
    assert Person.objects.get(pk=mentee.person.pk).erased_at is not None
    assert AuditEntry.objects.get(action="person.erased").actor_label == "system"


def test_export_after_erasure_holds_only_pseudonymous_rows(
    rich_relationship: Any, mentee: Any, hr_admin: Any
) -> None:
    person_erase(actor=hr_admin, person=mentee.person, confirm=mentee.person.employee_id)
    data = person_export(actor=hr_admin, person=Person.objects.get(pk=mentee.person.pk))
    data.pop("audit_entries")  # the audit log is kept as it was (docs/privacy.md)
    text = json.dumps(data)
    assert "ANA-SECRET" not in text and "Ana Mentee" not in text


def test_timeline_names_the_erased_person_by_pseudonym(
    rich_relationship: Any, mentee: Any, hr_admin: Any
) -> None:
    ana = mentee.person
    assert RelationshipEvent.objects.filter(text__contains="Ana Mentee").exists()
    person_erase(actor=hr_admin, person=ana, confirm=ana.employee_id)
    assert not RelationshipEvent.objects.filter(text__contains="Ana Mentee").exists()
    assert RelationshipEvent.objects.filter(text__contains=f"Erased person #{ana.pk}").exists()


# Import: an erasure is never undone by the next HRIS file. --------------------------------

HEADER = "employee_id,first_name,last_name,email,manager_id\n"


def test_import_leaves_erased_people_alone(mentee: Any, hr_admin: Any) -> None:
    ana = mentee.person
    employee_id = ana.employee_id
    person_erase(actor=hr_admin, person=ana, confirm=employee_id)
    data = (
        HEADER
        + f"{employee_id},Ana,Mentee,ana@example.com,\n"
        + f"N1,New,Report,new@example.com,{employee_id}\n"
    ).encode()
    result = people_import(actor=hr_admin, data=data, file_name="hris.csv")
    assert result.erased_skipped == 1 and result.created == 1
    assert "1 row of an erased person was left alone." in result.summary()
    ana.refresh_from_db()
    assert ana.full_name == f"Erased person #{ana.pk}"
    assert not Person.objects.filter(employee_id=employee_id).exists()
    assert not Person.objects.filter(email="ana@example.com").exists()
    # The new report's manager is the erased record (the reporting line is kept).
    assert Person.objects.get(employee_id="N1").manager_id == ana.pk


def test_full_import_does_not_terminate_erased_people(mentee: Any, hr_admin: Any) -> None:
    ana = mentee.person
    person_erase(actor=hr_admin, person=ana, confirm=ana.employee_id)
    people_import(
        actor=hr_admin,
        data=(HEADER + "N1,New,Person,new@example.com,\n").encode(),
        file_name="hris.csv",
        full=True,
        confirmed_terminations=1_000,  # the small test organization leaves almost entirely
    )
    ana.refresh_from_db()
    assert ana.termination_date is None


def test_erasure_replaces_a_managers_name_in_the_timelines_of_pairs_they_reminded(
    hr_admin: User, program_manager: User, mentee: User, mentor: User
) -> None:
    from mentorwise.relationships.inputs import BulkReminder
    from mentorwise.relationships.models import RelationshipEvent
    from mentorwise.relationships.services import relationships_remind
    from mentorwise.relationships.tests.factories import started_relationship

    relationship = started_relationship(mentee, mentor)
    relationships_remind(
        actor=program_manager,
        program=relationship.program,
        data=BulkReminder(relationship_ids=[relationship.pk]),
    )
    name = program_manager.person.full_name
    entry = RelationshipEvent.objects.get(relationship=relationship, message="reminded")
    assert name in entry.text and entry.values["name"] == name
    person = program_manager.person
    person_erase(actor=hr_admin, person=person, confirm=person.employee_id)
    entry.refresh_from_db()
    assert name not in entry.text and name not in json.dumps(entry.values)
