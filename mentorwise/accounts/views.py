"""Account pages: sign-in, the account page (sign out everywhere), personal API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.accounts.models import TokenScope
from mentorwise.accounts.oidc import oidc_enabled
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.accounts.services import (
    api_token_create,
    api_token_revoke,
    break_glass_resolve,
    user_sessions_end,
)
from mentorwise.core.errors import MentorwiseError

BREAK_GLASS_BACKEND = "mentorwise.accounts.backends.BreakGlassBackend"
LOCAL_LOGIN_OFF = "Password sign-in is switched off here. Use single sign-on."


class SignInView(LoginView):
    """Password form (unless MENTORWISE_LOCAL_LOGIN is off) and the single sign-on button."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            local_login=settings.MENTORWISE_LOCAL_LOGIN,
            sso_enabled=oidc_enabled(),
            sso_name=settings.MENTORWISE_OIDC_PROVIDER_NAME,
            failure_limit=settings.AXES_FAILURE_LIMIT,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.MENTORWISE_LOCAL_LOGIN:
            messages.error(request, LOCAL_LOGIN_OFF)
            return redirect("login")
        return super().post(request, *args, **kwargs)  # type: ignore[no-any-return]


def account_view(request: AuthedRequest) -> HttpResponse:
    identities = request.user.external_identities.all()
    return render(
        request,
        "accounts/account.html",
        {
            "identities": identities,
            "active_tokens": request.user.api_tokens.filter(revoked_at__isnull=True).count(),
            "idle_minutes": settings.MENTORWISE_SESSION_IDLE_MINUTES,
            "max_hours": settings.MENTORWISE_SESSION_MAX_HOURS,
        },
    )


@require_POST
def sign_out_everywhere_view(request: AuthedRequest) -> HttpResponse:
    """Ends every session of this login (this one too) and revokes its API tokens."""
    revoked = user_sessions_end(user=request.user, reason="sign_out_everywhere", actor=request.user)
    request.session.flush()
    note = f" and {revoked} API token{'s' if revoked != 1 else ''} revoked" if revoked else ""
    messages.success(request, f"Signed out on every device{note}. Sign in again to continue.")
    return redirect("login")


@login_not_required
def break_glass_view(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link printed by `mentorwise break-glass-login` (works with SSO down)."""
    try:
        user = break_glass_resolve(token)
    except MentorwiseError as error:
        messages.error(request, error.message)
        return redirect("login")
    if request.method != "POST":
        # A GET only shows a button: link scanners and previews must not use the link up.
        return render(request, "registration/break_glass.html", {"account": user})
    login(request, user, backend=BREAK_GLASS_BACKEND)
    messages.warning(request, "Signed in with a break-glass link. This sign-in is audited.")
    return redirect("home")


def _scopes_for(user: Any) -> list[tuple[str, str]]:
    return [
        (value, label)
        for value, label in TokenScope.choices
        if value != TokenScope.SCIM or is_hr_admin(user)
    ]


def token_list_view(request: AuthedRequest) -> HttpResponse:
    tokens = request.user.api_tokens.all()
    return render(
        request, "accounts/tokens.html", {"tokens": tokens, "scopes": _scopes_for(request.user)}
    )


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
        {"tokens": tokens, "scopes": _scopes_for(request.user), "new_token": raw, "new": token},
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
