"""Typed request for views that require a logged-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from mentorwise.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request whose user is authenticated (guaranteed by LoginRequiredMiddleware)."""

    user: User
    htmx: HtmxDetails
