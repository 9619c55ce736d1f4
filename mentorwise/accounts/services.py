"""Account use cases: personal API tokens."""

from __future__ import annotations

import secrets

from django.db import transaction
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


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching `raw` (its last use recorded), or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(hashed=token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Record use at most once a minute: a write per API call would serialise readers on SQLite.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
