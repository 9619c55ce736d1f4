"""API: circles of group programs — the participants' circle (agreement, goals, meetings
with their .ics, private notes, check-ins, closing survey), the overseers' list, health and
interventions, and circle matching runs.

Participants read and change their circle's content; the program's managers and HR admins
see people, meeting dates, attendance counts and health (content endpoints answer them
403) and intervene. Everyone else gets 404. A private note is readable only through its
author's own endpoint; a check-in's comment by its author and the circle's facilitators.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.circles import inputs, oversight, runs, selectors, services
from mentorwise.circles.calendar import circle_meeting_ics
from mentorwise.circles.models import (
    Circle,
    CircleCheckIn,
    CircleGoal,
    CircleMeeting,
    CircleRun,
)
from mentorwise.circles.permissions import circle_role, require_participant, role_among
from mentorwise.core.clock import zone_of
from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.programs.selectors import access_managed_program
from mentorwise.relationships.inputs.rules import documented_max

router = Router()


# Schemas --------------------------------------------------------------------------------


class CirclePersonOut(Schema):
    membership_id: int = Field(description="The place's id (attendance names places).")
    enrollment_id: int
    name: str
    role: str = Field(description="facilitator or member.")
    agreement_confirmed: bool = Field(description="Confirmed the current agreement version.")


class CircleHealthOut(Schema):
    health: str = Field(description="on_track, stalled or at_risk.")
    reason: str
    days_since_meeting: int
    attendance: float | None = Field(description="Share present at the recent held meetings.")


class CircleOut(Schema):
    id: int
    program: str = Field(description="The program's slug.")
    name: str
    status: str = Field(description="active or closed.")
    started_at: dt.datetime
    your_role: str | None = Field(description="facilitator, member, or null for an overseer.")
    meeting_cadence_days: int
    people: list[CirclePersonOut]
    health: CircleHealthOut | None = Field(description="Null once closed.")

    @staticmethod
    def build(
        request: HttpRequest, c: Circle, got: selectors.CircleInputs | None = None
    ) -> CircleOut:
        """`got`: the circle's people and health when a list read them for all its circles."""
        got = got or selectors.circle_inputs([c])[c.pk]
        h = got.health
        return CircleOut(
            id=c.pk,
            program=c.program.slug,
            name=c.name,
            status=c.status,
            started_at=c.started_at,
            your_role=role_among(request.user, got.people),
            meeting_cadence_days=c.meeting_cadence_days,
            people=[
                CirclePersonOut(
                    membership_id=m.pk,
                    enrollment_id=m.enrollment_id,
                    name=m.enrollment.person.full_name,
                    role=m.role,
                    agreement_confirmed=bool(c.agreement_version)
                    and m.agreement_confirmed == c.agreement_version,
                )
                for m in got.people
            ],
            health=None
            if h is None
            else CircleHealthOut(
                health=h.health,
                reason=h.reason,
                days_since_meeting=h.days_since_meeting,
                attendance=h.attendance,
            ),
        )


class CircleAgreementOut(Schema):
    text: str
    version: int = Field(description="0: no agreement yet; confirm this number.")
    meeting_cadence_days: int


class AgreementIn(Schema):
    text: str = Field(json_schema_extra=documented_max(inputs.AGREEMENT_MAX))
    meeting_cadence_days: int = Field(30, description="7 to 90.")


class CircleConfirmIn(Schema):
    version: int = Field(description="The version read (a newer one answers 409).")


class CircleGoalOut(Schema):
    id: int
    title: str
    description: str
    progress: int
    status: str = Field(description="open, achieved or dropped.")

    @staticmethod
    def build(g: CircleGoal) -> CircleGoalOut:
        return CircleGoalOut(
            id=g.pk, title=g.title, description=g.description, progress=g.progress, status=g.status
        )


class GoalIn(Schema):
    title: str = Field(json_schema_extra=documented_max(inputs.TITLE_MAX))
    description: str = Field("", json_schema_extra=documented_max(inputs.TEXT_MAX))
    progress: int = Field(0, description="0 to 100.")
    status: str = Field("open", description="open, achieved or dropped.")

    def to_input(self) -> inputs.GoalFields:
        return inputs.GoalFields(**self.model_dump())


class CircleMeetingDateOut(Schema):
    id: int
    status: str = Field(description="scheduled, held or cancelled.")
    starts_at: dt.datetime
    duration_minutes: int
    present: int = Field(description="How many attended (held meetings).")
    recorded: int = Field(description="How many places attendance was recorded for.")


class CircleMeetingOut(CircleMeetingDateOut):
    location: str
    topic: str
    shared_notes: str = Field(description="Notes every participant reads (never private notes).")
    uid: str = Field(description="The calendar UID (the same for every update and the cancel).")
    sequence: int

    @staticmethod
    def build(m: CircleMeeting) -> CircleMeetingOut:
        seen = selectors.attendance_of(m)
        return CircleMeetingOut(
            id=m.pk,
            status=m.status,
            starts_at=m.starts_at,
            duration_minutes=m.duration_minutes,
            present=sum(seen.values()),
            recorded=len(seen),
            location=m.location,
            topic=m.topic,
            shared_notes=m.shared_notes,
            uid=m.uid,
            sequence=m.sequence,
        )


class MeetingIn(Schema):
    starts_at: dt.datetime = Field(description="With its time zone offset.")
    duration_minutes: int = Field(60, description="15 to 480.")
    location: str = Field("", json_schema_extra=documented_max(inputs.LOCATION_MAX))
    topic: str = Field("", json_schema_extra=documented_max(inputs.LOCATION_MAX))

    def to_input(self) -> inputs.MeetingPlan:
        return inputs.MeetingPlan(**self.model_dump())


class RecordIn(Schema):
    present: list[int] = Field(description="Membership ids of those who attended.")
    shared_notes: str = Field("", json_schema_extra=documented_max(inputs.TEXT_MAX))


class NoteOut(Schema):
    meeting_id: int
    text: str
    updated_at: dt.datetime


class NoteIn(Schema):
    text: str = Field(
        description="Empty deletes it.", json_schema_extra=documented_max(inputs.NOTE_MAX)
    )


class CircleCheckInOut(Schema):
    id: int
    membership_id: int
    pulse: int
    comment: str
    created_at: dt.datetime

    @staticmethod
    def build(c: CircleCheckIn) -> CircleCheckInOut:
        return CircleCheckInOut(
            id=c.pk,
            membership_id=c.membership_id,
            pulse=c.pulse,
            comment=c.comment,
            created_at=c.created_at,
        )


class CheckInIn(Schema):
    pulse: int = Field(description="1 (bad) to 5 (great).")
    comment: str = Field("", json_schema_extra=documented_max(inputs.COMMENT_MAX))


class SurveyIn(Schema):
    usefulness: int = Field(description="1 to 5.")
    comment: str = Field("", json_schema_extra=documented_max(inputs.TEXT_MAX))


class CloseIn(Schema):
    reason: str = Field(json_schema_extra=documented_max(inputs.TEXT_MAX))
    outcomes: str = Field("", json_schema_extra=documented_max(inputs.OUTCOMES_MAX))


class FacilitatorsIn(Schema):
    enrollment_ids: list[int] = Field(description="One or two giving-side enrollments.")


class CircleMoveIn(Schema):
    enrollment_id: int = Field(description="The member's enrollment.")
    to_circle_id: int


class CircleRunOut(Schema):
    id: int
    status: str = Field(
        description="queued or running (being computed: poll status_url), done, failed, "
        "published or superseded (a newer run finished)."
    )
    status_url: str = Field(description="Where to read this run: GET it until it is done.")
    objective: str = Field(description="diversity or similarity.")
    attribute: str = Field(description="function or seniority.")
    min_size: int
    max_size: int
    members: int
    facilitators: int
    placed: int
    objective_value: float | None
    bound: float | None = Field(description="The best value any assignment could reach.")
    gap: float | None = Field(description="(bound - objective) / bound; 0 = proven best.")
    error: str = Field(description="Why the run failed (failed runs only).")
    created_at: dt.datetime
    started_at: dt.datetime | None = Field(description="When the computing began.")
    finished_at: dt.datetime | None
    circles: list[dict[str, list[int]]] | None = Field(
        description="Proposed circles: facilitators' and members' enrollment ids; null until "
        "the run is computed."
    )
    reasons: dict[str, str] | None = Field(
        description="Each member's reason, by enrollment id; null until the run is computed."
    )

    @staticmethod
    def build(r: CircleRun) -> CircleRunOut:
        computed = not r.in_progress
        return CircleRunOut(
            id=r.pk,
            status=r.status,
            status_url=reverse("api:circle_run_get", args=[r.pk]),
            objective=r.objective,
            attribute=r.attribute,
            min_size=r.min_size,
            max_size=r.max_size,
            members=r.n_members,
            facilitators=r.n_circles,
            placed=r.n_assigned,
            objective_value=r.objective_value,
            bound=r.bound,
            gap=r.gap,
            error=r.error,
            created_at=r.created_at,
            started_at=r.started_at,
            finished_at=r.finished_at,
            circles=r.result.get("circles", []) if computed else None,
            reasons=r.result.get("reasons", {}) if computed else None,
        )


class AnsweredOut(Schema):
    answered: bool = Field(description="True: the answer is recorded.")


class PublishOut(Schema):
    circles: int = Field(description="How many circles were formed.")


# Helpers --------------------------------------------------------------------------------


def _participant_circle(request: HttpRequest, circle_id: int) -> Circle:
    """The circle for a participant: 403 for overseers, 404 for anyone else."""
    circle = selectors.access_circle(actor=request.user, circle_id=circle_id)
    if circle_role(request.user, circle) is None:
        raise Forbidden(_("Only the people in this circle may read this."))
    return circle


def _run(request: HttpRequest, run_id: int) -> CircleRun:
    run = CircleRun.objects.select_related("program").filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No such run."))
    access_managed_program(actor=request.user, slug=run.program.slug)
    return run


# Circles --------------------------------------------------------------------------------


@router.get("", response={200: list[CircleOut], **ERRORS}, summary="Your circles")
def circle_list(request: HttpRequest) -> list[CircleOut]:
    circles = list(selectors.circles_mine(actor=request.user))
    inputs = selectors.circle_inputs(circles)
    return [CircleOut.build(request, c, inputs[c.pk]) for c in circles]


@router.get(
    "/programs/{slug}",
    response={200: list[CircleOut], **ERRORS},
    summary="A group program's circles with health (its managers and HR admins)",
)
def program_circle_list(request: HttpRequest, slug: str, status: str = "") -> list[CircleOut]:
    program = access_managed_program(actor=request.user, slug=slug)
    rows = selectors.program_circles(actor=request.user, program=program, status=status)
    return [
        CircleOut.build(
            request, r.circle, selectors.CircleInputs(r.people, r.meetings_held, r.health)
        )
        for r in rows
    ]


@router.get("/{circle_id}", response={200: CircleOut, **ERRORS}, summary="One circle")
def circle_get(request: HttpRequest, circle_id: int) -> CircleOut:
    return CircleOut.build(
        request, selectors.access_circle(actor=request.user, circle_id=circle_id)
    )


@router.get(
    "/{circle_id}/agreement", response={200: CircleAgreementOut, **ERRORS}, summary="The agreement"
)
def agreement_get(request: HttpRequest, circle_id: int) -> CircleAgreementOut:
    c = _participant_circle(request, circle_id)
    return CircleAgreementOut(
        text=c.agreement, version=c.agreement_version, meeting_cadence_days=c.meeting_cadence_days
    )


@router.put(
    "/{circle_id}/agreement",
    response={200: CircleAgreementOut, **WRITE_ERRORS},
    summary="Write the agreement (facilitators; a new version)",
)
def agreement_put(request: HttpRequest, circle_id: int, data: AgreementIn) -> CircleAgreementOut:
    c = selectors.access_circle(actor=request.user, circle_id=circle_id)
    c = services.agreement_update(
        actor=request.user,
        circle=c,
        data=inputs.AgreementText(text=data.text, cadence_days=data.meeting_cadence_days),
    )
    return CircleAgreementOut(
        text=c.agreement, version=c.agreement_version, meeting_cadence_days=c.meeting_cadence_days
    )


@router.post(
    "/{circle_id}/agreement/confirm",
    response={200: CircleAgreementOut, **WRITE_ERRORS},
    summary="Confirm the current agreement version",
)
def agreement_confirm(
    request: HttpRequest, circle_id: int, data: CircleConfirmIn
) -> CircleAgreementOut:
    c = selectors.access_circle(actor=request.user, circle_id=circle_id)
    c = services.agreement_confirm(actor=request.user, circle=c, version=data.version)
    return CircleAgreementOut(
        text=c.agreement, version=c.agreement_version, meeting_cadence_days=c.meeting_cadence_days
    )


@router.get(
    "/{circle_id}/goals", response={200: list[CircleGoalOut], **ERRORS}, summary="Shared goals"
)
def goal_list(request: HttpRequest, circle_id: int) -> list[CircleGoalOut]:
    return [CircleGoalOut.build(g) for g in _participant_circle(request, circle_id).goals.all()]


@router.post(
    "/{circle_id}/goals", response={201: CircleGoalOut, **WRITE_ERRORS}, summary="Add a shared goal"
)
def goal_create(request: HttpRequest, circle_id: int, data: GoalIn) -> Status[CircleGoalOut]:
    c = selectors.access_circle(actor=request.user, circle_id=circle_id)
    goal = services.goal_create(actor=request.user, circle=c, data=data.to_input())
    return Status(201, CircleGoalOut.build(goal))


@router.put(
    "/goals/{goal_id}",
    response={200: CircleGoalOut, **WRITE_ERRORS},
    summary="Change a shared goal",
)
def goal_update(request: HttpRequest, goal_id: int, data: GoalIn) -> CircleGoalOut:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    return CircleGoalOut.build(
        services.goal_update(actor=request.user, goal=goal, data=data.to_input())
    )


@router.get(
    "/{circle_id}/meeting-dates",
    response={200: list[CircleMeetingDateOut], **ERRORS},
    summary="Meeting dates, statuses and attendance counts (no content)",
)
def meeting_dates(request: HttpRequest, circle_id: int) -> list[CircleMeetingDateOut]:
    c = selectors.access_circle(actor=request.user, circle_id=circle_id)
    out = []
    for m in c.meetings.all():
        seen = selectors.attendance_of(m)
        out.append(
            CircleMeetingDateOut(
                id=m.pk,
                status=m.status,
                starts_at=m.starts_at,
                duration_minutes=m.duration_minutes,
                present=sum(seen.values()),
                recorded=len(seen),
            )
        )
    return out


@router.get(
    "/{circle_id}/meetings",
    response={200: list[CircleMeetingOut], **ERRORS},
    summary="Meetings with shared notes (participants)",
)
def meeting_list(request: HttpRequest, circle_id: int) -> list[CircleMeetingOut]:
    return [
        CircleMeetingOut.build(m) for m in _participant_circle(request, circle_id).meetings.all()
    ]


@router.post(
    "/{circle_id}/meetings",
    response={201: CircleMeetingOut, **WRITE_ERRORS},
    summary="Schedule a meeting (facilitators; .ics to every participant)",
)
def meeting_schedule(
    request: HttpRequest, circle_id: int, data: MeetingIn
) -> Status[CircleMeetingOut]:
    c = selectors.access_circle(actor=request.user, circle_id=circle_id)
    meeting = services.meeting_schedule(actor=request.user, circle=c, data=data.to_input())
    return Status(201, CircleMeetingOut.build(meeting))


@router.post(
    "/meetings/{meeting_id}/reschedule",
    response={200: CircleMeetingOut, **WRITE_ERRORS},
    summary="Move a meeting (same UID, next SEQUENCE)",
)
def meeting_reschedule(request: HttpRequest, meeting_id: int, data: MeetingIn) -> CircleMeetingOut:
    m = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    return CircleMeetingOut.build(
        services.meeting_reschedule(actor=request.user, meeting=m, data=data.to_input())
    )


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: CircleMeetingOut, **WRITE_ERRORS},
    summary="Cancel a meeting (METHOD:CANCEL, same UID)",
)
def meeting_cancel(request: HttpRequest, meeting_id: int) -> CircleMeetingOut:
    m = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    return CircleMeetingOut.build(services.meeting_cancel(actor=request.user, meeting=m))


@router.post(
    "/meetings/{meeting_id}/record",
    response={200: CircleMeetingOut, **WRITE_ERRORS},
    summary="Record a held meeting: attendance and shared notes (facilitators)",
)
def meeting_record(request: HttpRequest, meeting_id: int, data: RecordIn) -> CircleMeetingOut:
    m = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    record = inputs.MeetingRecord(present=tuple(data.present), shared_notes=data.shared_notes)
    return CircleMeetingOut.build(
        services.meeting_record(actor=request.user, meeting=m, data=record)
    )


@router.get(
    "/meetings/{meeting_id}/ics",
    response=ERRORS,
    summary="The meeting as an iCalendar (.ics) file with every participant",
    openapi_extra={
        "responses": {
            200: {
                "description": "The invitation (METHOD:REQUEST or CANCEL).",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    m = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    if circle_role(request.user, m.circle) is None:
        raise Forbidden(_("Only the people in this circle may read this."))
    response = HttpResponse(
        circle_meeting_ics(m, zone=zone_of(request.user)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="circle-meeting-{m.pk}.ics"'
    return response


@router.get(
    "/meetings/{meeting_id}/private-note",
    response={200: NoteOut, **ERRORS},
    summary="Your own private note on a meeting",
)
def private_note_get(request: HttpRequest, meeting_id: int) -> NoteOut:
    """Only ever your own note: there is no way to read anyone else's (404 if you have none)."""
    m = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    note = selectors.private_note_get(actor=request.user, meeting=m)
    if note is None:
        raise NotFound(_("You have no private note on this meeting."))
    return NoteOut(meeting_id=m.pk, text=note.text, updated_at=note.updated_at)


@router.put(
    "/meetings/{meeting_id}/private-note",
    response={200: NoteOut | None, **WRITE_ERRORS},
    summary="Write your own private note (empty text deletes it)",
)
def private_note_put(request: HttpRequest, meeting_id: int, data: NoteIn) -> NoteOut | None:
    m = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    note = services.private_note_write(actor=request.user, meeting=m, text=data.text)
    if note is None:
        return None
    return NoteOut(meeting_id=m.pk, text=note.text, updated_at=note.updated_at)


@router.get(
    "/{circle_id}/check-ins",
    response={200: list[CircleCheckInOut], **ERRORS},
    summary="Check-ins: all for facilitators, your own for a member",
)
def check_in_list(request: HttpRequest, circle_id: int) -> list[CircleCheckInOut]:
    c = _participant_circle(request, circle_id)
    rows = selectors.check_ins_visible(actor=request.user, circle=c)[:500]
    return [CircleCheckInOut.build(x) for x in rows]


@router.post(
    "/{circle_id}/check-ins",
    response={201: CircleCheckInOut, **WRITE_ERRORS},
    summary="Check in (members; pulse 1–5)",
)
def check_in_create(
    request: HttpRequest, circle_id: int, data: CheckInIn
) -> Status[CircleCheckInOut]:
    c = selectors.access_circle(actor=request.user, circle_id=circle_id)
    row = services.check_in_create(
        actor=request.user,
        circle=c,
        data=inputs.CheckInNew(pulse=data.pulse, comment=data.comment),
    )
    return Status(201, CircleCheckInOut.build(row))


@router.post(
    "/{circle_id}/survey",
    response={201: AnsweredOut, **WRITE_ERRORS},
    summary="Answer the closing survey (members, once the circle closed)",
)
def survey_answer(request: HttpRequest, circle_id: int, data: SurveyIn) -> Status[AnsweredOut]:
    c = selectors.access_circle(actor=request.user, circle_id=circle_id)
    require_participant(request.user, c)
    services.closing_survey_answer(
        actor=request.user,
        circle=c,
        data=inputs.ClosingSurvey(usefulness=data.usefulness, comment=data.comment),
    )
    return Status(201, AnsweredOut(answered=True))


@router.post(
    "/{circle_id}/close",
    response={200: CircleOut, **WRITE_ERRORS},
    summary="Close the circle with its outcomes (facilitators, overseers)",
)
def circle_close(request: HttpRequest, circle_id: int, data: CloseIn) -> CircleOut:
    c = selectors.access_circle(actor=request.user, circle_id=circle_id)
    c = oversight.circle_close(
        actor=request.user,
        circle=c,
        data=inputs.Closure(reason=data.reason, outcomes=data.outcomes),
    )
    return CircleOut.build(request, c)


@router.put(
    "/{circle_id}/facilitators",
    response={200: CircleOut, **WRITE_ERRORS},
    summary="Change the facilitators (overseers)",
)
def facilitators_set(request: HttpRequest, circle_id: int, data: FacilitatorsIn) -> CircleOut:
    c = selectors.access_circle(actor=request.user, circle_id=circle_id)
    c = oversight.facilitators_set(actor=request.user, circle=c, enrollment_ids=data.enrollment_ids)
    return CircleOut.build(request, c)


@router.post(
    "/{circle_id}/move",
    response={200: CircleOut, **WRITE_ERRORS},
    summary="Move a member to another circle of the program (overseers)",
)
def member_move(request: HttpRequest, circle_id: int, data: CircleMoveIn) -> CircleOut:
    c = selectors.access_circle(actor=request.user, circle_id=circle_id)
    target = oversight.member_move(
        actor=request.user,
        circle=c,
        enrollment_id=data.enrollment_id,
        to_circle_id=data.to_circle_id,
    )
    return CircleOut.build(request, target)


# Circle matching ------------------------------------------------------------------------


@router.post(
    "/programs/{slug}/runs",
    response={202: CircleRunOut, **WRITE_ERRORS},
    summary="Run circle matching for a group program",
)
def run_create(request: HttpRequest, slug: str) -> Status[CircleRunOut]:
    """Program managers and HR admins. Answers 202 with the run: a small program's run is
    computed before the answer (done or failed); a larger one is queued for the background
    worker: GET its `status_url` until it is done. 409 `run_in_progress` while another run of
    the program is queued or running."""
    program = access_managed_program(actor=request.user, slug=slug)
    return Status(
        202, CircleRunOut.build(runs.circle_run_create(actor=request.user, program=program))
    )


@router.get(
    "/runs/{run_id}",
    response={200: CircleRunOut, **ERRORS},
    summary="A circle run: its status and, once computed, its proposal",
    url_name="circle_run_get",
)
def run_get(request: HttpRequest, run_id: int) -> CircleRunOut:
    return CircleRunOut.build(_run(request, run_id))


@router.post(
    "/runs/{run_id}/publish",
    response={200: PublishOut, **WRITE_ERRORS},
    summary="Publish a run: form its circles",
)
def run_publish(request: HttpRequest, run_id: int) -> PublishOut:
    run = _run(request, run_id)
    return PublishOut(circles=runs.circle_run_publish(actor=request.user, run=run))
