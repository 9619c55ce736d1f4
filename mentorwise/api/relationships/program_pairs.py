"""API: a program's relationships for its managers, with health and bulk actions."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.api.relationships.pairs import RelationshipOut
from mentorwise.programs.selectors import access_managed_program
from mentorwise.relationships import selectors, services
from mentorwise.relationships.inputs import BulkIn

router = Router()


# Schemas ---------------------------------------------------------------------------------


class PairCountOut(Schema):
    count: int


class ProgramRelationshipFilter(Schema):
    health: str = Field("", description="on_track, stalled or at_risk.")
    status: str = Field("", description="active or closed.")
    q: str = Field("", description="Search mentee and mentor names.")


# Operations ------------------------------------------------------------------------------


@router.get(
    "/programs/{slug}/relationships",
    operation_id="mentorwise_api_relationships_program_relationships",
    response={200: list[RelationshipOut], **ERRORS},
    summary="A program's relationships with their health",
)
def program_relationships(
    request: HttpRequest, slug: str, filters: Query[ProgramRelationshipFilter]
) -> list[RelationshipOut]:
    """Managers and HR admins. A relationship the caller is in shows the health its pair
    sees (without safety reports), and the bulk operations refuse it."""
    program = access_managed_program(actor=request.user, slug=slug)
    rows = selectors.program_relationships(
        actor=request.user,
        program=program,
        health=filters.health,
        status=filters.status,
        q=filters.q,
    )
    return [RelationshipOut.build(row.relationship, row.health, row.agreement) for row in rows]


@router.post(
    "/programs/{slug}/relationships/remind",
    operation_id="mentorwise_api_relationships_program_remind",
    response={200: PairCountOut, **WRITE_ERRORS},
    summary="Email a reminder to selected pairs",
)
def program_remind(request: HttpRequest, slug: str, data: BulkIn) -> PairCountOut:
    program = access_managed_program(actor=request.user, slug=slug)
    return PairCountOut(
        count=services.relationships_remind(
            actor=request.user,
            program=program,
            data=data.to_reminder(),
        )
    )


@router.post(
    "/programs/{slug}/relationships/close",
    operation_id="mentorwise_api_relationships_program_close",
    response={200: PairCountOut, **WRITE_ERRORS},
    summary="Close selected relationships early",
)
def program_close(request: HttpRequest, slug: str, data: BulkIn) -> PairCountOut:
    program = access_managed_program(actor=request.user, slug=slug)
    return PairCountOut(
        count=services.relationships_close_bulk(
            actor=request.user,
            program=program,
            data=data.to_closure(),
        )
    )
