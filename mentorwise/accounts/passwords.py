"""Passwords: changed by their owner, reset by an HR admin or on the command line.

- A new password passes Django's validators (AUTH_PASSWORD_VALIDATORS), and every problem
  is reported at once.
- Setting a password ends every session of the login: the session check hashes the
  password (`User._get_session_auth_hash`). The page that changes it keeps only the current
  session (`update_session_auth_hash`).
- Every change is audited and the person is told by email (never with the password).
- An HR admin may set a **one-time password** for a login (they hand it over; the next
  password sign-in must choose a new one), but not for another HR admin or a superuser:
  whoever knows a password of a login with the same powers as theirs could act under its
  name in the audit log. For those, an HR admin sends a **reset link**, which reaches the
  login's own mailbox only; with shell access, `mentorwise set-password` works for anyone
  (whoever runs management commands can already read the database).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.functional import Promise
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentorwise.accounts.models import User
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict, FieldError, Forbidden, InvalidInput
from mentorwise.core.languages import speaking_to
from mentorwise.core.mail import email_enqueue

LOCAL_LOGIN_OFF = gettext_lazy(
    "Password sign-in is switched off here (MENTORWISE_LOCAL_LOGIN=false): people sign in "
    "with single sign-on, so passwords cannot be set."
)
ONE_TIME_BYTES = 12  # 16 URL-safe characters, 96 bits


def _new_password_errors(user: User, new: str, confirm: str) -> list[FieldError]:
    errors = []
    if new != confirm:
        errors.append(FieldError("new_password2", _("The two new passwords are not the same.")))
    try:
        validate_password(new, user)
    except ValidationError as error:
        errors.extend(FieldError("new_password1", message) for message in error.messages)
    return errors


def _require_local_passwords() -> None:
    if not settings.MENTORWISE_LOCAL_LOGIN:
        raise Conflict(str(LOCAL_LOGIN_OFF), code="local_login_off")


def _set(user: User, raw: str, *, must_change: bool) -> None:
    user.set_password(raw)
    user.must_change_password = must_change
    user.save(update_fields=["password", "must_change_password"])


def _address(user: User) -> str:
    return user.email or (user.person.email if user.person is not None else "")


def _notify(
    user: User, subject: Promise, what: Promise, values: dict[str, Any] | None = None
) -> None:
    """Tell the person what happened to their password (after commit; never the password),
    in their language: `subject` and `what` are marked texts, `what` filled with `values`."""
    with speaking_to(user):
        greeting = _("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()}
        warning = _("If this was not you or not at your request, contact your HR team at once.")
        email_enqueue(
            to=[_address(user)],
            subject=str(subject),
            body=(
                f"{greeting}\n\n{str(what) % (values or {})}\n\n{warning}\n\n"
                f"Mentorwise: {settings.MENTORWISE_BASE_URL}\n"
            ),
        )


@transaction.atomic
def password_change(*, user: User, current: str, new: str, confirm: str) -> None:
    """The signed-in person replaces their password; the current one is required."""
    _require_local_passwords()
    if not user.has_usable_password():
        raise Conflict(
            _("Your login has no password: you sign in with single sign-on."), code="no_password"
        )
    errors = []
    if not user.check_password(current):
        errors.append(FieldError("old_password", _("This is not your current password.")))
    elif new and new == current:
        errors.append(FieldError("new_password1", _("Choose a password you have not used here.")))
    errors.extend(_new_password_errors(user, new, confirm))
    if errors:
        raise InvalidInput(errors)
    was_one_time = user.must_change_password
    _set(user, new, must_change=False)
    audit_record(
        actor=user,
        action="user.password_changed",
        target=user,
        data={"via": "one_time_password" if was_one_time else "account"},
    )
    _notify(
        user,
        gettext_lazy("Your Mentorwise password was changed"),
        gettext_lazy(
            "The password of your Mentorwise login was just changed. You were signed out on "
            "every other device."
        ),
    )


@transaction.atomic
def password_set_from_link(*, user: User, new: str, confirm: str) -> None:
    """The person sets a new password through a reset link (its token checked by the view)."""
    _require_local_passwords()
    errors = _new_password_errors(user, new, confirm)
    if errors:
        raise InvalidInput(errors)
    _set(user, new, must_change=False)
    audit_record(actor=user, action="user.password_changed", target=user, data={"via": "link"})
    _notify(
        user,
        gettext_lazy("Your Mentorwise password was changed"),
        gettext_lazy(
            "A new password was set for your Mentorwise login through a reset link. Every "
            "session of your login was ended."
        ),
    )


def _require_resetter(actor: User, user: User) -> None:
    if not is_hr_admin(actor):
        raise Forbidden(_("Only HR admins can reset passwords."), code="reset_forbidden")
    _require_local_passwords()
    if actor.pk == user.pk:
        raise InvalidInput(
            [FieldError("user", _("Change your own password on your account page."))]
        )
    if not user.may_sign_in():
        raise InvalidInput(
            [FieldError("user", _("This login may not sign in (deactivated or terminated)."))]
        )


@transaction.atomic
def password_reset_one_time(*, actor: User, user: User) -> str:
    """Give `user` a random one-time password (returned once, never stored in clear); their
    next password sign-in must choose a new one. Not for HR admins and superusers."""
    _require_resetter(actor, user)
    if is_hr_admin(user):
        raise Forbidden(
            _(
                "HR admins cannot set a password for another HR admin: send a reset link "
                "instead (it goes to their own mailbox), or use `mentorwise set-password` on "
                "the server."
            ),
            code="reset_hr_admin",
        )
    raw = secrets.token_urlsafe(ONE_TIME_BYTES)
    _set(user, raw, must_change=True)
    audit_record(
        actor=actor, action="user.password_reset", target=user, data={"via": "one_time_password"}
    )
    _notify(
        user,
        gettext_lazy("A one-time password was set for your Mentorwise login"),
        gettext_lazy(
            "%(hr)s (HR) set a one-time password for your Mentorwise login and will give it "
            "to you. When you sign in with it you will choose your own password. Every session "
            "of your login was ended."
        ),
        {"hr": actor.get_full_name() or actor.get_username()},
    )
    return raw


def password_reset_link(user: User) -> str:
    """The absolute reset URL for `user`; it works until the password changes or
    PASSWORD_RESET_TIMEOUT passes (Django's token hashes the password and last sign-in)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return str(settings.MENTORWISE_BASE_URL).rstrip("/") + path


@transaction.atomic
def password_reset_link_send(*, actor: User, user: User) -> str:
    """Email `user` a link to set a new password; returns the address it went to.

    Works for every login an HR admin may reset, other HR admins included: the link reaches
    only the login's own mailbox, so the sender never learns a password.
    """
    _require_resetter(actor, user)
    address = _address(user)
    if not address:
        raise InvalidInput([FieldError("email", _("This login has no email address."))])
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    audit_record(actor=actor, action="user.password_reset_link_sent", target=user)
    with speaking_to(user):
        greeting = _("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()}
        sent = _(
            "%(hr)s (HR) sent you a link to set a new password for your Mentorwise login "
            "(%(username)s):"
        ) % {"hr": actor.get_full_name() or actor.get_username(), "username": user.get_username()}
        works = ngettext(
            "It works once, for %(hours)s hour. Your current password keeps working until you "
            "use it. If you did not ask for this, ignore this message and tell your HR team.",
            "It works once, for %(hours)s hours. Your current password keeps working until you "
            "use it. If you did not ask for this, ignore this message and tell your HR team.",
            hours,
        ) % {"hours": hours}
        email_enqueue(
            to=[address],
            subject=_("Set a new Mentorwise password"),
            body=f"{greeting}\n\n{sent}\n\n{password_reset_link(user)}\n\n{works}\n",
        )
    return address


@transaction.atomic
def password_set_by_operator(*, user: User, raw: str | None, one_time: bool) -> str:
    """`mentorwise set-password`: set `raw` (validated) or, with `raw` None, a random one;
    `one_time` makes the next password sign-in choose a new one. Returns the password set."""
    _require_local_passwords()
    if raw is None:
        raw = secrets.token_urlsafe(ONE_TIME_BYTES)
    else:
        errors = _new_password_errors(user, raw, raw)
        if errors:
            raise InvalidInput(errors)
    _set(user, raw, must_change=one_time)
    audit_record(
        actor=None,
        action="user.password_reset",
        target=user,
        data={"via": "command_line", "one_time": one_time},
    )
    if one_time:
        what = gettext_lazy(
            "A new password was set for your Mentorwise login on the server's command line (a "
            "one-time password: you will choose your own when you sign in). Every session of "
            "your login was ended."
        )
    else:
        what = gettext_lazy(
            "A new password was set for your Mentorwise login on the server's command line. "
            "Every session of your login was ended."
        )
    _notify(user, gettext_lazy("Your Mentorwise password was set"), what)
    return raw
