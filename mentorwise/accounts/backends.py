"""Authentication backends: who may sign in, and whose session still counts.

`PasswordBackend` is Django's ModelBackend with one more rule: the login must be active
*and* its person neither terminated nor erased (`User.may_sign_in`). Django asks the
backend for the user on every request with a session, so a termination or deactivation
(HRIS import, SCIM, admin) ends the person's open sessions on their next request.

`LoginThrottleBackend` is django-axes' lockout check (per username and address, and per
address across usernames: `LoginThrottleHandler`). It only judges sign-ins that come with
an HTTP request (the login form); a request-less `authenticate()` (management commands,
tests) has no client address to throttle.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mentorwise.accounts import request_memo
from mentorwise.accounts.models import User
from mentorwise.core.db.fixed import FixedQuery

# The login with its person, by primary key: read on every signed-in request.
_USER_WITH_PERSON = FixedQuery(lambda pk: User.objects.select_related("person").filter(pk=pk), int)


def session_user(user_id: Any) -> User | None:
    """The login a session names (`user_id`, its primary key), with its person, if it may
    still sign in (`User.may_sign_in`); None otherwise. Every backend's `get_user`: Django
    calls it on each request with a session, so a deactivated or terminated person's open
    sessions end on their next request."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    if type(pk) is not int:
        return None
    user = _USER_WITH_PERSON.one(pk)
    if user is None or not user.may_sign_in():
        return None
    request_memo.start(user)  # loaded for this request only
    return user


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)  # type: ignore[no-any-return]


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' lockout per username and address, plus a pause per address.

    Password spraying tries a few passwords against many usernames from one address, so no
    username ever reaches the per-user limit. An address is therefore also paused when
    MENTORWISE_LOGIN_ADDRESS_LIMIT different usernames have failed sign-ins from it within
    the cool-off window that were *not* followed by a successful sign-in of that username
    (axes deletes a username's failures at its success). A colleague behind the same office
    NAT who mistypes and then signs in leaves nothing behind, so one address is paused only
    by many unresolved failures for many usernames, not by a few typos.
    """

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if address_failed_usernames(request) >= settings.MENTORWISE_LOGIN_ADDRESS_LIMIT:
            request.mw_address_paused = True  # type: ignore[attr-defined]  # for the template
            return True
        return False


def address_failed_usernames(request: HttpRequest) -> int:
    """How many usernames have unresolved failed sign-ins from this request's address in
    the cool-off window."""
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    usernames: int = (
        AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        )
        .values("username")
        .distinct()
        .count()
    )
    return usernames


def throttle_exempt(request: HttpRequest | None, credentials: dict[str, Any] | None) -> bool:
    """Sign-ins without a username (the single sign-on callback) are not counted or locked.

    Nobody can guess a password there, and counting refused sign-ins per address would let
    a few unknown people behind one office address lock single sign-on for all of them.
    """
    return not (credentials or {}).get("username")


def client_ip(request: HttpRequest) -> str:
    """The client address used for lockouts.

    X-Forwarded-For is trusted only for the MENTORWISE_TRUSTED_PROXY_COUNT proxies that
    append to it: the address they saw is the n-th entry from the right. Entries further
    left are written by the client and ignored, so a forged header cannot dodge a lockout.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.MENTORWISE_TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    forwarded = [part.strip() for part in header.split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


class PasswordBackend(ModelBackend):
    """Username and password, when local passwords are enabled (MENTORWISE_LOCAL_LOGIN)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None  # not a password sign-in (single sign-on has its own backend)
        if request is not None and not settings.MENTORWISE_LOCAL_LOGIN:
            # Password sign-in over HTTP is off: people use single sign-on. Request-less
            # authentication (the break-glass CLI) is not affected.
            raise PermissionDenied(_("Password sign-in is disabled."))
        return super().authenticate(request, username, password, **kwargs)

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(user is not None and user.may_sign_in())

    def get_user(self, user_id: Any) -> User | None:
        return session_user(user_id)


class BreakGlassBackend(PasswordBackend):
    """The backend a break-glass sign-in is recorded under; it authenticates nothing itself.

    `break_glass_view` signs the HR admin in with it, so the session remembers how it began
    (the sign-in is audited as `user.break_glass_used`, never as a password sign-in), while
    the session is checked on every request like a password one (`PasswordBackend.get_user`).
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, **kwargs: Any
    ) -> User | None:
        return None
