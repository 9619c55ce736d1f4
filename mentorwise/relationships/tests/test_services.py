"""Relationship use cases: each transition, its timeline entry, and the refused inputs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test.utils import override_settings
from django.utils import timezone
from icalendar import Calendar

from mentorwise.core.errors import Conflict, Forbidden, InvalidInput
from mentorwise.core.languages import django_languages
from mentorwise.core.models import AuditEntry
from mentorwise.core.pseudo import is_pseudo
from mentorwise.matches.models import MatchStatus
from mentorwise.programs.models import EnrollmentStatus
from mentorwise.relationships import inputs, services
from mentorwise.relationships.calendar import meeting_ics
from mentorwise.relationships.inputs import SurveyAnswers, SurveyQuestions
from mentorwise.relationships.models import (
    Agreement,
    AgreementVersion,
    EventKind,
    GoalStatus,
    Meeting,
    MeetingStatus,
    PrivateNote,
    RelationshipEvent,
    RelationshipStatus,
    SafetyReport,
    SafetyStatus,
    SponsorshipOutcome,
)

pytestmark = pytest.mark.django_db


def soon(days: int = 3) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)


def events(relationship, kind) -> int:
    return RelationshipEvent.objects.filter(relationship=relationship, kind=kind).count()


# Agreement ------------------------------------------------------------------------------


def test_agreement_change_creates_version_and_resets_confirmations(relationship, mentee, mentor):
    v1 = services.agreement_confirm(actor=mentee, relationship=relationship, version=1)
    assert v1.mentee_confirmed_at and not v1.is_confirmed
    v2 = services.agreement_update(
        actor=mentor,
        relationship=relationship,
        data=inputs.AgreementTerms(
            pair_objectives="Prepare Ana for a team lead role",
            meeting_cadence_days=14,
            confidentiality="Between us.",
        ),
    )
    assert v2.number == 2 and v2.mentee_confirmed_at is None and v2.mentor_confirmed_at is None
    assert v2.program_objectives == v1.program_objectives
    with pytest.raises(Conflict):  # confirming the old version is refused
        services.agreement_confirm(actor=mentee, relationship=relationship, version=1)
    services.agreement_confirm(actor=mentee, relationship=relationship, version=2)
    done = services.agreement_confirm(actor=mentor, relationship=relationship, version=2)
    assert done.is_confirmed
    assert events(relationship, EventKind.AGREEMENT_CHANGED) == 1
    assert events(relationship, EventKind.AGREEMENT_CONFIRMED) == 3
    with pytest.raises(Conflict):
        services.agreement_confirm(actor=mentor, relationship=relationship, version=2)


def test_unchanged_agreement_makes_no_new_version(relationship, mentee):
    current = relationship.agreement.current
    same = services.agreement_update(
        actor=mentee,
        relationship=relationship,
        data=inputs.AgreementTerms(
            pair_objectives=current.pair_objectives,
            meeting_cadence_days=current.meeting_cadence_days,
            confidentiality=current.confidentiality,
        ),
    )
    assert same.number == 1 and relationship.agreement.versions.count() == 1


def test_agreement_bad_cadence_writes_nothing(relationship, mentee):
    with pytest.raises(InvalidInput) as error:
        services.agreement_update(
            actor=mentee,
            relationship=relationship,
            data=inputs.AgreementTerms(
                pair_objectives="x", meeting_cadence_days=0, confidentiality=""
            ),
        )
    assert error.value.errors[0].field == "meeting_cadence_days"
    assert relationship.agreement.versions.count() == 1


def test_a_relationship_recorded_without_an_agreement_gets_its_first_one(
    relationship, mentee, mentor
):
    """History from before Mentorwise has no agreement: confirming says so, writing one
    starts version 1 from the program's terms, and then both confirm it."""
    Agreement.objects.filter(relationship=relationship).delete()
    with pytest.raises(Conflict) as refused:
        services.agreement_confirm(actor=mentee, relationship=relationship, version=1)
    assert refused.value.code == "no_agreement"
    v1 = services.agreement_update(
        actor=mentor,
        relationship=relationship,
        data=inputs.AgreementTerms(
            pair_objectives="Our own words", meeting_cadence_days=21, confidentiality="Between us."
        ),
    )
    assert v1.number == 1 and v1.pair_objectives == "Our own words"
    assert v1.program_objectives == relationship.program.objectives
    services.agreement_confirm(actor=mentee, relationship=relationship, version=1)
    assert services.agreement_confirm(
        actor=mentor, relationship=relationship, version=1
    ).is_confirmed
    assert AuditEntry.objects.filter(action="agreement.changed").count() == 1


def test_an_agreement_without_versions_gets_version_1(relationship, mentee):
    AgreementVersion.objects.filter(agreement__relationship=relationship).delete()
    v1 = services.agreement_update(
        actor=mentee,
        relationship=relationship,
        data=inputs.AgreementTerms(pair_objectives="", meeting_cadence_days=30, confidentiality=""),
    )
    assert v1.number == 1 and relationship.agreement.versions.count() == 1


def test_manager_may_not_edit_the_pairs_agreement(relationship, program_manager):
    with pytest.raises(Forbidden):
        services.agreement_confirm(actor=program_manager, relationship=relationship, version=1)


# Goals ----------------------------------------------------------------------------------


def test_goal_lifecycle_with_milestones(relationship, mentee, mentor):
    goal = services.goal_create(
        actor=mentee,
        relationship=relationship,
        fields=services.GoalFields(
            title="Negotiate budgets",
            specific="Lead the Q3 budget talk",
            measurable="Budget agreed",
            achievable="With Marta's coaching",
            relevant="Needed for promotion",
            target_date=dt.date(2026, 9, 30),
        ),
    )
    services.goal_progress_set(actor=mentor, goal=goal, data=inputs.GoalProgressChange(progress=40))
    milestone = services.milestone_add(
        actor=mentee, goal=goal, data=inputs.MilestoneNew(title="Draft the plan")
    )
    services.milestone_set_done(actor=mentee, milestone=milestone, done=True)
    services.goal_progress_set(
        actor=mentee,
        goal=goal,
        data=inputs.GoalProgressChange(progress=80, status=GoalStatus.ACHIEVED),
    )
    goal.refresh_from_db()
    assert goal.progress == 100 and goal.status == GoalStatus.ACHIEVED and goal.achieved_at
    assert events(relationship, EventKind.GOAL_ADDED) == 1
    assert events(relationship, EventKind.GOAL_CHANGED) == 2
    assert events(relationship, EventKind.MILESTONE) == 2


def test_goal_refused_inputs(relationship, mentee):
    with pytest.raises(InvalidInput):
        services.goal_create(
            actor=mentee, relationship=relationship, fields=services.GoalFields(title=" ")
        )
    goal = services.goal_create(
        actor=mentee, relationship=relationship, fields=services.GoalFields(title="Speak up")
    )
    with pytest.raises(InvalidInput):
        services.goal_progress_set(
            actor=mentee, goal=goal, data=inputs.GoalProgressChange(progress=101)
        )
    goal.refresh_from_db()
    assert goal.progress == 0


# Meetings -------------------------------------------------------------------------------


def parse(ics: str) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_meeting_invitation_is_valid_ics_sent_to_both(
    relationship, mentee, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_schedule(
            actor=mentor,
            relationship=relationship,
            data=inputs.MeetingSchedule(starts_at=soon(), location="Room 4"),
        )
    # One e-mail each (the dispatcher delivers per person), with the same text and .ics.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [mentee.person.email, mentor.person.email]
    )
    message = mail.outbox[0]
    assert [(m.subject, m.body, m.attachments) for m in mail.outbox[1:]] == [
        (message.subject, message.body, message.attachments)
    ]
    name, content, mimetype = message.attachments[0]
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    assert "method=REQUEST" in mimetype
    calendar, event = parse(content)
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event["LOCATION"]) == "Room 4"
    attendees = {str(a).lower() for a in event["ATTENDEE"]}
    assert attendees == {f"mailto:{mentee.person.email}", f"mailto:{mentor.person.email}"}
    assert str(event["ORGANIZER"]).lower() == f"mailto:{mentor.person.email}"
    assert calendar.walk("VTIMEZONE"), "the organizer's time zone is included"
    assert events(relationship, EventKind.MEETING_SCHEDULED) == 1


def test_reschedule_keeps_uid_and_increments_sequence_then_cancel(
    relationship, mentee, django_capture_on_commit_callbacks
):
    meeting = services.meeting_schedule(
        actor=mentee, relationship=relationship, data=inputs.MeetingSchedule(starts_at=soon())
    )
    later = soon(5)
    services.meeting_reschedule(
        actor=mentee, meeting=meeting, data=inputs.MeetingMove(starts_at=later)
    )
    _, event = parse(meeting_ics(meeting))
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == later
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(actor=mentee, meeting=meeting)
    calendar, event = parse(mail.outbox[-1].attachments[0][1])
    assert calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 2
    assert "method=CANCEL" in mail.outbox[-1].attachments[0][2]
    with pytest.raises(Conflict):
        services.meeting_reschedule(
            actor=mentee, meeting=meeting, data=inputs.MeetingMove(starts_at=soon(6))
        )
    assert events(relationship, EventKind.MEETING_RESCHEDULED) == 1
    assert events(relationship, EventKind.MEETING_CANCELLED) == 1


def test_log_meeting_with_private_note_updates_health_date(relationship, mentee, mentor):
    held = timezone.now() - dt.timedelta(days=1)
    meeting = services.meeting_log(
        actor=mentee,
        relationship=relationship,
        log=services.MeetingLog(
            held_at=held,
            duration_minutes=45,
            conversation_type="coaching",
            topics="Budgets",
            shared_notes="Agreed next steps",
            private_note="I felt nervous about asking",
        ),
    )
    assert meeting.status == MeetingStatus.HELD and meeting.conversation_type == "coaching"
    relationship.refresh_from_db()
    assert relationship.last_meeting_at == held
    note = PrivateNote.objects.get()
    assert note.author == mentee and note.meeting == meeting
    assert events(relationship, EventKind.MEETING_LOGGED) == 1
    # The note's text appears nowhere else: not the timeline, not the audit log.
    assert not RelationshipEvent.objects.filter(text__contains="nervous").exists()
    assert not AuditEntry.objects.filter(target_label__contains="nervous").exists()
    assert "nervous" not in str(list(AuditEntry.objects.values_list("data", flat=True)))


def test_log_scheduled_meeting(relationship, mentor):
    meeting = services.meeting_schedule(
        actor=mentor,
        relationship=relationship,
        data=inputs.MeetingSchedule(starts_at=timezone.now() - dt.timedelta(hours=2)),
    )
    services.meeting_log(
        actor=mentor,
        relationship=relationship,
        meeting=meeting,
        log=services.MeetingLog(held_at=meeting.starts_at, duration_minutes=30),
    )
    assert Meeting.objects.get().status == MeetingStatus.HELD


def test_future_meeting_cannot_be_logged(relationship, mentee):
    with pytest.raises(InvalidInput):
        services.meeting_log(
            actor=mentee, relationship=relationship, log=services.MeetingLog(held_at=soon())
        )
    assert not Meeting.objects.exists()


def test_private_note_cannot_be_written_by_managers(relationship, mentee, program_manager):
    meeting = services.meeting_schedule(
        actor=mentee, relationship=relationship, data=inputs.MeetingSchedule(starts_at=soon())
    )
    with pytest.raises(Forbidden):
        services.private_note_write(actor=program_manager, meeting=meeting, text="x")
    services.private_note_write(actor=mentee, meeting=meeting, text="mine")
    services.private_note_write(actor=mentee, meeting=meeting, text="")
    assert not PrivateNote.objects.exists()


# Check-ins, surveys, sponsorship, safety ------------------------------------------------


def test_check_in_from_each_side(relationship, mentee, mentor):
    services.check_in_create(
        actor=mentee,
        relationship=relationship,
        data=inputs.CheckInNew(pulse=4, comment="Good"),
    )
    services.check_in_create(
        actor=mentor, relationship=relationship, data=inputs.CheckInNew(pulse=2)
    )
    assert sorted(relationship.check_ins.values_list("side", flat=True)) == ["mentee", "mentor"]
    assert events(relationship, EventKind.CHECK_IN) == 2
    with pytest.raises(InvalidInput):
        services.check_in_create(
            actor=mentee, relationship=relationship, data=inputs.CheckInNew(pulse=6)
        )


def test_survey_answered_once_per_side(relationship, mentee):
    answers = {"satisfaction": 5, "recommend": 9, "goal_attainment": 4, "growth": "4"}
    response = services.survey_respond(
        actor=mentee, relationship=relationship, kind="midpoint", data=SurveyAnswers(answers)
    )
    assert response.answers["growth"] == 4 and response.side == "mentee"
    with pytest.raises(Conflict):
        services.survey_respond(
            actor=mentee, relationship=relationship, kind="midpoint", data=SurveyAnswers(answers)
        )
    with pytest.raises(InvalidInput) as error:
        services.survey_respond(
            actor=mentee,
            relationship=relationship,
            kind="closing",
            data=SurveyAnswers({"satisfaction": 9}),
        )
    assert {e.field for e in error.value.errors} >= {"satisfaction", "recommend"}
    # The program's surveys are confidential: no timeline entry says who answered.
    assert relationship.program.surveys_confidential
    assert events(relationship, EventKind.SURVEY) == 0


def test_an_open_survey_answer_is_on_the_timeline(relationship, mentee):
    relationship.program.surveys_confidential = False
    relationship.program.save(update_fields=["surveys_confidential"])
    answers = {"satisfaction": 5, "recommend": 9, "goal_attainment": 4, "growth": "4"}
    services.survey_respond(
        actor=mentee, relationship=relationship, kind="midpoint", data=SurveyAnswers(answers)
    )
    assert events(relationship, EventKind.SURVEY) == 1


def test_survey_questions_are_configurable(program, program_manager, mentee):
    questions = [{"key": "value", "label": "Was it worth it?", "type": "scale", "min": 1, "max": 5}]
    survey = services.survey_configure(
        actor=program_manager, program=program, kind="midpoint", data=SurveyQuestions(questions)
    )
    assert survey.questions[0]["key"] == "value"
    with pytest.raises(Forbidden):
        services.survey_configure(
            actor=mentee, program=program, kind="midpoint", data=SurveyQuestions([])
        )
    with pytest.raises(InvalidInput):
        services.survey_configure(
            actor=program_manager,
            program=program,
            kind="midpoint",
            data=SurveyQuestions([{"key": "x"}]),
        )


def test_sponsorship_action_by_the_sponsor_side_only(relationship, mentee, mentor):
    action = services.sponsorship_action_record(
        actor=mentor,
        relationship=relationship,
        data=inputs.SponsorshipNew(kind="promotion", description="Nominated Ana for team lead"),
    )
    with pytest.raises(Forbidden):
        services.sponsorship_action_record(
            actor=mentee,
            relationship=relationship,
            data=inputs.SponsorshipNew(kind="other", description="x"),
        )
    services.sponsorship_outcome_set(
        actor=mentor, action=action, data=inputs.SponsorshipResult(outcome="succeeded")
    )
    action.refresh_from_db()
    assert action.outcome == SponsorshipOutcome.SUCCEEDED and action.outcome_on
    assert events(relationship, EventKind.SPONSORSHIP) == 2


def test_safety_report_reaches_managers_only(
    relationship, mentee, mentor, program_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.safety_report_create(
            actor=mentee,
            relationship=relationship,
            data=inputs.SafetyReportNew(category="conduct", description="Rude"),
        )
    recipients = {address for m in mail.outbox for address in m.to}
    assert mentor.person.email not in recipients and mentor.email not in recipients
    assert program_manager.email in recipients or program_manager.person.email in recipients
    assert "Rude" not in mail.outbox[0].body
    assert not relationship.events.exclude(kind=EventKind.STARTED).exists()  # no trace
    with pytest.raises(Forbidden):
        services.safety_report_handle(
            actor=mentor, report=report, data=inputs.SafetyHandling(status="resolved")
        )
    services.safety_report_handle(
        actor=program_manager,
        report=report,
        data=inputs.SafetyHandling(status="in_review", note="Called Ana"),
    )
    services.safety_report_handle(
        actor=program_manager, report=report, data=inputs.SafetyHandling(status="resolved")
    )
    report = SafetyReport.objects.get()
    assert report.status == SafetyStatus.RESOLVED and report.resolved_at
    assert report.notes.count() == 2


# Closure --------------------------------------------------------------------------------


def test_early_closure_with_rematch_returns_mentee_to_pool(relationship, mentee, program_manager):
    with pytest.raises(InvalidInput):
        services.relationship_close(
            actor=mentee, relationship=relationship, data=inputs.Closure(kind="early")
        )
    services.relationship_close(
        actor=mentee,
        relationship=relationship,
        data=inputs.Closure(kind="early", reason="Moved teams", rematch=True),
    )
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.CLOSED
    assert relationship.closure_kind == "early" and relationship.rematch_requested
    assert relationship.closed_by == mentee
    assert relationship.match.status == MatchStatus.ENDED
    assert relationship.mentee.status == EnrollmentStatus.ACTIVE
    assert events(relationship, EventKind.CLOSED) == 1
    with pytest.raises(Conflict):
        services.relationship_close(
            actor=program_manager, relationship=relationship, data=inputs.Closure(kind="planned")
        )
    # Closed: no more work, but the closing survey is open.
    with pytest.raises(Conflict):
        services.check_in_create(
            actor=mentee, relationship=relationship, data=inputs.CheckInNew(pulse=3)
        )
    services.survey_respond(
        actor=mentee,
        relationship=relationship,
        kind="closing",
        data=SurveyAnswers({"satisfaction": 3, "recommend": 6, "goal_attainment": 3, "growth": 3}),
    )


def test_outsiders_cannot_close(relationship, other_mentee, other_manager):
    for actor in (other_mentee, other_manager):
        with pytest.raises(Forbidden):
            services.relationship_close(
                actor=actor, relationship=relationship, data=inputs.Closure(kind="planned")
            )


def test_managers_bulk_remind_and_close(
    relationship, program, program_manager, other_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        n = services.relationships_remind(
            actor=program_manager,
            program=program,
            data=inputs.BulkReminder(relationship_ids=[relationship.pk]),
        )
    # One e-mail to each person of the pair.
    assert n == 1 and sorted(m.to[0] for m in mail.outbox) == sorted(
        [relationship.mentee.person.email, relationship.mentor.person.email]
    )
    assert events(relationship, EventKind.REMINDER) == 1
    with pytest.raises(Forbidden):
        services.relationships_close_bulk(
            actor=other_manager,
            program=program,
            data=inputs.BulkClosure(relationship_ids=[relationship.pk], reason="x"),
        )
    assert (
        services.relationships_close_bulk(
            actor=program_manager,
            program=program,
            data=inputs.BulkClosure(relationship_ids=[relationship.pk], reason="Program redesign"),
        )
        == 1
    )
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.CLOSED


def test_the_system_may_close_a_stalled_relationship(relationship):
    services.relationship_close(
        actor=None,
        relationship=relationship,
        data=inputs.Closure(kind="early", reason="Stalled", rematch=True),
    )
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.CLOSED and relationship.closed_by is None
    event = relationship.events.get(kind=EventKind.CLOSED)
    assert event.actor is None and event.text.startswith("Mentorwise closed")


def test_meeting_emails_speak_each_recipients_language(
    relationship, mentee, mentor, django_capture_on_commit_callbacks
):
    """The mentee chose the pseudo-locale, the mentor did not: one e-mail each, the subject,
    body and .ics SUMMARY in the recipient's language."""
    mentee.language = "en-xa"
    mentee.save(update_fields=["language"])
    with (
        override_settings(MENTORWISE_PSEUDO_LOCALE=True, LANGUAGES=django_languages(pseudo=True)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.meeting_schedule(
            actor=mentor,
            relationship=relationship,
            data=inputs.MeetingSchedule(starts_at=soon(), location="Room 4"),
        )
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {mentee.person.email, mentor.person.email}
    to_mentee, to_mentor = by_recipient[mentee.person.email], by_recipient[mentor.person.email]
    assert to_mentor.subject.startswith("Meeting on ")
    assert not is_pseudo(to_mentor.subject)
    assert is_pseudo(to_mentee.subject) and is_pseudo(to_mentee.body)
    _, event = parse(to_mentee.attachments[0][1])
    assert is_pseudo(str(event["SUMMARY"]))
    _, event = parse(to_mentor.attachments[0][1])
    assert str(event["SUMMARY"]).startswith("Mentorwise: ")
