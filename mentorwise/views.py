"""Site-wide pages that draw on several apps (the home page)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from mentorwise.accounts.http import AuthedRequest
from mentorwise.insights.access import may_read_insights, may_read_organisation_insights
from mentorwise.insights.home import headline_figures, organisation_counts, oversight_alerts
from mentorwise.notifications.selectors import my_newest_nudges
from mentorwise.programs import selectors as program_selectors
from mentorwise.relationships.home import participant_home


def home_view(request: AuthedRequest) -> HttpResponse:
    """Each role's starting page: what to do next, and for whom (one section per role the
    actor has; each selector returns only what the actor may see)."""
    user = request.user
    programs = program_selectors.home_programs(actor=user)
    context: dict[str, object] = {
        "enrollments": program_selectors.my_enrollment_list(actor=user),
        "managed": programs.managed,
        "open_programs": programs.open,
        "panel": participant_home(actor=user) if user.person_id else None,
        "oversight": oversight_alerts(actor=user),
        "headline": headline_figures(actor=user),
        "organisation": organisation_counts(actor=user),
        "nudges": my_newest_nudges(actor=user),
        "insights": may_read_insights(user),
        "organisation_insights": may_read_organisation_insights(user),
    }
    return render(request, "home.html", context)
