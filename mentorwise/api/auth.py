"""API authentication: the browser session (with CSRF) or a personal bearer token.

Only read and read-write tokens open the API; SCIM tokens work on /scim/v2 alone. A token
stops working the moment its login is deactivated or its person terminated or erased
(`api_token_resolve`), and a session likewise (`accounts.backends.PasswordBackend`).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from mentorwise.accounts.models import TokenScope, User
from mentorwise.accounts.services import api_token_authenticate
from mentorwise.core.errors import Forbidden

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mw_...`; read-only tokens may only read, SCIM tokens not at all."""

    openapi_description = "Personal API token (create one under API tokens in the web app)."

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        if request.method not in SAFE_METHODS and api_token.scope != TokenScope.ADMIN:
            raise Forbidden("This token is read-only.", code="token_read_only")
        request.user = api_token.user
        return api_token.user


session_auth = SessionAuth()
token_auth = TokenAuth()
