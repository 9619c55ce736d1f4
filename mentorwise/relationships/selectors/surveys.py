"""Surveys: a program's aggregates (small groups suppressed) and what a person should answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean

from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.core.db.fixed import FixedQuery
from mentorwise.disclosure import min_group_size, sides_in_blocks
from mentorwise.programs.models import Program
from mentorwise.relationships.models import (
    Relationship,
    RelationshipStatus,
    Side,
    Survey,
    SurveyKind,
    SurveyResponse,
)
from mentorwise.relationships.permissions import (
    actor_side,
    relationships_in,
)
from mentorwise.relationships.services.feedback import default_questions


@dataclass
class QuestionSummary:
    key: str
    label: str
    type: str
    n: int
    mean: float | None  # None when suppressed or a text question
    suppressed: bool


@dataclass
class SurveySummary:
    survey: Survey
    n: int
    suppressed: bool
    questions: list[QuestionSummary]
    responses: list[SurveyResponse] = field(default_factory=list)  # only when not confidential


def survey_summary(*, actor: Actor, program: Program, kind: str, side: str = "") -> SurveySummary:
    """Aggregates of a program's survey; groups under the minimum size are suppressed.

    Individual responses are included only when the program's surveys are not confidential.
    The answers about relationships the actor is in are left out: the other person's answers
    about them are not theirs to read, not even averaged with others. A question's average
    rests on its answers in whole blocks of k (the first ``floor(n / k) * k`` answers of each
    side, oldest first), so one more answer changes nothing and two readings differ by at
    least k answers; all sides together is the union of the sides' blocks, hidden while one
    side's is. The caller checks that the actor manages the program.
    """
    survey = Survey.objects.filter(program=program, kind=kind).first()
    if survey is None:
        survey = Survey(program=program, kind=kind, questions=default_questions(program))
    survey.program = program  # its labels are read in the program's language: no query
    responses = list(
        SurveyResponse.objects.filter(survey=survey, **({"side": side} if side else {}))
        .exclude(relationship__in=relationships_in(actor))
        .select_related("relationship__mentee__person", "relationship__mentor__person")
        .order_by("submitted_at", "pk")
        if survey.pk
        else []
    )
    limit = min_group_size()
    suppressed = len(responses) < limit
    sides = [side] if side else list(Side.values)
    questions = []
    for q in survey.questions:
        values = [r.answers.get(q["key"]) for r in responses]
        by_side = {
            s: [r.answers[q["key"]] for r in responses if r.side == s and _is_score(r, q["key"])]
            for s in sides
        }
        per_side, together = sides_in_blocks(by_side, limit)
        numbers = per_side[side] if side else together
        q_suppressed = q["type"] != "scale" or not numbers
        questions.append(
            QuestionSummary(
                key=q["key"],
                label=survey.question_label(q),
                type=q["type"],
                n=(
                    sum(len(v) for v in by_side.values())
                    if q["type"] == "scale"
                    else sum(bool(v) for v in values)
                ),
                mean=None if q_suppressed or not numbers else round(mean(numbers), 2),
                suppressed=q_suppressed if q["type"] == "scale" else suppressed,
            )
        )
    return SurveySummary(
        survey=survey,
        n=len(responses),
        suppressed=suppressed,
        questions=questions,
        responses=[] if program.surveys_confidential else responses,
    )


def _is_score(response: SurveyResponse, key: str) -> bool:
    value = response.answers.get(key)
    return isinstance(value, int) and not isinstance(value, bool)


def survey_due(*, actor: Actor, relationship: Relationship) -> list[str]:
    """Survey kinds the actor should answer now for this relationship."""
    side = actor_side(actor, relationship)
    if side is None:
        return []
    due = []
    if relationship.status == RelationshipStatus.CLOSED:
        due.append(SurveyKind.CLOSING)
    elif relationship.planned_end_date:
        start = relationship.started_at.date()
        midpoint = start + (relationship.planned_end_date - start) / 2
        if timezone.localdate() >= midpoint:
            due.append(SurveyKind.MIDPOINT)
    if not due:
        return []
    answered = set(_ANSWERED_KINDS.all(relationship.pk, str(side)))
    return [k for k in due if k not in answered]


# The survey kinds one side of a pair has answered (relationship and home pages): compiled once.
_ANSWERED_KINDS = FixedQuery(
    lambda relationship_id, side: SurveyResponse.objects.filter(
        relationship=relationship_id, side=side
    ).values_list("survey__kind", flat=True),
    int,
    str,
)
