"""A person's own profile: the shortcut to it and the form for their introduction (bio)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import InvalidInput, MentorwiseError
from mentorwise.people.bio import person_bio_update


def my_profile_view(request: AuthedRequest) -> HttpResponse:
    """The signed-in person's own profile page (404 for a login without a person)."""
    if request.user.person_id is None:
        raise Http404(_("Your login has no employee record."))
    return redirect("people:detail", person_id=request.user.person_id)


@require_POST
def bio_update_view(request: AuthedRequest) -> HttpResponse:
    if request.user.person_id is None:
        raise Http404(_("Your login has no employee record."))
    try:
        person_bio_update(
            actor=request.user, person_id=request.user.person_id, bio=request.POST.get("bio", "")
        )
    except InvalidInput as error:
        # Keep what was typed: the profile page puts it back in the field with the message.
        request.session["people_bio_draft"] = request.POST.get("bio", "")[:5000]
        messages.error(request, " ".join(e.message for e in error.errors))
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your introduction is saved."))
    return redirect("people:detail", person_id=request.user.person_id)
