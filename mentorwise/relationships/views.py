"""Relationship pages: thin views over the selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.clock import zone_of
from mentorwise.core.confirm import confirmation_page, needs_confirmation
from mentorwise.core.errors import InvalidInput, MentorwiseError
from mentorwise.core.htmx import action_response, run_action
from mentorwise.core.views import not_found_as_404
from mentorwise.programs.selectors import access_managed_program
from mentorwise.relationships import forms, inputs, recognition, selectors, services
from mentorwise.relationships.calendar import meeting_ics
from mentorwise.relationships.health import Health
from mentorwise.relationships.home import match_offers
from mentorwise.relationships.models import (
    RelationshipStatus,
    SafetyCategory,
    SafetyStatus,
    Side,
    SurveyKind,
)
from mentorwise.relationships.pages import (
    health_counts,
    oversight_page,
    pair_page,
    program_health_counts,
    program_survey_summaries,
)
from mentorwise.relationships.permissions import actor_side, can_oversee
from mentorwise.relationships.safety import safety_report_routing


def _run(request: AuthedRequest, action: Callable[[], Any], success: str) -> MentorwiseError | None:
    """Call a service; show its error as a message naming fields by their labels (never
    swallowed), or the success."""
    return run_action(request, action, success, labels=forms.field_labels())


def _back(relationship_id: int, section: str = "") -> HttpResponse:
    url = reverse("relationships:detail", args=[relationship_id])
    return redirect(f"{url}#{section}" if section else url)


def _answer(
    request: AuthedRequest, error: MentorwiseError | None, relationship_id: int, section: str = ""
) -> HttpResponse:
    """Back to the relationship page; a refused HTMX request gets its error status only."""
    return action_response(request, error, page=lambda: _back(relationship_id, section))


# Lists and the relationship page --------------------------------------------------------


def mine_view(request: AuthedRequest) -> HttpResponse:
    relationships = [
        (r, actor_side(request.user, r)) for r in selectors.relationships_mine(actor=request.user)
    ]
    return render(
        request,
        "relationships/mine.html",
        {
            "relationships": relationships,
            "awaiting": match_offers(actor=request.user),
            "has_contribution_record": recognition.has_contribution_record(actor=request.user),
            "reason_max": inputs.COMMENT_MAX,
        },
    )


@not_found_as_404
def detail_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = selectors.access_relationship(
        actor=request.user, relationship_id=relationship_id
    )
    side = actor_side(request.user, relationship)
    if side is None:  # an overseer: metadata, progress and dates only
        page = oversight_page(actor=request.user, relationship=relationship)
        return render(request, "relationships/oversight.html", page.context())
    return render(request, "relationships/detail.html", _pair_context(request, relationship, side))


def render_pair_page(
    request: AuthedRequest, relationship: Any, bound: dict[str, Any], status: int = 422
) -> HttpResponse:
    """The relationship page again, with the refused form bound: its typed values and its
    errors beside their fields (no redirect, so nothing typed is lost)."""
    side = actor_side(request.user, relationship)
    if side is None:
        raise Http404(_("No such page."))
    context = _pair_context(request, relationship, side, bound)
    return render(request, "relationships/detail.html", context, status=status)


def _pair_context(
    request: AuthedRequest, relationship: Any, side: Side, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    page = pair_page(actor=request.user, relationship=relationship, side=side)
    forms_context = forms.pair_forms(
        actor=request.user,
        relationship=relationship,
        agreement=page.agreement,
        goals=page.goals,
        meetings=page.meetings,
        actions=page.actions,
        bound=bound or {},
    )
    return {**forms_context, **page.context()}


# Match answers ----------------------------------------------------------------------------


@require_POST
@not_found_as_404
def match_respond_view(request: AuthedRequest, match_id: int) -> HttpResponse:
    match = selectors.access_match_to_answer(actor=request.user, match_id=match_id)
    data = forms.match_answer(request.POST)
    accept = data.accept
    error = run_action(
        request,
        lambda: services.match_respond(actor=request.user, match=match, data=data),
        _("Match accepted.") if accept else _("Match declined."),
        labels={"reason": _("Reason for declining (optional)")},
    )
    relationship = getattr(match, "relationship", None) if accept and error is None else None
    if relationship is not None:
        return _back(relationship.pk)
    return action_response(request, error, page=lambda: redirect("relationships:mine"))


# Agreement ------------------------------------------------------------------------------


@require_POST
@not_found_as_404
def agreement_confirm_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = selectors.access_relationship(
        actor=request.user, relationship_id=relationship_id
    )
    error = _run(
        request,
        lambda: services.agreement_confirm(
            actor=request.user,
            relationship=relationship,
            version=forms.integer(request.POST, "version"),
        ),
        _("You confirmed the agreement."),
    )
    return _answer(request, error, relationship.pk, "agreement")


# Meetings -------------------------------------------------------------------------------


@require_POST
@not_found_as_404
def meeting_cancel_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    error = _run(
        request,
        lambda: services.meeting_cancel(actor=request.user, meeting=meeting),
        _("Meeting cancelled."),
    )
    return _answer(request, error, meeting.relationship_id, "meetings")


@not_found_as_404
def meeting_ics_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    if actor_side(request.user, meeting.relationship) is None:
        # Overseers see the meeting's date, not its invitation: 403 as in the API.
        raise PermissionDenied(_("Only the two people in this relationship may read this."))
    response = HttpResponse(
        meeting_ics(meeting, zone=zone_of(request.user)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# Check-ins, surveys, sponsorship --------------------------------------------------------


@not_found_as_404
def survey_view(request: AuthedRequest, relationship_id: int, kind: str) -> HttpResponse:
    relationship = selectors.access_relationship(
        actor=request.user, relationship_id=relationship_id
    )
    if kind not in SurveyKind.values:
        raise Http404(_("No such survey."))
    if actor_side(request.user, relationship) is None:
        # Overseers know the relationship: 403 as in the API, only the pair answers.
        raise PermissionDenied(_("Only the two people in this relationship answer its surveys."))
    survey = services.survey_for(program=relationship.program, kind=kind)
    if request.method == "POST":
        error = _run(
            request,
            lambda: services.survey_respond(
                actor=request.user,
                relationship=relationship,
                kind=kind,
                data=forms.survey_answers(request.POST, survey.questions),
            ),
            _("Thank you for your answers."),
        )
        if error is None or request.htmx:
            return _answer(request, error, relationship.pk)
        # A refused full-page form shows again with the person's own answers and the error.
    return render(
        request,
        "relationships/survey.html",
        {"relationship": relationship, "survey": survey, "answers": request.POST},
    )


# Safety and closure ---------------------------------------------------------------------


@not_found_as_404
def safety_report_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = selectors.access_relationship(
        actor=request.user, relationship_id=relationship_id
    )
    if actor_side(request.user, relationship) is None:
        raise Http404(_("No such page."))
    routing = safety_report_routing(relationship)
    if request.method == "POST":
        error = _run(
            request,
            lambda: services.safety_report_create(
                actor=request.user,
                relationship=relationship,
                data=inputs.SafetyReportNew(
                    category=request.POST.get("category", ""),
                    description=request.POST.get("description", ""),
                ),
            ),
            _("Your report went to %(whom)s.") % {"whom": routing.describe()},
        )
        if error is None or request.htmx:
            return _answer(request, error, relationship.pk)
    return render(
        request,
        "relationships/safety_report.html",
        {
            "relationship": relationship,
            "routing": routing,
            "categories": SafetyCategory.choices,
            "data": request.POST,
        },
    )


# Program managers -------------------------------------------------------------------------


@not_found_as_404
def program_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = access_managed_program(actor=request.user, slug=slug)
    filters = {k: request.GET.get(k, "") for k in ("health", "status", "q")}
    listed = selectors.program_relationships(
        actor=request.user, program=program, status=filters["status"], q=filters["q"]
    )
    if filters["q"] or filters["status"] not in ("", RelationshipStatus.ACTIVE):
        counts = program_health_counts(actor=request.user, program=program)
    else:  # the list already holds every active relationship: count them from it
        counts = health_counts(listed)
    rows = selectors.with_health(listed, filters["health"])
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    context = {
        "program": program,
        "rows": page,
        "page": page,
        "filters": filters,
        "counts": counts,
        "healths": Health.choices,
        "statuses": RelationshipStatus.choices,
    }
    template = "relationships/program.html#rows" if request.htmx else "relationships/program.html"
    return render(request, template, context)


@require_POST
@not_found_as_404
def program_bulk_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = access_managed_program(actor=request.user, slug=slug)
    ids = forms.id_list(request.POST, "relationships")
    closing = request.POST.get("action") == "close"
    # Ask only once the service could act: no selection or no reason is refused at once.
    if closing and ids and request.POST.get("reason", "").strip() and needs_confirmation(request):
        return confirmation_page(
            request,
            title=ngettext(
                "Close %(count)d relationship early?",
                "Close %(count)d relationships early?",
                len(ids),
            )
            % {"count": len(ids)},
            consequences=[
                ngettext(
                    "The %(count)d selected relationship of %(program)s closes early, with the "
                    "reason you gave.",
                    "The %(count)d selected relationships of %(program)s close early, with the "
                    "reason you gave.",
                    len(ids),
                )
                % {"count": len(ids), "program": program.title},
                _(
                    "Their planned meetings are cancelled; both people's calendars receive the "
                    "cancellation."
                ),
                _("Both people of each pair are told and asked for the closing survey."),
            ],
            button=_("Close them"),
            cancel_url=reverse("relationships:program", args=[program.slug]),
        )
    if request.POST.get("action") == "close":
        error = _run(
            request,
            lambda: services.relationships_close_bulk(
                actor=request.user,
                program=program,
                data=inputs.BulkClosure(
                    relationship_ids=ids, reason=request.POST.get("reason", "")
                ),
            ),
            _("The selected relationships were closed."),
        )
    else:
        error = _run(
            request,
            lambda: services.relationships_remind(
                actor=request.user,
                program=program,
                data=inputs.BulkReminder(
                    relationship_ids=ids, message=request.POST.get("message", "")
                ),
            ),
            _("Reminders sent to the selected pairs."),
        )
    return action_response(
        request, error, page=lambda: redirect("relationships:program", slug=program.slug)
    )


@not_found_as_404
def program_surveys_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = access_managed_program(actor=request.user, slug=slug)
    summaries = program_survey_summaries(actor=request.user, program=program)
    return render(
        request,
        "relationships/program_surveys.html",
        {"program": program, "summaries": summaries, "min_group_size": selectors.min_group_size()},
    )


@not_found_as_404
def program_survey_edit_view(request: AuthedRequest, slug: str, kind: str) -> HttpResponse:
    """Managers set a program's survey questions (until the first answer arrives)."""
    program = access_managed_program(actor=request.user, slug=slug)
    survey = services.survey_for(program=program, kind=kind)
    text = forms.survey_questions_to_text(survey.questions)
    errors: list[str] = []
    if request.method == "POST":
        text = request.POST.get("questions", "")
        try:
            services.survey_configure(
                actor=request.user,
                program=program,
                kind=kind,
                data=forms.survey_questions(text),
            )
        except InvalidInput as error:
            errors = [str(e) for e in error.errors]
        except MentorwiseError as error:
            errors = [error.message]
        else:
            messages.success(
                request, _("%(survey)s: questions saved.") % {"survey": survey.get_kind_display()}
            )
            return redirect("relationships:program_surveys", slug=program.slug)
    return render(
        request,
        "relationships/survey_edit.html",
        {
            "program": program,
            "survey": survey,
            "text": text,
            "errors": errors,
            "answered": survey.responses.exists(),
        },
    )


@not_found_as_404
def program_safety_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = access_managed_program(actor=request.user, slug=slug)
    return render(
        request,
        "relationships/program_safety.html",
        {
            "program": program,
            "reports": selectors.safety_reports_for_program(actor=request.user, program=program),
        },
    )


@not_found_as_404
def safety_handle_view(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = selectors.access_safety_report(actor=request.user, report_id=report_id)
    manage = can_oversee(request.user, report.relationship)
    if request.method == "POST" and manage:
        error = _run(
            request,
            lambda: services.safety_report_handle(
                actor=request.user,
                report=report,
                data=inputs.SafetyHandling(
                    status=request.POST.get("status", ""), note=request.POST.get("note", "")
                ),
            ),
            _("Handling recorded."),
        )
        return action_response(
            request,
            error,
            page=lambda: redirect("relationships:safety_report", report_id=report.pk),
        )
    return render(
        request,
        "relationships/safety_detail.html",
        {
            "report": report,
            "manage": manage,
            "notes": report.notes.select_related("author__person") if manage else [],
            "statuses": SafetyStatus.choices,
        },
    )


# Recognition ------------------------------------------------------------------------------


def recognition_mine_view(request: AuthedRequest) -> HttpResponse:
    if request.user.person_id is None:
        raise Http404(_("Your login has no employee record."))
    url = reverse("relationships:recognition", args=[request.user.person_id])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@not_found_as_404
def recognition_view(request: AuthedRequest, person_id: int, fmt: str = "") -> HttpResponse:
    person = recognition.access_contributor(actor=request.user, person_id=person_id)
    try:
        start, end = recognition.review_period(request.GET.get("start"), request.GET.get("end"))
    except InvalidInput as error:
        messages.error(request, "; ".join(str(e) for e in error.errors))
        start, end = recognition.review_period(None, None)
    record = recognition.contribution_record(person=person, start=start, end=end)
    recognition.contribution_read_record(
        actor=request.user, person=person, start=start, end=end, fmt=fmt
    )
    name = f"contribution-{person.employee_id}-{start}-{end}"
    if fmt == "csv":
        response = HttpResponse(recognition.contribution_csv(record), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "pdf":
        response = HttpResponse(
            recognition.contribution_pdf(record), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return render(
        request,
        "relationships/recognition.html",
        {"record": record, "min_group_size": selectors.min_group_size()},
    )
