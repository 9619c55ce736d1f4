"""API: a mentor's or sponsor's contribution record."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mentorwise.api.errors import ERRORS
from mentorwise.relationships import recognition

router = Router()


# Schemas ---------------------------------------------------------------------------------


class ContributionProgramOut(Schema):
    program: str
    role: str
    relationships: int
    meetings_held: int
    goals_reached: int


class ContributionOut(Schema):
    person_id: int
    name: str
    start: dt.date
    end: dt.date
    relationships: int
    meetings_held: int
    meeting_hours: float
    goals_reached: int
    feedback_n: int
    feedback_suppressed: bool = Field(description="True under the minimum group size.")
    satisfaction: float | None
    recommend: float | None
    sponsorship: dict[str, int]
    sponsorship_succeeded: int
    programs: list[ContributionProgramOut]


# Operations ------------------------------------------------------------------------------


@router.get(
    "/contributions/{person_id}",
    operation_id="mentorwise_api_relationships_contribution_get",
    response={200: ContributionOut, **ERRORS},
    summary="A mentor's or sponsor's contribution record",
)
def contribution_get(
    request: HttpRequest, person_id: int, start: str | None = None, end: str | None = None
) -> ContributionOut:
    """The person themself and HR admins; `start`/`end` (YYYY-MM-DD) default to the last year.
    Feedback averages under the minimum group size are null."""
    person = recognition.access_contributor(actor=request.user, person_id=person_id)
    period = recognition.review_period(start, end)
    record = recognition.contribution_record(person=person, start=period[0], end=period[1])
    recognition.contribution_read_record(
        actor=request.user, person=person, start=period[0], end=period[1]
    )
    return ContributionOut(
        person_id=person.pk,
        name=person.full_name,
        start=record.start,
        end=record.end,
        relationships=record.relationships,
        meetings_held=record.meetings_held,
        meeting_hours=record.meeting_hours,
        goals_reached=record.goals_reached,
        feedback_n=record.feedback_n,
        feedback_suppressed=record.feedback_suppressed,
        satisfaction=record.satisfaction,
        recommend=record.recommend,
        sponsorship=record.sponsorship,
        sponsorship_succeeded=record.sponsorship_succeeded,
        programs=[
            ContributionProgramOut(
                program=p.program,
                role=p.role,
                relationships=p.relationships,
                meetings_held=p.meetings_held,
                goals_reached=p.goals_reached,
            )
            for p in record.programs
        ],
    )
