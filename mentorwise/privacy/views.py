"""HR admins' privacy page for one person: download the export, erase the person."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import Forbidden, InvalidInput, MentorwiseError
from mentorwise.core.views import not_found_as_404
from mentorwise.people.models import Person
from mentorwise.privacy.erasure import person_erase
from mentorwise.privacy.export import person_export
from mentorwise.privacy.forms import EraseForm
from mentorwise.privacy.permissions import access_person_for_privacy, export_conflict


@not_found_as_404
def person_privacy_view(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = access_person_for_privacy(actor=request.user, person_id=person_id)
    return render(request, "privacy/person.html", _context(request, person, EraseForm()))


def _context(request: AuthedRequest, person: Person, form: EraseForm) -> dict[str, Any]:
    return {
        "person": person,
        "form": form,
        "conflict": export_conflict(actor=request.user, person=person),
    }


@not_found_as_404
def person_export_view(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = access_person_for_privacy(actor=request.user, person_id=person_id)
    try:
        data = person_export(actor=request.user, person=person)
    except Forbidden as error:
        messages.error(request, error.message)
        return redirect("privacy:person", person_id=person.pk)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@not_found_as_404
def person_erase_view(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = access_person_for_privacy(actor=request.user, person_id=person_id)
    form = EraseForm(request.POST)
    if form.is_valid():
        try:
            result = person_erase(
                actor=request.user, person=person, confirm=form.cleaned_data["confirm"]
            )
        except InvalidInput as error:
            form.add_error("confirm", error.errors[0].message)
        except MentorwiseError as error:
            messages.error(request, error.message)
            return redirect("privacy:person", person_id=person.pk)
        else:
            messages.success(request, result.summary())
            return redirect("privacy:person", person_id=person.pk)
    return render(request, "privacy/person.html", _context(request, person, form), status=422)
