"""Nudge pages: my reminders, dismiss one, mute non-essential emails."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import NotFound
from mentorwise.notifications import selectors, services


def nudge_list_view(request: AuthedRequest) -> HttpResponse:
    settings_row = selectors.my_settings(actor=request.user)
    return render(
        request,
        "notifications/list.html",
        {
            "nudges": selectors.my_nudges(actor=request.user)[:200],
            "muted": bool(settings_row and settings_row.mute_non_essential),
        },
    )


@require_POST
def nudge_dismiss_view(request: AuthedRequest, nudge_id: int) -> HttpResponse:
    try:
        services.nudge_dismiss(actor=request.user, nudge_id=nudge_id)
    except NotFound as error:
        raise Http404(error.message) from None
    if request.htmx:
        return HttpResponse("")
    return redirect("notifications:list")


@require_POST
def nudge_settings_view(request: AuthedRequest) -> HttpResponse:
    try:
        row = services.nudge_settings_set(
            actor=request.user, mute_non_essential=request.POST.get("mute") == "1"
        )
    except NotFound as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Only essential reminders will be emailed."
            if row.mute_non_essential
            else "All reminders will be emailed again.",
        )
    return redirect("notifications:list")
