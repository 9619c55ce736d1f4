"""API: a program's journey (its managers edit it) and a relationship's journey (the pair
marks steps done; those who oversee it read). Everyone else gets 404."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.core.errors import NotFound
from mentorwise.journeys import selectors, services
from mentorwise.journeys.inputs import StepAddIn, StepIn
from mentorwise.journeys.models import JourneyStep
from mentorwise.journeys.permissions import access_journey_step
from mentorwise.journeys.selectors import StepItem
from mentorwise.programs.models import Program
from mentorwise.programs.selectors import access_managed_program
from mentorwise.relationships.selectors import access_relationship

router = Router()


# Schemas ---------------------------------------------------------------------------------


class StepMoveIn(Schema):
    position: int = Field(description="The step's new 1-based place in the journey's order.")


class StepOut(Schema):
    id: int
    position: int = Field(description="1-based place in the journey's order.")
    kind: str = Field(description="task, tip, resource or guide.")
    offset_value: int
    offset_unit: str = Field(description="days, weeks or months after the relationship's start.")
    title: str
    body: str
    guide_type: str = Field(description="coaching, mentoring or sponsoring; empty if no guide.")
    questions: list[str]
    url: str

    @staticmethod
    def build(step: JourneyStep, position: int) -> StepOut:
        return StepOut(
            id=step.pk,
            position=position,
            kind=step.kind,
            offset_value=step.offset_value,
            offset_unit=step.offset_unit,
            title=step.title,
            body=step.body,
            guide_type=step.guide_type,
            questions=list(step.questions),
            url=step.url,
        )


class JourneyOut(Schema):
    program: str = Field(description="The program's slug.")
    steps: list[StepOut]

    @staticmethod
    def build(program: Program) -> JourneyOut:
        steps = selectors.journey_steps(program)
        return JourneyOut(
            program=program.slug,
            steps=[StepOut.build(s, n) for n, s in enumerate(steps, start=1)],
        )


class PairStepOut(StepOut):
    due: dt.date = Field(description="The relationship's start plus the step's offset.")
    state: str = Field(description="done, due, overdue or upcoming.")
    done_at: dt.datetime | None
    done_by: str | None = Field(description="The name of who marked it done.")

    @staticmethod
    def of(item: StepItem) -> PairStepOut:
        c = item.completion
        by = c.done_by.person if c is not None and c.done_by is not None else None
        return PairStepOut(
            **StepOut.build(item.step, item.step.position).model_dump(),
            due=item.due,
            state=item.state,
            done_at=c.done_at if c is not None else None,
            done_by=by.full_name if by is not None else None,
        )


class PairJourneyOut(Schema):
    relationship_id: int
    today: dt.date = Field(description="The day the states are computed for.")
    done: int
    total: int
    counted: int = Field(description="Steps due so far: done, or past a week after due.")
    on_time: int = Field(description="Of those, done within a week of their due date.")
    steps: list[PairStepOut] = Field(description="By due date.")


class StepDoneIn(Schema):
    done: bool = Field(True, description="false marks the step not done again.")


# Operations ------------------------------------------------------------------------------


def _managed(request: HttpRequest, slug: str) -> Program:
    program = access_managed_program(actor=request.user, slug=slug)
    services.program_journey(program)
    return program


def _step(request: HttpRequest, slug: str, step_id: int) -> JourneyStep:
    step = access_journey_step(actor=request.user, step_id=step_id)
    if step.journey.program.slug != slug:
        raise NotFound(_("No such journey step."))
    return step


def _position(step: JourneyStep) -> int:
    ids = [s.pk for s in selectors.journey_steps(step.journey.program)]
    return ids.index(step.pk) + 1 if step.pk in ids else 0


@router.get(
    "/programs/{slug}/journey",
    response={200: JourneyOut, **ERRORS},
    summary="A program's journey (its managers)",
)
def journey_get(request: HttpRequest, slug: str) -> JourneyOut:
    """The steps in the journey's order; copied from the program's template on first use."""
    return JourneyOut.build(_managed(request, slug))


@router.post(
    "/programs/{slug}/journey/steps",
    response={201: StepOut, **WRITE_ERRORS},
    summary="Add a step to a program's journey",
)
def journey_step_add(request: HttpRequest, slug: str, data: StepAddIn) -> Status[StepOut]:
    """It reaches the relationships whose due date for it is today or later."""
    program = _managed(request, slug)
    step = services.journey_step_add(
        actor=request.user, program=program, data=data.to_input(), position=data.position
    )
    return Status(201, StepOut.build(step, _position(step)))


@router.put(
    "/programs/{slug}/journey/steps/{step_id}",
    response={200: StepOut, **WRITE_ERRORS},
    summary="Change a journey step",
)
def journey_step_put(request: HttpRequest, slug: str, step_id: int, data: StepIn) -> StepOut:
    """Every relationship sees the change; a step already done stays done."""
    step = services.journey_step_update(
        actor=request.user, step=_step(request, slug, step_id), data=data.to_input()
    )
    return StepOut.build(step, _position(step))


@router.post(
    "/programs/{slug}/journey/steps/{step_id}/move",
    response={200: StepOut, **WRITE_ERRORS},
    summary="Move a journey step",
)
def journey_step_move(request: HttpRequest, slug: str, step_id: int, data: StepMoveIn) -> StepOut:
    step = services.journey_step_move(
        actor=request.user, step=_step(request, slug, step_id), position=data.position
    )
    return StepOut.build(step, _position(step))


@router.delete(
    "/programs/{slug}/journey/steps/{step_id}",
    response={200: JourneyOut, **WRITE_ERRORS},
    summary="Remove a journey step",
)
def journey_step_delete(request: HttpRequest, slug: str, step_id: int) -> JourneyOut:
    """It no longer shows or counts in any relationship; answers the journey that remains."""
    step = _step(request, slug, step_id)
    services.journey_step_remove(actor=request.user, step=step)
    return JourneyOut.build(step.journey.program)


def _pair_journey(relationship_id: int, request: HttpRequest) -> PairJourneyOut:
    relationship = access_relationship(actor=request.user, relationship_id=relationship_id)
    services.program_journey(relationship.program)
    journey = selectors.relationship_journey(relationship=relationship)
    return PairJourneyOut(
        relationship_id=relationship.pk,
        today=journey.today,
        done=journey.done_count,
        total=len(journey.items),
        counted=journey.tally.counted,
        on_time=journey.tally.on_time,
        steps=[PairStepOut.of(i) for i in journey.items],
    )


@router.get(
    "/relationships/{relationship_id}/journey",
    response={200: PairJourneyOut, **ERRORS},
    summary="A relationship's journey: every step with its due date and state",
)
def relationship_journey(request: HttpRequest, relationship_id: int) -> PairJourneyOut:
    """The pair and those who oversee the relationship."""
    return _pair_journey(relationship_id, request)


@router.post(
    "/relationships/{relationship_id}/journey/steps/{step_id}/done",
    response={200: PairJourneyOut, **WRITE_ERRORS},
    summary="Mark a journey step done (or not done)",
)
def relationship_step_done(
    request: HttpRequest, relationship_id: int, step_id: int, data: StepDoneIn
) -> PairJourneyOut:
    """Either person of the pair, in an active relationship (overseers: 403; closed: 409)."""
    relationship = access_relationship(actor=request.user, relationship_id=relationship_id)
    step = services.relationship_step(relationship=relationship, step_id=step_id)
    services.journey_step_mark(
        actor=request.user, relationship=relationship, step=step, done=data.done
    )
    return _pair_journey(relationship_id, request)
