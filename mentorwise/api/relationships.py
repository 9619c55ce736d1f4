"""API: answering matches, relationships, agreements, goals, meetings (.ics), private notes,
check-ins, surveys, sponsorship actions, closure, safety reports, contribution records.

The pair reads and changes their relationship's content. Program managers and HR admins
see metadata, goal progress, meeting dates and health, and survey aggregates; content
endpoints answer them 403. Everyone else gets 404. A private note is readable only
through its author's own endpoint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.core.clock import zone_of
from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.programs.selectors import access_managed_program
from mentorwise.relationships import recognition, selectors, services
from mentorwise.relationships.calendar import meeting_ics
from mentorwise.relationships.models import (
    AgreementVersion,
    CheckIn,
    Goal,
    Meeting,
    Relationship,
    SafetyReport,
    SponsorshipAction,
)
from mentorwise.relationships.permissions import actor_side, can_oversee, visible_relationships

router = Router()


def _pair(request: HttpRequest, relationship_id: int) -> Relationship:
    """The relationship for one of its two people: 403 for overseers, 404 for others."""
    relationship = selectors.access_relationship(
        actor=request.user, relationship_id=relationship_id
    )
    if actor_side(request.user, relationship) is None:
        raise Forbidden("Only the two people in this relationship may read this.")
    return relationship


# Schemas --------------------------------------------------------------------------------


class PersonRef(Schema):
    person_id: int
    name: str


class RespondIn(Schema):
    accept: bool = Field(description="true to accept, false to decline.")
    reason: str = Field("", max_length=2000, description="Why you decline (optional).")


class MatchAnswerOut(Schema):
    id: int
    status: str = Field(description="published, requested, accepted or declined.")
    mentee_response: str
    mentor_response: str
    relationship_id: int | None = Field(description="Set once both have accepted.")


class RelationshipOut(Schema):
    id: int
    program: str = Field(description="Program slug.")
    mentee: PersonRef
    mentor: PersonRef
    mentor_role: str = Field(description="mentor, sponsor or coach.")
    status: str = Field(description="active or closed.")
    started_at: dt.datetime
    planned_end_date: dt.date | None
    last_meeting_at: dt.datetime | None = Field(description="When the last held meeting was.")
    closed_at: dt.datetime | None
    closure_kind: str = Field(description="planned or early; empty while active.")
    closure_reason: str
    rematch_requested: bool
    health: str | None = Field(description="on_track, stalled or at_risk; null when closed.")
    health_reason: str = ""
    agreement_version: int | None = Field(
        description="The current version of the agreement; null when none was recorded "
        "(a relationship from before Mentorwise kept its agreements)."
    )
    agreement_confirmed: bool = Field(description="Both confirmed the current version.")

    @staticmethod
    def build(
        r: Relationship, health: Any = None, agreement: AgreementVersion | None = None
    ) -> RelationshipOut:
        """`agreement`: the current version (selectors.agreements_current), None if none."""
        return RelationshipOut(
            id=r.pk,
            program=r.program.slug,
            mentee=PersonRef(person_id=r.mentee.person_id, name=r.mentee.person.full_name),
            mentor=PersonRef(person_id=r.mentor.person_id, name=r.mentor.person.full_name),
            mentor_role=r.mentor.role,
            status=r.status,
            started_at=r.started_at,
            planned_end_date=r.planned_end_date,
            last_meeting_at=r.last_meeting_at,
            closed_at=r.closed_at,
            closure_kind=r.closure_kind,
            closure_reason=r.closure_reason,
            rematch_requested=r.rematch_requested,
            health=health.health if health else None,
            health_reason=health.reason if health else "",
            agreement_version=agreement.number if agreement else None,
            agreement_confirmed=agreement.is_confirmed if agreement else False,
        )


class EventOut(Schema):
    kind: str
    text: str
    actor: str | None = Field(description="Who did it; null for the system.")
    created_at: dt.datetime


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


class AgreementIn(Schema):
    pair_objectives: str = Field("", max_length=5000, description="The pair's own objectives.")
    meeting_cadence_days: int = Field(description="Days between meetings, 1 to 365.")
    confidentiality: str = Field("", max_length=5000)


class ConfirmIn(Schema):
    version: int = Field(description="The version you read; a newer one answers 409.")


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


class GoalIn(Schema):
    title: str = Field(max_length=200)
    specific: str = Field("", max_length=5000, description="What exactly will be achieved.")
    measurable: str = Field("", max_length=5000, description="How progress is measured.")
    achievable: str = Field("", max_length=5000, description="Why it is realistic.")
    relevant: str = Field("", max_length=5000, description="Why it matters now.")
    target_date: dt.date | None = Field(None, description="Time-bound: when.")

    def fields(self) -> services.GoalFields:
        return services.GoalFields(**self.model_dump())


class ProgressIn(Schema):
    progress: int = Field(description="0 to 100.")
    status: str | None = Field(None, description="open, achieved or dropped.")


class MilestoneIn(Schema):
    title: str = Field(max_length=200)
    due_date: dt.date | None = None


class DoneIn(Schema):
    done: bool


class MeetingOut(Schema):
    id: int
    status: str = Field(description="scheduled, held or cancelled.")
    starts_at: dt.datetime
    duration_minutes: int
    location: str
    conversation_type: str = Field(description="mentoring, coaching or sponsorship.")
    topics: str
    shared_notes: str = Field(description="Notes both people read (never private notes).")
    uid: str = Field(description="The calendar UID of the invitation.")
    sequence: int = Field(description="The invitation's SEQUENCE (grows with each change).")

    @staticmethod
    def build(m: Meeting) -> MeetingOut:
        return MeetingOut(
            id=m.pk,
            status=m.status,
            starts_at=m.starts_at,
            duration_minutes=m.duration_minutes,
            location=m.location,
            conversation_type=m.conversation_type,
            topics=m.topics,
            shared_notes=m.shared_notes,
            uid=m.uid,
            sequence=m.sequence,
        )


class MeetingDateOut(Schema):
    id: int
    status: str
    starts_at: dt.datetime
    duration_minutes: int


class ScheduleIn(Schema):
    starts_at: dt.datetime = Field(description="With a time zone offset.")
    duration_minutes: int = Field(60, description="5 to 480.")
    location: str = Field("", max_length=300, description="A place or a video link.")
    conversation_type: str = Field("mentoring", description="mentoring, coaching, sponsorship.")


class RescheduleIn(Schema):
    starts_at: dt.datetime
    duration_minutes: int | None = None
    location: str | None = Field(None, max_length=300)


class LogIn(Schema):
    meeting_id: int | None = Field(None, description="A scheduled meeting; empty for a new one.")
    held_at: dt.datetime
    duration_minutes: int = 60
    conversation_type: str = "mentoring"
    topics: str = Field("", max_length=300)
    shared_notes: str = ""
    private_note: str = Field("", description="Stored as your private note: only you read it.")


class PrivateNoteIn(Schema):
    text: str = Field(max_length=20000, description="Empty deletes your note.")


class PrivateNoteOut(Schema):
    meeting_id: int
    text: str
    updated_at: dt.datetime


class CheckInIn(Schema):
    pulse: int = Field(description="1 (bad) to 5 (great).")
    comment: str = Field("", max_length=2000)


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


class SurveyOut(Schema):
    kind: str
    questions: list[dict[str, Any]] = Field(
        description="[{key, label, type: scale|text, min, max}]"
    )


class SurveyIn(Schema):
    answers: dict[str, Any] = Field(description="Answers by question key.")


class QuestionsIn(Schema):
    questions: list[dict[str, Any]]


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


class SponsorshipIn(Schema):
    kind: str = Field(
        description="stretch_assignment, promotion, visible_project, introduction or other."
    )
    description: str = Field(max_length=2000)


class OutcomeIn(Schema):
    outcome: str = Field(description="pending, succeeded or not_succeeded.")
    outcome_on: dt.date | None = None


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


class CloseIn(Schema):
    kind: str = Field(description="planned or early.")
    reason: str = Field("", max_length=2000, description="Required for an early closure.")
    rematch: bool = Field(False, description="Early closure: put the mentee back in the pool.")


class SafetyIn(Schema):
    category: str = Field(description="conduct, no_shows, conflict_of_interest or other.")
    description: str = Field(max_length=5000)


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


class HandleIn(Schema):
    status: str = Field(description="open, in_review or resolved.")
    note: str = Field("", max_length=5000)


class BulkIn(Schema):
    relationships: list[int] = Field(description="Relationship ids in this program.")
    message: str = Field("", max_length=5000, description="Reminder text (remind).")
    reason: str = Field("", max_length=2000, description="Closure reason (close).")


class CountOut(Schema):
    count: int


class ProgramRelationshipFilter(Schema):
    health: str = Field("", description="on_track, stalled or at_risk.")
    status: str = Field("", description="active or closed.")
    q: str = Field("", description="Search mentee and mentor names.")


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


# Matches --------------------------------------------------------------------------------


@router.post(
    "/matches/{match_id}/respond",
    operation_id="mentorwise_api_relationships_match_respond",
    response={200: MatchAnswerOut, **WRITE_ERRORS},
    summary="Accept or decline a match",
)
def match_respond(request: HttpRequest, match_id: int, data: RespondIn) -> MatchAnswerOut:
    """The mentee or mentor of a published match, or the mentor of a requested one.
    When both have accepted, the relationship starts (409 when the mentor is full)."""
    match = selectors.access_match_to_answer(actor=request.user, match_id=match_id)
    match = services.match_respond(
        actor=request.user, match=match, accept=data.accept, reason=data.reason
    )
    relationship = Relationship.objects.filter(match=match).values_list("pk", flat=True).first()
    return MatchAnswerOut(
        id=match.pk,
        status=match.status,
        mentee_response=match.mentee_response,
        mentor_response=match.mentor_response,
        relationship_id=relationship,
    )


# Relationships --------------------------------------------------------------------------


@router.get(
    "/relationships",
    operation_id="mentorwise_api_relationships_relationship_list",
    response={200: list[RelationshipOut], **ERRORS},
    summary="List relationships",
)
def relationship_list(request: HttpRequest) -> list[RelationshipOut]:
    """Your own relationships, and those of the programs you manage (HR admins: all)."""
    items = list(
        visible_relationships(request.user)
        .select_related("program", "mentee__person", "mentor__person", "agreement")
        .order_by("-started_at")[:1000]
    )
    healths = selectors.health_for_actor(actor=request.user, relationships=items)
    agreements = selectors.agreements_current(relationships=items)
    return [RelationshipOut.build(r, healths.get(r.pk), agreements.get(r.pk)) for r in items]


@router.get(
    "/relationships/{relationship_id}",
    operation_id="mentorwise_api_relationships_relationship_get",
    response={200: RelationshipOut, **ERRORS},
    summary="Read a relationship",
)
def relationship_get(request: HttpRequest, relationship_id: int) -> RelationshipOut:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    return RelationshipOut.build(
        r,
        selectors.health_for_actor(actor=request.user, relationships=[r]).get(r.pk),
        selectors.agreement_current(relationship=r),
    )


@router.get(
    "/relationships/{relationship_id}/timeline",
    operation_id="mentorwise_api_relationships_relationship_timeline",
    response={200: list[EventOut], **ERRORS},
    summary="The relationship's timeline",
)
def relationship_timeline(request: HttpRequest, relationship_id: int) -> list[EventOut]:
    """Every change: who, what, when (never the content of notes, answers or reports)."""
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    zone = zone_of(request.user)  # a time in the text is written in the caller's zone
    return [
        EventOut(
            kind=e.kind,
            text=e.text_in(zone),
            actor=e.actor.get_username() if e.actor else None,
            created_at=e.created_at,
        )
        for e in selectors.timeline(relationship=r)[:500]
    ]


@router.post(
    "/relationships/{relationship_id}/close",
    operation_id="mentorwise_api_relationships_relationship_close",
    response={200: RelationshipOut, **WRITE_ERRORS},
    summary="Close a relationship",
)
def relationship_close(
    request: HttpRequest, relationship_id: int, data: CloseIn
) -> RelationshipOut:
    """The pair or the program's managers; an early closure needs a reason."""
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    r = services.relationship_close(
        actor=request.user, relationship=r, kind=data.kind, reason=data.reason, rematch=data.rematch
    )
    r = selectors.access_relationship(actor=request.user, relationship_id=r.pk)
    return RelationshipOut.build(r, agreement=selectors.agreement_current(relationship=r))


# Agreement ------------------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/agreement",
    operation_id="mentorwise_api_relationships_agreement_get",
    response={200: list[AgreementOut], **ERRORS},
    summary="The agreement, newest version first",
)
def agreement_get(request: HttpRequest, relationship_id: int) -> list[AgreementOut]:
    r = _pair(request, relationship_id)
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
        services.agreement_update(
            actor=request.user,
            relationship=r,
            pair_objectives=data.pair_objectives,
            meeting_cadence_days=data.meeting_cadence_days,
            confidentiality=data.confidentiality,
        )
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


# Goals ----------------------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/goals",
    operation_id="mentorwise_api_relationships_goal_list",
    response={200: list[GoalOut], **ERRORS},
    summary="The pair's goals",
)
def goal_list(request: HttpRequest, relationship_id: int) -> list[GoalOut]:
    """For the pair; managers read /goal-progress."""
    r = _pair(request, relationship_id)
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
def goal_create(request: HttpRequest, relationship_id: int, data: GoalIn) -> Status:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    goal = services.goal_create(actor=request.user, relationship=r, fields=data.fields())
    return Status(201, GoalOut.build(goal))


@router.put(
    "/goals/{goal_id}",
    operation_id="mentorwise_api_relationships_goal_update",
    response={200: GoalOut, **WRITE_ERRORS},
    summary="Change a goal",
)
def goal_update(request: HttpRequest, goal_id: int, data: GoalIn) -> GoalOut:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    return GoalOut.build(services.goal_update(actor=request.user, goal=goal, fields=data.fields()))


@router.post(
    "/goals/{goal_id}/progress",
    operation_id="mentorwise_api_relationships_goal_progress",
    response={200: GoalOut, **WRITE_ERRORS},
    summary="Record a goal's progress",
)
def goal_progress(request: HttpRequest, goal_id: int, data: ProgressIn) -> GoalOut:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    return GoalOut.build(
        services.goal_progress_set(
            actor=request.user, goal=goal, progress=data.progress, status=data.status
        )
    )


@router.post(
    "/goals/{goal_id}/milestones",
    operation_id="mentorwise_api_relationships_milestone_add",
    response={201: MilestoneOut, **WRITE_ERRORS},
    summary="Add a milestone",
)
def milestone_add(request: HttpRequest, goal_id: int, data: MilestoneIn) -> Status:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    m = services.milestone_add(
        actor=request.user, goal=goal, title=data.title, due_date=data.due_date
    )
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


# Meetings -------------------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/meetings",
    operation_id="mentorwise_api_relationships_meeting_list",
    response={200: list[MeetingOut], **ERRORS},
    summary="The pair's meetings with shared notes",
)
def meeting_list(request: HttpRequest, relationship_id: int) -> list[MeetingOut]:
    r = _pair(request, relationship_id)
    return [MeetingOut.build(m) for m in r.meetings.all()]


@router.get(
    "/relationships/{relationship_id}/meeting-dates",
    operation_id="mentorwise_api_relationships_meeting_dates",
    response={200: list[MeetingDateOut], **ERRORS},
    summary="Meeting dates and statuses (no content)",
)
def meeting_dates(request: HttpRequest, relationship_id: int) -> list[MeetingDateOut]:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    return [
        MeetingDateOut(
            id=m.pk, status=m.status, starts_at=m.starts_at, duration_minutes=m.duration_minutes
        )
        for m in r.meetings.all()
    ]


@router.post(
    "/relationships/{relationship_id}/meetings",
    operation_id="mentorwise_api_relationships_meeting_schedule",
    response={201: MeetingOut, **WRITE_ERRORS},
    summary="Schedule a meeting (sends .ics invitations)",
)
def meeting_schedule(request: HttpRequest, relationship_id: int, data: ScheduleIn) -> Status:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    meeting = services.meeting_schedule(actor=request.user, relationship=r, **data.model_dump())
    return Status(201, MeetingOut.build(meeting))


@router.post(
    "/meetings/{meeting_id}/reschedule",
    operation_id="mentorwise_api_relationships_meeting_reschedule",
    response={200: MeetingOut, **WRITE_ERRORS},
    summary="Move a meeting (same UID, next SEQUENCE)",
)
def meeting_reschedule(request: HttpRequest, meeting_id: int, data: RescheduleIn) -> MeetingOut:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    return MeetingOut.build(
        services.meeting_reschedule(actor=request.user, meeting=meeting, **data.model_dump())
    )


@router.post(
    "/meetings/{meeting_id}/cancel",
    operation_id="mentorwise_api_relationships_meeting_cancel",
    response={200: MeetingOut, **WRITE_ERRORS},
    summary="Cancel a meeting (METHOD:CANCEL)",
)
def meeting_cancel(request: HttpRequest, meeting_id: int) -> MeetingOut:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    return MeetingOut.build(services.meeting_cancel(actor=request.user, meeting=meeting))


@router.post(
    "/relationships/{relationship_id}/meetings/log",
    operation_id="mentorwise_api_relationships_meeting_log",
    response={200: MeetingOut, **WRITE_ERRORS},
    summary="Log a held meeting",
)
def meeting_log(request: HttpRequest, relationship_id: int, data: LogIn) -> MeetingOut:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    meeting = (
        selectors.access_meeting(actor=request.user, meeting_id=data.meeting_id)
        if data.meeting_id
        else None
    )
    log = services.MeetingLog(**data.model_dump(exclude={"meeting_id"}))
    return MeetingOut.build(
        services.meeting_log(actor=request.user, relationship=r, log=log, meeting=meeting)
    )


@router.get(
    "/meetings/{meeting_id}/ics",
    operation_id="mentorwise_api_relationships_meeting_ics_get",
    response=ERRORS,
    summary="The meeting as an iCalendar (.ics) file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The invitation (METHOD:REQUEST), as calendar apps import it.",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def meeting_ics_get(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    if actor_side(request.user, meeting.relationship) is None:
        raise Forbidden("Only the two people in this relationship may read this.")
    response = HttpResponse(
        meeting_ics(meeting, zone=zone_of(request.user)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@router.get(
    "/meetings/{meeting_id}/private-note",
    operation_id="mentorwise_api_relationships_private_note_get",
    response={200: PrivateNoteOut, **ERRORS},
    summary="Your own private note on a meeting",
)
def private_note_get(request: HttpRequest, meeting_id: int) -> PrivateNoteOut:
    """Only ever your own note: there is no way to read anyone else's (404 if you have none)."""
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    note = selectors.private_note_get(actor=request.user, meeting=meeting)
    if note is None:
        raise NotFound("You have no private note on this meeting.")
    return PrivateNoteOut(meeting_id=meeting.pk, text=note.text, updated_at=note.updated_at)


@router.put(
    "/meetings/{meeting_id}/private-note",
    operation_id="mentorwise_api_relationships_private_note_put",
    response={200: PrivateNoteOut | None, **WRITE_ERRORS},
    summary="Write your own private note on a meeting",
)
def private_note_put(
    request: HttpRequest, meeting_id: int, data: PrivateNoteIn
) -> PrivateNoteOut | None:
    """Empty text deletes your note (the answer is then null)."""
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    note = services.private_note_write(actor=request.user, meeting=meeting, text=data.text)
    if note is None:
        return None
    return PrivateNoteOut(meeting_id=meeting.pk, text=note.text, updated_at=note.updated_at)


# Check-ins and surveys ------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/check-ins",
    operation_id="mentorwise_api_relationships_check_in_list",
    response={200: list[CheckInOut], **ERRORS},
    summary="The pair's check-ins",
)
def check_in_list(request: HttpRequest, relationship_id: int) -> list[CheckInOut]:
    r = _pair(request, relationship_id)
    return [CheckInOut.build(c) for c in r.check_ins.all()[:500]]


@router.post(
    "/relationships/{relationship_id}/check-ins",
    operation_id="mentorwise_api_relationships_check_in_create",
    response={201: CheckInOut, **WRITE_ERRORS},
    summary="Check in (pulse 1–5)",
)
def check_in_create(request: HttpRequest, relationship_id: int, data: CheckInIn) -> Status:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    check_in = services.check_in_create(
        actor=request.user, relationship=r, pulse=data.pulse, comment=data.comment
    )
    return Status(201, CheckInOut.build(check_in))


@router.get(
    "/relationships/{relationship_id}/surveys/{kind}",
    operation_id="mentorwise_api_relationships_survey_get",
    response={200: SurveyOut, **ERRORS},
    summary="A survey's questions",
)
def survey_get(request: HttpRequest, relationship_id: int, kind: str) -> SurveyOut:
    r = _pair(request, relationship_id)
    survey = services.survey_for(program=r.program, kind=kind)
    return SurveyOut(kind=survey.kind, questions=survey.questions)


@router.post(
    "/relationships/{relationship_id}/surveys/{kind}",
    operation_id="mentorwise_api_relationships_survey_answer",
    response={201: SurveyAnswerOut, **WRITE_ERRORS},
    summary="Answer the midpoint or closing survey",
)
def survey_answer(request: HttpRequest, relationship_id: int, kind: str, data: SurveyIn) -> Status:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    response = services.survey_respond(
        actor=request.user, relationship=r, kind=kind, answers=data.answers
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
        actor=request.user, program=program, kind=kind, questions=data.questions
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
        raise NotFound("No such survey.")
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


# Sponsorship ----------------------------------------------------------------------------


@router.get(
    "/relationships/{relationship_id}/sponsorship-actions",
    operation_id="mentorwise_api_relationships_sponsorship_list",
    response={200: list[SponsorshipOut], **ERRORS},
    summary="Sponsorship actions for the protégé",
)
def sponsorship_list(request: HttpRequest, relationship_id: int) -> list[SponsorshipOut]:
    r = _pair(request, relationship_id)
    return [SponsorshipOut.build(a) for a in r.sponsorship_actions.all()]


@router.post(
    "/relationships/{relationship_id}/sponsorship-actions",
    operation_id="mentorwise_api_relationships_sponsorship_create",
    response={201: SponsorshipOut, **WRITE_ERRORS},
    summary="Record a sponsorship action",
)
def sponsorship_create(request: HttpRequest, relationship_id: int, data: SponsorshipIn) -> Status:
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    action = services.sponsorship_action_record(
        actor=request.user, relationship=r, kind=data.kind, description=data.description
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
        services.sponsorship_outcome_set(
            actor=request.user, action=action, outcome=data.outcome, outcome_on=data.outcome_on
        )
    )


# Safety reports -------------------------------------------------------------------------


@router.post(
    "/relationships/{relationship_id}/safety-reports",
    operation_id="mentorwise_api_relationships_safety_create",
    response={201: SafetyOut, **WRITE_ERRORS},
    summary="Report a problem to the program's managers",
)
def safety_create(request: HttpRequest, relationship_id: int, data: SafetyIn) -> Status:
    """Confidential: the other person never sees the report or learns of it, even when they
    manage the program or are an HR admin. It goes to the program's managers outside the
    pair, and to the HR admins when one of the pair oversees the program or nobody else
    manages it."""
    r = selectors.access_relationship(actor=request.user, relationship_id=relationship_id)
    report = services.safety_report_create(
        actor=request.user, relationship=r, category=data.category, description=data.description
    )
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
    report = services.safety_report_handle(
        actor=request.user, report=report, status=data.status, note=data.note
    )
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


# Program managers -----------------------------------------------------------------------


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
    response={200: CountOut, **WRITE_ERRORS},
    summary="Email a reminder to selected pairs",
)
def program_remind(request: HttpRequest, slug: str, data: BulkIn) -> CountOut:
    program = access_managed_program(actor=request.user, slug=slug)
    return CountOut(
        count=services.relationships_remind(
            actor=request.user,
            program=program,
            relationship_ids=data.relationships,
            message=data.message,
        )
    )


@router.post(
    "/programs/{slug}/relationships/close",
    operation_id="mentorwise_api_relationships_program_close",
    response={200: CountOut, **WRITE_ERRORS},
    summary="Close selected relationships early",
)
def program_close(request: HttpRequest, slug: str, data: BulkIn) -> CountOut:
    program = access_managed_program(actor=request.user, slug=slug)
    return CountOut(
        count=services.relationships_close_bulk(
            actor=request.user,
            program=program,
            relationship_ids=data.relationships,
            reason=data.reason,
        )
    )


# Recognition ----------------------------------------------------------------------------


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
