"""API: safety reports, to the program's managers and HR admins outside the relationship."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.programs.selectors import access_managed_program
from mentorwise.relationships import selectors, services
from mentorwise.relationships.inputs import HandleIn, SafetyIn
from mentorwise.relationships.models import SafetyReport
from mentorwise.relationships.permissions import can_oversee

router = Router()


# Schemas ---------------------------------------------------------------------------------


class SafetyNoteOut(Schema):
    status: str
    text: str
    created_at: dt.datetime


class SafetyOut(Schema):
    id: int
    relationship_id: int
    category: str
    description: str
    status: str = Field(description="open, in_review or resolved.")
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    notes: list[SafetyNoteOut] = Field(description="Handling steps (managers only).")

    @staticmethod
    def build(r: SafetyReport, *, with_notes: bool) -> SafetyOut:
        return SafetyOut(
            id=r.pk,
            relationship_id=r.relationship_id,
            category=r.category,
            description=r.description,
            status=r.status,
            created_at=r.created_at,
            resolved_at=r.resolved_at,
            notes=[
                SafetyNoteOut(status=n.status, text=n.text, created_at=n.created_at)
                for n in r.notes.all()
            ]
            if with_notes
            else [],
        )


# Operations ------------------------------------------------------------------------------


@router.post(
    "/relationships/{relationship_id}/safety-reports",
    operation_id="mentorwise_api_relationships_safety_create",
    response={201: SafetyOut, **WRITE_ERRORS},
    summary="Report a problem to the program's managers",
)
def safety_create(request: HttpRequest, relationship_id: int, data: SafetyIn) -> Status[SafetyOut]:
    """Confidential: the other person never sees the report or learns of it, even when they
    manage the program or are an HR admin. It goes to the program's managers outside the
    pair, and to the HR admins when one of the pair oversees the program or nobody else
    manages it."""
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    report = services.safety_report_create(actor=request.user, relationship=r, data=data.to_input())
    return Status(201, SafetyOut.build(report, with_notes=False))


@router.get(
    "/safety-reports/{report_id}",
    operation_id="mentorwise_api_relationships_safety_get",
    response={200: SafetyOut, **ERRORS},
    summary="Read a safety report",
)
def safety_get(request: HttpRequest, report_id: int) -> SafetyOut:
    """The reporter and the program's managers and HR admins who are not in the
    relationship (they also see the handling notes)."""
    report = selectors.access_safety_report(actor=request.user, report_id=report_id)
    return SafetyOut.build(report, with_notes=can_oversee(request.user, report.relationship))


@router.post(
    "/safety-reports/{report_id}/handling",
    operation_id="mentorwise_api_relationships_safety_handle",
    response={200: SafetyOut, **WRITE_ERRORS},
    summary="Record a handling step",
)
def safety_handle(request: HttpRequest, report_id: int, data: HandleIn) -> SafetyOut:
    report = selectors.access_safety_report(actor=request.user, report_id=report_id)
    report = services.safety_report_handle(actor=request.user, report=report, data=data.to_input())
    return SafetyOut.build(report, with_notes=True)


@router.get(
    "/programs/{slug}/safety-reports",
    operation_id="mentorwise_api_relationships_safety_list",
    response={200: list[SafetyOut], **ERRORS},
    summary="A program's safety reports",
)
def safety_list(request: HttpRequest, slug: str) -> list[SafetyOut]:
    """The program's managers and HR admins only; never the reports about a relationship
    the caller is in."""
    program = access_managed_program(actor=request.user, slug=slug)
    reports = selectors.safety_reports_for_program(
        actor=request.user, program=program
    ).prefetch_related("notes")
    return [SafetyOut.build(r, with_notes=True) for r in reports[:1000]]
