"""API: a relationship's goals, their progress and milestones."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.api.relationships.access import pair_relationship
from mentorwise.relationships import selectors, services
from mentorwise.relationships.inputs import GoalIn, MilestoneIn, ProgressIn
from mentorwise.relationships.models import Goal

router = Router()


# Schemas ---------------------------------------------------------------------------------


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: dt.date | None
    done_at: dt.datetime | None


class GoalOut(Schema):
    id: int
    title: str
    specific: str
    measurable: str
    achievable: str
    relevant: str
    target_date: dt.date | None = Field(description="Time-bound: when.")
    progress: int = Field(description="0 to 100.")
    status: str = Field(description="open, achieved or dropped.")
    achieved_at: dt.datetime | None
    milestones: list[MilestoneOut]

    @staticmethod
    def build(g: Goal) -> GoalOut:
        return GoalOut(
            id=g.pk,
            title=g.title,
            specific=g.specific,
            measurable=g.measurable,
            achievable=g.achievable,
            relevant=g.relevant,
            target_date=g.target_date,
            progress=g.progress,
            status=g.status,
            achieved_at=g.achieved_at,
            milestones=[
                MilestoneOut(id=m.pk, title=m.title, due_date=m.due_date, done_at=m.done_at)
                for m in g.milestones.all()
            ],
        )


class GoalProgressOut(Schema):
    id: int
    status: str
    progress: int
    target_date: dt.date | None
    milestones_done: int
    milestones_total: int


class DoneIn(Schema):
    done: bool


# Operations ------------------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/goals",
    operation_id="mentorwise_api_relationships_goal_list",
    response={200: list[GoalOut], **ERRORS},
    summary="The pair's goals",
)
def goal_list(request: HttpRequest, relationship_id: int) -> list[GoalOut]:
    """For the pair; managers read /goal-progress."""
    r = pair_relationship(request, relationship_id)
    return [GoalOut.build(g) for g in r.goals.prefetch_related("milestones")]


@router.get(
    "/relationships/{relationship_id}/goal-progress",
    operation_id="mentorwise_api_relationships_goal_progress_list",
    response={200: list[GoalProgressOut], **ERRORS},
    summary="Goal progress and status (no text)",
)
def goal_progress_list(request: HttpRequest, relationship_id: int) -> list[GoalProgressOut]:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    return [GoalProgressOut(**vars(g)) for g in selectors.goal_progress_list(relationship=r)]


@router.post(
    "/relationships/{relationship_id}/goals",
    operation_id="mentorwise_api_relationships_goal_create",
    response={201: GoalOut, **WRITE_ERRORS},
    summary="Add a SMART goal",
)
def goal_create(request: HttpRequest, relationship_id: int, data: GoalIn) -> Status[GoalOut]:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    goal = services.goal_create(actor=request.user, relationship=r, fields=data.to_input())
    return Status(201, GoalOut.build(goal))


@router.put(
    "/goals/{goal_id}",
    operation_id="mentorwise_api_relationships_goal_update",
    response={200: GoalOut, **WRITE_ERRORS},
    summary="Change a goal",
)
def goal_update(request: HttpRequest, goal_id: int, data: GoalIn) -> GoalOut:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    goal = services.goal_update(actor=request.user, goal=goal, fields=data.to_input())
    return GoalOut.build(goal)


@router.post(
    "/goals/{goal_id}/progress",
    operation_id="mentorwise_api_relationships_goal_progress",
    response={200: GoalOut, **WRITE_ERRORS},
    summary="Record a goal's progress",
)
def goal_progress(request: HttpRequest, goal_id: int, data: ProgressIn) -> GoalOut:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    return GoalOut.build(
        services.goal_progress_set(actor=request.user, goal=goal, data=data.to_input())
    )


@router.post(
    "/goals/{goal_id}/milestones",
    operation_id="mentorwise_api_relationships_milestone_add",
    response={201: MilestoneOut, **WRITE_ERRORS},
    summary="Add a milestone",
)
def milestone_add(request: HttpRequest, goal_id: int, data: MilestoneIn) -> Status[MilestoneOut]:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    m = services.milestone_add(actor=request.user, goal=goal, data=data.to_input())
    return Status(201, MilestoneOut(id=m.pk, title=m.title, due_date=m.due_date, done_at=m.done_at))


@router.post(
    "/milestones/{milestone_id}/done",
    operation_id="mentorwise_api_relationships_milestone_done",
    response={200: MilestoneOut, **WRITE_ERRORS},
    summary="Mark a milestone done or not done",
)
def milestone_done(request: HttpRequest, milestone_id: int, data: DoneIn) -> MilestoneOut:
    m = selectors.access_milestone(actor=request.user, milestone_id=milestone_id)
    m = services.milestone_set_done(actor=request.user, milestone=m, done=data.done)
    return MilestoneOut(id=m.pk, title=m.title, due_date=m.due_date, done_at=m.done_at)
