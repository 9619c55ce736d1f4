"""Site-wide pages that draw on several apps (the home page)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from mentorwise.core.http import AuthedRequest


def home_view(request: AuthedRequest) -> HttpResponse:
    """Each role's starting page: what to do next in the programs the actor takes part in."""
    return render(request, "home.html", {})
