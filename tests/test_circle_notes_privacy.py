"""A circle meeting's private notes follow the same privacy rules as a pair's: retention
deletes old ones, and erasing a person deletes the notes they wrote (and no one else's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mentorwise.circles import inputs, services
from mentorwise.circles.models import CirclePrivateNote
from mentorwise.circles.tests.factories import formed_circle, group_program, participant
from mentorwise.privacy.erasure import person_erase
from mentorwise.privacy.retention import retention_purge

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(hr_admin: Any, program_manager_user: Any) -> dict[str, Any]:
    program = group_program(hr_admin, program_manager_user)
    lead, lead_e = participant(program, "mentor")
    members = [participant(program, "mentee") for _ in range(3)]
    circle = formed_circle(hr_admin, program, [lead_e], [e for _u, e in members])
    meeting = services.meeting_schedule(
        actor=lead,
        circle=circle,
        data=inputs.MeetingPlan(starts_at=timezone.now() + dt.timedelta(days=2)),
    )
    ana = members[0][0]
    services.private_note_write(actor=ana, meeting=meeting, text="ANA-CIRCLE-NOTE")
    services.private_note_write(actor=lead, meeting=meeting, text="LEAD-CIRCLE-NOTE")
    return {"ana": ana, "lead": lead}


def test_retention_deletes_old_circle_notes(notes: dict[str, Any], settings: Any) -> None:
    settings.MENTORWISE_RETAIN_PRIVATE_NOTES_DAYS = 30
    CirclePrivateNote.objects.filter(text__startswith="ANA").update(
        updated_at=timezone.now() - dt.timedelta(days=31)
    )
    result = retention_purge()
    assert result.private_notes_deleted == 1
    assert list(CirclePrivateNote.objects.values_list("text", flat=True)) == ["LEAD-CIRCLE-NOTE"]


def test_erasure_deletes_the_erased_persons_circle_notes(
    notes: dict[str, Any], hr_admin: Any
) -> None:
    person = notes["ana"].person
    result = person_erase(actor=hr_admin, person=person, confirm=person.employee_id)
    assert result.private_notes_deleted == 1
    assert list(CirclePrivateNote.objects.values_list("text", flat=True)) == ["LEAD-CIRCLE-NOTE"]
