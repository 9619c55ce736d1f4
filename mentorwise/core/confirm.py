"""A confirmation step before a destructive action, one page for all of them.

The button of a destructive action posts as usual; without `confirmed=yes` the view answers
with this page instead of acting: it says what will happen, and its own button posts the same
fields again with `confirmed=yes`. Nothing is changed until then, with or without JavaScript.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "yes"


def needs_confirmation(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") != CONFIRMED


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    button: str,
    cancel_url: str,
    reason: str = "",
    reason_max: int = 0,
) -> HttpResponse:
    """The page that asks first: `consequences` are what will happen, one sentence each.
    With `reason` (its label), the page also asks for an optional `reason` text of at most
    `reason_max` characters, posted with the confirmation."""
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirmed") and not (reason and name == "reason")
        for value in values
    ]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "button": button,
            "cancel_url": cancel_url,
            "fields": fields,
            "action": request.get_full_path(),
            "confirmed": CONFIRMED,
            "reason": reason,
            "reason_max": reason_max,
            "reason_value": request.POST.get("reason", "") if reason else "",
        },
    )
