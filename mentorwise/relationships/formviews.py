"""The relationship page's forms: a refused form comes back bound, errors at their fields.

Full page: success redirects (post/redirect/get); a refusal answers 422 with the whole page
and the refused form bound (typed values kept, each error beside its field, the first one
focused by mentorwise.js). HTMX: success reloads the page (`HX-Refresh`);
a refusal answers 422 with only the bound form, swapped over the one that was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import InvalidInput, MentorwiseError, NotFound
from mentorwise.core.forms import PageForm
from mentorwise.core.htmx import MESSAGES_TEMPLATE, action_response, is_htmx, refusal_text
from mentorwise.core.views import not_found_as_404
from mentorwise.relationships import forms, selectors, services
from mentorwise.relationships.closing import closing_preview
from mentorwise.relationships.models import ClosureKind, RelationshipStatus
from mentorwise.relationships.permissions import require_side
from mentorwise.relationships.views import render_pair_page

# Forms that HTMX submits in place: their partial in detail.html.
PARTIALS = {
    "agreement": "agreement-form",
    "goal": "goal-form",
    "schedule": "schedule-form",
    "log": "log-form",
    "checkin": "checkin-form",
}


def _page_url(relationship_id: int, section: str) -> str:
    return f"{reverse('relationships:detail', args=[relationship_id])}#{section}"


def submit(
    request: AuthedRequest,
    *,
    relationship: Any,
    key: str,
    form: PageForm,
    call: Callable[[dict[str, Any]], object],
    success: str,
    section: str,
) -> HttpResponse:
    """Parse `form`, call the service with its values, answer as the module says.

    Only invalid input comes back as a bound form: a refusal of the actor (an overseer is not
    in the pair: 403) or of the state (a closed relationship: 409) is answered as every page
    action answers it (mentorwise.core.htmx), and never renders the relationship.
    """
    url = _page_url(relationship.pk, section)
    try:
        require_side(request.user, relationship)
        if form.is_valid():
            call(form.cleaned_data)
    except NotFound:
        raise
    except InvalidInput as error:
        form.add_service_error(error)
    except MentorwiseError as error:
        messages.error(request, refusal_text(error, forms.FIELD_LABELS))
        return action_response(request, error, page=lambda: redirect(url))
    if form.is_bound and not form.errors:
        messages.success(request, success)
        if is_htmx(request):
            # Reload the page where the person is (a redirect to the same page and another
            # #section would only scroll): the new meeting or goal shows, with the message.
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect(url)
    messages.error(request, form.error_summary())
    if is_htmx(request) and key in PARTIALS:
        body = render_to_string(
            f"relationships/detail.html#{PARTIALS[key]}",
            {**_partial_context(relationship), f"{key}_form": form},
            request,
        )
        body += render_to_string(MESSAGES_TEMPLATE, request=request)
        # mentorwise.js lets htmx swap a 4xx that names its swap: the bound form replaces
        # the one the person sent.
        return HttpResponse(body, status=422, headers={"HX-Reswap": "outerHTML"})
    return render_pair_page(request, relationship, {key: form})


def _partial_context(relationship: Any) -> dict[str, Any]:
    return {"relationship": relationship, "is_active": relationship.is_active}


def _relationship(request: AuthedRequest, relationship_id: int) -> Any:
    return selectors.access_relationship(actor=request.user, relationship_id=relationship_id)


@require_POST
@not_found_as_404
def agreement_update_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = _relationship(request, relationship_id)
    return submit(
        request,
        relationship=relationship,
        key="agreement",
        form=forms.AgreementForm(request.POST, auto_id=forms.AUTO_IDS["agreement"]),
        call=lambda data: services.agreement_update(
            actor=request.user, relationship=relationship, **data
        ),
        success="Agreement saved as a new version; both of you confirm it again.",
        section="agreement",
    )


def _goal_fields(data: dict[str, Any]) -> services.GoalFields:
    return services.GoalFields(**data)


@require_POST
@not_found_as_404
def goal_create_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = _relationship(request, relationship_id)
    return submit(
        request,
        relationship=relationship,
        key="goal",
        form=forms.GoalForm(request.POST, auto_id=forms.AUTO_IDS["goal"]),
        call=lambda data: services.goal_create(
            actor=request.user, relationship=relationship, fields=_goal_fields(data)
        ),
        success="Goal added.",
        section="goals",
    )


@require_POST
@not_found_as_404
def goal_update_view(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    return submit(
        request,
        relationship=goal.relationship,
        key="goal",
        form=forms.GoalForm(request.POST, auto_id=forms.AUTO_IDS["goal"]),
        call=lambda data: services.goal_update(
            actor=request.user, goal=goal, fields=_goal_fields(data)
        ),
        success="Goal saved.",
        section="goals",
    )


@require_POST
@not_found_as_404
def meeting_schedule_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = _relationship(request, relationship_id)
    return submit(
        request,
        relationship=relationship,
        key="schedule",
        form=forms.ScheduleForm(
            request.POST, actor=request.user, auto_id=forms.AUTO_IDS["schedule"]
        ),
        call=lambda data: services.meeting_schedule(
            actor=request.user, relationship=relationship, **data
        ),
        success="Meeting scheduled; both of you received a calendar invitation.",
        section="meetings",
    )


@require_POST
@not_found_as_404
def meeting_reschedule_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    return submit(
        request,
        relationship=meeting.relationship,
        key=f"move-{meeting.pk}",
        form=forms.MoveForm(request.POST, actor=request.user, auto_id=f"move{meeting.pk}_%s"),
        call=lambda data: services.meeting_reschedule(
            actor=request.user, meeting=meeting, starts_at=data["starts_at"]
        ),
        success="Meeting moved; the invitation was updated.",
        section="meetings",
    )


@require_POST
@not_found_as_404
def meeting_log_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = _relationship(request, relationship_id)
    raw_meeting = request.POST.get("meeting", "")
    meeting = None
    if raw_meeting.isdigit():
        meeting = selectors.access_meeting(actor=request.user, meeting_id=int(raw_meeting))
    key, auto_id = ("log", forms.AUTO_IDS["log"])
    if meeting is not None:
        key, auto_id = (f"held-{meeting.pk}", f"held{meeting.pk}_%s")
    form = forms.LogForm(request.POST, actor=request.user, auto_id=auto_id)

    def call(data: dict[str, Any]) -> object:
        data = {k: v for k, v in data.items() if k != "meeting"}
        return services.meeting_log(
            actor=request.user,
            relationship=relationship,
            meeting=meeting,
            log=services.MeetingLog(**data),
        )

    return submit(
        request,
        relationship=relationship,
        key=key,
        form=form,
        call=call,
        success="Meeting logged.",
        section="meetings",
    )


@require_POST
@not_found_as_404
def check_in_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = _relationship(request, relationship_id)
    return submit(
        request,
        relationship=relationship,
        key="checkin",
        form=forms.CheckInForm(request.POST, auto_id=forms.AUTO_IDS["checkin"]),
        call=lambda data: services.check_in_create(
            actor=request.user, relationship=relationship, **data
        ),
        success="Thanks for checking in.",
        section="check-ins",
    )


# Closing: a confirmation step that says what will happen ---------------------------------


@not_found_as_404
def close_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    """GET: what closing will do, with the kind preset sensibly; POST: close."""
    relationship = _relationship(request, relationship_id)
    if relationship.status != RelationshipStatus.ACTIVE:
        return redirect("relationships:detail", relationship_id=relationship.pk)
    preview = closing_preview(actor=request.user, relationship=relationship)
    form = forms.CloseForm(initial={"kind": preview.default_kind})
    if request.method == "POST":
        form = forms.CloseForm(request.POST)
        if form.is_valid():
            try:
                services.relationship_close(
                    actor=request.user, relationship=relationship, **form.cleaned_data
                )
            except NotFound:
                raise
            except MentorwiseError as error:
                form.add_service_error(error)
            else:
                messages.success(request, "Relationship closed; both of you were told.")
                return redirect("relationships:detail", relationship_id=relationship.pk)
        messages.error(request, form.error_summary())
    status = 422 if form.is_bound else 200
    return render(
        request,
        "relationships/close.html",
        {
            "relationship": relationship,
            "preview": preview,
            "form": form,
            "early": ClosureKind.EARLY,
        },
        status=status,
    )
