"""A relationship with something in every corner: Ana (mentee) and Marta (mentor).

Ana's own texts contain the marker ANA-SECRET, Marta's MARTA-SECRET; Ana's name appears in
the timeline, in Marta's private note and in audit labels.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mentorwise.accounts.services import api_token_create
from mentorwise.learning.models import ModuleCompletion, TrainingModule
from mentorwise.notifications.models import Nudge, NudgeSettings
from mentorwise.people.models import CareerEvent, Demographics
from mentorwise.relationships import inputs
from mentorwise.relationships import services as rs
from mentorwise.relationships.inputs import SurveyAnswers
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.tests.factories import started_relationship


@pytest.fixture
def rich_relationship(mentee: Any, mentor: Any, hr_admin: Any) -> Relationship:
    relationship = started_relationship(mentee, mentor)
    ana = mentee.person
    Demographics.objects.create(person=ana, gender="woman", ethnicity="black")
    CareerEvent.objects.create(person=ana, kind="promotion", date=dt.date(2025, 3, 1))
    rs.agreement_update(
        actor=mentee,
        relationship=relationship,
        data=inputs.AgreementTerms(
            pair_objectives="ANA-SECRET objectives",
            meeting_cadence_days=14,
            confidentiality="What we say stays between us.",
        ),
    )
    goal = rs.goal_create(
        actor=mentee,
        relationship=relationship,
        fields=rs.GoalFields(title="ANA-SECRET goal", specific="ANA-SECRET specific"),
    )
    rs.milestone_add(
        actor=mentee,
        goal=goal,
        data=inputs.MilestoneNew(title="ANA-SECRET milestone", due_date=None),
    )
    held = timezone.now() - dt.timedelta(days=2)
    meeting = rs.meeting_log(
        actor=mentee,
        relationship=relationship,
        log=rs.MeetingLog(
            held_at=held,
            topics="ANA-SECRET topics",
            shared_notes="ANA-SECRET shared",
            private_note="ANA-SECRET private",
        ),
    )
    rs.private_note_write(actor=mentor, meeting=meeting, text=f"MARTA-SECRET about {ana.full_name}")
    rs.check_in_create(
        actor=mentee,
        relationship=relationship,
        data=inputs.CheckInNew(pulse=4, comment="ANA-SECRET ci"),
    )
    rs.check_in_create(
        actor=mentor,
        relationship=relationship,
        data=inputs.CheckInNew(pulse=5, comment="MARTA-SECRET"),
    )
    rs.survey_respond(
        actor=mentee,
        relationship=relationship,
        kind="midpoint",
        data=SurveyAnswers(
            {
                "satisfaction": 4,
                "recommend": 8,
                "goal_attainment": 3,
                "growth": 4,
                "comments": "ANA-SECRET survey",
            }
        ),
    )
    rs.survey_respond(
        actor=mentor,
        relationship=relationship,
        kind="midpoint",
        data=SurveyAnswers(
            {
                "satisfaction": 5,
                "recommend": 9,
                "goal_attainment": 4,
                "growth": 5,
                "comments": "MARTA-SECRET survey",
            }
        ),
    )
    rs.sponsorship_action_record(
        actor=mentor,
        relationship=relationship,
        data=inputs.SponsorshipNew(kind="stretch_assignment", description="ANA-SECRET stretch"),
    )
    rs.safety_report_create(
        actor=mentee,
        relationship=relationship,
        data=inputs.SafetyReportNew(category="other", description="ANA-SECRET report"),
    )
    Nudge.objects.create(
        person=ana, kind="survey_due", cause="x", subject="ANA-SECRET", body="ANA-SECRET"
    )
    Nudge.objects.create(
        person=mentor.person,
        kind="answer_waiting",
        cause="y",
        subject=f"{ana.full_name} wrote",
        body=f"{ana.full_name} is waiting",
        relationship=relationship,
    )
    NudgeSettings.objects.create(person=ana, mute_non_essential=True)
    module = TrainingModule.objects.create(slug="m", title="Listening", body_markdown="x")
    ModuleCompletion.objects.create(person=ana, module=module, score=100, answers={"q": "a"})
    api_token_create(actor=mentee, name="ANA-SECRET laptop", scope="read")
    return relationship
