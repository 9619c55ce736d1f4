"""API: midpoint and closing surveys: answering, configuring, and their aggregates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.api.relationships.access import pair_relationship
from mentorwise.core.errors import NotFound
from mentorwise.programs.selectors import access_managed_program
from mentorwise.relationships import selectors, services
from mentorwise.relationships.inputs import QuestionsIn, SurveyIn

router = Router()


# Schemas ---------------------------------------------------------------------------------


class SurveyOut(Schema):
    kind: str
    questions: list[dict[str, Any]] = Field(
        description="[{key, label, type: scale|text, min, max}]"
    )


class SurveyAnswerOut(Schema):
    id: int
    kind: str
    side: str
    submitted_at: dt.datetime


class QuestionSummaryOut(Schema):
    key: str
    label: str
    type: str
    n: int
    mean: float | None = Field(description="Null when suppressed (small group) or text.")
    suppressed: bool


class SurveyResponseOut(Schema):
    relationship_id: int
    side: str
    answers: dict[str, Any]
    submitted_at: dt.datetime


class SurveySummaryOut(Schema):
    kind: str
    n: int
    suppressed: bool = Field(description="True under the minimum group size.")
    min_group_size: int
    questions: list[QuestionSummaryOut]
    responses: list[SurveyResponseOut] = Field(
        description="Individual answers, only when the program's surveys are not confidential."
    )


# Operations ------------------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/surveys/{kind}",
    operation_id="mentorwise_api_relationships_survey_get",
    response={200: SurveyOut, **ERRORS},
    summary="A survey's questions",
)
def survey_get(request: HttpRequest, relationship_id: int, kind: str) -> SurveyOut:
    r = pair_relationship(request, relationship_id)
    survey = services.survey_for(program=r.program, kind=kind)
    return SurveyOut(kind=survey.kind, questions=survey.questions)


@router.post(
    "/relationships/{relationship_id}/surveys/{kind}",
    operation_id="mentorwise_api_relationships_survey_answer",
    response={201: SurveyAnswerOut, **WRITE_ERRORS},
    summary="Answer the midpoint or closing survey",
)
def survey_answer(
    request: HttpRequest, relationship_id: int, kind: str, data: SurveyIn
) -> Status[SurveyAnswerOut]:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    response = services.survey_respond(
        actor=request.user, relationship=r, kind=kind, data=data.to_input()
    )
    return Status(
        201,
        SurveyAnswerOut(
            id=response.pk, kind=kind, side=response.side, submitted_at=response.submitted_at
        ),
    )


@router.put(
    "/programs/{slug}/surveys/{kind}",
    operation_id="mentorwise_api_relationships_survey_configure",
    response={200: SurveyOut, **WRITE_ERRORS},
    summary="Set a program's survey questions",
)
def survey_configure(request: HttpRequest, slug: str, kind: str, data: QuestionsIn) -> SurveyOut:
    program = access_managed_program(actor=request.user, slug=slug)
    survey = services.survey_configure(
        actor=request.user, program=program, kind=kind, data=data.to_input()
    )
    return SurveyOut(kind=survey.kind, questions=survey.questions)


@router.get(
    "/programs/{slug}/surveys/{kind}/summary",
    operation_id="mentorwise_api_relationships_survey_summary",
    response={200: SurveySummaryOut, **ERRORS},
    summary="Survey aggregates of a program",
)
def survey_summary(request: HttpRequest, slug: str, kind: str, side: str = "") -> SurveySummaryOut:
    """Managers only. Averages under the minimum group size are null; individual answers
    are listed only when the program's surveys are not confidential. Answers about a
    relationship the caller is in are left out."""
    program = access_managed_program(actor=request.user, slug=slug)
    if kind not in ("midpoint", "closing"):
        raise NotFound(_("No such survey."))
    s = selectors.survey_summary(actor=request.user, program=program, kind=kind, side=side)
    return SurveySummaryOut(
        kind=kind,
        n=s.n,
        suppressed=s.suppressed,
        min_group_size=selectors.min_group_size(),
        questions=[QuestionSummaryOut(**vars(q)) for q in s.questions],
        responses=[
            SurveyResponseOut(
                relationship_id=r.relationship_id,
                side=r.side,
                answers=r.answers,
                submitted_at=r.submitted_at,
            )
            for r in s.responses
        ],
    )
