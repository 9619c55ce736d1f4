"""Session lifetime and caching rules for signed-in pages.

`SessionLifetimeMiddleware` (after the authentication and messages middleware) signs a
browser session out when it has been idle longer than MENTORWISE_SESSION_IDLE_MINUTES or
is older than MENTORWISE_SESSION_MAX_HOURS, whatever the cookie says;
LoginRequiredMiddleware then sends the browser to the login page. It also marks every
response to a signed-in request `Cache-Control: no-store`, so that pages with personal
data stay out of shared and browser caches (OWASP ASVS 14.3.2).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from mentorwise.accounts.services import user_activity_record
from mentorwise.accounts.two_step import VERIFIED_KEY, two_step_required

STARTED_KEY = "mw_session_started"
SEEN_KEY = "mw_session_seen"
# Writing "last seen" at most this often keeps most requests free of a session write.
SEEN_RESOLUTION_SECONDS = 30


def session_stamp(request: HttpRequest) -> None:
    """Mark the session as started now (called at sign-in)."""
    now = int(time.time())
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = self._check_session(request)
        response = self.get_response(request)
        if signed_in or (getattr(request, "user", None) and request.user.is_authenticated):
            add_never_cache_headers(response)
        return response

    def _check_session(self, request: HttpRequest) -> bool:
        session = getattr(request, "session", None)
        if session is None or not request.user.is_authenticated:
            return False
        if "_auth_user_id" not in session:
            return True  # authenticated another way (API token): no browser session to age
        now = int(time.time())
        started = session.get(STARTED_KEY)
        seen = session.get(SEEN_KEY)
        if started is None or seen is None:
            session_stamp(request)  # sessions from before this rule start counting now
            return True
        idle = settings.MENTORWISE_SESSION_IDLE_MINUTES * 60
        lifetime = settings.MENTORWISE_SESSION_MAX_HOURS * 3600
        if now - seen > idle or now - started > lifetime:
            logout(request)
            messages.info(request, _("Your session expired. Please sign in again."))
            return False
        if now - seen >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_KEY] = now
        # The user row is loaded on every signed-in request anyway; this writes only when
        # the recorded activity is older than ACTIVITY_RESOLUTION.
        user_activity_record(user=request.user)
        return True


class PasswordChangeRequiredMiddleware:
    """A session signed in with a one-time password reaches only the password page.

    Until the person chooses their own password (`User.must_change_password`), every other
    page redirects there (HTMX requests get `HX-Redirect`, the API a 403 with code
    `password_change_required`); signing out still works. Sessions from single sign-on or
    break-glass links are not affected: they were not opened with the one-time password.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_change(request):
            target = reverse("accounts:password_change")
            if request.path not in {target, reverse("logout")}:
                return self._to_password_page(request, target)
        return self.get_response(request)

    @staticmethod
    def _must_change(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return False
        backend = str(request.session.get(BACKEND_SESSION_KEY, ""))
        return backend.endswith(".PasswordBackend")

    @staticmethod
    def _to_password_page(request: HttpRequest, target: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "password_change_required",
                    "message": _("Choose a new password on the account page first."),
                    "errors": [],
                },
                status=403,
            )
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


class TwoStepRequiredMiddleware:
    """A password session of a login that must use two-step sign-in ends unless its second
    step was passed (a session from before MENTORWISE_MFA_REQUIRED named its role, or before
    an HR admin reset the login's authenticator): the person signs in again, with the code or
    by setting up an app. Single sign-on and break-glass sessions are not affected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (
            user is not None
            and user.is_authenticated
            and session is not None
            and str(session.get(BACKEND_SESSION_KEY, "")).endswith(".PasswordBackend")
            and VERIFIED_KEY not in session
            and two_step_required(user)
        ):
            logout(request)
            message = _("Two-step sign-in is required for your role. Please sign in again.")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "two_step_required", "message": message, "errors": []}, status=401
                )
            messages.info(request, message)
            target = reverse("login")
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)
