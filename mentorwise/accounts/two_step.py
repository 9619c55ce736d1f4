"""Two-step sign-in for password logins: an authenticator app (TOTP) and recovery codes.

Single sign-on leaves the second step to the identity provider; a break-glass link is its
own out-of-band proof. Everything here is per login and acts only on the actor's own login,
except `two_step_reset`, the HR admin's (or the command line's) way back in after a lost
phone.
"""

from __future__ import annotations

import base64
import logging
import secrets
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP

from mentorwise.accounts.models import Authenticator, Passkey, RecoveryCode, User, token_hash
from mentorwise.accounts.roles import is_executive, is_hr_admin
from mentorwise.accounts.services import user_sessions_end
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, Forbidden, InvalidInput
from mentorwise.core.sealed import CannotOpen, seal, unseal

logger = logging.getLogger(__name__)

STEP_SECONDS = 30
DIGITS = 6
# A code from the time step before or after the server's also counts: phones' clocks drift
# and people type slowly (RFC 6238 section 5.2 recommends at most one step).
TOLERANCE_STEPS = 1
RECOVERY_CODE_COUNT = 10
# 16 characters of base32: 80 random bits, so one SHA-256 pass stores them safely.
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
# Who must use the second step (MENTORWISE_MFA_REQUIRED): these role names, or "all".
REQUIRABLE_ROLES = ("hr_admin", "executive", "all")
# In a session: how its second step was passed ("authenticator" or "recovery_code").
VERIFIED_KEY = "mw_two_step"


@dataclass(frozen=True)
class NewAuthenticator:
    """An authenticator being set up: the seed to show once, as text and as an otpauth URI."""

    authenticator_id: int
    secret: str
    uri: str


def uses_authenticator(user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, confirmed=True).exists())


def uses_two_step(user: User) -> bool:
    """An authenticator app or at least one passkey."""
    return uses_authenticator(user) or bool(Passkey.objects.filter(user=user).exists())


def two_step_status(user: User) -> dict[str, Any]:
    """What the account page and the HR admin's Login page show of a login's second step."""
    authenticator = Authenticator.objects.filter(user=user, confirmed=True).first()
    passkeys = list(Passkey.objects.filter(user=user))
    on = authenticator is not None or bool(passkeys)
    return {
        "two_step_on": on,
        "two_step_required": two_step_required(user),
        "two_step_codes_left": recovery_codes_left(user) if on else 0,
        "authenticator": authenticator,
        "passkeys": passkeys,
    }


def two_step_required(user: User) -> bool:
    """Whether this login may not sign in with a password alone (MENTORWISE_MFA_REQUIRED)."""
    required = required_roles()
    return (
        "all" in required
        or ("hr_admin" in required and is_hr_admin(user))  # superusers included
        or ("executive" in required and is_executive(user))
    )


def required_roles() -> set[str]:
    return {role.strip().lower() for role in settings.MENTORWISE_MFA_REQUIRED if role.strip()}


def check_required_roles(**kwargs: object) -> list[CheckMessage]:
    """System check: a misspelt role would silently require nothing."""
    unknown = sorted(required_roles() - set(REQUIRABLE_ROLES))
    if not unknown:
        return []
    return [
        Error(
            f"MENTORWISE_MFA_REQUIRED names unknown roles: {', '.join(unknown)}",
            hint=f"Use {', '.join(REQUIRABLE_ROLES)} (comma-separated).",
            id="mentorwise.E020",
        )
    ]


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _otpauth_uri(user: User, secret: str) -> str:
    issuer = settings.MENTORWISE_MFA_ISSUER
    label = urllib.parse.quote(f"{issuer}:{user.get_username()}")
    query = urllib.parse.urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"


@transaction.atomic
def authenticator_begin(*, actor: User) -> NewAuthenticator:
    """A new seed for the actor's authenticator app, unconfirmed until a code from it is
    entered (`authenticator_confirm`); an earlier unfinished setup is discarded."""
    Authenticator.objects.filter(user=actor, confirmed=False).delete()
    key = secrets.token_bytes(20)  # 160 bits, as RFC 4226 recommends for HMAC-SHA1
    secret = base64.b32encode(key).decode("ascii").rstrip("=")
    pending = Authenticator.objects.create(
        user=actor, name=_("Authenticator app"), confirmed=False, sealed_key=seal(key.hex())
    )
    return NewAuthenticator(pending.pk, secret, _otpauth_uri(actor, secret))


def authenticator_shown_again(
    *, actor: User, authenticator_id: int | None
) -> NewAuthenticator | None:
    """The seed of the actor's unfinished setup again (a reloaded page shows the same one)."""
    pending = Authenticator.objects.filter(pk=authenticator_id, user=actor, confirmed=False).first()
    if pending is None:
        return None
    secret = base64.b32encode(bytes.fromhex(unseal(pending.sealed_key))).decode().rstrip("=")
    return NewAuthenticator(pending.pk, secret, _otpauth_uri(actor, secret))


def _code_error(message: str) -> InvalidInput:
    return InvalidInput([FieldError("code", message)])


def _totp_accepts(authenticator: Authenticator, code: str) -> bool:
    """Check a six-digit code against the seed: throttled (django-otp's back-off), each time
    step accepted once. Saves the authenticator's counters either way."""
    allowed, _detail = authenticator.verify_is_allowed()
    if not allowed:
        return False
    digits = code.replace(" ", "")
    accepted = False
    if len(digits) == DIGITS and digits.isdigit():
        try:
            seed = bytes.fromhex(unseal(authenticator.sealed_key))
        except CannotOpen:
            # The encryption keys changed without the old one kept: the app cannot work
            # until an HR admin resets it (docs/security.md); recovery codes still do.
            logger.error("Authenticator %s: its seed cannot be opened", authenticator.pk)
            return False
        totp = TOTP(seed, STEP_SECONDS, 0, DIGITS)
        totp.time = time.time()
        accepted = bool(totp.verify(int(digits), TOLERANCE_STEPS, authenticator.last_t + 1))
        if accepted:
            authenticator.last_t = totp.t()
            authenticator.throttle_reset(commit=False)
            authenticator.set_last_used_timestamp(commit=False)
            authenticator.save()
    if not accepted:
        authenticator.throttle_increment(commit=True)
    return accepted


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _c in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, hashed=token_hash(_normal_recovery_code(code))) for code in codes
    )
    return codes


def _normal_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


@transaction.atomic
def authenticator_confirm(
    *, actor: User, authenticator_id: int, code: str, current_code: str = ""
) -> list[str]:
    """Turn two-step sign-in on once the app shows a right code; returns the recovery codes,
    which are shown this once and stored only hashed. A login that already has a method
    confirms with it first (`current_code`: from the old app, or a recovery code)."""
    confirm_current_method(actor=actor, code=current_code)
    pending = (
        Authenticator.objects.select_for_update()
        .filter(pk=authenticator_id, user=actor, confirmed=False)
        .first()
    )
    if pending is None:
        raise _code_error(_("This setup has expired. Start again."))
    if not _totp_accepts(pending, code):
        raise _code_error(_("That code is not right. Enter the code your app shows now."))
    Authenticator.objects.filter(user=actor, confirmed=True).delete()  # a replaced phone
    pending.confirmed = True
    pending.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="user.two_step_enabled", target=actor)
    return codes


@transaction.atomic
def second_step_check(*, user: User, code: str) -> str | None:
    """The method that accepted `code` for this login ("authenticator" or "recovery_code"),
    or None. A recovery code is used up, and audited."""
    authenticator = (
        Authenticator.objects.select_for_update().filter(user=user, confirmed=True).first()
    )
    normal = _normal_recovery_code(code)
    if len(normal) == 16 and not normal.isdigit():
        return "recovery_code" if _recovery_code_accepts(user, authenticator, normal) else None
    if authenticator is None:
        return None
    return "authenticator" if _totp_accepts(authenticator, code) else None


def _recovery_code_accepts(user: User, authenticator: Authenticator | None, normal: str) -> bool:
    # 80 random bits: the sign-in lockout is protection enough. The app's back-off does not
    # apply, so that wrong app codes cannot keep the person from their recovery codes.
    used = (
        RecoveryCode.objects.filter(user=user, hashed=token_hash(normal), used_at__isnull=True)
        .select_for_update()
        .first()
    )
    if used is None:
        return False
    used.used_at = timezone.now()
    used.save(update_fields=["used_at"])
    if authenticator is not None:
        authenticator.throttle_reset(commit=True)
    audit_record(
        actor=user,
        action="user.recovery_code_used",
        target=user,
        data={"recovery_codes_left": recovery_codes_left(user)},
    )
    return True


def first_method_codes(*, actor: User) -> list[str]:
    """Recovery codes for a login that has just set up its first method, else none."""
    if RecoveryCode.objects.filter(user=actor, used_at__isnull=True).exists():
        return []
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="user.two_step_enabled", target=actor)
    return codes


class WrongCurrentCode(InvalidInput):
    """A signed-in session gave a wrong code for its current method: the page counts it
    toward the sign-in lockout (outside the rolled-back transaction), so it cannot be guessed."""


def confirm_current_method(*, actor: User, code: str) -> None:
    """Before a method is replaced, added or removed on a login that has one: a code from
    the app or a recovery code, so that a borrowed session cannot take the second step over."""
    if uses_two_step(actor) and second_step_check(user=actor, code=code) is None:
        raise WrongCurrentCode(
            [
                FieldError(
                    "current_code",
                    _("Enter a code from the app you use now, or one of your recovery codes."),
                )
            ]
        )


@transaction.atomic
def recovery_codes_renew(*, actor: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), confirmed with a current code."""
    if not uses_two_step(actor):
        raise _code_error(_("Two-step sign-in is not on."))
    confirm_current_method(actor=actor, code=code)
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="user.recovery_codes_renewed", target=actor)
    return codes


@transaction.atomic
def two_step_turn_off(*, actor: User, code: str) -> None:
    """The actor turns their own two-step sign-in off (not allowed where it is required)."""
    if two_step_required(actor):
        raise Forbidden(_("Two-step sign-in is required for your role here."))
    if not uses_two_step(actor):
        raise _code_error(_("Two-step sign-in is not on."))
    confirm_current_method(actor=actor, code=code)
    two_step_forget(actor)


def two_step_forget(user: User) -> None:
    """Every method and recovery code of the login gone: a password alone signs in again."""
    remove_methods(user)
    audit_record(actor=user, action="user.two_step_disabled", target=user)


def remove_methods(user: User) -> None:
    """The login's app, passkeys and recovery codes deleted (no audit: the caller's job)."""
    Authenticator.objects.filter(user=user).delete()
    Passkey.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


@transaction.atomic
def two_step_reset(*, actor: User | None, user: User) -> None:
    """For a lost phone with no recovery code left: the login's authenticator and codes are
    removed, and its sessions and API tokens end. By an HR admin (not for their own login:
    another HR admin or the command line does that), or the command line (`actor` None)."""
    if actor is not None:
        if not is_hr_admin(actor):
            raise Forbidden(_("Only HR admins can reset two-step sign-in."))
        if actor.pk == user.pk:
            raise Forbidden(
                _("Another HR admin, or the command line, resets your own two-step sign-in.")
            )
    remove_methods(user)
    audit_record(actor=actor, action="user.two_step_reset", target=user)
    user_sessions_end(user=user, reason="two_step_reset", actor=actor)
