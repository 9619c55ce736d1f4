"""API: answering a match; listing, reading, following and closing relationships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.core.clock import zone_of
from mentorwise.relationships import selectors, services
from mentorwise.relationships.inputs import CloseIn, RespondIn
from mentorwise.relationships.models import AgreementVersion, Relationship
from mentorwise.relationships.permissions import visible_relationships

router = Router()


# Schemas ---------------------------------------------------------------------------------


class PersonRef(Schema):
    person_id: int
    name: str


class MatchAnswerOut(Schema):
    id: int
    status: str = Field(description="published, requested, accepted or declined.")
    mentee_response: str
    mentor_response: str
    relationship_id: int | None = Field(description="Set once both have accepted.")


class RelationshipOut(Schema):
    id: int
    program: str = Field(description="Program slug.")
    mentee: PersonRef
    mentor: PersonRef
    mentee_role: str = Field(
        description="What the mentee side is called: mentee; peer in a peer program, where "
        "neither person is a mentor or a mentee."
    )
    mentor_role: str = Field(
        description="What the mentor side is called: mentor, sponsor or coach; peer in a peer "
        "program."
    )
    status: str = Field(description="active or closed.")
    started_at: dt.datetime
    planned_end_date: dt.date | None
    last_meeting_at: dt.datetime | None = Field(description="When the last held meeting was.")
    closed_at: dt.datetime | None
    closure_kind: str = Field(description="planned or early; empty while active.")
    closure_reason: str
    rematch_requested: bool
    health: str | None = Field(description="on_track, stalled or at_risk; null when closed.")
    health_reason: str = ""
    agreement_version: int | None = Field(
        description="The current version of the agreement; null when none was recorded "
        "(a relationship from before Mentorwise kept its agreements)."
    )
    agreement_confirmed: bool = Field(description="Both confirmed the current version.")

    @staticmethod
    def build(
        r: Relationship, health: Any = None, agreement: AgreementVersion | None = None
    ) -> RelationshipOut:
        """`agreement`: the current version (selectors.agreements_current), None if none."""
        return RelationshipOut(
            id=r.pk,
            program=r.program.slug,
            mentee=PersonRef(person_id=r.mentee.person_id, name=r.mentee.person.full_name),
            mentor=PersonRef(person_id=r.mentor.person_id, name=r.mentor.person.full_name),
            mentee_role=r.mentee_role,
            mentor_role=r.mentor_role,
            status=r.status,
            started_at=r.started_at,
            planned_end_date=r.planned_end_date,
            last_meeting_at=r.last_meeting_at,
            closed_at=r.closed_at,
            closure_kind=r.closure_kind,
            closure_reason=r.closure_reason,
            rematch_requested=r.rematch_requested,
            health=health.health if health else None,
            health_reason=health.reason if health else "",
            agreement_version=agreement.number if agreement else None,
            agreement_confirmed=agreement.is_confirmed if agreement else False,
        )


class EventOut(Schema):
    kind: str
    text: str
    actor: str | None = Field(description="Who did it; null for the system.")
    created_at: dt.datetime


# Operations ------------------------------------------------------------------------------


@router.post(
    "/matches/{match_id}/respond",
    operation_id="mentorwise_api_relationships_match_respond",
    response={200: MatchAnswerOut, **WRITE_ERRORS},
    summary="Accept or decline a match",
)
def match_respond(request: HttpRequest, match_id: int, data: RespondIn) -> MatchAnswerOut:
    """The mentee or mentor of a published match, or the mentor of a requested one.
    When both have accepted, the relationship starts (409 when the mentor is full)."""
    match = selectors.access_match_to_answer(actor=request.user, match_id=match_id)
    match = services.match_respond(actor=request.user, match=match, data=data.to_input())
    relationship = Relationship.objects.filter(match=match).values_list("pk", flat=True).first()
    return MatchAnswerOut(
        id=match.pk,
        status=match.status,
        mentee_response=match.mentee_response,
        mentor_response=match.mentor_response,
        relationship_id=relationship,
    )


@router.get(
    "/relationships",
    operation_id="mentorwise_api_relationships_relationship_list",
    response={200: list[RelationshipOut], **ERRORS},
    summary="List relationships",
)
def relationship_list(request: HttpRequest) -> list[RelationshipOut]:
    """Your own relationships, and those of the programs you manage (HR admins: all)."""
    items = list(
        visible_relationships(request.user)
        .select_related("program", "mentee__person", "mentor__person", "agreement")
        .order_by("-started_at")[:1000]
    )
    healths = selectors.health_for_actor(actor=request.user, relationships=items)
    agreements = selectors.agreements_current(relationships=items)
    return [RelationshipOut.build(r, healths.get(r.pk), agreements.get(r.pk)) for r in items]


@router.get(
    "/relationships/{relationship_id}",
    operation_id="mentorwise_api_relationships_relationship_get",
    response={200: RelationshipOut, **ERRORS},
    summary="Read a relationship",
)
def relationship_get(request: HttpRequest, relationship_id: int) -> RelationshipOut:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    return RelationshipOut.build(
        r,
        selectors.health_for_actor(actor=request.user, relationships=[r]).get(r.pk),
        selectors.agreement_current(relationship=r),
    )


@router.get(
    "/relationships/{relationship_id}/timeline",
    operation_id="mentorwise_api_relationships_relationship_timeline",
    response={200: list[EventOut], **ERRORS},
    summary="The relationship's timeline",
)
def relationship_timeline(request: HttpRequest, relationship_id: int) -> list[EventOut]:
    """Every change: who, what, when (never the content of notes, answers or reports)."""
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    zone = zone_of(request.user)  # a time in the text is written in the caller's zone
    return [
        EventOut(
            kind=e.kind,
            text=e.text_in(zone),
            actor=e.actor.get_username() if e.actor else None,
            created_at=e.created_at,
        )
        for e in selectors.timeline(relationship=r)[:500]
    ]


@router.post(
    "/relationships/{relationship_id}/close",
    operation_id="mentorwise_api_relationships_relationship_close",
    response={200: RelationshipOut, **WRITE_ERRORS},
    summary="Close a relationship",
)
def relationship_close(
    request: HttpRequest, relationship_id: int, data: CloseIn
) -> RelationshipOut:
    """The pair or the program's managers; an early closure needs a reason."""
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    r = services.relationship_close(actor=request.user, relationship=r, data=data.to_input())
    r = selectors.access_relationship(actor=request.user, relationship_id=r.pk)
    return RelationshipOut.build(r, agreement=selectors.agreement_current(relationship=r))
