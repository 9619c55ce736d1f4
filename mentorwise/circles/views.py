"""Circle pages: thin views over the circle selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.circles import inputs, oversight, runs, selectors, services
from mentorwise.circles.calendar import circle_meeting_ics
from mentorwise.circles.models import (
    CircleGoalStatus,
    CircleMeetingStatus,
    CircleRole,
    CircleRun,
    CircleRunStatus,
    CircleStatus,
)
from mentorwise.circles.permissions import circle_role, my_membership
from mentorwise.circles.suggested_views import minutes_asked, picked_input
from mentorwise.core.clock import zone_of
from mentorwise.core.errors import MentorwiseError, NotFound
from mentorwise.core.htmx import action_response, refusal_text, run_action
from mentorwise.core.views import not_found_as_404
from mentorwise.programs.selectors import access_managed_program
from mentorwise.relationships.forms import integer, local_datetime
from mentorwise.relationships.health import Health


def _run(request: AuthedRequest, action: Callable[[], Any], success: str) -> MentorwiseError | None:
    return run_action(request, action, success)


def _back(request: AuthedRequest, error: MentorwiseError | None, circle_id: int) -> HttpResponse:
    url = reverse("circles:detail", args=[circle_id])
    return action_response(request, error, page=lambda: redirect(url))


def mine_view(request: AuthedRequest) -> HttpResponse:
    circles = [
        (c, circle_role(request.user, c)) for c in selectors.circles_mine(actor=request.user)
    ]
    return render(request, "circles/mine.html", {"circles": circles})


@not_found_as_404
def detail_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = selectors.access_circle(actor=request.user, circle_id=circle_id)
    people = list(selectors.current_memberships(circle))
    meetings = list(circle.meetings.all())
    context: dict[str, Any] = {
        "circle": circle,
        "people": people,
        "meetings": meetings,
        "health": selectors.health_of(circle),
    }
    attendance = {m.pk: selectors.attendance_of(m) for m in meetings}
    mine = my_membership(request.user, circle)
    if mine is None:  # an overseer: people, dates, attendance counts and health only
        context["other_circles"] = circle.program.circles.filter(
            status=CircleStatus.ACTIVE
        ).exclude(pk=circle.pk)
        context["meeting_rows"] = [
            (m, "", sum(attendance[m.pk].values()), len(attendance[m.pk])) for m in meetings
        ]
        context["facilitator_choices"] = (
            circle.program.enrollments.filter(status="active")
            .exclude(role="mentee")
            .select_related("person")
        )
        return render(request, "circles/oversight.html", context)
    notes = selectors.private_notes_mine(actor=request.user, circle=circle)
    # Each meeting with the viewer's note, the attendance counts and who to tick in its
    # attendance form (those present once recorded; everyone before).
    context["meeting_rows"] = [
        (
            m,
            notes.get(m.pk, ""),
            sum(attendance[m.pk].values()),
            len(attendance[m.pk]),
            {pk for pk, here in attendance[m.pk].items() if here}
            if m.status == CircleMeetingStatus.HELD
            else {p.pk for p in people},
        )
        for m in meetings
    ]
    context.update(
        mine=mine,
        facilitating=mine.role == CircleRole.FACILITATOR,
        goals=list(circle.goals.all()),
        check_ins=list(selectors.check_ins_visible(actor=request.user, circle=circle)[:200]),
        goal_statuses=CircleGoalStatus.choices,
        answered=hasattr(mine, "closing_answer"),
        scheduled=CircleMeetingStatus.SCHEDULED,
        held=CircleMeetingStatus.HELD,
        # A suggested time handed back by "Use this time" fills the schedule form.
        schedule_at=picked_input(request.GET.get("at", "")),
        schedule_minutes=minutes_asked(request.GET.get("minutes", "60")),
    )
    return render(request, "circles/detail.html", context)


def _circle(request: AuthedRequest, circle_id: int) -> Any:
    return selectors.access_circle(actor=request.user, circle_id=circle_id)


@require_POST
@not_found_as_404
def agreement_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = _circle(request, circle_id)

    def act() -> object:
        data = inputs.AgreementText(
            text=request.POST.get("agreement", ""),
            cadence_days=integer(request.POST, "meeting_cadence_days", circle.meeting_cadence_days),
        )
        return services.agreement_update(actor=request.user, circle=circle, data=data)

    return _back(request, _run(request, act, _("Agreement saved.")), circle.pk)


@require_POST
@not_found_as_404
def agreement_confirm_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = _circle(request, circle_id)
    error = _run(
        request,
        lambda: services.agreement_confirm(
            actor=request.user, circle=circle, version=integer(request.POST, "version", 0)
        ),
        _("Agreement confirmed."),
    )
    return _back(request, error, circle.pk)


def _goal_fields(request: AuthedRequest) -> inputs.GoalFields:
    return inputs.GoalFields(
        title=request.POST.get("title", ""),
        description=request.POST.get("description", ""),
        progress=integer(request.POST, "progress", 0),
        status=request.POST.get("status", "open") or "open",
    )


@require_POST
@not_found_as_404
def goal_create_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = _circle(request, circle_id)
    error = _run(
        request,
        lambda: services.goal_create(actor=request.user, circle=circle, data=_goal_fields(request)),
        _("Goal added."),
    )
    return _back(request, error, circle.pk)


@require_POST
@not_found_as_404
def goal_update_view(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    error = _run(
        request,
        lambda: services.goal_update(actor=request.user, goal=goal, data=_goal_fields(request)),
        _("Goal saved."),
    )
    return _back(request, error, goal.circle_id)


def _plan(request: AuthedRequest) -> inputs.MeetingPlan:
    return inputs.MeetingPlan(
        starts_at=local_datetime(request.POST, "starts_at", request.user),
        duration_minutes=integer(request.POST, "duration_minutes", 60),
        location=request.POST.get("location", ""),
        topic=request.POST.get("topic", ""),
    )


@require_POST
@not_found_as_404
def meeting_schedule_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = _circle(request, circle_id)
    error = _run(
        request,
        lambda: services.meeting_schedule(actor=request.user, circle=circle, data=_plan(request)),
        _("Meeting scheduled; everyone received the invitation."),
    )
    return _back(request, error, circle.pk)


@require_POST
@not_found_as_404
def meeting_reschedule_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    error = _run(
        request,
        lambda: services.meeting_reschedule(
            actor=request.user, meeting=meeting, data=_plan(request)
        ),
        _("Meeting moved; everyone received the new time."),
    )
    return _back(request, error, meeting.circle_id)


@require_POST
@not_found_as_404
def meeting_cancel_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    error = _run(
        request,
        lambda: services.meeting_cancel(actor=request.user, meeting=meeting),
        _("Meeting cancelled."),
    )
    return _back(request, error, meeting.circle_id)


@require_POST
@not_found_as_404
def meeting_record_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    present = tuple(int(v) for v in request.POST.getlist("present") if v.isdigit())
    data = inputs.MeetingRecord(present=present, shared_notes=request.POST.get("shared_notes", ""))
    error = _run(
        request,
        lambda: services.meeting_record(actor=request.user, meeting=meeting, data=data),
        _("Attendance recorded."),
    )
    return _back(request, error, meeting.circle_id)


@not_found_as_404
def meeting_ics_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    if circle_role(request.user, meeting.circle) is None:
        # Overseers see the meeting's date, not its invitation: 403 as in the API.
        raise PermissionDenied(_("Only the people in this circle may read this."))
    response = HttpResponse(
        circle_meeting_ics(meeting, zone=zone_of(request.user)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="circle-meeting-{meeting.pk}.ics"'
    return response


@require_POST
@not_found_as_404
def private_note_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    error = _run(
        request,
        lambda: services.private_note_write(
            actor=request.user, meeting=meeting, text=request.POST.get("text", "")
        ),
        _("Private note saved (only you can read it)."),
    )
    return _back(request, error, meeting.circle_id)


@require_POST
@not_found_as_404
def check_in_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = _circle(request, circle_id)

    def act() -> object:
        data = inputs.CheckInNew(
            pulse=integer(request.POST, "pulse"), comment=request.POST.get("comment", "")
        )
        return services.check_in_create(actor=request.user, circle=circle, data=data)

    return _back(request, _run(request, act, _("Thank you for checking in.")), circle.pk)


@require_POST
@not_found_as_404
def survey_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = _circle(request, circle_id)

    def act() -> object:
        data = inputs.ClosingSurvey(
            usefulness=integer(request.POST, "usefulness"),
            comment=request.POST.get("comment", ""),
        )
        return services.closing_survey_answer(actor=request.user, circle=circle, data=data)

    return _back(request, _run(request, act, _("Thank you for your answer.")), circle.pk)


@require_POST
@not_found_as_404
def close_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = _circle(request, circle_id)
    data = inputs.Closure(
        reason=request.POST.get("reason", ""), outcomes=request.POST.get("outcomes", "")
    )
    error = _run(
        request,
        lambda: oversight.circle_close(actor=request.user, circle=circle, data=data),
        _("Circle closed."),
    )
    return _back(request, error, circle.pk)


@require_POST
@not_found_as_404
def facilitators_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = _circle(request, circle_id)
    ids = [int(v) for v in request.POST.getlist("facilitators") if v.isdigit()]
    error = _run(
        request,
        lambda: oversight.facilitators_set(actor=request.user, circle=circle, enrollment_ids=ids),
        _("Facilitators changed."),
    )
    return _back(request, error, circle.pk)


@require_POST
@not_found_as_404
def move_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = _circle(request, circle_id)
    error = _run(
        request,
        lambda: oversight.member_move(
            actor=request.user,
            circle=circle,
            enrollment_id=integer(request.POST, "member", 0),
            to_circle_id=integer(request.POST, "to_circle", 0),
        ),
        _("Member moved."),
    )
    return _back(request, error, circle.pk)


# A program's circles and circle matching ------------------------------------------------


@not_found_as_404
def program_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = access_managed_program(actor=request.user, slug=slug)
    status = request.GET.get("status", "")
    rows = selectors.program_circles(actor=request.user, program=program, status=status)
    recent = list(program.circle_runs.all()[:5])
    counts = [
        (label, sum(1 for r in rows if r.health and r.health.health == value), value)
        for value, label in Health.choices
    ]
    context = {
        "program": program,
        "rows": rows,
        "counts": counts,
        "status": status,
        "statuses": CircleStatus.choices,
        "runs": recent,
        "latest": recent[0] if recent else None,
        "settings": runs.circle_settings(program),
        "objectives": runs.OBJECTIVES,
        "attributes": runs.ATTRIBUTES,
    }
    template = "circles/program.html#rows" if request.htmx else "circles/program.html"
    return render(request, template, context)


@require_POST
@not_found_as_404
def run_create_view(request: AuthedRequest, slug: str) -> HttpResponse:
    """Start a run; its page shows the review, or its progress while the worker computes it."""
    program = access_managed_program(actor=request.user, slug=slug)
    try:
        run = runs.circle_run_create(actor=request.user, program=program)
    except MentorwiseError as error:
        messages.error(request, refusal_text(error))
        return action_response(
            request, error, page=lambda: redirect("circles:program", slug=program.slug)
        )
    if run.status == CircleRunStatus.DONE:
        messages.success(request, _("Circle matching finished: review the proposed circles."))
    elif run.in_progress:
        messages.info(
            request, _("This run is large and runs in the background; its page shows its progress.")
        )
    return redirect("circles:run", run_id=run.pk)


def _access_run(request: AuthedRequest, run_id: int) -> CircleRun:
    run = CircleRun.objects.select_related("program").filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No such run."))
    access_managed_program(actor=request.user, slug=run.program.slug)
    return run


@not_found_as_404
def run_view(request: AuthedRequest, run_id: int) -> HttpResponse:
    """The run's review once computed; while queued or running, its state, which HTMX polls
    (the page reloads itself when the run is done or failed)."""
    run = _access_run(request, run_id)
    context: dict[str, Any] = {"run": run, "program": run.program}
    if request.htmx:
        response = render(request, "circles/run.html#run-progress", context)
        if not run.in_progress:
            response["HX-Refresh"] = "true"  # show the review or the error
        return response
    context["review"] = None if run.in_progress else runs.run_review(run)
    return render(request, "circles/run.html", context)


@not_found_as_404
def run_latest_view(request: AuthedRequest, slug: str) -> HttpResponse:
    """The program's latest run and the button to start one (loaded into the Matching page,
    polled while the run is computed); as a full page, the program's Circles page."""
    if not request.htmx:
        return program_view(request, slug)
    program = access_managed_program(actor=request.user, slug=slug)
    context = {"program": program, "latest": runs.latest_run(program)}
    return render(request, "circles/program.html#run-state", context)


@require_POST
@not_found_as_404
def run_publish_view(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = _access_run(request, run_id)
    error = _run(
        request,
        lambda: runs.circle_run_publish(actor=request.user, run=run),
        _("Circles formed; everyone in them was told."),
    )
    url = reverse("circles:program", args=[run.program.slug])
    return action_response(request, error, page=lambda: redirect(url))
