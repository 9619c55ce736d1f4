"""Account use cases: personal API tokens, ending every session of a login."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mentorwise.accounts.models import ApiToken, TokenScope, User, token_hash
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, InvalidInput, NotFound

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


def api_token_resolve(raw: str, scopes: Iterable[str]) -> ApiToken | None:
    """The active token matching `raw` whose scope is one of `scopes`, or None.

    The token's user must still be allowed to sign in (active login, person neither
    terminated nor erased): a termination stops its tokens on the next call. Last use is
    recorded at most once a minute (a write per call would serialise readers on SQLite).
    """
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__person")
        .filter(hashed=token_hash(raw), revoked_at__isnull=True, scope__in=list(scopes))
        .first()
    )
    if token is None or not token.user.may_sign_in():
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
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
