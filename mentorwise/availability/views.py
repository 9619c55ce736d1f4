"""The calendar pages: a person's own (/account/calendar/: working hours, connections,
what was written to their calendar) and the HR admins' organisation consent
(/people/calendars/). Secrets are write-only: no page ever shows one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.availability import selectors, services
from mentorwise.availability.forms import CalDavForm, ConsentForm, WorkingHoursForm
from mentorwise.availability.models import Provider
from mentorwise.availability.permissions import access_connection, require_hr_admin
from mentorwise.core.errors import Forbidden, InvalidInput, MentorwiseError
from mentorwise.core.views import not_found_as_404

SESSION_KEY = "mentorwise_calendar_consent"


def _page(request: AuthedRequest, status: int = 200, **forms: Any) -> HttpResponse:
    try:
        page = selectors.calendar_page(actor=request.user)
    except Forbidden:
        raise Http404(_("No such page.")) from None
    context = {
        **page.context(),
        "hours_form": forms.get("hours_form")
        or WorkingHoursForm(initial=WorkingHoursForm.initial_of(page.hours)),
        "caldav_form": forms.get("caldav_form") or CalDavForm(),
    }
    return render(request, "availability/calendar.html", context, status=status)


def calendar_view(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = WorkingHoursForm(request.POST)
    if form.is_valid():
        try:
            services.working_hours_update(actor=request.user, data=form.to_input())
        except InvalidInput as error:
            form.add_service_error(error)
        except Forbidden:
            raise Http404(_("No such page.")) from None
        else:
            messages.success(request, _("Working hours saved."))
            return redirect("availability:calendar")
    return _page(request, 422, hours_form=form)


@require_POST
def caldav_connect_view(request: AuthedRequest) -> HttpResponse:
    form = CalDavForm(request.POST)
    if form.is_valid():
        try:
            services.caldav_connect(actor=request.user, data=form.to_input())
        except InvalidInput as error:
            form.add_service_error(error)
        except Forbidden:
            raise Http404(_("No such page.")) from None
        else:
            messages.success(request, _("Calendar connected. Test it to check it can be read."))
            return redirect("availability:calendar")
    return _page(request, 422, caldav_form=form)


def _callback_url(request: AuthedRequest, provider: str) -> str:
    return request.build_absolute_uri(reverse("availability:callback", args=[provider]))


@require_POST
def oauth_start_view(request: AuthedRequest, provider: str) -> HttpResponse:
    if provider not in (Provider.MICROSOFT, Provider.GOOGLE):
        raise Http404(_("No such page."))
    try:
        start = services.oauth_consent_start(
            actor=request.user, provider=provider, redirect_uri=_callback_url(request, provider)
        )
    except Forbidden:
        raise Http404(_("No such page.")) from None
    except MentorwiseError as error:
        messages.error(request, error.message)
        return redirect("availability:calendar")
    request.session[SESSION_KEY] = {
        "provider": provider,
        "state": start.state,
        "verifier": start.verifier,
    }
    return redirect(start.url)


def oauth_callback_view(request: AuthedRequest, provider: str) -> HttpResponse:
    saved = request.session.pop(SESSION_KEY, None) or {}
    expected = None
    if saved.get("provider") == provider:
        expected = services.ConsentStart("", saved.get("state", ""), saved.get("verifier", ""))
    try:
        services.oauth_consent_finish(
            actor=request.user,
            provider=provider,
            code=request.GET.get("code", ""),
            state=request.GET.get("state", ""),
            expected=expected,
            redirect_uri=_callback_url(request, provider),
        )
    except Forbidden:
        raise Http404(_("No such page.")) from None
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Calendar connected."))
    return redirect("availability:calendar")


@not_found_as_404
@require_POST
def connection_test_view(request: AuthedRequest, connection_id: int) -> HttpResponse:
    connection = access_connection(actor=request.user, connection_id=connection_id)
    try:
        result = services.connection_test(actor=request.user, connection=connection)
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        if result.ok:
            messages.success(request, _("The calendar answered: it can be read."))
        else:
            messages.error(
                request, _("The calendar could not be read: %(why)s") % {"why": result.message}
            )
    return redirect("availability:calendar")


@not_found_as_404
@require_POST
def connection_revoke_view(request: AuthedRequest, connection_id: int) -> HttpResponse:
    connection = access_connection(actor=request.user, connection_id=connection_id)
    services.connection_revoke(actor=request.user, connection=connection)
    messages.success(request, _("Calendar disconnected; its stored credentials were erased."))
    if connection.person_id != getattr(request.user, "person_id", None):
        return redirect("availability_org:organisation")
    return redirect("availability:calendar")


@require_POST
def organisation_opt_out_view(request: AuthedRequest, provider: str) -> HttpResponse:
    if provider not in (Provider.MICROSOFT, Provider.GOOGLE):
        raise Http404(_("No such page."))
    try:
        services.organisation_opt_out(actor=request.user, provider=provider)
    except Forbidden:
        raise Http404(_("No such page.")) from None
    messages.success(request, _("Your calendar is no longer read through the organisation."))
    return redirect("availability:calendar")


# HR admins: the organisation's consent --------------------------------------------------


@not_found_as_404
def organisation_view(request: AuthedRequest) -> HttpResponse:
    require_hr_admin(request.user)
    form = ConsentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.organisation_consent_set(actor=request.user, data=form.to_input())
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Organisation consent saved."))
                return redirect("availability_org:organisation")
        status = 422
    page = selectors.organisation_page(actor=request.user)
    return render(
        request,
        "availability/organisation.html",
        {**page.context(), "form": form},
        status=status,
    )


@not_found_as_404
@require_POST
def organisation_withdraw_view(request: AuthedRequest, provider: str) -> HttpResponse:
    services.organisation_consent_withdraw(actor=request.user, provider=provider)
    messages.success(request, _("Organisation consent withdrawn."))
    return redirect("availability_org:organisation")
