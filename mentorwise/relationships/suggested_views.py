"""The "Suggest times" action of a relationship's meetings: the full page, its HTMX partial,
and picking a time, which fills the schedule form (no meeting is booked until it is sent)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import Forbidden, MentorwiseError
from mentorwise.core.htmx import action_response, is_htmx
from mentorwise.core.views import not_found_as_404
from mentorwise.relationships import forms, selectors
from mentorwise.relationships.suggested import picked_time, suggested_times

TEMPLATE = "relationships/suggested_times.html"


def _minutes(request: AuthedRequest) -> int:
    raw = request.GET.get("minutes", "60")
    return int(raw) if raw.isdigit() and len(raw) < 4 else 60


@not_found_as_404
def suggested_times_view(request: AuthedRequest, relationship_id: int) -> HttpResponse:
    relationship = selectors.access_relationship(
        actor=request.user, relationship_id=relationship_id
    )
    try:
        suggestions = suggested_times(
            actor=request.user, relationship=relationship, duration_minutes=_minutes(request)
        )
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except MentorwiseError as error:
        message = error.message
        return action_response(
            request,
            error,
            page=lambda: render(
                request, TEMPLATE, {"relationship": relationship, "error": message}, status=409
            ),
        )
    context = {"relationship": relationship, "suggestions": suggestions}
    pick = request.GET.get("pick", "")
    if pick:
        context["schedule_form"] = forms.ScheduleForm(
            actor=request.user,
            auto_id=forms.AUTO_IDS["schedule"],
            initial={
                "starts_at": forms.local_input_value(picked_time(pick), request.user),
                "duration_minutes": suggestions.duration_minutes,
            },
        )
        context["is_active"] = True
        if is_htmx(request):
            return render(request, "relationships/detail.html#schedule-form", context)
    name = TEMPLATE + "#suggestions" if is_htmx(request) else TEMPLATE
    return render(request, name, context)
