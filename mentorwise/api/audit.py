"""GET /api/audit: the audit log for HR admins (browser session or an admin-scope token)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import HttpBearer

from mentorwise.accounts.models import TokenScope, User
from mentorwise.accounts.services import api_token_authenticate
from mentorwise.api.auth import session_auth
from mentorwise.api.errors import ERRORS, MAX_INT
from mentorwise.audit.selectors import AuditFilters, audit_search, require_audit_reader
from mentorwise.core.errors import Forbidden


class AuditTokenAuth(HttpBearer):
    """A personal token; only the admin scope may read the audit log (SCIM tokens: 401)."""

    openapi_description = "Personal API token with the admin scope."

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = api_token_authenticate(token)
        if api_token is None or api_token.scope == TokenScope.SCIM:
            return None
        request.user = api_token.user
        require_audit_reader(api_token.user)  # anyone but an HR admin: 404
        if api_token.scope != TokenScope.ADMIN:
            raise Forbidden("Reading the audit log needs an admin-scope token.", code="token_scope")
        return api_token.user


router = Router(auth=[AuditTokenAuth(), session_auth])


class AuditEntryOut(Schema):
    id: int
    created_at: dt.datetime
    actor: str = Field(description="Username, or 'system' for the command line and jobs.")
    action: str
    target_type: str
    target_id: str
    target_label: str
    data: dict[str, Any]


class AuditFilter(Schema):
    actor: str = Field("", max_length=200, description="Part of the actor's username.")
    action: str = Field("", max_length=80, description="An action, or its prefix (`goal`).")
    target_type: str = Field("", max_length=80, description="e.g. `relationships.goal`.")
    target_id: str = Field("", max_length=64)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = Field("", max_length=200, description="Free text in actor, action and object.")
    limit: int = Field(100, ge=1, le=1000)
    # offset + limit must stay a 64-bit integer: the database compares them.
    offset: int = Field(0, ge=0, le=MAX_INT - 1000)


@router.get("", response={200: list[AuditEntryOut], **ERRORS}, summary="Search the audit log")
def audit_list(request: HttpRequest, filters: Query[AuditFilter]) -> list[AuditEntryOut]:
    """HR admins only (404 for everyone else), newest first; entries are never editable."""
    criteria = AuditFilters(
        **filters.model_dump(exclude={"limit", "offset"}),
    )
    entries = audit_search(actor=request.user, filters=criteria)
    return [
        AuditEntryOut(
            id=e.pk,
            created_at=e.created_at,
            actor=e.actor_label,
            action=e.action,
            target_type=e.target_type,
            target_id=e.target_id,
            target_label=e.target_label,
            data=e.data or {},
        )
        for e in entries[filters.offset : filters.offset + filters.limit]
    ]
