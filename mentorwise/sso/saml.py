"""SAML 2.0 sign-in through djangosaml2 (pysaml2): the backend and the views around it.

pysaml2 checks the XML signature (xmlsec1), the audience, the times (with `CLOCK_SKEW`), the
destination and the subject confirmation, and that the response answers a request this
browser made (djangosaml2's outstanding-queries store) unless unsolicited sign-ins are
allowed. On top of that: an assertion is accepted once (`SamlAssertionSeen`), a transient
NameID is refused (it cannot identify anybody twice), and the person is found and linked by
`sso.linking` exactly as for OpenID Connect, with (identity provider, NameID) as the key.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import views as auth_views
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from djangosaml2 import views as saml_views
from djangosaml2.backends import Saml2Backend
from saml2 import class_name
from saml2.request import LogoutRequest as LogoutRequestParser
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_TRANSIENT
from saml2.sigver import SignatureError

from mentorwise.accounts.backends import session_user
from mentorwise.accounts.models import User
from mentorwise.sso.linking import MatchRule, SignInRefused, sso_refusal_record, sso_user_resolve
from mentorwise.sso.models import SamlAssertionSeen, SamlProvider
from mentorwise.sso.oidc import GENERIC_FAILURE
from mentorwise.sso.saml_provider import current_idp, current_provider, saml_enabled

logger = logging.getLogger(__name__)

# Names identity providers commonly give each attribute when the HR admin names none
# (friendly names as pysaml2 converts them, Entra's claim URIs, and the raw OIDs).
WELL_KNOWN = {
    "email": (
        "email",
        "mail",
        "emailAddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "urn:oid:0.9.2342.19200300.100.1.3",
    ),
    "employee_id": (
        "employeeNumber",
        "employeeID",
        "employee_id",
        "http://schemas.microsoft.com/identity/claims/employeeid",
        "urn:oid:2.16.840.1.113730.3.1.3",
    ),
    "given_name": (
        "givenName",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
    ),
    "family_name": (
        "sn",
        "surname",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
    ),
}


def _first(attributes: dict[str, list[Any]], configured: str, claim: str) -> str:
    names = (configured,) if configured else WELL_KNOWN[claim]
    lowered = {key.lower(): value for key, value in attributes.items()}
    for name in names:
        values = lowered.get(name.lower())
        if values:
            return str(values[0]).strip()
    return ""


def claims_from_assertion(
    provider: SamlProvider, ava: dict[str, list[Any]], name_id: Any
) -> dict[str, Any]:
    """The assertion as the claims `sso.linking` reads: sub (the NameID), email, employee id.

    SAML has no "email verified" flag, so none is sent: the HR admin's trust_email setting
    (the match rule) decides for ordinary logins, and privileged ones need the employee id.
    """
    email = _first(ava, provider.email_attribute, "email")
    if not email and getattr(name_id, "format", "") == NAMEID_FORMAT_EMAILADDRESS:
        email = str(name_id.text or "").strip()
    return {
        "sub": str(name_id.text or "").strip(),
        "email": email,
        "employee_id": _first(ava, provider.employee_id_attribute, "employee_id"),
        "given_name": _first(ava, provider.first_name_attribute, "given_name"),
        "family_name": _first(ava, provider.last_name_attribute, "family_name"),
    }


def saml_issuer(entity_id: str) -> str:
    """How a SAML provider is named among linked identities: never equal to an OpenID Connect
    issuer (Entra ID uses one string for both), so a NameID cannot match an OIDC subject."""
    return f"saml:{entity_id}"


def match_rule(provider: SamlProvider) -> MatchRule:
    claim = "email" if provider.match_field == "email" else "employee_id"
    return MatchRule(
        field=provider.match_field,
        claim=claim,
        employee_id_claim="employee_id",
        trust_email=provider.trust_email,
    )


class SamlBackend(Saml2Backend):
    """Signs in the person a verified assertion names; never creates people, only logins."""

    def authenticate(
        self,
        request: HttpRequest | None,
        session_info: dict[str, Any] | None = None,
        assertion_info: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> User | None:
        if request is None or session_info is None or not saml_enabled():
            return None
        provider = current_provider()
        name_id = session_info.get("name_id")
        issuer = str(session_info.get("issuer") or "")
        try:
            if issuer != provider.idp_entity_id:
                raise SignInRefused(GENERIC_FAILURE, reason="saml_issuer_unknown")
            if name_id is None or not str(name_id.text or "").strip():
                raise SignInRefused(GENERIC_FAILURE, reason="saml_name_id_missing")
            if getattr(name_id, "format", "") == NAMEID_FORMAT_TRANSIENT:
                raise SignInRefused(
                    _(
                        "Your identity provider sent a one-time (transient) name for you, so "
                        "Mentorwise cannot recognize you next time. Ask your IT team to send a "
                        "persistent NameID."
                    ),
                    reason="saml_transient_name_id",
                )
            _accept_once(assertion_info or {})
            claims = claims_from_assertion(provider, session_info.get("ava") or {}, name_id)
            return sso_user_resolve(
                issuer=saml_issuer(issuer), claims=claims, rule=match_rule(provider)
            )
        except SignInRefused as refusal:
            if refusal.reason.startswith("saml_"):
                sso_refusal_record(reason=refusal.reason)
            messages.error(request, refusal.message)
            request.sso_refusal_reported = True  # type: ignore[attr-defined]
            return None

    def get_user(self, user_id: Any) -> User | None:
        return session_user(user_id)


def _accept_once(assertion_info: dict[str, Any]) -> None:
    """Refuse an assertion seen before; remember this one until it expires."""
    assertion_id = str(assertion_info.get("assertion_id") or "")
    if not assertion_id:
        raise SignInRefused(GENERIC_FAILURE, reason="saml_assertion_without_id")
    expires = _parse_time(assertion_info.get("not_on_or_after")) or (
        timezone.now() + dt.timedelta(hours=1)
    )
    now = timezone.now()
    SamlAssertionSeen.objects.filter(expires_at__lt=now - dt.timedelta(minutes=5)).delete()
    try:
        with transaction.atomic():
            SamlAssertionSeen.objects.create(assertion_id=assertion_id[:256], expires_at=expires)
    except IntegrityError:
        raise SignInRefused(GENERIC_FAILURE, reason="saml_assertion_replayed") from None


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _require_enabled() -> None:
    if not saml_enabled():
        raise Http404(_("SAML single sign-on is not configured."))


class SamlLoginView(saml_views.LoginView):
    """Sends the browser to the identity provider with a signed AuthnRequest."""

    def load_sso_kwargs_scoping(self, sso_kwargs: dict[str, Any]) -> None:
        """No IdP scoping from the query string: nobody gets the site to sign their list."""

    def add_idp_hinting(self, http_response: HttpResponse) -> None:
        """No idphint passed through from the query string."""
        return None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_enabled()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]


class SamlAcsView(saml_views.AssertionConsumerServiceView):
    """The identity provider posts its response here; every failure ends on the login page."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_enabled()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # djangosaml2 reads parts of the response (the statement, the subject) outside its
        # own error handling: whatever a hostile or broken response raises is a refusal.
        try:
            return super().post(request, *args, **kwargs)  # type: ignore[no-any-return]
        except Exception as error:  # every failure ends on the login page
            return self.handle_acs_failure(request, exception=error)

    def custom_validation(self, response: Any) -> None:
        """Check the assertion pysaml2 settled on once more, on the final document.

        pysaml2 decrypts nested encrypted elements in a second pass and then trusts what it
        finds (an attacker can hide a junk Signature inside encryption and so skip the check
        altogether): the assertion must carry a signature, no Advice (where the nested
        assertions hide), and that signature must verify against the identity provider's
        certificate now.
        """
        assertion = response.assertion
        if assertion is None or assertion.signature is None or assertion.advice is not None:
            self._refuse("saml_assertion_unsigned_or_advice")
        try:
            verified = response.sec.check_signature(
                assertion, class_name(assertion), response.xmlstr, must=True
            )
        except Exception:  # pysaml2 raises for a signature that does not verify
            verified = False
        if not verified:
            self._refuse("saml_assertion_signature_invalid")

    def _refuse(self, reason: str) -> None:
        sso_refusal_record(reason=reason)
        messages.error(self.request, str(GENERIC_FAILURE))
        self.request.sso_refusal_reported = True
        raise SignatureError(reason)

    def handle_acs_failure(
        self,
        request: HttpRequest,
        exception: Exception | None = None,
        status: int = 403,
        **kwargs: Any,
    ) -> HttpResponse:
        if not getattr(request, "sso_refusal_reported", False):
            reason = type(exception).__name__ if exception is not None else "unknown"
            logger.warning("SAML sign-in refused: %s", reason)
            sso_refusal_record(reason=f"saml_{reason}")
            messages.error(request, str(GENERIC_FAILURE))
        return redirect("login")


def _saml_session_with_logout(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    saml_session = getattr(request, "saml_session", None)
    return bool(
        session is not None
        and saml_session is not None
        and str(session.get(BACKEND_SESSION_KEY, "")).endswith(".SamlBackend")
        and saml_session.get("_saml2_subject_id")
        and saml_enabled()
        and _idp_logout_url() != ""
    )


def _idp_logout_url() -> str:
    try:
        idp = current_idp()
    except Exception:  # metadata no longer valid: sign out here only
        return ""
    return idp.slo_url if idp is not None else ""


class SignOutView(auth_views.LogoutView):
    """Signing out (POST). A SAML session whose identity provider offers single logout is
    signed out here and sent to the provider with a signed LogoutRequest, which ends the
    person's other sessions there; any other session ends here only."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _saml_session_with_logout(request):
            response: HttpResponse = saml_views.LogoutInitView.get(self, request)
            return response
        return super().post(request, *args, **kwargs)

    def get_state_client(self, request: HttpRequest) -> Any:
        return saml_views.SPConfigMixin.get_state_client(self, request)

    def get_sp_config(self, request: HttpRequest) -> Any:
        return saml_views.SPConfigMixin.get_sp_config(self, request)

    def get_config_loader_path(self, request: HttpRequest) -> None:
        return None

    def handle_unsupported_slo_exception(
        self, request: HttpRequest, exception: Exception, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        return redirect("login")


class SamlSingleLogoutView(saml_views.LogoutView):
    """The identity provider's logout request or response (single logout).

    A logout request started at the identity provider ends this browser's session only when
    it is signed by the provider (checked against its metadata) and names this session's
    person; anything else, and any malformed message, ends on the login page with the
    session left as it was.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_enabled()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def do_logout_service(
        self, request: HttpRequest, data: Any, binding: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        try:
            if "SAMLRequest" in data and not self._names_this_session(request, data, binding):
                sso_refusal_record(reason="saml_logout_request_refused")
                return redirect("login")
            response: HttpResponse = super().do_logout_service(
                request, data, binding, *args, **kwargs
            )
            return response
        except Exception as error:  # every failure ends on the login page
            logger.warning("SAML logout refused: %s", type(error).__name__)
            sso_refusal_record(reason=f"saml_logout_{type(error).__name__}")
            return redirect("login")

    def _names_this_session(self, request: HttpRequest, data: Any, binding: str) -> bool:
        subject = saml_views._get_subject_id(request.saml_session)  # type: ignore[attr-defined]
        if subject is None:
            return False
        _state, client = self.get_state_client(request)
        parser = LogoutRequestParser(
            client.sec,
            client.config.endpoint("single_logout_service", binding, "sp"),
            client.config.attribute_converters,
        )
        encoded = data["SAMLRequest"]
        parsed = parser.loads(
            client.unravel(encoded, binding, parser.msgtype),
            binding,
            origdoc=encoded,
            must=True,  # signed, whatever the binding
            relay_state=data.get("RelayState"),
            sigalg=data.get("SigAlg"),
            signature=data.get("Signature"),
        )
        parsed.verify()
        name_id = parsed.message.name_id
        return bool(name_id is not None and name_id.text == subject.text)


class SamlMetadataView(saml_views.MetadataView):
    """This site's SP metadata (entity id, assertion consumer and logout URLs, certificate)."""
