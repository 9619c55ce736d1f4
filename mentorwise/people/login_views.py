"""A person's login, for HR admins: roles and password resets (People → person → Login)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentorwise.accounts.http import AuthedRequest
from mentorwise.accounts.models import TokenScope, User
from mentorwise.accounts.passwords import password_reset_link_send, password_reset_one_time
from mentorwise.accounts.role_services import RoleChange, user_roles_set
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.accounts.two_step import two_step_required, two_step_reset, two_step_status
from mentorwise.core.errors import InvalidInput, MentorwiseError, NotFound
from mentorwise.people.models import Person
from mentorwise.people.permissions import access_person


def person_login_view(request: AuthedRequest, person_id: int) -> HttpResponse:
    """HR admins only (404 for everyone else, like the other HR-admin pages)."""
    if not is_hr_admin(request.user):
        raise Http404(_("No such page."))
    try:
        # Left out, `directory` is the HR-admin rule of `people.permissions` itself.
        person = access_person(actor=request.user, person_id=person_id)
    except NotFound as error:
        raise Http404(error.message) from error
    login = User.objects.select_related("person").filter(person=person).first()
    one_time = ""
    if request.method == "POST" and login is not None:
        one_time = _act(request, login, request.POST.get("action", ""))
        if not one_time:
            return redirect("people:login", person_id=person.pk)
        login.refresh_from_db()
    return render(request, "people/login.html", _context(request, person, login, one_time))


def _act(request: AuthedRequest, login: User, action: str) -> str:
    """Run one action; returns a one-time password to show once, or "" (then redirect)."""
    try:
        if action == "roles":
            change = RoleChange(
                is_hr_admin=request.POST.get("is_hr_admin") == "on",
                is_executive=request.POST.get("is_executive") == "on",
            )
            user_roles_set(actor=request.user, user=login, change=change)
            messages.success(
                request, _("Roles of %(username)s saved.") % {"username": login.get_username()}
            )
        elif action == "reset_link":
            address = password_reset_link_send(actor=request.user, user=login)
            messages.success(
                request,
                _("A link to set a new password was sent to %(address)s.") % {"address": address},
            )
        elif action == "two_step_reset":
            two_step_reset(actor=request.user, user=login)
            done = (
                _("Two-step sign-in of %(username)s reset: they set it up again at sign-in.")
                if two_step_required(login)
                else _(
                    "Two-step sign-in of %(username)s reset: their password alone signs them "
                    "in until they set it up again."
                )
            )
            messages.success(request, done % {"username": login.get_username()})
        elif action == "one_time":
            return password_reset_one_time(actor=request.user, user=login)
        else:
            messages.error(request, _("Unknown action."))
    except InvalidInput as error:
        for problem in error.errors:
            messages.error(request, problem.message)
    except MentorwiseError as error:
        messages.error(request, error.message)
    return ""


def _context(
    request: AuthedRequest, person: Person, login: User | None, one_time: str
) -> dict[str, Any]:
    context: dict[str, Any] = {"person": person, "login": login, "one_time_password": one_time}
    if login is None:
        return context
    target_admin = is_hr_admin(login)
    own = login.pk == request.user.pk
    may_reset = settings.MENTORWISE_LOCAL_LOGIN and not own and login.may_sign_in()
    context.update(
        own=own,
        may_sign_in=login.may_sign_in(),
        target_admin=target_admin,
        local_login=settings.MENTORWISE_LOCAL_LOGIN,
        can_send_link=may_reset and bool(login.email or person.email),
        can_one_time=may_reset and not target_admin,
        identities=login.external_identities.all(),
        scim_tokens=login.api_tokens.filter(scope=TokenScope.SCIM, revoked_at__isnull=True).count(),
        reset_hours=settings.PASSWORD_RESET_TIMEOUT // 3600,
        **two_step_status(login),
    )
    return context
