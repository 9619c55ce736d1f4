"""Journey pages: thin views over the journey services and selectors.

The program's journey page is its managers' editor (HTMX adds, moves and removes steps in
place; a refused step comes back as the bound form, each error beside its field). The
relationship's journey is read by the pair and those who oversee it; the pair marks steps.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import InvalidInput, NotFound
from mentorwise.core.htmx import MESSAGES_TEMPLATE, action_response, is_htmx, run_action
from mentorwise.core.views import not_found_as_404
from mentorwise.journeys import selectors, services
from mentorwise.journeys.forms import StepForm
from mentorwise.journeys.labels import offset_label
from mentorwise.journeys.models import GuideType, JourneyStep
from mentorwise.journeys.permissions import access_journey_step
from mentorwise.programs.models import Program
from mentorwise.programs.selectors import access_managed_program
from mentorwise.relationships.forms import LogForm, ScheduleForm
from mentorwise.relationships.models import ConversationType, Relationship
from mentorwise.relationships.permissions import actor_side
from mentorwise.relationships.selectors import access_relationship

# A guide's conversation as a meeting's conversation type (relationships.ConversationType).
MEETING_TYPE = {
    GuideType.COACHING: ConversationType.COACHING,
    GuideType.MENTORING: ConversationType.MENTORING,
    GuideType.SPONSORING: ConversationType.SPONSORSHIP,
}


# The program's journey (its managers) ---------------------------------------------------


def _editor(program: Program, form: StepForm | None = None) -> dict[str, Any]:
    steps = selectors.journey_steps(program)
    return {
        "program": program,
        "steps": [(s, offset_label(s.offset_value, s.offset_unit)) for s in steps],
        "count": len(steps),
        "form": form or StepForm(auto_id="new_%s"),
    }


def _editor_response(request: AuthedRequest, program: Program, **extra: Any) -> HttpResponse:
    """HTMX: the editor swapped in place with the messages; a full page: back to it."""
    if not is_htmx(request):
        return redirect("journeys:program", slug=program.slug)
    body = render_to_string("journeys/program.html#editor", _editor(program), request)
    return HttpResponse(body + render_to_string(MESSAGES_TEMPLATE, request=request), **extra)


@not_found_as_404
def program_journey_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = access_managed_program(actor=request.user, slug=slug)
    services.program_journey(program)
    return render(request, "journeys/program.html", _editor(program))


@require_POST
@not_found_as_404
def step_add_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = access_managed_program(actor=request.user, slug=slug)
    form = StepForm(request.POST, auto_id="new_%s")
    try:
        if form.is_valid():
            services.journey_step_add(actor=request.user, program=program, data=form.to_input())
    except InvalidInput as error:
        form.add_service_error(error)
    if not form.errors:
        messages.success(request, _("Step added to the journey."))
        return _editor_response(request, program)
    messages.error(request, form.error_summary())
    return _refused_form(request, "journeys/program.html", _editor(program, form))


def _refused_form(request: AuthedRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """422 with the bound form: the editor in place (HTMX) or the whole page."""
    if is_htmx(request):
        body = render_to_string(f"{template}#editor", context, request)
        body += render_to_string(MESSAGES_TEMPLATE, request=request)
        return HttpResponse(body, status=422, headers={"HX-Reswap": "outerHTML"})
    return render(request, template, context, status=422)


def _program_step(request: AuthedRequest, slug: str, step_id: int) -> JourneyStep:
    step = access_journey_step(actor=request.user, step_id=step_id)
    if step.journey.program.slug != slug:
        raise NotFound(_("No such journey step."))
    return step


@not_found_as_404
def step_edit_view(request: AuthedRequest, slug: str, step_id: int) -> HttpResponse:
    step = _program_step(request, slug, step_id)
    program = step.journey.program
    form = StepForm(request.POST or None, initial=StepForm.initial_of(step), auto_id="edit_%s")
    if request.method == "POST":
        try:
            if form.is_valid():
                services.journey_step_update(actor=request.user, step=step, data=form.to_input())
        except InvalidInput as error:
            form.add_service_error(error)
        if not form.errors:
            messages.success(request, _("Step saved."))
            return redirect("journeys:program", slug=program.slug)
        messages.error(request, form.error_summary())
    context = {"program": program, "step": step, "form": form}
    return render(request, "journeys/step_edit.html", context, status=422 if form.errors else 200)


@require_POST
@not_found_as_404
def step_move_view(request: AuthedRequest, slug: str, step_id: int) -> HttpResponse:
    step = _program_step(request, slug, step_id)
    raw = request.POST.get("position", "")
    position = int(raw) if raw.lstrip("-").isdigit() and len(raw) < 10 else 0
    error = run_action(
        request,
        lambda: services.journey_step_move(actor=request.user, step=step, position=position),
        _("Step moved."),
    )
    return action_response(
        request,
        error,
        page=lambda: redirect("journeys:program", slug=slug),
        swap=lambda: _editor_response(request, step.journey.program),
    )


@require_POST
@not_found_as_404
def step_remove_view(request: AuthedRequest, slug: str, step_id: int) -> HttpResponse:
    step = _program_step(request, slug, step_id)
    error = run_action(
        request,
        lambda: services.journey_step_remove(actor=request.user, step=step),
        _("Step removed from the journey."),
    )
    return action_response(
        request,
        error,
        page=lambda: redirect("journeys:program", slug=slug),
        swap=lambda: _editor_response(request, step.journey.program),
    )


# A relationship's journey (the pair; those who oversee it read) -----------------------


def _pair_context(request: AuthedRequest, relationship: Relationship) -> dict[str, Any]:
    services.program_journey(relationship.program)
    journey = selectors.relationship_journey(relationship=relationship)
    member = actor_side(request.user, relationship) is not None
    return {
        "relationship": relationship,
        "journey": journey,
        "can_mark": member and relationship.is_active,
        "member": member,
    }


@not_found_as_404
def relationship_journey_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = access_relationship(actor=request.user, relationship_id=relationship_id)
    context = _pair_context(request, relationship)
    if is_htmx(request):  # the relationship's page loads the summary into its journey section
        return render(request, "journeys/relationship.html#summary", context)
    return render(request, "journeys/relationship.html", context)


@not_found_as_404
def relationship_step_view(
    request: AuthedRequest, relationship_id: int, step_id: int
) -> HttpResponse:
    relationship = access_relationship(actor=request.user, relationship_id=relationship_id)
    step = services.relationship_step(relationship=relationship, step_id=step_id)
    item = next(
        i
        for i in selectors.relationship_journey(relationship=relationship).items
        if i.step.pk == step.pk
    )
    context: dict[str, Any] = {
        **_pair_context(request, relationship),
        "item": item,
        "offset": offset_label(step.offset_value, step.offset_unit),
    }
    if context["can_mark"] and step.guide_type:
        # "Use this guide": the meeting forms of the relationship's page, filled in.
        kind = MEETING_TYPE[GuideType(step.guide_type)]
        context["schedule_form"] = ScheduleForm(
            initial={"conversation_type": kind}, actor=request.user, auto_id="gs_%s"
        )
        context["log_form"] = LogForm(
            initial={"conversation_type": kind, "topics": step.title[:300]},
            actor=request.user,
            auto_id="gl_%s",
        )
    return render(request, "journeys/step.html", context)


@require_POST
@not_found_as_404
def step_done_view(request: AuthedRequest, relationship_id: int, step_id: int) -> HttpResponse:
    relationship = access_relationship(actor=request.user, relationship_id=relationship_id)
    step = services.relationship_step(relationship=relationship, step_id=step_id)
    done = request.POST.get("done", "1") not in ("0", "false", "")
    error = run_action(
        request,
        lambda: services.journey_step_mark(
            actor=request.user, relationship=relationship, step=step, done=done
        ),
        _("Marked done: %(title)s") % {"title": step.title}
        if done
        else _("Marked not done: %(title)s") % {"title": step.title},
    )
    url = reverse("journeys:relationship", args=[relationship.pk])
    return action_response(
        request,
        error,
        page=lambda: redirect(url),
        swap=lambda: _summary_swap(request, relationship),
    )


def _summary_swap(request: AuthedRequest, relationship: Relationship) -> HttpResponse:
    body = render_to_string(
        "journeys/relationship.html#summary", _pair_context(request, relationship), request
    )
    return HttpResponse(body + render_to_string(MESSAGES_TEMPLATE, request=request))
