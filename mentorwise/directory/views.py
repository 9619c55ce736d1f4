"""The people directory and a person's profile page.

They sit above programs because who reads the directory (HR admins and program managers) is
`programs.roles.can_read_directory`; the people app below takes the answer as `directory`.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mentorwise.accounts.http import AuthedRequest
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.errors import NotFound
from mentorwise.people.bio import BIO_MAX_LENGTH
from mentorwise.people.forms import PersonFilterForm
from mentorwise.people.permissions import person_list_read, person_profile_read, profile_filters
from mentorwise.people.selectors import (
    person_ancestors,
    person_career,
    person_filter_options,
    person_list,
    person_team_counts,
    with_managers,
)
from mentorwise.programs.roles import can_read_directory

PAGE_SIZE = 50


def person_list_view(request: AuthedRequest) -> HttpResponse:
    directory = can_read_directory(request.user)
    if not directory:
        raise Http404(_("No such page."))
    options = person_filter_options(actor=request.user, directory=True)
    form = PersonFilterForm(request.GET or None, options=options)
    filters = form.filters()
    people = person_list(actor=request.user, directory=True, filters=filters)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    # Managers in a second query for the 50 shown, not joined to every match before sorting.
    page.object_list = list(page.object_list)
    with_managers(page.object_list)
    person_list_read(actor=request.user, filters=filters, people=page.object_list)
    template = "people/list.html#results" if request.htmx else "people/list.html"
    context = {"form": form, "page": page, "audited": bool(profile_filters(filters))}
    return render(request, template, context)


def person_detail_view(request: AuthedRequest, person_id: int) -> HttpResponse:
    directory = can_read_directory(request.user)
    try:
        person = person_profile_read(actor=request.user, person_id=person_id, directory=directory)
    except NotFound as error:
        raise Http404(error.message) from error
    context = {
        "person": person,
        "chain": list(person_ancestors(person)),
        "team": person_team_counts(person),
        # Participants see their own record only; their managers' pages would be 404s.
        "link_people": directory,
        # One's own page offers the introduction form (with what was typed, after an error).
        "own": person.pk == request.user.person_id,
        "bio_draft": request.session.pop("people_bio_draft", None),
        "bio_max": BIO_MAX_LENGTH,
        # HR admins see the career history the HRIS import and SCIM recorded.
        "career": person_career(person) if is_hr_admin(request.user) else None,
    }
    return render(request, "people/detail.html", context)
