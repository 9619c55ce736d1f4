"""Site-wide pages that draw on several apps (the home page)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mentorwise.accounts.http import AuthedRequest
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.insights.access import may_read_insights, may_read_organisation_insights
from mentorwise.insights.home import headline_figures, oversight_alerts
from mentorwise.notifications.selectors import my_nudges
from mentorwise.people.models import Person
from mentorwise.programs import selectors as program_selectors
from mentorwise.programs.models import EnrollmentStatus, ProgramStatus
from mentorwise.relationships.home import participant_home


def home_view(request: AuthedRequest) -> HttpResponse:
    """Each role's starting page: what to do next, and for whom (one section per role the
    actor has; each selector returns only what the actor may see)."""
    user = request.user
    context: dict[str, object] = {
        "enrollments": program_selectors.my_enrollments(actor=user),
        "managed": program_selectors.program_list(actor=user).filter(managers=user),
        "open_programs": program_selectors.program_list(actor=user, status=ProgramStatus.ENROLLING)[
            :6
        ],
        "panel": participant_home(actor=user) if user.person_id else None,
        "oversight": oversight_alerts(actor=user),
        "headline": headline_figures(actor=user),
        "nudges": my_nudges(actor=user)[:5],
        "insights": may_read_insights(user),
        "organisation_insights": may_read_organisation_insights(user),
    }
    if is_hr_admin(user):
        today = timezone.localdate()
        active = Q(termination_date__isnull=True) | Q(termination_date__gt=today)
        context["workforce"] = Person.objects.aggregate(
            active=Count("id", filter=active),
            hipo=Count("id", filter=active & Q(is_high_potential=True)),
            terminated=Count("id", filter=~active),
        )
        context["programs_by_status"] = (
            program_selectors.program_list(actor=user)
            .values("status")
            .annotate(n=Count("id", distinct=True))
            .order_by("status")
        )
        context["participants"] = program_selectors.enrollment_list(
            actor=user, status=EnrollmentStatus.ACTIVE
        ).count()
    return render(request, "home.html", context)
