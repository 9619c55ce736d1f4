"""API: a relationship's check-ins."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.api.relationships.access import pair_relationship
from mentorwise.relationships import selectors, services
from mentorwise.relationships.inputs import CheckInIn
from mentorwise.relationships.models import CheckIn

router = Router()


# Schemas ---------------------------------------------------------------------------------


class CheckInOut(Schema):
    id: int
    side: str
    pulse: int
    comment: str
    created_at: dt.datetime

    @staticmethod
    def build(c: CheckIn) -> CheckInOut:
        return CheckInOut(
            id=c.pk, side=c.side, pulse=c.pulse, comment=c.comment, created_at=c.created_at
        )


# Operations ------------------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/check-ins",
    operation_id="mentorwise_api_relationships_check_in_list",
    response={200: list[CheckInOut], **ERRORS},
    summary="The pair's check-ins",
)
def check_in_list(request: HttpRequest, relationship_id: int) -> list[CheckInOut]:
    r = pair_relationship(request, relationship_id)
    return [CheckInOut.build(c) for c in r.check_ins.all()[:500]]


@router.post(
    "/relationships/{relationship_id}/check-ins",
    operation_id="mentorwise_api_relationships_check_in_create",
    response={201: CheckInOut, **WRITE_ERRORS},
    summary="Check in (pulse 1–5)",
)
def check_in_create(
    request: HttpRequest, relationship_id: int, data: CheckInIn
) -> Status[CheckInOut]:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    check_in = services.check_in_create(actor=request.user, relationship=r, data=data.to_input())
    return Status(201, CheckInOut.build(check_in))
