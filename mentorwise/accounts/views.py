"""Account pages: sign-in, the account page (sign out everywhere), personal API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.accounts.models import TokenScope
from mentorwise.accounts.oidc import oidc_enabled
from mentorwise.accounts.passwords import password_change, password_set_from_link
from mentorwise.accounts.reach import reach_for
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.accounts.services import (
    api_token_create,
    api_token_revoke,
    break_glass_resolve,
    user_language_set,
    user_sessions_end,
)
from mentorwise.accounts.two_step import two_step_required, two_step_status, uses_two_step
from mentorwise.accounts.two_step_views import begin_second_step
from mentorwise.core.confirm import confirmation_page, needs_confirmation
from mentorwise.core.errors import InvalidInput, MentorwiseError
from mentorwise.core.languages import available, language_name, record_language

BREAK_GLASS_BACKEND = "mentorwise.accounts.backends.BreakGlassBackend"
LOCAL_LOGIN_OFF = gettext_lazy("Password sign-in is switched off here. Use single sign-on.")


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
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        """A right password signs in, unless the login uses or must use two-step sign-in:
        then the code (or setting up an app) comes first (accounts.two_step_views)."""
        user = form.get_user()
        if uses_two_step(user) or two_step_required(user):
            return begin_second_step(self.request, user, self.get_success_url())
        return super().form_valid(form)


def account_view(request: AuthedRequest) -> HttpResponse:
    identities = request.user.external_identities.all()
    return render(
        request,
        "accounts/account.html",
        {
            "identities": identities,
            "local_login": settings.MENTORWISE_LOCAL_LOGIN,
            "active_tokens": request.user.api_tokens.filter(revoked_at__isnull=True).count(),
            "idle_minutes": settings.MENTORWISE_SESSION_IDLE_MINUTES,
            "max_hours": settings.MENTORWISE_SESSION_MAX_HOURS,
            "languages": available(),
            "reach": reach_for(request.user),
            "record_language": (record := record_language(request.user.person)),
            "record_language_name": language_name(record),
            **two_step_status(request.user),
        },
    )


@login_not_required
@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """Chooses the language: kept on the login of a signed-in person (pages and e-mails), and
    in the language cookie (the sign-in page, and after signing out)."""
    code = request.POST.get("language", "")
    target = request.POST.get("next", "")
    # Back to a page of this site only: a path (never a view name or another host).
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if request.user.is_authenticated:
        try:
            user_language_set(actor=request.user, language=code)
        except InvalidInput as error:
            for problem in error.errors:
                messages.error(request, str(problem))
            return response
    elif code not in [language.code for language in available()]:
        return response
    if code:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite="Lax",
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@require_POST
def sign_out_everywhere_view(request: AuthedRequest) -> HttpResponse:
    """Ends every session of this login (this one too) and revokes its API tokens."""
    if needs_confirmation(request):
        return confirmation_page(
            request,
            title=_("Sign out everywhere?"),
            consequences=[
                _("Every session of your login ends, on every device, this one too."),
                _("Every API token of yours is revoked: integrations using them stop working."),
                _("You sign in again to continue."),
            ],
            button=_("Sign out everywhere"),
            cancel_url=reverse("accounts:account"),
        )
    revoked = user_sessions_end(user=request.user, reason="sign_out_everywhere", actor=request.user)
    request.session.flush()
    if revoked:
        text = ngettext(
            "Signed out on every device and %(count)s API token revoked. "
            "Sign in again to continue.",
            "Signed out on every device and %(count)s API tokens revoked. "
            "Sign in again to continue.",
            revoked,
        ) % {"count": revoked}
    else:
        text = _("Signed out on every device. Sign in again to continue.")
    messages.success(request, text)
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
    messages.warning(request, _("Signed in with a break-glass link. This sign-in is audited."))
    return redirect("home")


def _scopes_for(user: Any) -> list[tuple[str, str]]:
    return [
        (value, str(label))
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
    if needs_confirmation(request):
        return confirmation_page(
            request,
            title=_("Revoke this API token?"),
            consequences=[
                _("Programs and integrations that use this token are refused from now on."),
                _("A revoked token cannot be used again; create a new one if needed."),
            ],
            button=_("Revoke the token"),
            cancel_url=reverse("accounts:tokens"),
        )
    try:
        token = api_token_revoke(actor=request.user, token_id=token_id)
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


def password_change_view(request: AuthedRequest) -> HttpResponse:
    """Change one's own password (current one required); other sessions end."""
    context: dict[str, Any] = {
        "local_login": settings.MENTORWISE_LOCAL_LOGIN,
        "has_password": request.user.has_usable_password(),
        "forced": request.user.must_change_password,
        "help": password_validators_help_texts(),
    }
    if request.method == "POST":
        try:
            password_change(
                user=request.user,
                current=request.POST.get("old_password", ""),
                new=request.POST.get("new_password1", ""),
                confirm=request.POST.get("new_password2", ""),
            )
        except InvalidInput as error:
            context["errors"] = _by_field(error)
        except MentorwiseError as error:
            messages.error(request, error.message)
        else:
            # The password is part of the session check: keep this session, end the others.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Password changed. You were signed out on other devices."))
            return redirect("accounts:account")
    return render(request, "accounts/password_change.html", context)


def _by_field(error: InvalidInput) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in error.errors:
        found.setdefault(problem.field, []).append(problem.message)
    return found


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The reset link an HR admin sent: Django checks the token (once, time-limited, and
    moved out of the URL before the form shows); the password is set by our service."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("login")
    reset_url_token = "set-password"  # noqa: S105 - a URL path segment, not a secret

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["help"] = password_validators_help_texts()
        context["local_login"] = settings.MENTORWISE_LOCAL_LOGIN
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            password_set_from_link(
                user=form.user,
                new=form.cleaned_data["new_password1"],
                confirm=form.cleaned_data["new_password2"],
            )
        except MentorwiseError as error:
            messages.error(self.request, error.message)
            return redirect("login")
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your new password is set. Sign in with it."))
        return redirect(self.success_url)
