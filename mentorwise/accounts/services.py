"""Account use cases: personal API tokens, ending every session of a login."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mentorwise.accounts.models import ApiToken, ExternalIdentity, TokenScope, User, token_hash
from mentorwise.accounts.roles import is_hr_admin, is_privileged
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, InvalidInput, NotFound
from mentorwise.core.lookups import lower_equals

TOKEN_PREFIX = "mw_"  # noqa: S105 - a visible prefix, not a secret


@transaction.atomic
def api_token_create(*, actor: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a token for `actor`; returns the row and the raw token, which is never stored."""
    name = name.strip()
    errors = []
    if not name:
        errors.append(FieldError("name", "Give the token a name."))
    if scope not in TokenScope.values:
        errors.append(
            FieldError("scope", f"must be one of {', '.join(TokenScope.values)}", value=scope)
        )
    elif scope == TokenScope.SCIM and not is_hr_admin(actor):
        errors.append(
            FieldError("scope", "Only HR admins can create SCIM provisioning tokens.", value=scope)
        )
    if errors:
        raise InvalidInput(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name[:100], prefix=raw[:10], hashed=token_hash(raw), scope=scope
    )
    audit_record(actor=actor, action="api_token.created", target=token, data={"scope": scope})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens; someone else's token is not found."""
    token = ApiToken.objects.select_for_update().filter(user=actor, pk=token_id).first()
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoked", target=token)
    return token


def api_token_find(raw: str, scopes: Iterable[str]) -> ApiToken | None:
    """The active (unrevoked) token matching `raw` whose scope is one of `scopes`, or None.

    Says nothing about its owner: callers check that the owner may still use it.
    """
    if not raw:
        return None
    return (
        ApiToken.objects.select_related("user", "user__person")
        .filter(hashed=token_hash(raw), revoked_at__isnull=True, scope__in=list(scopes))
        .first()
    )


def api_token_touch(token: ApiToken) -> None:
    """Record the token's use, at most once a minute (a write per call would serialise
    readers on SQLite)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    user_activity_record(user=token.user, now=now)


# "Last active" is shown to the day; recording it more often than this would only add writes.
ACTIVITY_RESOLUTION = dt.timedelta(minutes=15)


def user_activity_record(*, user: User, now: dt.datetime | None = None) -> bool:
    """Record that `user` is using Mentorwise now (a page or an API call), at most once per
    ACTIVITY_RESOLUTION; True when it wrote. Mentor cards read it as "last active"."""
    now = now or timezone.now()
    last = user.last_active_at
    if last is not None and now - last < ACTIVITY_RESOLUTION:
        return False
    User.objects.filter(pk=user.pk).update(last_active_at=now)
    user.last_active_at = now
    return True


def api_token_resolve(raw: str, scopes: Iterable[str]) -> ApiToken | None:
    """The active token matching `raw` whose scope is one of `scopes`, or None.

    The token's user must still be allowed to sign in (active login, person neither
    terminated nor erased): a termination stops its tokens on the next call.
    """
    token = api_token_find(raw, scopes)
    if token is None or not token.user.may_sign_in():
        return None
    api_token_touch(token)
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """A token for the regular API (read or admin scope); SCIM tokens only work on /scim/v2."""
    return api_token_resolve(raw, (TokenScope.READ, TokenScope.ADMIN))


@transaction.atomic
def user_sessions_end(*, user: User, reason: str, actor: Any = None) -> int:
    """End every browser session and API token of `user`; returns how many tokens were revoked.

    Sessions: the session generation is part of the session auth hash, so raising it makes
    Django reject every existing session of this login on its next request (any session
    store, no scan of the session table). Tokens: every active one is revoked.
    """
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="user.sessions_ended",
        target=user,
        data={"reason": reason, "tokens_revoked": revoked},
    )
    return revoked


# Single sign-on -------------------------------------------------------------------------


class SignInRefused(Exception):
    """A single sign-on the identity provider accepted but Mentorwise refuses; `message` is
    shown to the person on the login page."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


REFUSED_UNKNOWN = (
    "Your sign-in worked, but no employee record in Mentorwise matches your account "
    "({value}). Ask your HR team to add you."
)
REFUSED_ENDED = (
    "Your employment record in Mentorwise is marked as ended, so you cannot sign in. "
    "Contact your HR team if this is wrong."
)
REFUSED_INACTIVE = "Your Mentorwise login is deactivated. Contact your HR team."
REFUSED_OTHER_IDENTITY = (
    "This employee record is already linked to a different single sign-on account. "
    "Contact your HR team."
)


def _person_model() -> Any:
    # Person lives in a higher layer; the relation on User names it without an import.
    return User._meta.get_field("person").related_model


def _person_for_claims(claims: dict[str, Any]) -> Any:
    """The person the identity provider's claims point to, by the configured field and claim."""
    field = settings.MENTORWISE_OIDC_MATCH_FIELD
    claim = settings.MENTORWISE_OIDC_MATCH_CLAIM
    value = str(claims.get(claim) or "").strip()
    if not value:
        raise SignInRefused(
            f"Your identity provider did not send the “{claim}” claim Mentorwise uses to "
            "find your employee record. Ask your IT team to release it.",
            reason="claim_missing",
        )
    if field == "email" and claims.get("email_verified") in (False, "false"):
        raise SignInRefused(
            "Your identity provider reports your email address as unverified.",
            reason="email_unverified",
        )
    people = _person_model().objects.select_related("user")
    lookup = Q(lower_equals("email", value)) if field == "email" else Q(employee_id=value)
    found = list(people.filter(lookup)[:2])
    if len(found) != 1:
        # None, or (for email) two records with one address: never guess.
        raise SignInRefused(REFUSED_UNKNOWN.format(value=value), reason="person_unknown")
    return found[0]


REFUSED_UNVERIFIED = (
    "Your identity provider did not confirm that your email address is verified, so "
    "Mentorwise cannot use it to find your employee record. Ask your IT team to send the "
    "email_verified claim (or to match sign-ins by employee id)."
)
REFUSED_PRIVILEGED = (
    "Your employee record has a Mentorwise login with administrative rights. Single sign-on "
    "links such a login only with a verified email address or a matching employee id, and "
    "your identity provider sent neither. Ask your IT team."
)


def _email_verified(claims: dict[str, Any]) -> bool:
    # Some providers send the boolean as a string.
    return claims.get("email_verified") in (True, "true")


def _employee_id_matches(claims: dict[str, Any], person: Any) -> bool:
    value = str(claims.get(settings.MENTORWISE_OIDC_EMPLOYEE_ID_CLAIM) or "").strip()
    return bool(value) and value == person.employee_id


def _require_link_evidence(claims: dict[str, Any], person: Any, user: User | None) -> None:
    """Refuse a first sign-in found by an email claim unless the claims prove the address.

    An email claim without `email_verified: true` may be one the person typed into the
    provider themselves. Linking a privileged login (`roles.is_privileged`) needs a verified
    email or an employee-id claim equal to the person's, whatever MENTORWISE_OIDC_TRUST_EMAIL
    says; an ordinary login or a new one needs a verified email unless the operator declared
    the provider's emails trustworthy (it sets them itself and users cannot change them).
    Matching by employee id needs neither: the claim is the provider's record of employment.
    """
    if settings.MENTORWISE_OIDC_MATCH_FIELD != "email" or _email_verified(claims):
        return
    if user is not None and is_privileged(user):
        if not _employee_id_matches(claims, person):
            raise SignInRefused(REFUSED_PRIVILEGED, reason="privileged_unverified")
        return
    if not settings.MENTORWISE_OIDC_TRUST_EMAIL and not _employee_id_matches(claims, person):
        raise SignInRefused(REFUSED_UNVERIFIED, reason="email_unverified")


def _free_username(base: str) -> str:
    base = (base or "user")[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def sso_user_resolve(*, issuer: str, claims: dict[str, Any]) -> User:
    """The login for a verified single sign-on, linking or creating it on first sign-in.

    A known (issuer, subject) is the login it was linked to. Otherwise the person is found
    by the configured claim; an existing login of that person is linked, or a login without
    a password is created for them ("just in time"). Unknown, terminated or erased people
    are refused (`SignInRefused`, with a message for them); links and refusals are audited.
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SuspiciousOperation("ID token without subject.")
    try:
        return _sso_user_resolve(issuer=issuer, subject=subject, claims=claims)
    except SignInRefused as refusal:
        audit_record(
            actor=None,
            action="user.sso_refused",
            data={"issuer": issuer, "subject": subject, "reason": refusal.reason},
        )
        raise


@transaction.atomic
def _sso_user_resolve(*, issuer: str, subject: str, claims: dict[str, Any]) -> User:
    identity = (
        # Lock the identity row only: PostgreSQL refuses FOR UPDATE on the nullable side of
        # the outer join to the person.
        ExternalIdentity.objects.select_for_update(of=("self",))
        .select_related("user", "user__person")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        known = identity.user
        if not known.may_sign_in():
            raise SignInRefused(
                REFUSED_INACTIVE if not known.is_active else REFUSED_ENDED, reason="ended"
            )
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
        return known
    person = _person_for_claims(claims)
    if person.erased_at is not None or not person.is_active_on(timezone.localdate()):
        raise SignInRefused(REFUSED_ENDED, reason="ended")
    user = User.objects.filter(person=person).first()
    _require_link_evidence(claims, person, user)
    if user is not None:
        if not user.is_active:
            raise SignInRefused(REFUSED_INACTIVE, reason="inactive")
        if ExternalIdentity.objects.filter(user=user, issuer=issuer).exists():
            raise SignInRefused(REFUSED_OTHER_IDENTITY, reason="other_identity")
        action = "user.sso_linked"
    else:
        user = User(
            username=_free_username(person.email or person.employee_id),
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            person=person,
        )
        user.set_unusable_password()
        user.save()
        action = "user.sso_created"
    ExternalIdentity.objects.create(
        user=user, issuer=issuer, subject=subject, last_login_at=timezone.now()
    )
    audit_record(
        actor=None, action=action, target=user, data={"issuer": issuer, "subject": subject}
    )
    return user


def sso_refusal_record(*, reason: str) -> None:
    """Audit a single sign-on refused before any identity was known (state, token checks)."""
    audit_record(actor=None, action="user.sso_refused", data={"reason": reason[:200]})


# Break-glass sign-in ---------------------------------------------------------------------

BREAK_GLASS_SALT = "mentorwise.accounts.break-glass"
BREAK_GLASS_MAX_AGE = 15 * 60


def _break_glass_state(user: User) -> list[Any]:
    # Signing in changes last_login, so a link works once; ending sessions also voids it.
    last = int(user.last_login.timestamp()) if user.last_login else 0
    return [user.pk, last, user.session_generation]


def break_glass_link_create(*, username: str) -> str:
    """A one-time sign-in path for an HR admin, valid for 15 minutes (for the CLI).

    Works when password sign-in is off or the identity provider is down; whoever can run
    management commands on the server can already read the database, so it grants nothing
    beyond that access. Audited.
    """
    user = User.objects.select_related("person").filter(username=username).first()
    if user is None:
        raise NotFound(f"No login named {username!r}.")
    if not is_hr_admin(user):
        raise InvalidInput([FieldError("username", "Break-glass sign-in is for HR admins only.")])
    if not user.may_sign_in():
        raise InvalidInput(
            [FieldError("username", "This login may not sign in (deactivated or terminated).")]
        )
    audit_record(actor=None, action="user.break_glass_issued", target=user)
    return signing.dumps(_break_glass_state(user), salt=BREAK_GLASS_SALT, compress=True)


def break_glass_resolve(token: str) -> User:
    """The HR admin a break-glass token was issued for, if it is fresh and unused."""
    try:
        pk, last, generation = signing.loads(
            token, salt=BREAK_GLASS_SALT, max_age=BREAK_GLASS_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        raise NotFound("This break-glass link is invalid, used or expired.") from None
    user = User.objects.select_related("person").filter(pk=pk).first()
    if (
        user is None
        or _break_glass_state(user) != [pk, last, generation]
        or not is_hr_admin(user)
        or not user.may_sign_in()
    ):
        raise NotFound("This break-glass link is invalid, used or expired.")
    return user
