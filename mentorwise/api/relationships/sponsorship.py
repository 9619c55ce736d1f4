"""API: sponsorship actions and their outcomes."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.api.relationships.access import pair_relationship
from mentorwise.relationships import selectors, services
from mentorwise.relationships.inputs import OutcomeIn, SponsorshipIn
from mentorwise.relationships.models import SponsorshipAction

router = Router()


# Schemas ---------------------------------------------------------------------------------


class SponsorshipOut(Schema):
    id: int
    kind: str
    description: str
    outcome: str
    outcome_on: dt.date | None
    created_at: dt.datetime

    @staticmethod
    def build(a: SponsorshipAction) -> SponsorshipOut:
        return SponsorshipOut(
            id=a.pk,
            kind=a.kind,
            description=a.description,
            outcome=a.outcome,
            outcome_on=a.outcome_on,
            created_at=a.created_at,
        )


# Operations ------------------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/sponsorship-actions",
    operation_id="mentorwise_api_relationships_sponsorship_list",
    response={200: list[SponsorshipOut], **ERRORS},
    summary="Sponsorship actions for the protégé",
)
def sponsorship_list(request: HttpRequest, relationship_id: int) -> list[SponsorshipOut]:
    r = pair_relationship(request, relationship_id)
    return [SponsorshipOut.build(a) for a in r.sponsorship_actions.all()]


@router.post(
    "/relationships/{relationship_id}/sponsorship-actions",
    operation_id="mentorwise_api_relationships_sponsorship_create",
    response={201: SponsorshipOut, **WRITE_ERRORS},
    summary="Record a sponsorship action",
)
def sponsorship_create(
    request: HttpRequest, relationship_id: int, data: SponsorshipIn
) -> Status[SponsorshipOut]:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    action = services.sponsorship_action_record(
        actor=request.user, relationship=r, data=data.to_input()
    )
    return Status(201, SponsorshipOut.build(action))


@router.post(
    "/sponsorship-actions/{action_id}/outcome",
    operation_id="mentorwise_api_relationships_sponsorship_outcome",
    response={200: SponsorshipOut, **WRITE_ERRORS},
    summary="Record a sponsorship action's outcome",
)
def sponsorship_outcome(request: HttpRequest, action_id: int, data: OutcomeIn) -> SponsorshipOut:
    action = selectors.access_sponsorship_action(actor=request.user, action_id=action_id)
    return SponsorshipOut.build(
        services.sponsorship_outcome_set(actor=request.user, action=action, data=data.to_input())
    )
