"""Nudge pages (my reminders, dismiss one, mute non-essential emails) and the outbox."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import NotFound
from mentorwise.core.views import not_found_as_404
from mentorwise.notifications import selectors, services
from mentorwise.relationships.forms import actor_zone


def nudge_list_view(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "notifications/list.html",
        {
            "nudges": selectors.my_nudges(actor=request.user)[:200],
            "muted": selectors.my_nudges_muted(actor=request.user),
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
            _("Only essential reminders will be emailed.")
            if row.mute_non_essential
            else _("All reminders will be emailed again."),
        )
    return redirect("notifications:list")


# Outbox -----------------------------------------------------------------------------------


@not_found_as_404
def outbox_view(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    messages_ = selectors.outbox_messages(actor=request.user, q=q)
    page = Paginator(messages_, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "q": q, "tz": actor_zone(request.user)},
    )


@not_found_as_404
def outbox_message_view(request: AuthedRequest, message_id: int) -> HttpResponse:
    message = selectors.access_outbox_message(actor=request.user, message_id=message_id)
    return render(
        request,
        "notifications/outbox_message.html",
        {"message": message, "tz": actor_zone(request.user)},
    )


@not_found_as_404
def outbox_attachment_view(request: AuthedRequest, message_id: int, number: int) -> HttpResponse:
    """One attachment as its file (an invitation opens in a calendar app)."""
    message = selectors.access_outbox_message(actor=request.user, message_id=message_id)
    if not 1 <= number <= len(message.attachments):
        raise Http404(_("No such attachment."))
    item = message.attachments[number - 1]
    content = base64.b64decode(item["content"]) if item.get("base64") else item["content"]
    response = HttpResponse(
        content, content_type=item.get("mimetype") or "application/octet-stream"
    )
    name = str(item.get("name") or f"attachment-{number}").replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
