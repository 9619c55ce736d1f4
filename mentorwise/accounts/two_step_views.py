"""Two-step sign-in pages: the code after the password, setting up an app, recovery codes.

After a right password, a login that uses (or must use) two-step sign-in is *not* signed in:
the session only remembers, for five minutes, who passed the first step and how
(`begin_second_step`). The code page then signs them in. A wrong code counts as a failed
sign-in for the lockout (django-axes), like a wrong password.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mentorwise.accounts.models import Passkey, User
from mentorwise.accounts.two_step import (
    RECOVERY_CODE_COUNT,
    VERIFIED_KEY,
    NewAuthenticator,
    WrongCurrentCode,
    authenticator_begin,
    authenticator_confirm,
    authenticator_shown_again,
    recovery_codes_left,
    recovery_codes_renew,
    second_step_check,
    two_step_required,
    two_step_turn_off,
    uses_authenticator,
    uses_two_step,
)
from mentorwise.core.errors import Forbidden, InvalidInput, MentorwiseError

PENDING_KEY = "mw_two_step_pending"
SETUP_KEY = "mw_two_step_setup"
PENDING_SECONDS = 300


def _account_section() -> str:
    return reverse("accounts:account") + "#two-step"


def begin_second_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """Remember who passed the password step; send them to the code (or setup) page."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": str(getattr(user, "backend", "")),
        "next": next_url,
        "until": int(time.time()) + PENDING_SECONDS,
        # A password change, "sign out everywhere" or an HR reset voids the first step.
        "auth": user.get_session_auth_hash(),
    }
    if uses_two_step(user):
        return redirect("accounts:two_step_verify")
    return redirect("accounts:two_step_setup")


def pending_sign_in(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.filter(pk=int(pending.get("user") or 0)).first()
    if user is None or not user.may_sign_in():
        return None
    if not constant_time_compare(str(pending.get("auth", "")), user.get_session_auth_hash()):
        request.session.pop(PENDING_KEY, None)
        return None
    return user, pending


def pending_setup(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """A first step that may set a method up: only for a role that requires two-step sign-in
    and has none yet. Anyone else who passed the password must answer their own second step
    (setting up a new method from here would walk around it)."""
    found = pending_sign_in(request)
    if found is None or not two_step_required(found[0]) or uses_two_step(found[0]):
        return None
    return found


def finish_sign_in(request: HttpRequest, user: User, pending: dict[str, Any], method: str) -> None:
    request.session.pop(PENDING_KEY, None)
    request.session[VERIFIED_KEY] = method  # kept by login(); the sign-in's audit entry reads it
    login(request, user, backend=pending["backend"])


def _expired(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Your sign-in took too long. Please sign in again."))
    return redirect("login")


def sign_in_credentials(user: User) -> dict[str, str]:
    return {"username": user.get_username()}


@contextmanager
def counted_code_check(request: HttpRequest, user: User) -> Iterator[None]:
    """Around a signed-in session's check of a current code: refused while the login is
    paused, and a wrong code counts toward the pause like a wrong password (the service's
    transaction rolls its own counters back, so this is what stops guessing)."""
    credentials = sign_in_credentials(user)
    if not AxesProxyHandler.is_allowed(request, credentials):
        raise Forbidden(_("Sign-in is paused after too many failed attempts."))
    try:
        yield
    except WrongCurrentCode:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        raise


def locked_out(request: HttpRequest, user: User) -> HttpResponse:
    """The lockout page; the first step must be passed again once the pause is over."""
    request.session.pop(PENDING_KEY, None)
    response: HttpResponse = get_lockout_response(request, credentials=sign_in_credentials(user))
    return response


@never_cache
@login_not_required
def two_step_verify_view(request: HttpRequest) -> HttpResponse:
    found = pending_sign_in(request)
    if found is None:
        return _expired(request)
    user, pending = found
    if not AxesProxyHandler.is_allowed(request, sign_in_credentials(user)):
        return locked_out(request, user)
    error = ""
    if request.method == "POST":
        method = second_step_check(user=user, code=request.POST.get("code", ""))
        if method is not None:
            finish_sign_in(request, user, pending, method)
            if method == "recovery_code":
                left = recovery_codes_left(user)
                message = ngettext(
                    "You signed in with a recovery code; %(left)s is left. Make new ones on "
                    "your account page.",
                    "You signed in with a recovery code; %(left)s are left. Make new ones on "
                    "your account page.",
                    left,
                )
                messages.warning(request, message % {"left": left})
            return redirect(pending["next"] or "/")
        user_login_failed.send(
            sender=__name__, credentials=sign_in_credentials(user), request=request
        )  # counted toward the lockout, like a wrong password
        error = _("That code is not right. Enter the code your app shows now, or a recovery code.")
        if not AxesProxyHandler.is_allowed(request, sign_in_credentials(user)):
            return locked_out(request, user)
    context = {
        "error": error,
        "has_passkeys": Passkey.objects.filter(user=user).exists(),
        "has_app": uses_authenticator(user),
    }
    return render(request, "accounts/two_step_verify.html", context, status=400 if error else 200)


def _qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no image request, no script)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2933", light="#ffffff")
    return mark_safe(svg)  # segno's own markup; the URI is our seed and the username


def _setup_state(request: HttpRequest, user: User) -> NewAuthenticator:
    """The authenticator being set up in this session (the same seed on reload)."""
    shown = authenticator_shown_again(actor=user, authenticator_id=request.session.get(SETUP_KEY))
    if shown is None:
        shown = authenticator_begin(actor=user)
        request.session[SETUP_KEY] = shown.authenticator_id
    return shown


@never_cache
@login_not_required
def two_step_setup_view(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: signed in (account page), or between password and
    sign-in when the role requires two-step sign-in and none is set up yet."""
    found = None if request.user.is_authenticated else pending_setup(request)
    if not request.user.is_authenticated and found is None:
        if pending_sign_in(request) is not None:
            return redirect("accounts:two_step_verify")  # a method exists: answer it
        return _expired(request)
    user: User = request.user if found is None else found[0]  # type: ignore[assignment]
    if found is not None and not AxesProxyHandler.is_allowed(request, sign_in_credentials(user)):
        return locked_out(request, user)
    setup = _setup_state(request, user)
    error = ""
    if request.method == "POST":
        try:
            with counted_code_check(request, user):
                codes = authenticator_confirm(
                    actor=user,
                    authenticator_id=setup.authenticator_id,
                    code=request.POST.get("code", ""),
                    current_code=request.POST.get("current_code", ""),
                )
        except InvalidInput as problem:
            error = " ".join(e.message for e in problem.errors)
        except MentorwiseError as problem:
            error = problem.message
        else:
            request.session.pop(SETUP_KEY, None)
            next_url = "/"
            if found is not None:
                next_url = found[1]["next"] or "/"
                finish_sign_in(request, user, found[1], "authenticator")
            else:
                request.session[VERIFIED_KEY] = "authenticator"
            return show_codes(request, codes, next_url, first=True)
    context = {
        "setup": setup,
        "qr": _qr_svg(setup.uri),
        "error": error,
        "signing_in": found is not None,
        "replacing": uses_authenticator(user),
        "confirm_current": uses_two_step(user),
    }
    return render(request, "accounts/two_step_setup.html", context, status=400 if error else 200)


def show_codes(
    request: HttpRequest, codes: list[str], next_url: str, *, first: bool
) -> HttpResponse:
    response = render(
        request,
        "accounts/two_step_codes.html",
        {"codes": codes, "next": next_url, "first": first, "count": RECOVERY_CODE_COUNT},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def recovery_codes_renew_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        with counted_code_check(request, user):
            codes = recovery_codes_renew(actor=user, code=request.POST.get("code", ""))
    except MentorwiseError as error:
        _report(request, error)
        return redirect(_account_section())
    return show_codes(request, codes, _account_section(), first=False)


@require_POST
def two_step_turn_off_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        with counted_code_check(request, user):
            two_step_turn_off(actor=user, code=request.POST.get("code", ""))
    except MentorwiseError as error:
        _report(request, error)
    else:
        request.session.pop(VERIFIED_KEY, None)
        messages.success(request, _("Two-step sign-in is off."))
    return redirect(_account_section())


def _report(request: HttpRequest, error: MentorwiseError) -> None:
    if isinstance(error, InvalidInput):
        for problem in error.errors:
            messages.error(request, problem.message)
    else:
        messages.error(request, error.message)
