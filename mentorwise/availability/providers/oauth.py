"""OAuth 2.0 for Microsoft 365 and Google with Authlib: a person's consent (authorization
code with PKCE S256 and a state), refresh, and the organisation's app-only tokens (Microsoft
client credentials; a Google service account's signed assertion for each person).

Tokens travel as `Tokens` and are sealed by the caller; nothing here logs them.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from requests.exceptions import RequestException

from mentorwise.availability.providers.base import TIMEOUT, ProviderError

SCOPES = {
    "microsoft": "offline_access User.Read Calendars.ReadWrite",
    "google": (
        "https://www.googleapis.com/auth/calendar.freebusy "
        "https://www.googleapis.com/auth/calendar.events"
    ),
}


@dataclass(frozen=True)
class Endpoints:
    authorize_url: str
    token_url: str


@dataclass(frozen=True)
class App:
    """A registered OAuth application (client)."""

    client_id: str
    client_secret: str


@dataclass
class Tokens:
    access_token: str
    refresh_token: str = ""
    expires_at: float = 0.0

    def expired(self, leeway: float = 60.0) -> bool:
        return bool(self.expires_at) and self.expires_at - leeway <= time.time()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_answer(answer: dict[str, Any], previous: Tokens | None = None) -> Tokens:
        expires_at = float(answer.get("expires_at") or 0.0)
        if not expires_at and answer.get("expires_in"):
            expires_at = time.time() + float(answer["expires_in"])
        return Tokens(
            access_token=str(answer["access_token"]),
            # A refresh may not return a new refresh token: keep the old one.
            refresh_token=str(
                answer.get("refresh_token") or (previous.refresh_token if previous else "")
            ),
            expires_at=expires_at,
        )


def new_verifier() -> str:
    """A PKCE code verifier (RFC 7636: 43-128 unreserved characters)."""
    return str(generate_token(64))


def new_state() -> str:
    return str(generate_token(32))


def _session(app: App, *, provider: str, redirect_uri: str = "") -> OAuth2Session:
    return OAuth2Session(
        client_id=app.client_id,
        client_secret=app.client_secret,
        scope=SCOPES[provider],
        redirect_uri=redirect_uri or None,
        code_challenge_method="S256",
        default_timeout=TIMEOUT,
    )


def authorization_url(
    app: App, endpoints: Endpoints, *, provider: str, redirect_uri: str, state: str, verifier: str
) -> str:
    """Where to send the person to consent: code flow, PKCE S256, our state."""
    extra = {"access_type": "offline", "prompt": "consent"} if provider == "google" else {}
    url, _state = _session(
        app, provider=provider, redirect_uri=redirect_uri
    ).create_authorization_url(
        endpoints.authorize_url, state=state, code_verifier=verifier, **extra
    )
    return str(url)


def _fetch(call: Any, what: str) -> dict[str, Any]:
    try:
        answer = call()
    except OAuthError as error:
        # The error code only (invalid_grant...): descriptions may quote the request.
        raise ProviderError(f"{what} was refused ({error.error}).", status=400) from None
    except RequestException:
        raise ProviderError(f"{what}: the sign-in service could not be reached.") from None
    if not isinstance(answer, dict) or "access_token" not in answer:
        raise ProviderError(f"{what}: the answer held no access token.")
    return dict(answer)


def exchange_code(
    app: App, endpoints: Endpoints, *, provider: str, redirect_uri: str, code: str, verifier: str
) -> Tokens:
    session = _session(app, provider=provider, redirect_uri=redirect_uri)
    answer = _fetch(
        lambda: session.fetch_token(
            endpoints.token_url, code=code, code_verifier=verifier, timeout=TIMEOUT
        ),
        "The consent",
    )
    return Tokens.from_answer(answer)


def refresh(app: App, endpoints: Endpoints, *, provider: str, tokens: Tokens) -> Tokens:
    if not tokens.refresh_token:
        raise ProviderError("The calendar's access expired and cannot be renewed: connect again.")
    session = _session(app, provider=provider)
    answer = _fetch(
        lambda: session.refresh_token(
            endpoints.token_url, refresh_token=tokens.refresh_token, timeout=TIMEOUT
        ),
        "Renewing the calendar's access",
    )
    return Tokens.from_answer(answer, tokens)


def client_credentials(app: App, token_url: str, scope: str) -> Tokens:
    """Microsoft's app-only token (the organisation's consent)."""
    session = OAuth2Session(
        client_id=app.client_id,
        client_secret=app.client_secret,
        scope=scope,
        default_timeout=TIMEOUT,
    )
    answer = _fetch(
        lambda: session.fetch_token(token_url, grant_type="client_credentials", timeout=TIMEOUT),
        "The organisation's app credentials",
    )
    return Tokens.from_answer(answer)


def service_account_token(
    *, client_email: str, private_key: str, token_url: str, subject: str, scope: str
) -> Tokens:
    """Google domain-wide delegation: a JWT signed with the service account's key, acting
    as `subject` (the person's e-mail), exchanged at the token endpoint (RFC 7523)."""
    now = int(time.time())
    claims = {
        "iss": client_email,
        "sub": subject,
        "scope": scope,
        "aud": token_url,
        "iat": now,
        "exp": now + 3600,
    }
    try:
        assertion = jwt.encode({"alg": "RS256"}, claims, RSAKey.import_key(private_key))
    except (ValueError, TypeError, JoseError):
        raise ProviderError("The service account's private key cannot sign.") from None
    session = OAuth2Session(default_timeout=TIMEOUT)
    answer = _fetch(
        lambda: session.fetch_token(
            token_url,
            grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer",
            assertion=assertion,
            timeout=TIMEOUT,
        ),
        "The organisation's service account",
    )
    return Tokens.from_answer(answer)
