"""DESIGN rule 9 for every channel of the dispatcher: a whole relationship lifecycle with
marked private texts at every place a person can write one and demographic fields set, then
every outbound payload scanned for them — every e-mail (subject, body, attachments), every
message a chat channel (a recording stand-in for Slack and Teams) was given, every webhook
body and stored event. A control notice that leaks on purpose proves the scan can fail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from mentorwise.channels.delivery import webhooks_run
from mentorwise.channels.endpoints import EndpointInput, endpoint_create
from mentorwise.core.models import OutboundEvent
from mentorwise.core.outbound import KINDS
from mentorwise.matches import services as matches
from mentorwise.messaging import contract
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.models import ChannelPreference, Notification
from mentorwise.messaging.services import notify
from mentorwise.messaging.tests.factories import RecordingAdapter
from mentorwise.notifications.services import nudges_run
from mentorwise.people.models import Demographics
from mentorwise.programs.models import Enrollment
from mentorwise.relationships import services
from mentorwise.relationships.inputs import (
    AgreementTerms,
    CheckInNew,
    Closure,
    MatchAnswer,
    MeetingLog,
    MeetingSchedule,
    SafetyReportNew,
    SurveyAnswers,
)
from mentorwise.relationships.models import PrivateNote, Relationship, SafetyReport

pytestmark = [pytest.mark.django_db]

MARKS = {
    "private_note": "ZQX-PRIVATE-NOTE",
    "safety": "ZQX-SAFETY-REPORT",
    "check_in": "ZQX-CHECKIN-COMMENT",
    "survey": "ZQX-SURVEY-TEXT",
    "closure_reason": "ZQX-CLOSURE-REASON",
    "decline_reason": "ZQX-DECLINE-REASON",
    "shared_notes": "ZQX-SHARED-NOTES",
    "topics": "ZQX-TOPICS",
}
DEMOGRAPHICS = ("non_binary", "Non-binary", "middle_eastern", "Middle Eastern or North African")


@pytest.fixture
def chat() -> Iterator[RecordingAdapter]:
    adapter = RecordingAdapter(code="chat")
    saved = dict(contract._ADAPTERS)
    contract.adapter_register(adapter)
    yield adapter
    contract._ADAPTERS.clear()
    contract._ADAPTERS.update(saved)


def payloads(chat: RecordingAdapter, webhooks: list[bytes]) -> str:
    """Everything that left or would leave, as one text."""
    parts: list[str] = []
    for message in mail.outbox:
        parts += [message.subject, message.body, *map(repr, message.attachments)]
    parts += [repr(message) for message in chat.sent]
    parts += [body.decode() for body in webhooks]
    parts += [repr(list(OutboundEvent.objects.values_list("payload", flat=True)))]
    return "\n".join(parts)


def leaks(text: str) -> list[str]:
    found = [name for name, mark in MARKS.items() if mark.lower() in text.lower()]
    return found + [value for value in DEMOGRAPHICS if value.lower() in text.lower()]


def test_nothing_private_leaves_on_any_channel(
    mentee: Any,
    mentor: Any,
    other_mentee: Any,
    program: Any,
    program_manager: Any,
    hr_admin: Any,
    chat: RecordingAdapter,
    django_capture_on_commit_callbacks: Any,
) -> None:
    webhooks: list[bytes] = []

    def capture(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        webhooks.append(body + repr(headers).encode())
        return 200, ""

    endpoint_create(
        actor=None,
        data=EndpointInput(name="all", url="https://hooks.example.test/in", kinds=tuple(KINDS)),
    )
    people = [mentee.person, mentor.person, other_mentee.person, program_manager.person]
    for person in people:
        Demographics.objects.create(person=person, gender="non_binary", ethnicity="middle_eastern")
        # Every kind on chat and e-mail: both channels carry everything they may.
        for kind in Kind:
            ChannelPreference.objects.create(person=person, kind=kind, channels=["chat", "email"])
    enrollment = {
        u: Enrollment.objects.get(person=u.person, program=program)
        for u in (mentee, mentor, other_mentee)
    }
    with django_capture_on_commit_callbacks(execute=True):
        # A declined offer (with a reason), then an accepted one.
        declined = matches.match_create_manual(
            actor=program_manager,
            program=program,
            mentee_id=enrollment[other_mentee].pk,
            mentor_id=enrollment[mentor].pk,
        )
        offered = matches.match_create_manual(
            actor=program_manager,
            program=program,
            mentee_id=enrollment[mentee].pk,
            mentor_id=enrollment[mentor].pk,
        )
        matches.matches_publish(actor=program_manager, program=program)
    with django_capture_on_commit_callbacks(execute=True):
        services.match_respond(
            actor=other_mentee,
            match=declined,
            data=MatchAnswer(accept=False, reason=MARKS["decline_reason"]),
        )
        services.match_respond(actor=mentee, match=offered, data=MatchAnswer(accept=True))
        services.match_respond(actor=mentor, match=offered, data=MatchAnswer(accept=True))
    relationship = Relationship.objects.get(match=offered)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.agreement_update(
            actor=mentee,
            relationship=relationship,
            data=AgreementTerms(meeting_cadence_days=14, pair_objectives="Grow as a leader"),
        )
        services.agreement_confirm(actor=mentee, relationship=relationship, version=version.number)
        services.meeting_schedule(
            actor=mentee,
            relationship=relationship,
            data=MeetingSchedule(starts_at=timezone.now() + dt.timedelta(days=3)),
        )
        services.meeting_log(
            actor=mentee,
            relationship=relationship,
            log=MeetingLog(
                # When the relationship started: two hours earlier is the day before
                # in Berlin between midnight and two, before the relationship began.
                held_at=relationship.started_at,
                topics=MARKS["topics"],
                shared_notes=MARKS["shared_notes"],
                private_note=MARKS["private_note"],
            ),
        )
        services.check_in_create(
            actor=mentor,
            relationship=relationship,
            data=CheckInNew(pulse=2, comment=MARKS["check_in"]),
        )
        services.safety_report_create(
            actor=mentee,
            relationship=relationship,
            data=SafetyReportNew(category="conduct", description=MARKS["safety"]),
        )
    # Reminders, check-in prompts and survey nudges of the weeks that follow.
    Relationship.objects.filter(pk=relationship.pk).update(
        started_at=timezone.now() - dt.timedelta(days=200)
    )
    with django_capture_on_commit_callbacks(execute=True):
        nudges_run(now=timezone.now() + dt.timedelta(days=60))
    survey = services.survey_for(program=relationship.program, kind="closing")
    answers: dict[str, object] = {
        q["key"]: q.get("min", 1) if q.get("type") == "scale" else MARKS["survey"]
        for q in survey.questions
    }
    relationship.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_close(
            actor=mentor,
            relationship=relationship,
            data=Closure(kind="early", reason=MARKS["closure_reason"], rematch=True),
        )
        services.survey_respond(
            actor=mentee, relationship=relationship, kind="closing", data=SurveyAnswers(answers)
        )
        nudges_run(now=timezone.now() + dt.timedelta(days=70))
    webhooks_run(send=capture)

    # The lifecycle really happened and the marked texts were stored (not a vacuous scan).
    assert PrivateNote.objects.filter(text=MARKS["private_note"]).exists()
    assert SafetyReport.objects.filter(description=MARKS["safety"]).exists()
    assert MARKS["survey"] in answers.values()
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"match_offer", "match_update", "relationship", "meeting", "safety"} <= kinds
    assert {"nudge", "checkin"} & kinds
    assert chat.sent and mail.outbox and webhooks
    # Safety notices never went to chat, whatever was chosen.
    assert not [m for m in chat.sent if m.kind == Kind.SAFETY]
    assert [m for m in mail.outbox if "problem was reported" in m.subject]
    # Match offers reached chat with their buttons.
    offer = next(m for m in chat.sent if m.kind == Kind.MATCH_OFFER)
    assert {a.kind for a in offer.actions} == {"match.accept", "match.decline"}

    assert leaks(payloads(chat, webhooks)) == []

    # Control: a notice that leaks on purpose is caught, on both channels.
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            person=mentee.person,
            kind=Kind.NUDGE,
            subject="Control",
            body=f"{MARKS['private_note']} {DEMOGRAPHICS[3]}",
            url="/",
        )
    assert leaks(payloads(chat, [])) == ["private_note", DEMOGRAPHICS[3]]
    assert MARKS["private_note"] in chat.sent[-1].body
    assert MARKS["private_note"] in mail.outbox[-1].body
