"""Meeting reminders: the day before a pair's or a circle's meeting, each attendee, once per
time the meeting is at, in their own zone; never for a cancelled, held or just-booked one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mentorwise.circles import inputs as circle_inputs
from mentorwise.circles import services as circle_services
from mentorwise.circles.models import CircleMembership
from mentorwise.circles.tests.factories import enroll, formed_circle, group_program, participant
from mentorwise.messaging.models import Notification
from mentorwise.notifications.models import Nudge, NudgeKind
from mentorwise.notifications.services import nudges_run
from mentorwise.notifications.tests.test_nudges import relationship  # noqa: F401 - fixture
from mentorwise.people.models import Person
from mentorwise.relationships.inputs import MeetingMove, MeetingSchedule
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.services.meetings import (
    meeting_cancel,
    meeting_reschedule,
    meeting_schedule,
)

pytestmark = pytest.mark.django_db

REMINDED = NudgeKind.MEETING_REMINDER


def _reminded(**filters: Any) -> list[Nudge]:
    return list(Nudge.objects.filter(kind=REMINDED, **filters).order_by("person_id"))


def _noon_in_three_days() -> dt.datetime:
    moment = timezone.now() + dt.timedelta(days=3)
    return moment.replace(hour=15, minute=0, second=0, microsecond=0)


def test_both_people_are_reminded_once_the_day_before_in_their_own_zone(
    relationship: Relationship,  # noqa: F811 - the imported fixture
    mentee: Any,
    mentor: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Person.objects.filter(pk=mentee.person.pk).update(time_zone="America/New_York")
    Person.objects.filter(pk=mentor.person.pk).update(time_zone="Asia/Tokyo")
    starts = _noon_in_three_days()
    meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=MeetingSchedule(starts_at=starts, location="https://meet.example.com/abc"),
    )
    nudges_run(now=starts - dt.timedelta(hours=30))
    assert _reminded() == []  # more than a day ahead
    with django_capture_on_commit_callbacks(execute=True):
        nudges_run(now=starts - dt.timedelta(hours=20))
    reminders = _reminded()
    assert [n.person_id for n in reminders] == sorted([mentee.person.pk, mentor.person.pk])
    by_person = {n.person_id: n for n in reminders}
    new_york = by_person[mentee.person.pk]
    assert "10:00 EST" in new_york.subject or "10:00 EDT" in new_york.subject
    assert mentor.person.full_name in new_york.subject
    assert "https://meet.example.com/abc" in new_york.body
    assert new_york.url.endswith(f"/relationships/{relationship.pk}/")
    tokyo = by_person[mentor.person.pk]
    assert "JST" in tokyo.subject and mentee.person.full_name in tokyo.subject
    # Sent as a meeting notice, without the week's snooze of other reminders.
    notice = Notification.objects.get(person=mentee.person, subject=new_york.subject)
    assert notice.kind == "meeting"
    assert all(action["kind"] != "snooze" for action in notice.actions)
    # Not again for the same meeting at the same time.
    nudges_run(now=starts - dt.timedelta(hours=2))
    assert len(_reminded()) == 2


def test_a_moved_meeting_is_reminded_again_and_a_cancelled_one_not_at_all(
    relationship: Relationship,  # noqa: F811
    mentee: Any,
    mentor: Any,
) -> None:
    starts = _noon_in_three_days()
    meeting = meeting_schedule(
        actor=mentee, relationship=relationship, data=MeetingSchedule(starts_at=starts)
    )
    nudges_run(now=starts - dt.timedelta(hours=20))
    assert len(_reminded()) == 2
    first = f"meeting:{meeting.uid}:{meeting.sequence}"
    moved = meeting_reschedule(
        actor=mentor, meeting=meeting, data=MeetingMove(starts_at=starts + dt.timedelta(hours=2))
    )
    nudges_run(now=starts - dt.timedelta(hours=19))
    assert len(_reminded()) == 4
    assert {n.cause for n in _reminded()} == {first, f"meeting:{moved.uid}:{moved.sequence}"}
    assert moved.sequence > 0
    other = meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=MeetingSchedule(starts_at=starts + dt.timedelta(hours=5)),
    )
    meeting_cancel(actor=mentee, meeting=other)
    nudges_run(now=starts - dt.timedelta(hours=18))
    assert not any(other.uid in n.cause for n in _reminded())


def test_a_meeting_booked_within_the_day_is_not_reminded(
    relationship: Relationship,  # noqa: F811
    mentee: Any,
) -> None:
    soon = timezone.now() + dt.timedelta(hours=6)
    meeting_schedule(actor=mentee, relationship=relationship, data=MeetingSchedule(starts_at=soon))
    nudges_run(now=timezone.now() + dt.timedelta(minutes=30))
    assert _reminded() == []


def test_every_current_member_of_a_circle_is_reminded(hr_admin: Any) -> None:
    program = group_program(hr_admin)
    lead, lead_e = participant(program, "mentor", job_level=8)
    members = [enroll(program, "mentee") for _ in range(4)]
    circle = formed_circle(hr_admin, program, [lead_e], members)
    starts = _noon_in_three_days()
    meeting = circle_services.meeting_schedule(
        actor=lead, circle=circle, data=circle_inputs.MeetingPlan(starts_at=starts, topic="Goals")
    )
    CircleMembership.objects.filter(circle=circle, enrollment=members[0]).update(
        current=False, left_at=timezone.now()
    )
    nudges_run(now=starts - dt.timedelta(hours=20))
    reminded = {n.person_id for n in _reminded()}
    assert reminded == {lead_e.person_id, *(m.person_id for m in members[1:])}
    nudge = _reminded(person_id=lead_e.person_id)[0]
    assert circle.name in nudge.subject
    assert nudge.relationship_id is None and nudge.program_id == program.pk
    assert nudge.url.endswith(f"/circles/{circle.pk}/")
    assert nudge.cause == f"meeting:{meeting.uid}:{meeting.sequence}"
