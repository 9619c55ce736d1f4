"""Data-subject access: the export holds everything about the person and nothing of others'."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from mentorwise.core.errors import NotFound
from mentorwise.core.models import AuditEntry
from mentorwise.matches.models import MatchStatus, Preference, PreferenceKind
from mentorwise.privacy.export import person_export
from mentorwise.privacy.inventory import (
    EXPORTED,
    WITHHELD,
    relations_to_hubs,
    unclassified_relations,
)
from mentorwise.relationships import inputs
from mentorwise.relationships import services as rs
from mentorwise.relationships.inputs import MatchAnswer
from mentorwise.relationships.services import match_respond
from mentorwise.relationships.tests.factories import enrollment_of, published_match

pytestmark = pytest.mark.django_db


def test_every_relation_to_a_person_is_exported_or_withheld_with_a_reason() -> None:
    # A new model pointing at a person, a login or their records must be classified in
    # inventory.py, or the export would silently forget it.
    assert unclassified_relations() == []
    # And the inventory names nothing that no longer exists.
    live = {key for key, _ in relations_to_hubs()}
    # (LINKED may name models of apps that are optional or not installed.)
    assert set(EXPORTED) | set(WITHHELD) <= live


def test_export_has_every_section_filled(rich_relationship: Any, mentee: Any, hr_admin: Any):
    data = person_export(actor=hr_admin, person=mentee.person)
    json.dumps(data)  # plain JSON values only
    assert data["format"] == "mentorwise.person-export/1"
    assert data["person"]["employee_id"] == mentee.person.employee_id
    assert data["demographics"]["ethnicity"] == "black"
    assert data["career_events"][0]["kind"] == "promotion"
    assert data["logins"][0]["username"] == mentee.username
    assert "password" not in data["logins"][0]
    token = data["logins"][0]["api_tokens"][0]
    assert token["name"] == "ANA-SECRET laptop" and "hashed" not in token
    assert data["enrollments"][0]["development_goals"] == "Ana's private career goals"
    assert data["enrollments"][0]["skills_wanted"]
    assert data["matches"][0]["mentor"]["name"] == "Marta Mentor"
    rel = data["relationships"][0]
    assert rel["side"] == "mentee"
    assert rel["agreement"][0]["pair_objectives"] == "ANA-SECRET objectives"
    assert rel["goals"][0]["title"] == "ANA-SECRET goal"
    assert rel["goals"][0]["milestones"][0]["title"] == "ANA-SECRET milestone"
    assert rel["meetings"][0]["shared_notes"] == "ANA-SECRET shared"
    assert [c["comment"] for c in rel["check_ins"]] == ["ANA-SECRET ci"]
    assert [r["answers"]["comments"] for r in rel["survey_responses"]] == ["ANA-SECRET survey"]
    assert rel["sponsorship_actions"][0]["description"] == "ANA-SECRET stretch"
    assert rel["timeline"]
    # Her private note is listed, its text is not: HR admins never read private notes.
    assert [(n["text"], n["text_length"]) for n in data["private_notes"]] == [
        (None, len("ANA-SECRET private"))
    ]
    assert "ANA-SECRET private" not in json.dumps(data)
    assert data["safety_reports"][0]["description"] == "ANA-SECRET report"
    assert data["training_completions"][0]["module"] == "Listening"
    assert [n["subject"] for n in data["nudges"]] == ["ANA-SECRET"]
    assert data["nudge_settings"]["mute_non_essential"] is True
    assert {a["record"] for a in data["actions_recorded"]} >= {"relationships.checkin"}
    assert any(a["action"] == "meeting.logged" for a in data["audit_entries"])


def test_export_never_contains_the_other_sides_private_note_or_answers(
    rich_relationship: Any, mentee: Any, hr_admin: Any
):
    text = json.dumps(person_export(actor=hr_admin, person=mentee.person))
    assert "MARTA-SECRET" not in text


def test_mentor_export_holds_her_own_note_and_not_anas(
    rich_relationship: Any, mentor: Any, hr_admin: Any
):
    data = person_export(actor=hr_admin, person=mentor.person)
    assert [n["text_length"] for n in data["private_notes"]] == [
        len("MARTA-SECRET about Ana Mentee")
    ]
    assert "MARTA-SECRET about" not in json.dumps(data)
    assert data["relationships"][0]["side"] == "mentor"
    assert "ANA-SECRET private" not in json.dumps(data)


def test_export_is_audited_without_content(rich_relationship: Any, mentee: Any, hr_admin: Any):
    person_export(actor=hr_admin, person=mentee.person, reference="DSAR-17")
    entry = AuditEntry.objects.filter(action="person.exported").get()
    assert entry.actor == hr_admin
    assert entry.target_id == str(mentee.person.pk)
    assert entry.data["reference"] == "DSAR-17"
    assert "ANA-SECRET" not in json.dumps(entry.data)


@pytest.mark.parametrize("role", ["mentee", "mentor", "program_manager", "executive", "outsider"])
def test_only_hr_admins_may_export(request: Any, role: str, mentee: Any) -> None:
    actor = request.getfixturevalue(role)
    with pytest.raises(NotFound):
        person_export(actor=actor, person=mentee.person)
    assert not AuditEntry.objects.filter(action="person.exported").exists()


def test_export_page_downloads_json_for_hr_admins(
    client: Any, rich_relationship: Any, mentee: Any, hr_admin: Any
):
    client.force_login(hr_admin)
    page = client.get(reverse("privacy:person", args=[mentee.person.pk]))
    assert page.status_code == 200
    assert reverse("privacy:export", args=[mentee.person.pk]).encode() in page.content
    response = client.get(reverse("privacy:export", args=[mentee.person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["person"]["id"] == mentee.person.pk


def test_profile_page_links_to_privacy_for_hr_admins_only(
    client: Any, mentee: Any, hr_admin: Any, program_manager: Any
):
    url = reverse("privacy:person", args=[mentee.person.pk])
    client.force_login(hr_admin)
    assert url in client.get(reverse("people:detail", args=[mentee.person.pk])).content.decode()
    client.force_login(program_manager)
    assert url not in client.get(reverse("people:detail", args=[mentee.person.pk])).content.decode()


@pytest.mark.parametrize("role", ["mentee", "program_manager", "executive", "outsider"])
@pytest.mark.parametrize("name", ["privacy:person", "privacy:export"])
def test_privacy_pages_are_not_found_for_everyone_else(
    client: Any, request: Any, role: str, name: str, mentee: Any
) -> None:
    client.force_login(request.getfixturevalue(role))
    # Even the mentee's own record: access requests go through HR, who verify identity.
    assert client.get(reverse(name, args=[mentee.person.pk])).status_code == 404


def test_privacy_pages_need_a_login(client: Any, mentee: Any) -> None:
    response = client.get(reverse("privacy:export", args=[mentee.person.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_unknown_person_is_not_found(client: Any, hr_admin: Any) -> None:
    client.force_login(hr_admin)
    assert client.get(reverse("privacy:person", args=[999999])).status_code == 404


def test_export_command_writes_a_file(tmp_path: Any, rich_relationship: Any, mentee: Any):
    out = tmp_path / "ana.json"
    call_command("export_person", mentee.person.employee_id, "--output", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["person"]["employee_id"] == mentee.person.employee_id
    assert data["exported_by"] == "command line"
    entry = AuditEntry.objects.filter(action="person.exported").get()
    assert entry.actor is None and entry.actor_label == "system"


def test_export_command_names_an_unknown_employee_id(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="NOPE"):
        call_command("export_person", "NOPE")


# Others' confidential acts -----------------------------------------------------------------


def _stable(data: dict[str, Any]) -> dict[str, Any]:
    """An export without what changes by itself (the time, the audit of the export)."""
    return {k: v for k, v in data.items() if k not in {"exported_at", "audit_entries"}}


def test_nothing_others_do_in_confidence_changes_a_persons_export(
    rich_relationship: Any, mentor: Any, mentee: Any, other_mentee: Any, hr_admin: Any
):
    # Marta's export before and after Ana reports her and Omar vetoes her: not a count,
    # not a trace (GDPR Art. 15(4): the reporter's and the vetoer's rights).
    before = _stable(person_export(actor=hr_admin, person=mentor.person))
    rs.safety_report_create(
        actor=mentee,
        relationship=rich_relationship,
        data=inputs.SafetyReportNew(category="conduct", description="Again"),
    )
    Preference.objects.create(
        enrollment=enrollment_of(other_mentee),
        other=enrollment_of(mentor),
        kind=PreferenceKind.VETO,
    )
    after = _stable(person_export(actor=hr_admin, person=mentor.person))
    assert after == before
    assert not any(isinstance(v, int) for v in after["withheld"].values())


def test_own_reports_and_vetoes_are_in_the_export(
    rich_relationship: Any, mentee: Any, other_mentee: Any, mentor: Any, hr_admin: Any
):
    Preference.objects.create(
        enrollment=enrollment_of(other_mentee), other=enrollment_of(mentor), kind="veto"
    )
    data = person_export(actor=hr_admin, person=other_mentee.person)
    assert [p["kind"] for p in data["enrollments"][0]["preferences"]] == ["veto"]
    ana = person_export(actor=hr_admin, person=mentee.person)
    assert [r["description"] for r in ana["safety_reports"]] == ["ANA-SECRET report"]


def test_other_sides_decline_reason_is_left_out(other_mentee: Any, mentor: Any, hr_admin: Any):
    match = published_match(other_mentee, mentor)
    match_respond(
        actor=other_mentee,
        match=match,
        data=MatchAnswer(accept=False, reason="OMAR-DECLINE-REASON"),
    )
    marta = person_export(actor=hr_admin, person=mentor.person)
    (row,) = marta["matches"]
    assert row["status"] == "declined" and row["decline_reason"] is None
    assert "OMAR-DECLINE-REASON" not in json.dumps(marta)
    omar = person_export(actor=hr_admin, person=other_mentee.person)
    assert omar["matches"][0]["decline_reason"] == "OMAR-DECLINE-REASON"


def test_reasons_of_a_proposal_never_shown_are_left_out(
    other_mentee: Any, mentor: Any, hr_admin: Any
):
    proposal = published_match(
        other_mentee,
        mentor,
        status=MatchStatus.PROPOSED,
        reasons=["Marta Mentor asked for Omar Mentee"],
    )
    for person in (mentor.person, other_mentee.person):
        (row,) = person_export(actor=hr_admin, person=person)["matches"]
        assert row["id"] == proposal.pk and row["reasons"] is None
    # Once published, both saw the reasons on their match: they are theirs.
    proposal.status = MatchStatus.PUBLISHED
    proposal.save(update_fields=["status"])
    (row,) = person_export(actor=hr_admin, person=mentor.person)["matches"]
    assert row["reasons"] == ["Marta Mentor asked for Omar Mentee"]
