"""Single sign-on with OpenID Connect; mozilla-django-oidc is the relying party.

What is checked on every sign-in, beyond the library's own checks (signature with the
provider's published keys, expected algorithm, `state` bound to the browser session,
`nonce` bound to that state, PKCE): the ID token's audience must be our client id (and
`azp` when there are several audiences), its issuer the configured issuer, and it must
carry an expiry. The person is then found by (issuer, subject) or, on first sign-in, by
the configured claim (email or employee id), see `sso.linking.sso_user_resolve`.
Configuration (issuer, endpoints, discovery) is `accounts.oidc`.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from mentorwise.accounts.backends import session_user
from mentorwise.accounts.models import User
from mentorwise.accounts.oidc import oidc_enabled, oidc_issuer, oidc_setting
from mentorwise.sso.linking import SignInRefused, sso_refusal_record, sso_user_resolve

logger = logging.getLogger(__name__)

GENERIC_FAILURE = gettext_lazy(
    "Single sign-on did not complete. Please try again; if it keeps failing, contact your HR team."
)


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in people through the identity provider; never creates people, only logins."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Endpoints are resolved when a sign-in actually happens (discovery is a network
        # call), not each time Django loads the backend.
        self.UserModel = get_user_model()

    def _configure(self) -> None:
        self.OIDC_OP_TOKEN_ENDPOINT = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = oidc_setting("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = oidc_setting("OIDC_OP_JWKS_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view passes a nonce; password sign-ins never reach the provider.
        if request is None or "nonce" not in kwargs or not oidc_enabled():
            return None
        self._configure()
        return super().authenticate(request, **kwargs)  # type: ignore[no-any-return]

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation(f"ID token audience {audiences!r} is not this client.")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token has several audiences and no matching azp.")
        if str(payload.get("iss", "")).rstrip("/") != oidc_issuer():
            raise SuspiciousOperation(f"ID token issuer {payload.get('iss')!r} is not trusted.")
        if "exp" not in payload or "sub" not in payload:
            raise SuspiciousOperation("ID token without expiry or subject.")
        return payload

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo subject differs from the ID token subject.")
        claims = {**payload, **userinfo}
        try:
            return sso_user_resolve(issuer=oidc_issuer(), claims=claims)
        except SignInRefused as refusal:
            messages.error(self.request, refusal.message)
            self.request.sso_refusal_reported = True
            return None

    def get_user(self, user_id: Any) -> User | None:
        return session_user(user_id)


class SSOStartView(OIDCAuthenticationRequestView):
    """Redirects the browser to the identity provider (state, nonce and PKCE in the session)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The endpoint is looked up per request in get(), not when the view is built.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404(_("Single sign-on is not configured."))
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ImproperlyConfigured, KeyError):
            logger.exception("OIDC discovery failed")
            messages.error(request, _("The sign-in service could not be reached. Try again later."))
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)  # type: ignore[no-any-return]


class SSOCallbackView(OIDCAuthenticationCallbackView):
    """The provider redirects back here; every failure ends on the login page with a message."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404(_("Single sign-on is not configured."))
        try:
            return super().get(request)  # type: ignore[no-any-return]
        except SuspiciousOperation as error:
            # Forged or replayed state, wrong audience/issuer/nonce, bad signature.
            logger.warning("OIDC sign-in refused: %s", error)
            sso_refusal_record(reason=str(error))
        except requests.RequestException as error:
            logger.warning("OIDC provider request failed: %s", error)
        return self.login_failure()

    @property
    def failure_url(self) -> str:
        return str(resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE))

    def login_failure(self) -> HttpResponse:
        if not getattr(self.request, "sso_refusal_reported", False):
            messages.error(self.request, str(GENERIC_FAILURE))
        return super().login_failure()  # type: ignore[no-any-return]
