"""Meetings: schedule, move, log as held, and the author's private note."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, replace

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.relationships.inputs.rules import (
    DURATION_MINUTES,
    LINE_MAX,
    PRIVATE_NOTE_MAX,
    documented_max,
    out_of_range,
    too_long,
)
from mentorwise.relationships.models import ConversationType, Meeting, Relationship
from mentorwise.relationships.span import span_error

# How far ahead of now a meeting may be logged as held (clocks differ a little).
LOG_AHEAD = dt.timedelta(hours=1)


# Input objects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingSchedule:
    """A meeting to plan: when (with a time zone), how long, where, which conversation."""

    starts_at: dt.datetime
    duration_minutes: int = 60
    location: str = ""
    conversation_type: str = ConversationType.MENTORING


@dataclass(frozen=True)
class MeetingMove:
    """A scheduled meeting's new time; a length or place left None stays as it is."""

    starts_at: dt.datetime
    duration_minutes: int | None = None
    location: str | None = None


@dataclass(frozen=True)
class MeetingLog:
    """What happened in a meeting; `private_note` goes to the author's private note."""

    held_at: dt.datetime
    duration_minutes: int = 60
    conversation_type: str = ConversationType.MENTORING
    topics: str = ""
    shared_notes: str = ""
    private_note: str = ""


# Validation ------------------------------------------------------------------------------


def _slot_problems(
    relationship: Relationship,
    zone: zoneinfo.ZoneInfo,
    *,
    field: str,
    starts_at: dt.datetime,
    duration_minutes: int,
    location: str,
) -> list[FieldError]:
    """Every problem with a meeting's time (the relationship's span), length and place."""
    errors: list[FieldError] = []
    if timezone.is_naive(starts_at):
        errors.append(FieldError(field, _("a date and time with a time zone is required")))
    elif error := span_error(relationship, field, starts_at, zone):
        errors.append(error)
    if error := out_of_range("duration_minutes", duration_minutes, DURATION_MINUTES, "minutes"):
        errors.append(error)
    if error := too_long("location", location, LINE_MAX):
        errors.append(error)
    return errors


def _conversation_problem(value: str) -> FieldError | None:
    if value in ConversationType.values:
        return None
    return FieldError("conversation_type", _("unknown"), value=value)


def private_note_problem(text: str) -> FieldError | None:
    return too_long("private_note", text.strip(), PRIVATE_NOTE_MAX)


def meeting_schedule_validate(
    data: MeetingSchedule, *, relationship: Relationship, zone: zoneinfo.ZoneInfo
) -> MeetingSchedule:
    """`data` cleaned, once it passed every rule; InvalidInput lists all problems otherwise.
    Days are those of `zone`, the zone of the person who enters the meeting."""
    clean = replace(data, location=data.location.strip())
    errors = _slot_problems(
        relationship,
        zone,
        field="starts_at",
        starts_at=clean.starts_at,
        duration_minutes=clean.duration_minutes,
        location=clean.location,
    )
    if error := _conversation_problem(clean.conversation_type):
        errors.append(error)
    if errors:
        raise InvalidInput(errors)
    return clean


def meeting_move_validate(
    data: MeetingMove, *, meeting: Meeting, zone: zoneinfo.ZoneInfo
) -> MeetingSchedule:
    """The meeting's new slot (what was left out kept from `meeting`), once it passed every
    rule; InvalidInput lists all problems otherwise."""
    slot = MeetingSchedule(
        starts_at=data.starts_at,
        duration_minutes=(
            meeting.duration_minutes if data.duration_minutes is None else data.duration_minutes
        ),
        location=meeting.location if data.location is None else data.location.strip(),
        conversation_type=meeting.conversation_type,
    )
    if errors := _slot_problems(
        meeting.relationship,
        zone,
        field="starts_at",
        starts_at=slot.starts_at,
        duration_minutes=slot.duration_minutes,
        location=slot.location,
    ):
        raise InvalidInput(errors)
    return slot


def meeting_log_validate(
    data: MeetingLog,
    *,
    relationship: Relationship,
    zone: zoneinfo.ZoneInfo,
    now: dt.datetime | None = None,
) -> MeetingLog:
    """`data` cleaned, once it passed every rule (a meeting is logged once it has taken
    place); InvalidInput lists all problems otherwise."""
    clean = replace(data, topics=data.topics.strip(), shared_notes=data.shared_notes.strip())
    errors = _slot_problems(
        relationship,
        zone,
        field="held_at",
        starts_at=clean.held_at,
        duration_minutes=clean.duration_minutes,
        location="",
    )
    if not errors and clean.held_at > (now or timezone.now()) + LOG_AHEAD:
        errors.append(FieldError("held_at", _("a meeting can be logged once it has taken place")))
    if error := _conversation_problem(clean.conversation_type):
        errors.append(error)
    if error := too_long("topics", clean.topics, LINE_MAX):
        errors.append(error)
    if error := private_note_problem(clean.private_note):
        errors.append(error)
    if errors:
        raise InvalidInput(errors)
    return clean


# Schemas: the API body to input objects, one to one ------------------------------------


class ScheduleIn(Schema):
    starts_at: dt.datetime = Field(description="With a time zone offset.")
    duration_minutes: int = Field(60, description="5 to 480.")
    location: str = Field(
        "", description="A place or a video link.", json_schema_extra=documented_max(LINE_MAX)
    )
    conversation_type: str = Field("mentoring", description="mentoring, coaching, sponsorship.")

    def to_input(self) -> MeetingSchedule:
        return MeetingSchedule(**self.model_dump())


class RescheduleIn(Schema):
    starts_at: dt.datetime
    duration_minutes: int | None = None
    location: str | None = Field(None, json_schema_extra=documented_max(LINE_MAX))

    def to_input(self) -> MeetingMove:
        return MeetingMove(**self.model_dump())


class LogIn(Schema):
    meeting_id: int | None = Field(None, description="A scheduled meeting; empty for a new one.")
    held_at: dt.datetime
    duration_minutes: int = 60
    conversation_type: str = "mentoring"
    topics: str = Field("", json_schema_extra=documented_max(LINE_MAX))
    shared_notes: str = ""
    private_note: str = Field("", description="Stored as your private note: only you read it.")

    def to_input(self) -> MeetingLog:
        """The log itself (which meeting it is, `meeting_id`, is the request's address)."""
        return MeetingLog(**self.model_dump(exclude={"meeting_id"}))


class PrivateNoteIn(Schema):
    text: str = Field(
        description="Empty deletes your note.", json_schema_extra=documented_max(PRIVATE_NOTE_MAX)
    )
