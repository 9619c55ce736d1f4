"""Account use cases: personal API tokens, ending every session of a login, break-glass
sign-in. Linking a single sign-on to a person is `mentorwise.sso.linking`."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import ApiToken, TokenScope, User, token_hash
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, Forbidden, InvalidInput, NotFound
from mentorwise.core.languages import available
from mentorwise.core.queries import one_or_none

TOKEN_PREFIX = "mw_"  # noqa: S105 - a visible prefix, not a secret


@transaction.atomic
def api_token_create(*, actor: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a token for `actor`; returns the row and the raw token, which is never stored."""
    name = name.strip()
    errors = []
    if not name:
        errors.append(FieldError("name", _("Give the token a name.")))
    if scope not in TokenScope.values:
        errors.append(
            FieldError(
                "scope",
                _("must be one of %(values)s") % {"values": ", ".join(TokenScope.values)},
                value=scope,
            )
        )
    elif scope == TokenScope.SCIM and not is_hr_admin(actor):
        errors.append(
            FieldError(
                "scope", _("Only HR admins can create SCIM provisioning tokens."), value=scope
            )
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
        raise NotFound(_("No such token."))
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
    return one_or_none(
        ApiToken.objects.select_related("user", "user__person").filter(
            hashed=token_hash(raw), revoked_at__isnull=True, scope__in=list(scopes)
        )
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
def user_sessions_end(*, user: User, reason: str, actor: Actor = None) -> int:
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


def user_language_set(*, actor: Actor, language: str) -> User:
    """`actor` chooses the language of their pages and e-mails; "" means automatic (their HRIS
    record's language, else their browser's)."""
    if not isinstance(actor, User):
        raise Forbidden(_("Sign in to choose a language."))
    codes = [choice.code for choice in available()]
    if language and language not in codes:
        raise InvalidInput(
            [
                FieldError(
                    "language",
                    _("is not a language offered here: %(codes)s") % {"codes": ", ".join(codes)},
                    value=language,
                )
            ]
        )
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
        audit_record(
            actor=actor, action="user.language_set", target=actor, data={"language": language}
        )
    return actor


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
        raise NotFound(_("No login named %(username)s.") % {"username": repr(username)})
    if not is_hr_admin(user):
        raise InvalidInput(
            [FieldError("username", _("Break-glass sign-in is for HR admins only."))]
        )
    if not user.may_sign_in():
        raise InvalidInput(
            [FieldError("username", _("This login may not sign in (deactivated or terminated)."))]
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
        raise NotFound(_("This break-glass link is invalid, used or expired.")) from None
    user = one_or_none(User.objects.select_related("person").filter(pk=pk))
    if (
        user is None
        or _break_glass_state(user) != [pk, last, generation]
        or not is_hr_admin(user)
        or not user.may_sign_in()
    ):
        raise NotFound(_("This break-glass link is invalid, used or expired."))
    return user
