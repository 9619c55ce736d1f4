"""API: meetings (scheduling, logs, .ics invitations) and the author's private notes."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.api.relationships.access import pair_relationship
from mentorwise.core.clock import zone_of
from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.relationships import selectors, services
from mentorwise.relationships.calendar import meeting_ics
from mentorwise.relationships.inputs import LogIn, PrivateNoteIn, RescheduleIn, ScheduleIn
from mentorwise.relationships.models import Meeting
from mentorwise.relationships.permissions import actor_side

router = Router()


# Schemas ---------------------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    status: str = Field(description="scheduled, held or cancelled.")
    starts_at: dt.datetime
    duration_minutes: int
    location: str
    conversation_type: str = Field(description="mentoring, coaching or sponsorship.")
    topics: str
    shared_notes: str = Field(description="Notes both people read (never private notes).")
    uid: str = Field(description="The calendar UID of the invitation.")
    sequence: int = Field(description="The invitation's SEQUENCE (grows with each change).")

    @staticmethod
    def build(m: Meeting) -> MeetingOut:
        return MeetingOut(
            id=m.pk,
            status=m.status,
            starts_at=m.starts_at,
            duration_minutes=m.duration_minutes,
            location=m.location,
            conversation_type=m.conversation_type,
            topics=m.topics,
            shared_notes=m.shared_notes,
            uid=m.uid,
            sequence=m.sequence,
        )


class MeetingDateOut(Schema):
    id: int
    status: str
    starts_at: dt.datetime
    duration_minutes: int


class PrivateNoteOut(Schema):
    meeting_id: int
    text: str
    updated_at: dt.datetime


# Operations ------------------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/meetings",
    operation_id="mentorwise_api_relationships_meeting_list",
    response={200: list[MeetingOut], **ERRORS},
    summary="The pair's meetings with shared notes",
)
def meeting_list(request: HttpRequest, relationship_id: int) -> list[MeetingOut]:
    r = pair_relationship(request, relationship_id)
    return [MeetingOut.build(m) for m in r.meetings.all()]


@router.get(
    "/relationships/{relationship_id}/meeting-dates",
    operation_id="mentorwise_api_relationships_meeting_dates",
    response={200: list[MeetingDateOut], **ERRORS},
    summary="Meeting dates and statuses (no content)",
)
def meeting_dates(request: HttpRequest, relationship_id: int) -> list[MeetingDateOut]:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    return [
        MeetingDateOut(
            id=m.pk, status=m.status, starts_at=m.starts_at, duration_minutes=m.duration_minutes
        )
        for m in r.meetings.all()
    ]


@router.post(
    "/relationships/{relationship_id}/meetings",
    operation_id="mentorwise_api_relationships_meeting_schedule",
    response={201: MeetingOut, **WRITE_ERRORS},
    summary="Schedule a meeting (sends .ics invitations)",
)
def meeting_schedule(
    request: HttpRequest, relationship_id: int, data: ScheduleIn
) -> Status[MeetingOut]:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    meeting = services.meeting_schedule(actor=request.user, relationship=r, data=data.to_input())
    return Status(201, MeetingOut.build(meeting))


@router.post(
    "/meetings/{meeting_id}/reschedule",
    operation_id="mentorwise_api_relationships_meeting_reschedule",
    response={200: MeetingOut, **WRITE_ERRORS},
    summary="Move a meeting (same UID, next SEQUENCE)",
)
def meeting_reschedule(request: HttpRequest, meeting_id: int, data: RescheduleIn) -> MeetingOut:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    return MeetingOut.build(
        services.meeting_reschedule(actor=request.user, meeting=meeting, data=data.to_input())
    )


@router.post(
    "/meetings/{meeting_id}/cancel",
    operation_id="mentorwise_api_relationships_meeting_cancel",
    response={200: MeetingOut, **WRITE_ERRORS},
    summary="Cancel a meeting (METHOD:CANCEL)",
)
def meeting_cancel(request: HttpRequest, meeting_id: int) -> MeetingOut:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    return MeetingOut.build(services.meeting_cancel(actor=request.user, meeting=meeting))


@router.post(
    "/relationships/{relationship_id}/meetings/log",
    operation_id="mentorwise_api_relationships_meeting_log",
    response={200: MeetingOut, **WRITE_ERRORS},
    summary="Log a held meeting",
)
def meeting_log(request: HttpRequest, relationship_id: int, data: LogIn) -> MeetingOut:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    meeting = (
        selectors.access_meeting(actor=request.user, meeting_id=data.meeting_id)
        if data.meeting_id
        else None
    )
    return MeetingOut.build(
        services.meeting_log(
            actor=request.user, relationship=r, log=data.to_input(), meeting=meeting
        )
    )


@router.get(
    "/meetings/{meeting_id}/ics",
    operation_id="mentorwise_api_relationships_meeting_ics_get",
    response=ERRORS,
    summary="The meeting as an iCalendar (.ics) file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The invitation (METHOD:REQUEST), as calendar apps import it.",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def meeting_ics_get(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    if actor_side(request.user, meeting.relationship) is None:
        raise Forbidden(_("Only the two people in this relationship may read this."))
    response = HttpResponse(
        meeting_ics(meeting, zone=zone_of(request.user)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@router.get(
    "/meetings/{meeting_id}/private-note",
    operation_id="mentorwise_api_relationships_private_note_get",
    response={200: PrivateNoteOut, **ERRORS},
    summary="Your own private note on a meeting",
)
def private_note_get(request: HttpRequest, meeting_id: int) -> PrivateNoteOut:
    """Only ever your own note: there is no way to read anyone else's (404 if you have none)."""
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    note = selectors.private_note_get(actor=request.user, meeting=meeting)
    if note is None:
        raise NotFound(_("You have no private note on this meeting."))
    return PrivateNoteOut(meeting_id=meeting.pk, text=note.text, updated_at=note.updated_at)


@router.put(
    "/meetings/{meeting_id}/private-note",
    operation_id="mentorwise_api_relationships_private_note_put",
    response={200: PrivateNoteOut | None, **WRITE_ERRORS},
    summary="Write your own private note on a meeting",
)
def private_note_put(
    request: HttpRequest, meeting_id: int, data: PrivateNoteIn
) -> PrivateNoteOut | None:
    """Empty text deletes your note (the answer is then null)."""
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    note = services.private_note_write(actor=request.user, meeting=meeting, text=data.text)
    if note is None:
        return None
    return PrivateNoteOut(meeting_id=meeting.pk, text=note.text, updated_at=note.updated_at)
