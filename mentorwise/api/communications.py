"""API: a program's message templates and broadcasts (its managers and HR admins)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.communications import selectors, services
from mentorwise.communications.inputs import BroadcastInput, TemplateInput
from mentorwise.communications.models import Broadcast
from mentorwise.communications.permissions import access_broadcast, access_program_messages
from mentorwise.communications.segments import Segment

router = Router()


class MessageTemplateOut(Schema):
    key: str = Field(
        description="welcome, match_announcement, midpoint, closing, or the "
        "short name of a free-form template."
    )
    name: str
    language: str
    subject: str
    body: str
    is_default: bool = Field(description="The built-in wording: the program has none of its own.")

    @staticmethod
    def of(row: services.TemplateRow) -> MessageTemplateOut:
        return MessageTemplateOut(
            key=row.key,
            name=row.name,
            language=row.language,
            subject=row.subject,
            body=row.body,
            is_default=row.is_default,
        )


class MessageTemplateIn(Schema):
    subject: str = Field(max_length=1000, description="One line; {variables} allowed.")
    body: str = Field(max_length=40_000, description="Plain text; {variables} allowed.")
    name: str = Field("", max_length=1000, description="Required for a free-form template.")


class MessagePreviewIn(MessageTemplateIn):
    sample: int | None = Field(
        None, description="The enrollment to preview as; the first participant by default."
    )


class MessagePreviewOut(Schema):
    recipient: str = Field(description="Whose values filled it (empty: sample values).")
    subject: str
    body: str


class TestSentOut(Schema):
    sent_to: str = Field(description="The address the test went to: the caller's own.")


class BroadcastSegmentIn(Schema):
    roles: list[str] = Field([], description="mentee, mentor, sponsor, coach; empty: any.")
    enrollment_statuses: list[str] = Field(
        ["active"], description="invited, active, withdrawn; empty: any."
    )
    relationships: list[str] = Field([], description="active, closed, none; empty: any.")
    health: list[str] = Field(
        [], description="on_track, stalled, at_risk (of an active relationship); empty: any."
    )
    cohort_from: str = Field("", max_length=100, description="First month of enrollment, YYYY-MM.")
    cohort_to: str = Field("", max_length=100, description="Last month of enrollment, YYYY-MM.")

    def to_segment(self) -> Segment:
        return Segment(
            roles=tuple(self.roles),
            enrollment_statuses=tuple(self.enrollment_statuses),
            relationships=tuple(self.relationships),
            health=tuple(self.health),
            cohort_from=self.cohort_from,
            cohort_to=self.cohort_to,
        )


class BroadcastIn(Schema):
    subject: str = Field("", max_length=1000, description="One line; {variables} allowed.")
    body: str = Field("", max_length=40_000, description="Plain text; {variables} allowed.")
    template: str = Field(
        "", max_length=100, description="A saved free-form template instead of subject and body."
    )
    essential: bool = Field(
        False, description="Sent to the unsubscribed too (audited); for what everyone must know."
    )
    segment: BroadcastSegmentIn | None = Field(
        None, description="Who receives it; none: every enrolled participant."
    )

    def to_input(self) -> BroadcastInput:
        return BroadcastInput(
            subject=self.subject,
            body=self.body,
            template=self.template,
            essential=self.essential,
            segment=self.segment.to_segment() if self.segment else Segment(),
        )


class BroadcastSendIn(BroadcastIn):
    expected_count: int = Field(
        description="The count the preview showed; a different count now is refused (409)."
    )


class BroadcastAudienceOut(Schema):
    count: int = Field(description="How many people it would reach now.")
    unsubscribed: int = Field(description="Left out: unsubscribed from this program.")
    left_out: int = Field(description="Left out: left the organization or erased.")
    sample: MessagePreviewOut | None = Field(
        description="The message as the first of them reads it."
    )


class BroadcastOut(Schema):
    id: int
    subject: str
    body: str
    essential: bool
    segment: dict[str, object]
    status: str = Field(description="queued, sending, sent or failed.")
    recipient_count: int
    sent_count: int
    skipped_count: int = Field(description="Left out at send time (left, erased, unsubscribed).")
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def of(b: Broadcast) -> BroadcastOut:
        return BroadcastOut(
            id=b.pk,
            subject=b.subject,
            body=b.body,
            essential=b.essential,
            segment=b.segment,
            status=b.status,
            recipient_count=b.recipient_count,
            sent_count=b.sent_count,
            skipped_count=b.skipped_count,
            created_at=b.created_at,
            finished_at=b.finished_at,
        )


def _template_input(key: str, language: str, data: MessageTemplateIn) -> TemplateInput:
    return TemplateInput(
        key=key, language=language, subject=data.subject, body=data.body, name=data.name
    )


@router.get(
    "/programs/{slug}/templates",
    response={200: list[MessageTemplateOut], **ERRORS},
    summary="A program's message templates",
)
def template_list(request: HttpRequest, slug: str) -> list[MessageTemplateOut]:
    """Standard messages (the program's wording, else the default) and free-form templates."""
    program = access_program_messages(actor=request.user, slug=slug)
    return [
        MessageTemplateOut.of(r)
        for r in services.template_list(actor=request.user, program=program)
    ]


@router.get(
    "/programs/{slug}/templates/{key}/{language}",
    response={200: MessageTemplateOut, **ERRORS},
    summary="One message template in one language",
)
def template_get(request: HttpRequest, slug: str, key: str, language: str) -> MessageTemplateOut:
    program = access_program_messages(actor=request.user, slug=slug)
    return MessageTemplateOut.of(
        services.template_get(actor=request.user, program=program, key=key, language=language)
    )


@router.put(
    "/programs/{slug}/templates/{key}/{language}",
    response={200: MessageTemplateOut, **WRITE_ERRORS},
    summary="Write a message template in one language",
)
def template_put(
    request: HttpRequest, slug: str, key: str, language: str, data: MessageTemplateIn
) -> MessageTemplateOut:
    """Unknown or malformed placeholders are a 422 naming each of them."""
    program = access_program_messages(actor=request.user, slug=slug)
    services.template_save(
        actor=request.user, program=program, data=_template_input(key, language, data)
    )
    return MessageTemplateOut.of(
        services.template_get(actor=request.user, program=program, key=key, language=language)
    )


@router.delete(
    "/programs/{slug}/templates/{key}/{language}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a template's language version",
)
def template_delete(request: HttpRequest, slug: str, key: str, language: str) -> Status[None]:
    """A standard message goes back to the default wording."""
    program = access_program_messages(actor=request.user, slug=slug)
    services.template_delete(actor=request.user, program=program, key=key, language=language)
    return Status(204, None)


@router.post(
    "/programs/{slug}/templates/{key}/{language}/preview",
    response={200: MessagePreviewOut, **WRITE_ERRORS},
    summary="Preview a template as a participant",
)
def template_preview(
    request: HttpRequest, slug: str, key: str, language: str, data: MessagePreviewIn
) -> MessagePreviewOut:
    """Nothing is saved or sent."""
    program = access_program_messages(actor=request.user, slug=slug)
    p = services.template_preview(
        actor=request.user,
        program=program,
        data=_template_input(key, language, data),
        sample=data.sample,
    )
    return MessagePreviewOut(recipient=p.recipient, subject=p.subject, body=p.body)


@router.post(
    "/programs/{slug}/templates/{key}/{language}/test",
    response={200: TestSentOut, **WRITE_ERRORS},
    summary="Send a template to yourself",
)
def template_test(
    request: HttpRequest, slug: str, key: str, language: str, data: MessagePreviewIn
) -> TestSentOut:
    program = access_program_messages(actor=request.user, slug=slug)
    address = services.template_test_send(
        actor=request.user,
        program=program,
        data=_template_input(key, language, data),
        sample=data.sample,
    )
    return TestSentOut(sent_to=address)


@router.get(
    "/programs/{slug}/broadcasts",
    response={200: list[BroadcastOut], **ERRORS},
    summary="Messages sent to a program's participants",
)
def broadcast_list(request: HttpRequest, slug: str) -> list[BroadcastOut]:
    program = access_program_messages(actor=request.user, slug=slug)
    rows = selectors.broadcast_list(actor=request.user, program=program)[:500]
    return [BroadcastOut.of(b) for b in rows]


@router.post(
    "/programs/{slug}/broadcasts/preview",
    response={200: BroadcastAudienceOut, **WRITE_ERRORS},
    summary="Count the recipients of a message and preview it",
)
def broadcast_preview(request: HttpRequest, slug: str, data: BroadcastIn) -> BroadcastAudienceOut:
    """Nothing is sent. Send with the count it gives as `expected_count`."""
    program = access_program_messages(actor=request.user, slug=slug)
    p = services.broadcast_preview(actor=request.user, program=program, data=data.to_input())
    sample = p.sample
    return BroadcastAudienceOut(
        count=p.audience.count,
        unsubscribed=p.audience.unsubscribed,
        left_out=p.audience.gone,
        sample=MessagePreviewOut(
            recipient=sample.recipient, subject=sample.subject, body=sample.body
        )
        if sample
        else None,
    )


@router.get(
    "/programs/{slug}/broadcasts/{broadcast_id}",
    response={200: BroadcastOut, **ERRORS},
    summary="One message sent, with its progress",
)
def broadcast_get(request: HttpRequest, slug: str, broadcast_id: int) -> BroadcastOut:
    program = access_program_messages(actor=request.user, slug=slug)
    return BroadcastOut.of(
        access_broadcast(actor=request.user, program=program, broadcast_id=broadcast_id)
    )


@router.post(
    "/programs/{slug}/broadcasts",
    response={201: BroadcastOut, **WRITE_ERRORS},
    summary="Send a message to a segment of a program's participants",
)
def broadcast_send(request: HttpRequest, slug: str, data: BroadcastSendIn) -> Status[BroadcastOut]:
    """Audited (who, segment, count, subject, essential). Large segments are sent in the
    background: read the broadcast for its progress."""
    program = access_program_messages(actor=request.user, slug=slug)
    broadcast = services.broadcast_send(
        actor=request.user, program=program, data=data.to_input(), expected=data.expected_count
    )
    return Status(201, BroadcastOut.of(broadcast))
