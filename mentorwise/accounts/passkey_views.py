"""Passkey endpoints for the site script (static/mentorwise/passkeys.js): register one from
the account page or while a required setup holds up a sign-in, and answer the second step.

Each challenge lives in the session for one try: it is removed before the answer is checked,
so a captured answer cannot be replayed. A refused answer at sign-in counts toward the lockout
like a wrong code.
"""

from __future__ import annotations

import base64

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorwise.accounts.models import User
from mentorwise.accounts.passkeys import (
    RelyingParty,
    passkey_check,
    passkey_register,
    passkey_remove,
    registration_challenge,
    sign_in_challenge,
)
from mentorwise.accounts.two_step import VERIFIED_KEY, first_method_codes
from mentorwise.accounts.two_step_views import (
    PENDING_KEY,
    counted_code_check,
    finish_sign_in,
    pending_setup,
    pending_sign_in,
    show_codes,
    sign_in_credentials,
)
from mentorwise.core.errors import InvalidInput, MentorwiseError

REGISTER_KEY = "mw_passkey_register"
SIGN_IN_KEY = "mw_passkey_sign_in"
CODES_KEY = "mw_codes_to_show"


def _keep(request: HttpRequest, key: str, challenge: bytes) -> None:
    request.session[key] = base64.b64encode(challenge).decode("ascii")


def _take(request: HttpRequest, key: str) -> bytes | None:
    kept = request.session.pop(key, None)
    return base64.b64decode(kept) if isinstance(kept, str) else None


def _options(options_json: str) -> HttpResponse:
    response = HttpResponse(options_json, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _too_late() -> JsonResponse:
    """No first step (expired, voided, never made) or no challenge (used up): start again."""
    return _refused(_("Your sign-in took too long. Please sign in again."), status=403)


def _locked(request: HttpRequest) -> JsonResponse:
    """The first step is dropped: after the pause, the password comes first again."""
    request.session.pop(PENDING_KEY, None)
    return _refused(_("Sign-in is paused after too many failed attempts."), status=429)


def _registering_user(request: HttpRequest) -> tuple[User, dict[str, object] | None] | None:
    """Signed in, or held between password and sign-in by a required setup (never a login
    that has a method already: it answers that method)."""
    if request.user.is_authenticated:
        return request.user, None
    return pending_setup(request)


@login_not_required
@require_POST
def register_options_view(request: HttpRequest) -> HttpResponse:
    who = _registering_user(request)
    if who is None:
        return _too_late()
    challenge = registration_challenge(actor=who[0], rp=RelyingParty.of(request))
    _keep(request, REGISTER_KEY, challenge.challenge)
    return _options(challenge.options_json)


@login_not_required
@require_POST
def register_view(request: HttpRequest) -> JsonResponse:
    who = _registering_user(request)
    challenge = _take(request, REGISTER_KEY)
    if who is None or challenge is None:
        return _too_late()
    user, pending = who
    try:
        with counted_code_check(request, user):
            passkey_register(
                actor=user,
                rp=RelyingParty.of(request),
                challenge=challenge,
                credential=request.POST.get("credential", ""),
                name=request.POST.get("name", ""),
                current_code=request.POST.get("current_code", ""),
            )
    except InvalidInput as error:
        return _refused(" ".join(problem.message for problem in error.errors))
    except MentorwiseError as error:
        return _refused(error.message, status=429)
    codes = first_method_codes(actor=user)
    next_url = reverse("accounts:account") + "#two-step"
    if pending is not None:
        next_url = str(pending.get("next") or "/")
        finish_sign_in(request, user, pending, "passkey")
    else:
        request.session[VERIFIED_KEY] = "passkey"
        messages.success(request, _("Passkey added."))
    if codes:
        request.session[CODES_KEY] = {"codes": codes, "next": next_url}
        next_url = reverse("accounts:two_step_codes")
    return JsonResponse({"redirect": next_url})


def codes_view(request: HttpRequest) -> HttpResponse:
    """The recovery codes of a first passkey, shown once."""
    held = request.session.pop(CODES_KEY, None)
    if not isinstance(held, dict):
        return redirect("accounts:account")
    return show_codes(request, list(held["codes"]), str(held["next"]), first=True)


@login_not_required
@require_POST
def sign_in_options_view(request: HttpRequest) -> HttpResponse:
    found = pending_sign_in(request)
    if found is None:
        return _too_late()
    if not AxesProxyHandler.is_allowed(request, sign_in_credentials(found[0])):
        return _locked(request)
    challenge = sign_in_challenge(user=found[0], rp=RelyingParty.of(request))
    _keep(request, SIGN_IN_KEY, challenge.challenge)
    return _options(challenge.options_json)


@login_not_required
@require_POST
def sign_in_view(request: HttpRequest) -> JsonResponse:
    found = pending_sign_in(request)
    challenge = _take(request, SIGN_IN_KEY)
    if found is None or challenge is None:
        return _too_late()
    user, pending = found
    credentials = sign_in_credentials(user)
    if not AxesProxyHandler.is_allowed(request, credentials):
        return _locked(request)
    if passkey_check(
        user=user,
        rp=RelyingParty.of(request),
        challenge=challenge,
        credential=request.POST.get("credential", ""),
    ):
        finish_sign_in(request, user, pending, "passkey")
        return JsonResponse({"redirect": str(pending.get("next") or "/")})
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return _refused(_("That passkey did not sign in. Try again, or enter a code."))


@require_POST
def remove_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    raw_id = request.POST.get("passkey", "")
    try:
        passkey_id = int(raw_id) if raw_id.isdigit() else 0
        with counted_code_check(request, user):
            passkey_remove(actor=user, passkey_id=passkey_id, code=request.POST.get("code", ""))
    except InvalidInput as error:
        for problem in error.errors:
            messages.error(request, problem.message)
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Passkey removed."))
    return redirect(reverse("accounts:account") + "#two-step")
