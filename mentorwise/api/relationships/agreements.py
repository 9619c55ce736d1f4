"""API: a relationship's versioned agreement, which both people confirm."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.api.relationships.access import pair_relationship
from mentorwise.relationships import selectors, services
from mentorwise.relationships.inputs import AgreementIn
from mentorwise.relationships.models import AgreementVersion

router = Router()


# Schemas ---------------------------------------------------------------------------------


class AgreementOut(Schema):
    version: int
    program_objectives: str
    mentee_responsibilities: str
    mentor_responsibilities: str
    pair_objectives: str
    meeting_cadence_days: int
    confidentiality: str
    created_at: dt.datetime
    mentee_confirmed_at: dt.datetime | None
    mentor_confirmed_at: dt.datetime | None
    confirmed: bool

    @staticmethod
    def build(v: AgreementVersion) -> AgreementOut:
        return AgreementOut(
            version=v.number,
            program_objectives=v.program_objectives,
            mentee_responsibilities=v.mentee_responsibilities,
            mentor_responsibilities=v.mentor_responsibilities,
            pair_objectives=v.pair_objectives,
            meeting_cadence_days=v.meeting_cadence_days,
            confidentiality=v.confidentiality,
            created_at=v.created_at,
            mentee_confirmed_at=v.mentee_confirmed_at,
            mentor_confirmed_at=v.mentor_confirmed_at,
            confirmed=v.is_confirmed,
        )


class ConfirmIn(Schema):
    version: int = Field(description="The version you read; a newer one answers 409.")


# Operations ------------------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/agreement",
    operation_id="mentorwise_api_relationships_agreement_get",
    response={200: list[AgreementOut], **ERRORS},
    summary="The agreement, newest version first",
)
def agreement_get(request: HttpRequest, relationship_id: int) -> list[AgreementOut]:
    r = pair_relationship(request, relationship_id)
    return [AgreementOut.build(v) for v in selectors.agreement_versions(relationship=r)]


@router.put(
    "/relationships/{relationship_id}/agreement",
    operation_id="mentorwise_api_relationships_agreement_put",
    response={200: AgreementOut, **WRITE_ERRORS},
    summary="Change the agreement",
)
def agreement_put(request: HttpRequest, relationship_id: int, data: AgreementIn) -> AgreementOut:
    """A change is a new version; both people confirm it again."""
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    return AgreementOut.build(
        services.agreement_update(actor=request.user, relationship=r, data=data.to_input())
    )


@router.post(
    "/relationships/{relationship_id}/agreement/confirm",
    operation_id="mentorwise_api_relationships_agreement_confirm",
    response={200: AgreementOut, **WRITE_ERRORS},
    summary="Confirm the agreement",
)
def agreement_confirm(request: HttpRequest, relationship_id: int, data: ConfirmIn) -> AgreementOut:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    return AgreementOut.build(
        services.agreement_confirm(actor=request.user, relationship=r, version=data.version)
    )
