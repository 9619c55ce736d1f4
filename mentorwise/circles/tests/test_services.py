"""Circle services: sizes, agreement, meetings with every attendee on the .ics (same UID on
update and cancel), attendance, check-in visibility, author-only private notes, health,
oversight (facilitators, moves, closure) and their denied paths."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar

from mentorwise.circles import inputs, oversight, selectors, services
from mentorwise.circles.calendar import circle_meeting_ics
from mentorwise.circles.models import (
    Attendance,
    Circle,
    CircleCheckIn,
    CircleMembership,
    CirclePrivateNote,
    CircleStatus,
)
from mentorwise.circles.tests.factories import enroll, formed_circle, group_program, participant
from mentorwise.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from mentorwise.core.models import AuditEntry
from mentorwise.relationships.health import Health


@pytest.fixture
def world(hr_admin: Any, program_manager_user: Any) -> dict[str, Any]:
    program = group_program(hr_admin, program_manager_user)
    lead, lead_e = participant(program, "mentor", job_level=8)
    ana, ana_e = participant(program, "mentee", time_zone="America/New_York")
    bo, bo_e = participant(program, "mentee")
    others = [enroll(program, "mentee") for _ in range(2)]
    circle = formed_circle(hr_admin, program, [lead_e], [ana_e, bo_e, *others])
    return {
        "program": program,
        "circle": circle,
        "lead": lead,
        "ana": ana,
        "bo": bo,
        "ana_e": ana_e,
        "others": others,
        "hr": hr_admin,
        "pm": program_manager_user,
    }


def _meeting(w: dict[str, Any], days: int = 3) -> Any:
    return services.meeting_schedule(
        actor=w["lead"],
        circle=w["circle"],
        data=inputs.MeetingPlan(
            starts_at=timezone.now() + dt.timedelta(days=days), topic="Kick-off"
        ),
    )


def _attendees(ics: str) -> set[str]:
    event = next(c for c in Calendar.from_ical(ics).walk() if c.name == "VEVENT")
    found = event.get("attendee")
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:") for a in found}


def test_a_circle_needs_three_to_twenty_members_and_one_or_two_facilitators(
    hr_admin: Any, program_manager_user: Any
) -> None:
    program = group_program(hr_admin, program_manager_user)
    leads = [enroll(program, "mentor") for _ in range(3)]
    members = [enroll(program, "mentee") for _ in range(21)]
    for f, m in (([leads[0]], members[:2]), (leads, members[:5]), ([leads[0]], members)):
        with pytest.raises(InvalidInput):
            formed_circle(hr_admin, program, f, m)
    assert not Circle.objects.exists()
    formed_circle(hr_admin, program, leads[:2], members[:20])
    assert CircleMembership.objects.count() == 22


def test_nobody_is_a_member_of_two_open_circles(world: dict[str, Any]) -> None:
    program = world["program"]
    lead2 = enroll(program, "mentor")
    fresh = [enroll(program, "mentee") for _ in range(2)]
    with pytest.raises(Conflict) as refused:
        formed_circle(world["hr"], program, [lead2], [world["ana_e"], *fresh])
    assert refused.value.code == "member_taken"
    assert Circle.objects.count() == 1


def test_pair_programs_have_no_circles(program: Any, hr_admin: Any, mentee: Any) -> None:
    lead = enroll(program, "mentor")
    members = [enroll(program, "mentee") for _ in range(3)]
    with pytest.raises(Conflict):
        formed_circle(hr_admin, program, [lead], members)


def test_every_participant_is_on_the_invitation_and_updates_keep_the_uid(
    world: dict[str, Any], mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _meeting(world)
    people = {m.enrollment.person.email for m in selectors.current_memberships(world["circle"])}
    assert len(people) == 5
    assert _attendees(circle_meeting_ics(meeting)) == people
    sent = [a for m in mailoutbox for a in m.attachments]
    assert sent and all(_attendees(a[1]) == people for a in sent)
    assert {r for m in mailoutbox for r in m.to} == people
    first = Calendar.from_ical(circle_meeting_ics(meeting)).walk("VEVENT")[0]
    moved = services.meeting_reschedule(
        actor=world["lead"],
        meeting=meeting,
        data=inputs.MeetingPlan(starts_at=meeting.starts_at + dt.timedelta(hours=2)),
    )
    cancelled = services.meeting_cancel(actor=world["lead"], meeting=moved)
    last = Calendar.from_ical(circle_meeting_ics(cancelled))
    event = last.walk("VEVENT")[0]
    assert str(event["uid"]) == str(first["uid"])
    assert int(event["sequence"]) == int(first["sequence"]) + 2
    assert str(last["method"]) == "CANCEL"


def test_a_meeting_in_the_past_cannot_be_scheduled_and_only_facilitators_schedule(
    world: dict[str, Any],
) -> None:
    past = inputs.MeetingPlan(starts_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(InvalidInput):
        services.meeting_schedule(actor=world["lead"], circle=world["circle"], data=past)
    future = inputs.MeetingPlan(starts_at=timezone.now() + dt.timedelta(days=1))
    for who in ("ana", "pm", "hr"):
        with pytest.raises(Forbidden):
            services.meeting_schedule(actor=world[who], circle=world["circle"], data=future)
    assert not world["circle"].meetings.exists()


def test_the_invitation_carries_no_private_or_shared_notes(world: dict[str, Any]) -> None:
    meeting = _meeting(world)
    services.private_note_write(actor=world["ana"], meeting=meeting, text="PRIVATE-MARK")
    meeting.shared_notes = "SHARED-MARK"
    ics = circle_meeting_ics(meeting)
    assert "PRIVATE-MARK" not in ics and "SHARED-MARK" not in ics


def test_attendance_per_member_and_health(world: dict[str, Any]) -> None:
    circle = world["circle"]
    meeting = _meeting(world)
    meeting.starts_at = timezone.now() - dt.timedelta(days=1)
    meeting.save(update_fields=["starts_at"])
    places = list(selectors.current_memberships(circle))
    present = tuple(m.pk for m in places[:2])  # 2 of 5 attended
    services.meeting_record(
        actor=world["lead"], meeting=meeting, data=inputs.MeetingRecord(present=present)
    )
    rows = dict(Attendance.objects.filter(meeting=meeting).values_list("membership_id", "present"))
    assert rows == {m.pk: m.pk in present for m in places}
    health = selectors.health_of(circle)
    assert health is not None and health.health == Health.AT_RISK
    assert health.attendance == pytest.approx(0.4)
    services.meeting_record(
        actor=world["lead"],
        meeting=meeting,
        data=inputs.MeetingRecord(present=tuple(m.pk for m in places)),
    )
    healthy = selectors.health_of(circle)
    assert healthy is not None and healthy.health == Health.ON_TRACK
    with pytest.raises(InvalidInput):
        services.meeting_record(
            actor=world["lead"], meeting=meeting, data=inputs.MeetingRecord(present=(10**9,))
        )


def test_low_check_ins_put_the_circle_at_risk_and_comments_reach_facilitators_only(
    world: dict[str, Any],
) -> None:
    circle = world["circle"]
    services.check_in_create(
        actor=world["ana"], circle=circle, data=inputs.CheckInNew(pulse=1, comment="ANA-MARK")
    )
    services.check_in_create(actor=world["bo"], circle=circle, data=inputs.CheckInNew(pulse=2))
    health = selectors.health_of(circle)
    assert health is not None and health.health == Health.AT_RISK
    seen = {
        who: [c.comment for c in selectors.check_ins_visible(actor=world[who], circle=circle)]
        for who in ("lead", "ana", "bo", "pm", "hr")
    }
    assert "ANA-MARK" in seen["lead"] and "ANA-MARK" in seen["ana"]
    assert seen["bo"] == [""] and seen["pm"] == [] and seen["hr"] == []
    with pytest.raises(Forbidden):  # facilitators read check-ins, they do not write them
        services.check_in_create(
            actor=world["lead"], circle=circle, data=inputs.CheckInNew(pulse=3)
        )
    with pytest.raises(InvalidInput):
        services.check_in_create(actor=world["ana"], circle=circle, data=inputs.CheckInNew(pulse=6))
    assert CircleCheckIn.objects.count() == 2


def test_private_notes_are_read_by_their_author_alone(world: dict[str, Any]) -> None:
    meeting = _meeting(world)
    services.private_note_write(actor=world["ana"], meeting=meeting, text="ANA-NOTE")
    services.private_note_write(actor=world["lead"], meeting=meeting, text="LEAD-NOTE")
    read = {
        who: getattr(selectors.private_note_get(actor=world[who], meeting=meeting), "text", None)
        for who in ("ana", "lead", "bo", "pm", "hr")
    }
    assert read == {"ana": "ANA-NOTE", "lead": "LEAD-NOTE", "bo": None, "pm": None, "hr": None}
    for who in ("pm", "hr"):
        with pytest.raises(Forbidden):
            services.private_note_write(actor=world[who], meeting=meeting, text="x")
    audit = AuditEntry.objects.filter(action__startswith="circle.private_note")
    assert audit.count() == 2 and not any("NOTE" in str(a.data) for a in audit)
    services.private_note_write(actor=world["ana"], meeting=meeting, text="  ")
    assert list(CirclePrivateNote.objects.values_list("text", flat=True)) == ["LEAD-NOTE"]


def test_agreement_versions_are_confirmed_by_each_participant(world: dict[str, Any]) -> None:
    circle = world["circle"]
    with pytest.raises(Forbidden):
        services.agreement_update(
            actor=world["ana"], circle=circle, data=inputs.AgreementText(text="Ours")
        )
    circle = services.agreement_update(
        actor=world["lead"], circle=circle, data=inputs.AgreementText(text="We meet monthly")
    )
    assert circle.agreement_version == 1
    services.agreement_confirm(actor=world["ana"], circle=circle, version=1)
    circle = services.agreement_update(
        actor=world["lead"], circle=circle, data=inputs.AgreementText(text="Twice a month")
    )
    with pytest.raises(Conflict):
        services.agreement_confirm(actor=world["ana"], circle=circle, version=1)
    confirmed = dict(
        CircleMembership.objects.filter(circle=circle).values_list(
            "enrollment__person_id", "agreement_confirmed"
        )
    )
    assert confirmed[world["ana"].person_id] == 1
    assert confirmed[world["lead"].person_id] == 2


def test_outsiders_do_not_see_a_circle_at_all(
    world: dict[str, Any], outsider: Any, other_manager: Any
) -> None:
    for who in (outsider, other_manager):
        with pytest.raises(NotFound):
            selectors.access_circle(actor=who, circle_id=world["circle"].pk)
    assert selectors.access_circle(actor=world["pm"], circle_id=world["circle"].pk)


def test_overseers_move_members_change_facilitators_and_close(world: dict[str, Any]) -> None:
    program, circle = world["program"], world["circle"]
    lead2 = enroll(program, "mentor")
    fresh = [enroll(program, "mentee") for _ in range(3)]
    other = formed_circle(world["hr"], program, [lead2], fresh)
    with pytest.raises(Forbidden):
        oversight.member_move(
            actor=world["lead"],
            circle=circle,
            enrollment_id=world["ana_e"].pk,
            to_circle_id=other.pk,
        )
    oversight.member_move(
        actor=world["pm"], circle=circle, enrollment_id=world["ana_e"].pk, to_circle_id=other.pk
    )
    assert selectors.access_circle(actor=world["ana"], circle_id=other.pk)
    with pytest.raises(NotFound):  # she left: the old circle is no longer hers
        selectors.access_circle(actor=world["ana"], circle_id=circle.pk)
    with pytest.raises(Conflict) as too_small:  # circle would keep 2 members
        for place in world["others"]:
            oversight.member_move(
                actor=world["pm"], circle=circle, enrollment_id=place.pk, to_circle_id=other.pk
            )
    assert too_small.value.code == "circle_too_small"
    oversight.facilitators_set(actor=world["pm"], circle=circle, enrollment_ids=[lead2.pk])
    with pytest.raises(NotFound):
        selectors.access_circle(actor=world["lead"], circle_id=circle.pk)
    closed = oversight.circle_close(
        actor=world["hr"], circle=circle, data=inputs.Closure(reason="Done", outcomes="All grew")
    )
    assert closed.status == CircleStatus.CLOSED and selectors.health_of(closed) is None
    assert not CircleMembership.objects.filter(circle=circle, current=True).exists()
    services.closing_survey_answer(
        actor=world["bo"], circle=closed, data=inputs.ClosingSurvey(usefulness=5)
    )
    with pytest.raises(Conflict):
        services.closing_survey_answer(
            actor=world["bo"], circle=closed, data=inputs.ClosingSurvey(usefulness=4)
        )


def test_a_manager_in_the_circle_does_not_oversee_it(world: dict[str, Any]) -> None:
    program = world["program"]
    world["program"].managers.add(world["lead"])
    with pytest.raises(Forbidden) as refused:
        oversight.circle_close(
            actor=world["ana"], circle=world["circle"], data=inputs.Closure(reason="x")
        )
    assert refused.value.code != "conflict_of_interest"
    assert program.circles.filter(status=CircleStatus.ACTIVE).count() == 1
    with pytest.raises(Forbidden) as conflict:
        oversight.facilitators_set(
            actor=world["lead"], circle=world["circle"], enrollment_ids=[world["ana_e"].pk]
        )
    assert conflict.value.code == "conflict_of_interest"
