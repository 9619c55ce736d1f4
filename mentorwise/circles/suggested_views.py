"""The "Suggest times" action of a circle's meetings: the full page and its HTMX partial.
"Use this time" opens the circle with the schedule form filled in (nothing is booked until
the facilitator sends it)."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from mentorwise.accounts.http import AuthedRequest
from mentorwise.circles import selectors
from mentorwise.circles.suggested import circle_suggested_times
from mentorwise.core.errors import Forbidden, MentorwiseError
from mentorwise.core.htmx import action_response, is_htmx
from mentorwise.core.views import not_found_as_404

TEMPLATE = "circles/suggested_times.html"
# A datetime-local value handed back to the schedule form ("2026-12-08T15:00").
LOCAL_INPUT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def minutes_asked(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 4 else 60


def picked_input(raw: str) -> str:
    """A suggested time for the schedule form, or "" for anything else."""
    return raw if LOCAL_INPUT.fullmatch(raw) else ""


@not_found_as_404
def suggested_times_view(request: AuthedRequest, circle_id: int) -> HttpResponse:
    circle = selectors.access_circle(actor=request.user, circle_id=circle_id)
    try:
        suggestions = circle_suggested_times(
            actor=request.user,
            circle=circle,
            duration_minutes=minutes_asked(request.GET.get("minutes", "60")),
        )
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except MentorwiseError as error:
        message = error.message
        return action_response(
            request,
            error,
            page=lambda: render(
                request, TEMPLATE, {"circle": circle, "error": message}, status=409
            ),
        )
    context = {"circle": circle, "suggestions": suggestions}
    name = TEMPLATE + "#suggestions" if is_htmx(request) else TEMPLATE
    return render(request, name, context)
