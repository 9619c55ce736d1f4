"""The relationship page's forms: a refused form comes back bound, errors at their fields.

Full page: success redirects (post/redirect/get); a refusal answers 422 with the whole page
and the refused form bound (typed values kept, each error beside its field, the first one
focused by mentorwise.js). HTMX: success reloads the page (`HX-Refresh`);
a refusal answers 422 with only the bound form, swapped over the one that was sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import InvalidInput, MentorwiseError, NotFound
from mentorwise.core.forms import PageForm
from mentorwise.core.htmx import MESSAGES_TEMPLATE, action_response, is_htmx, refusal_text
from mentorwise.core.views import not_found_as_404
from mentorwise.relationships import forms, inputs, selectors, services
from mentorwise.relationships.closing import closing_preview
from mentorwise.relationships.models import ClosureKind, Relationship, RelationshipStatus
from mentorwise.relationships.permissions import require_side, require_sponsor
from mentorwise.relationships.views import render_pair_page

# Forms that HTMX submits in place: their partial in detail.html, by the name their key
# starts with (a form of one object is keyed `<name>-<pk>`, see forms.object_key).
PARTIALS = {
    "agreement": "agreement-form",
    "goal": "goal-form",
    "schedule": "schedule-form",
    "log": "log-form",
    "checkin": "checkin-form",
    "progress": "goal-progress-form",
    "milestone": "milestone-form",
    "done": "milestone-done-form",
    "note": "private-note-form",
    "sponsorship": "sponsorship-form",
    "outcome": "sponsorship-outcome-form",
}


def _page_url(relationship_id: int, section: str) -> str:
    return f"{reverse('relationships:detail', args=[relationship_id])}#{section}"


def submit(
    request: AuthedRequest,
    *,
    relationship: Relationship,
    key: str,
    form: PageForm,
    call: Callable[[dict[str, Any]], object],
    success: str,
    section: str,
    require: Callable[[Actor, Relationship], object] = require_side,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Parse `form`, call the service with its values, answer as the module says.

    Only invalid input comes back as a bound form: a refusal of the actor (`require`: an
    overseer is not in the pair, only the sponsor records sponsorship: 403) or of the state
    (a closed relationship: 409) is answered as every page action answers it
    (mentorwise.core.htmx), and never renders the relationship. `context` is what the form's
    partial reads besides the form (the goal or meeting it belongs to).
    """
    url = _page_url(relationship.pk, section)
    try:
        # Asked before the form is read: who may not act learns nothing about the input.
        require(request.user, relationship)
        if form.is_valid():
            call(form.cleaned_data)
    except NotFound:
        raise
    except InvalidInput as error:
        form.add_service_error(error)
    except MentorwiseError as error:
        messages.error(request, refusal_text(error, forms.field_labels()))
        return action_response(request, error, page=lambda: redirect(url))
    if form.is_bound and not form.errors:
        messages.success(request, success)
        if is_htmx(request):
            # Reload the page where the person is (a redirect to the same page and another
            # #section would only scroll): the new meeting or goal shows, with the message.
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect(url)
    messages.error(request, form.error_summary())
    partial = PARTIALS.get(key.partition("-")[0])
    if is_htmx(request) and partial is not None:
        body = render_to_string(
            f"relationships/detail.html#{partial}",
            {
                **_partial_context(relationship),
                **(context or {}),
                f"{key}_form": form,
                "form": form,
            },
            request,
        )
        body += render_to_string(MESSAGES_TEMPLATE, request=request)
        # mentorwise.js lets htmx swap a 4xx that names its swap: the bound form replaces
        # the one the person sent.
        return HttpResponse(body, status=422, headers={"HX-Reswap": "outerHTML"})
    return render_pair_page(request, relationship, {key: form})


def _partial_context(relationship: Relationship) -> dict[str, Any]:
    return {"relationship": relationship, "is_active": relationship.is_active}


def _relationship(request: AuthedRequest, relationship_id: int) -> Relationship:
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
            actor=request.user, relationship=relationship, data=inputs.AgreementTerms(**data)
        ),
        success=_("Agreement saved as a new version; both of you confirm it again."),
        section="agreement",
    )


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
            actor=request.user, relationship=relationship, fields=inputs.GoalFields(**data)
        ),
        success=_("Goal added."),
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
            actor=request.user, goal=goal, fields=inputs.GoalFields(**data)
        ),
        success=_("Goal saved."),
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
            actor=request.user, relationship=relationship, data=inputs.MeetingSchedule(**data)
        ),
        success=_("Meeting scheduled; both of you received a calendar invitation."),
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
            actor=request.user, meeting=meeting, data=inputs.MeetingMove(**data)
        ),
        success=_("Meeting moved; the invitation was updated."),
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
            log=inputs.MeetingLog(**data),
        )

    return submit(
        request,
        relationship=relationship,
        key=key,
        form=form,
        call=call,
        success=_("Meeting logged."),
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
            actor=request.user, relationship=relationship, data=inputs.CheckInNew(**data)
        ),
        success=_("Thanks for checking in."),
        section="check-ins",
    )


@require_POST
@not_found_as_404
def goal_progress_view(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    key = forms.object_key("progress", goal.pk)
    return submit(
        request,
        relationship=goal.relationship,
        key=key,
        form=forms.GoalProgressForm(request.POST, auto_id=forms.key_auto_id(key)),
        call=lambda data: services.goal_progress_set(
            actor=request.user, goal=goal, data=inputs.GoalProgressChange(**data)
        ),
        success=_("Progress saved."),
        section=f"goal-{goal.pk}",
        context={"goal": goal},
    )


@require_POST
@not_found_as_404
def milestone_add_view(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = selectors.access_goal(actor=request.user, goal_id=goal_id)
    key = forms.object_key("milestone", goal.pk)
    return submit(
        request,
        relationship=goal.relationship,
        key=key,
        form=forms.MilestoneForm(request.POST, auto_id=forms.key_auto_id(key)),
        call=lambda data: services.milestone_add(
            actor=request.user, goal=goal, data=inputs.MilestoneNew(**data)
        ),
        success=_("Milestone added."),
        section=f"goal-{goal.pk}",
        context={"goal": goal},
    )


@require_POST
@not_found_as_404
def milestone_done_view(request: AuthedRequest, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(actor=request.user, milestone_id=milestone_id)
    key = forms.object_key("done", milestone.pk)
    return submit(
        request,
        relationship=milestone.goal.relationship,
        key=key,
        form=forms.MilestoneDoneForm(request.POST, auto_id=forms.key_auto_id(key)),
        call=lambda data: services.milestone_set_done(
            actor=request.user, milestone=milestone, done=data["done"]
        ),
        success=_("Milestone updated."),
        section=f"goal-{milestone.goal_id}",
        context={"m": milestone},
    )


@require_POST
@not_found_as_404
def private_note_view(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=request.user, meeting_id=meeting_id)
    key = forms.object_key("note", meeting.pk)
    return submit(
        request,
        relationship=meeting.relationship,
        key=key,
        form=forms.PrivateNoteForm(request.POST, auto_id=forms.key_auto_id(key)),
        call=lambda data: services.private_note_write(
            actor=request.user, meeting=meeting, text=data["text"]
        ),
        success=_("Private note saved. Only you can read it."),
        section=f"meeting-{meeting.pk}",
        context={"meeting": meeting},
    )


@require_POST
@not_found_as_404
def sponsorship_create_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = _relationship(request, relationship_id)
    return submit(
        request,
        relationship=relationship,
        key="sponsorship",
        form=forms.SponsorshipForm(request.POST, auto_id=forms.key_auto_id("sponsorship")),
        call=lambda data: services.sponsorship_action_record(
            actor=request.user, relationship=relationship, data=inputs.SponsorshipNew(**data)
        ),
        success=_("Sponsorship action recorded."),
        section="sponsorship",
        require=require_sponsor,
    )


@require_POST
@not_found_as_404
def sponsorship_outcome_view(request: AuthedRequest, action_id: int) -> HttpResponse:
    action = selectors.access_sponsorship_action(actor=request.user, action_id=action_id)
    key = forms.object_key("outcome", action.pk)
    return submit(
        request,
        relationship=action.relationship,
        key=key,
        form=forms.SponsorshipOutcomeForm(request.POST, auto_id=forms.key_auto_id(key)),
        call=lambda data: services.sponsorship_outcome_set(
            actor=request.user, action=action, data=inputs.SponsorshipResult(**data)
        ),
        success=_("Outcome saved."),
        section="sponsorship",
        require=require_sponsor,
        context={"a": action},
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
                    actor=request.user,
                    relationship=relationship,
                    data=inputs.Closure(**form.cleaned_data),
                )
            except NotFound:
                raise
            except MentorwiseError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Relationship closed; both of you were told."))
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
