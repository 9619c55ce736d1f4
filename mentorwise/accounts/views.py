"""Account pages: personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.accounts.models import TokenScope
from mentorwise.accounts.services import api_token_create, api_token_revoke
from mentorwise.core.errors import MentorwiseError


def token_list_view(request: AuthedRequest) -> HttpResponse:
    tokens = request.user.api_tokens.all()
    return render(request, "accounts/tokens.html", {"tokens": tokens, "scopes": TokenScope.choices})


@require_POST
def token_create_view(request: AuthedRequest) -> HttpResponse:
    try:
        token, raw = api_token_create(
            actor=request.user,
            name=request.POST.get("name", ""),
            scope=request.POST.get("scope", TokenScope.READ),
        )
    except MentorwiseError as error:
        messages.error(request, error.message)
        return redirect("accounts:tokens")
    tokens = request.user.api_tokens.all()
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": tokens, "scopes": TokenScope.choices, "new_token": raw, "new": token},
    )


@require_POST
def token_revoke_view(request: AuthedRequest, token_id: int) -> HttpResponse:
    try:
        token = api_token_revoke(actor=request.user, token_id=token_id)
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")
