"""Sign-in events: audited (OWASP ASVS 16.3.1) and the session's lifetime clock started."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from mentorwise.accounts.middleware import session_stamp
from mentorwise.accounts.two_step import VERIFIED_KEY
from mentorwise.core.audit import audit_record


def _client(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", "")}


@receiver(user_logged_in, dispatch_uid="mentorwise.accounts.logged_in")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_stamp(request)
    # `login()` records the backend in the session; `user.backend` is set only by
    # `authenticate()`, which a break-glass sign-in does not go through.
    session = getattr(request, "session", None)
    backend = str((session or {}).get(BACKEND_SESSION_KEY) or getattr(user, "backend", ""))
    if backend.endswith("BreakGlassBackend"):
        # Its own action, so that break-glass use stands out in the log and is never
        # counted as an ordinary password sign-in.
        audit_record(actor=user, action="user.break_glass_used", target=user, data=_client(request))
        return
    method = (
        "sso"
        if backend.endswith("OIDCBackend")
        else "saml"
        if backend.endswith("SamlBackend")
        else "password"
    )
    # How a password sign-in's second step was passed (authenticator, passkey, recovery code).
    second = str((session or {}).get(VERIFIED_KEY) or "")
    audit_record(
        actor=user,
        action="user.signed_in",
        target=user,
        data={"method": method, **({"second_step": second} if second else {}), **_client(request)},
    )


@receiver(user_logged_out, dispatch_uid="mentorwise.accounts.logged_out")
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="user.signed_out", target=user, data=_client(request))


@receiver(user_login_failed, dispatch_uid="mentorwise.accounts.login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the username is kept (Django already masks the password in `credentials`).
    username = str(credentials.get("username") or "")[:150]
    if not username:
        return
    audit_record(
        actor=None, action="user.sign_in_failed", data={"username": username, **_client(request)}
    )
