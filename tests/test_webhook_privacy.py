"""A whole relationship lifecycle, with marked private texts at every place a person can
write one, then every outbound event and every webhook body scanned for them (DESIGN rule 9:
no private note, safety report, demographic field or survey free text ever leaves)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mentorwise.channels.delivery import webhooks_run
from mentorwise.channels.endpoints import EndpointInput, endpoint_create
from mentorwise.core.models import OutboundEvent
from mentorwise.core.outbound import KINDS
from mentorwise.matches.models import MatchStatus
from mentorwise.notifications.services import nudges_run
from mentorwise.people.models import Demographics
from mentorwise.relationships import services
from mentorwise.relationships.inputs import (
    CheckInNew,
    Closure,
    MeetingLog,
    MeetingSchedule,
    SafetyReportNew,
    SurveyAnswers,
)
from mentorwise.relationships.tests.factories import started_relationship

pytestmark = [pytest.mark.django_db]

MARKS = {
    "private_note": "ZQX-PRIVATE-NOTE",
    "shared_notes": "ZQX-SHARED-NOTES",
    "topics": "ZQX-TOPICS",
    "location": "ZQX-LOCATION",
    "safety": "ZQX-SAFETY-REPORT",
    "check_in": "ZQX-CHECKIN-COMMENT",
    "survey": "ZQX-SURVEY-TEXT",
    "closure": "ZQX-CLOSURE-REASON",
    "goals": "Ana's private career goals",
}


def test_nothing_private_leaves_through_events_or_webhooks(mentee: Any, mentor: Any) -> None:
    sent: list[bytes] = []

    def capture(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        sent.append(body + repr(headers).encode())
        return 200, ""

    endpoint_create(
        actor=None,
        data=EndpointInput(name="all", url="https://hooks.example.test/in", kinds=tuple(KINDS)),
    )
    Demographics.objects.create(person=mentee.person, gender="woman", ethnicity="asian")
    relationship = started_relationship(mentee, mentor)
    services.meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=MeetingSchedule(
            starts_at=timezone.now() + dt.timedelta(days=3), location=MARKS["location"]
        ),
    )
    services.meeting_log(
        actor=mentee,
        relationship=relationship,
        log=MeetingLog(
            held_at=timezone.now() - dt.timedelta(days=2),
            topics=MARKS["topics"],
            shared_notes=MARKS["shared_notes"],
            private_note=MARKS["private_note"],
        ),
    )
    services.check_in_create(
        actor=mentor, relationship=relationship, data=CheckInNew(pulse=2, comment=MARKS["check_in"])
    )
    services.safety_report_create(
        actor=mentee,
        relationship=relationship,
        data=SafetyReportNew(category="conduct", description=MARKS["safety"]),
    )
    survey = services.survey_for(program=relationship.program, kind="closing")
    answers: dict[str, object] = {}
    for question in survey.questions:
        if question.get("type") == "scale":
            answers[question["key"]] = question.get("min", 1)
        else:
            answers[question["key"]] = MARKS["survey"]
    services.relationship_close(
        actor=mentor,
        relationship=relationship,
        data=Closure(kind="early", reason=MARKS["closure"], rematch=True),
    )
    services.survey_respond(
        actor=mentee, relationship=relationship, kind="closing", data=SurveyAnswers(answers)
    )
    assert MARKS["survey"] in answers.values(), "the closing survey has a free-text question"
    # The marked texts were really stored (the scan below is not vacuous).
    from mentorwise.relationships.models import PrivateNote, SafetyReport, SurveyResponse

    assert PrivateNote.objects.filter(text=MARKS["private_note"]).exists()
    assert SafetyReport.objects.filter(description=MARKS["safety"]).exists()
    assert MARKS["survey"] in str(SurveyResponse.objects.values_list("answers", flat=True)[0])
    nudges_run(now=timezone.now() + dt.timedelta(days=1))
    webhooks_run(send=capture)
    kinds = set(OutboundEvent.objects.values_list("kind", flat=True))
    assert {"relationship.started", "meeting.scheduled", "relationship.closed"} <= kinds
    assert relationship.match.status != MatchStatus.PUBLISHED
    everything = b"".join(sent) + repr(list(OutboundEvent.objects.values("payload"))).encode()
    assert sent, "the events were delivered"
    for what, mark in MARKS.items():
        assert mark.encode() not in everything, what
    names = [mentee.person.full_name, mentor.person.full_name, mentee.person.email]
    for private in ("woman", "asian", *names):
        assert private.encode() not in everything, private
