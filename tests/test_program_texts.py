"""A program's own wording of its welcome and of its survey reminders reaches the people it is
for; a program without its own wording sends what it sent before (no welcome at all)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from mentorwise.communications.inputs import TemplateInput
from mentorwise.communications.services import template_save
from mentorwise.notifications import rules
from mentorwise.programs import services
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.tests.factories import started_relationship

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "mentorwise.core.mail.transaction.on_commit", lambda callback, **kwargs: callback()
    )
    monkeypatch.setattr(
        "mentorwise.messaging.services.transaction.on_commit", lambda callback, **kw: callback()
    )


def _own(program: Any, manager: Any, key: str, subject: str, body: str) -> None:
    template_save(
        actor=manager,
        program=program,
        data=TemplateInput(key=key, language="en", subject=subject, body=body),
    )


def _enroll(program: Any, skills: Any, outsider: Any) -> None:
    outsider.person.is_high_potential = True
    outsider.person.save()
    services.enrollment_create(
        actor=outsider,
        program=program,
        data=services.EnrollmentNew(
            role="mentee",
            answers=services.EnrollmentAnswers(
                development_goals="Learn to lead",
                skills_wanted=[skills[0].pk],
                answers={"why": "Grow", "commitment": "Yes"},
            ),
            acknowledged=True,
        ),
    )


def test_no_welcome_without_the_programs_own(program: Any, skills: Any, outsider: Any) -> None:
    _enroll(program, skills, outsider)
    assert mail.outbox == []


def test_the_programs_welcome_on_enrolling(
    program: Any, program_manager: Any, skills: Any, outsider: Any
) -> None:
    _own(program, program_manager, "welcome", "Hi {first_name}", "Welcome to {program_name}")
    _enroll(program, skills, outsider)
    [sent] = mail.outbox
    assert sent.to == [outsider.person.email]
    assert sent.subject == "Hi Olga" and sent.body.startswith(f"Welcome to {program.title}")


def test_survey_reminders_in_the_programs_own_words(
    program: Any, program_manager: Any, mentee: Any, mentor: Any
) -> None:
    relationship: Relationship = started_relationship(mentee, mentor, days_ago=100)
    Relationship.objects.filter(pk=relationship.pk).update(
        planned_end_date=timezone.localdate() + dt.timedelta(days=20)
    )
    before = {d.subject for d in rules.survey_due(timezone.now())}
    assert before == {f"Your midpoint survey for {program.title}"}
    _own(
        program,
        program_manager,
        "midpoint",
        "Halfway, {first_name}!",
        "How is it going with {mentor_name}? {relationship_url}",
    )
    drafts = {d.person_id: d for d in rules.survey_due(timezone.now())}
    ana = drafts[mentee.person_id]
    assert ana.subject == "Halfway, Ana!"
    assert ana.body.startswith("How is it going with Marta Mentor? http")
    assert ana.body.rstrip().endswith(f"/relationships/{relationship.pk}/")
