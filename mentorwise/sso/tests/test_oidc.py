"""Single sign-on end to end against a real OpenID Connect provider (oidc-provider-mock).

The browser is played by Django's test client (Mentorwise) and `requests` (the provider's
authorization page); Mentorwise itself talks to the provider over HTTP for discovery, the
token exchange, the signing keys and userinfo, exactly as in production.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.accounts import oidc as oidc_config
from mentorwise.accounts.models import ExternalIdentity, User
from mentorwise.core.models import AuditEntry
from mentorwise.sso import oidc
from mentorwise.sso.tests.oidc_provider import running_provider

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CLIENT_ID = "mentorwise"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with running_provider() as issuer:
        yield issuer


@pytest.fixture(autouse=True)
def _sso_settings(settings: Any, provider: str) -> None:
    settings.OIDC_OP_ISSUER = provider
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "test-secret"
    settings.MENTORWISE_OIDC_PROVIDER_NAME = "Acme SSO"
    settings.MENTORWISE_OIDC_MATCH_FIELD = "email"
    settings.MENTORWISE_OIDC_MATCH_CLAIM = "email"
    oidc_config._discovery_cache.clear()


def _set_claims(provider: str, sub: str, *, verified: bool | None = True, **claims: Any) -> None:
    """The provider's claims for `sub`; an email is marked verified unless `verified` says
    otherwise (None: the claim is left out, as Entra ID does)."""
    if "email" in claims and verified is not None:
        claims.setdefault("email_verified", verified)
    response = requests.put(f"{provider}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204, response.text


def _start(client: Client) -> str:
    """Begin sign-in at Mentorwise; returns the provider authorization URL it redirects to."""
    response = client.get("/account/sso/start/")
    assert response.status_code == 302
    return str(response["Location"])


def _authorize(authorization_url: str, sub: str) -> str:
    """The person signs in at the provider; returns the callback URL (path and query)."""
    response = requests.post(
        authorization_url, data={"sub": sub}, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    assert location.netloc == "testserver"
    return urlunsplit(("", "", location.path, location.query, ""))


def _callback(client: Client, callback: str) -> Any:
    return client.get(callback)


def _signed_in(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def _sign_in(client: Client, provider: str, sub: str) -> Any:
    return _callback(client, _authorize(_start(client), sub))


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_login_page_offers_the_provider(client: Client) -> None:
    body = client.get("/login/").content.decode()
    assert "Sign in with Acme SSO" in body
    assert 'name="password"' in body  # local passwords still on by default


def test_first_sign_in_creates_a_login_for_the_person(client: Client, provider: str) -> None:
    person = make_person(email="Ana.Lopez@example.com")
    _set_claims(provider, "okta|ana", email="ana.lopez@example.com", email_verified=True)
    client.get("/login/")
    anonymous_key = client.session.session_key

    authorization_url = _start(client)
    query = parse_qs(urlsplit(authorization_url).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    response = _callback(client, _authorize(authorization_url, "okta|ana"))

    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(person=person)
    assert _signed_in(client) == user.pk
    assert client.session.session_key != anonymous_key  # new session id at sign-in
    assert not user.has_usable_password()
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (provider, "okta|ana")
    assert AuditEntry.objects.filter(action="user.sso_created", target_id=str(user.pk)).exists()
    assert AuditEntry.objects.get(action="user.signed_in").data["method"] == "sso"
    assert client.get("/").status_code == 200

    # The second sign-in finds the login by (issuer, subject), even with a changed email.
    client.post("/logout/")
    _set_claims(provider, "okta|ana", email="ana.new@example.com")
    _sign_in(client, provider, "okta|ana")
    assert _signed_in(client) == user.pk


def test_existing_login_is_linked_by_employee_id(
    client: Client, provider: str, settings: Any
) -> None:
    settings.MENTORWISE_OIDC_MATCH_FIELD = "employee_id"
    settings.MENTORWISE_OIDC_MATCH_CLAIM = "employee_number"
    person = make_person(employee_id="E-4711")
    user = make_user(person)
    _set_claims(provider, "entra|4711", employee_number="E-4711", email="someone@else.example")
    _sign_in(client, provider, "entra|4711")
    assert _signed_in(client) == user.pk
    assert user.has_usable_password()  # the existing password is kept
    assert AuditEntry.objects.filter(action="user.sso_linked").exists()


def test_forged_state_is_refused(client: Client, provider: str) -> None:
    make_person(email="omar@example.com")
    _set_claims(provider, "omar", email="omar@example.com")
    callback = _authorize(_start(client), "omar")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    query["state"] = ["forged-state-value"]
    response = _callback(client, f"{parts.path}?{urlencode(query, doseq=True)}")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert _signed_in(client) is None
    assert not User.objects.filter(email="omar@example.com").exists()
    assert AuditEntry.objects.filter(action="user.sso_refused").exists()
    assert any("did not complete" in m for m in _messages(response))


def test_callback_without_a_started_sign_in_is_refused(client: Client, provider: str) -> None:
    """A code and state made in another browser (login CSRF) are refused in this one."""
    make_person(email="eve@example.com")
    _set_claims(provider, "eve", email="eve@example.com")
    callback = _authorize(_start(Client()), "eve")
    _callback(client, callback)
    assert _signed_in(client) is None


def test_replayed_callback_is_refused(client: Client, provider: str) -> None:
    make_person(email="marta@example.com")
    _set_claims(provider, "marta", email="marta@example.com")
    callback = _authorize(_start(client), "marta")
    _callback(client, callback)
    assert _signed_in(client) is not None
    other = Client()
    other.get("/login/")
    _start(other)  # a sign-in in progress, but with its own state
    _callback(other, callback)
    assert _signed_in(other) is None


def test_wrong_audience_is_refused(
    client: Client, provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ID token the provider issued to another application is not accepted here."""
    make_person(email="sam@example.com")
    _set_claims(provider, "sam", email="sam@example.com")
    authorization_url = _start(client)
    # The code and token are issued to "other-app" (the provider binds the code to it),
    # while state and nonce are this browser's: only the audience check can catch it.
    parts = urlsplit(authorization_url)
    query = parse_qs(parts.query)
    query["client_id"] = ["other-app"]
    forged = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    callback = _authorize(forged, "sam")
    real_get_token = oidc.OIDCBackend.get_token

    def token_for_other_app(self: oidc.OIDCBackend, payload: dict[str, Any]) -> Any:
        token = real_get_token(self, {**payload, "client_id": "other-app"})
        assert token["id_token"]  # the provider did issue a valid token, to the other app
        return token

    monkeypatch.setattr(oidc.OIDCBackend, "get_token", token_for_other_app)
    response = _callback(client, callback)
    assert _signed_in(client) is None
    assert not User.objects.filter(email="sam@example.com").exists()
    entry = AuditEntry.objects.get(action="user.sso_refused")
    assert "audience" in entry.data["reason"]
    assert response["Location"] == "/login/"


def test_replayed_nonce_is_refused(client: Client, provider: str) -> None:
    """An ID token minted for one sign-in attempt cannot complete another one."""
    make_person(email="lee@example.com")
    _set_claims(provider, "lee", email="lee@example.com")
    first = _authorize(_start(client), "lee")  # ID token will carry the first nonce
    second_url = _start(client)  # a second attempt in the same browser: new state, new nonce
    second_state = parse_qs(urlsplit(second_url).query)["state"][0]
    parts = urlsplit(first)
    query = parse_qs(parts.query)
    query["state"] = [second_state]  # the first attempt's code with the second's state
    _callback(client, f"{parts.path}?{urlencode(query, doseq=True)}")
    assert _signed_in(client) is None
    entry = AuditEntry.objects.get(action="user.sso_refused")
    assert "Nonce" in entry.data["reason"]


@pytest.mark.parametrize("already_linked", [False, True])
def test_terminated_person_is_refused(client: Client, provider: str, already_linked: bool) -> None:
    person = make_person(email="gone@example.com")
    _set_claims(provider, "gone", email="gone@example.com")
    if already_linked:
        _sign_in(Client(), provider, "gone")
    person.termination_date = timezone.localdate() - dt.timedelta(days=1)
    person.save(update_fields=["termination_date"])

    response = _sign_in(client, provider, "gone")
    assert _signed_in(client) is None
    assert User.objects.filter(person=person).count() == int(already_linked)
    assert any("marked as ended" in m for m in _messages(response))
    assert AuditEntry.objects.get(action="user.sso_refused").data["reason"] == "ended"


def test_unknown_person_is_refused(client: Client, provider: str) -> None:
    _set_claims(provider, "stranger", email="stranger@example.com")
    response = _sign_in(client, provider, "stranger")
    assert _signed_in(client) is None
    assert not User.objects.filter(email="stranger@example.com").exists()
    assert any("no employee record" in m for m in _messages(response))


def test_unverified_email_is_refused(client: Client, provider: str) -> None:
    make_person(email="unverified@example.com")
    _set_claims(provider, "unverified", email="unverified@example.com", email_verified=False)
    _sign_in(client, provider, "unverified")
    assert _signed_in(client) is None


def test_email_reassigned_to_another_subject_cannot_take_over(
    client: Client, provider: str
) -> None:
    """Identity is (issuer, subject): a second IdP account with the same email is refused."""
    person = make_person(email="kim@example.com")
    _set_claims(provider, "kim-original", email="kim@example.com")
    _sign_in(Client(), provider, "kim-original")
    _set_claims(provider, "kim-impostor", email="kim@example.com")
    response = _sign_in(client, provider, "kim-impostor")
    assert _signed_in(client) is None
    assert any("different single sign-on account" in m for m in _messages(response))
    assert ExternalIdentity.objects.get(user__person=person).subject == "kim-original"


def test_local_login_off_leaves_only_single_sign_on(
    client: Client, provider: str, settings: Any
) -> None:
    settings.MENTORWISE_LOCAL_LOGIN = False
    user = make_user(make_person())
    body = client.get("/login/").content.decode()
    assert "Sign in with Acme SSO" in body
    assert 'name="password"' not in body
    response = client.post(
        "/login/", {"username": user.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert _signed_in(client) is None


def test_sso_routes_are_404_when_not_configured(client: Client, settings: Any) -> None:
    settings.OIDC_OP_ISSUER = ""
    assert client.get("/account/sso/start/").status_code == 404
    assert client.get("/account/sso/callback/?code=x&state=y").status_code == 404
    assert "Sign in with" not in client.get("/login/").content.decode()


def test_refused_sso_sign_ins_do_not_lock_single_sign_on(
    client: Client, provider: str, settings: Any
) -> None:
    """Unknown people behind one office address must not lock SSO for their colleagues."""
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 2
    for n in range(3):
        _set_claims(provider, f"visitor{n}", email=f"visitor{n}@example.com")
        _sign_in(Client(), provider, f"visitor{n}")
    make_person(email="colleague@example.com")
    _set_claims(provider, "colleague", email="colleague@example.com")
    _sign_in(client, provider, "colleague")
    assert _signed_in(client) is not None
    assert not AccessAttempt.objects.exists()


# Linking an existing login by an email claim ----------------------------------------------


def _privileged(kind: str, request: pytest.FixtureRequest) -> User:
    from mentorwise.accounts.models import TokenScope
    from mentorwise.accounts.services import api_token_create

    person = make_person(email="boss@example.com", employee_id="E-900")
    if kind == "hr_admin":
        return make_user(person, is_hr_admin=True)
    if kind == "executive":
        return make_user(person, is_executive=True)
    user = make_user(person)
    if kind == "program_manager":
        request.getfixturevalue("program").managers.add(user)  # the root conftest's program
    else:
        api_token_create(actor=user, name="sync", scope=TokenScope.ADMIN)
    return user


@pytest.mark.parametrize("kind", ["hr_admin", "executive", "program_manager", "admin_token"])
def test_privileged_login_is_never_linked_by_an_unverified_email(
    client: Client, provider: str, settings: Any, kind: str, request: pytest.FixtureRequest
) -> None:
    """An email claim the provider does not vouch for must not hand over an admin's login,
    even where the operator trusts the provider's emails for ordinary logins."""
    settings.MENTORWISE_OIDC_TRUST_EMAIL = True
    user = _privileged(kind, request)
    _set_claims(provider, "attacker", verified=None, email="boss@example.com")
    response = _sign_in(client, provider, "attacker")
    assert _signed_in(client) is None
    assert not ExternalIdentity.objects.filter(user=user).exists()
    assert any("administrative rights" in m for m in _messages(response))
    refused = AuditEntry.objects.get(action="user.sso_refused")
    assert refused.data["reason"] == "privileged_unverified"


def test_privileged_login_links_with_a_verified_email_or_a_matching_employee_id(
    client: Client, provider: str, request: pytest.FixtureRequest
) -> None:
    user = _privileged("hr_admin", request)
    _set_claims(provider, "boss", verified=None, email="boss@example.com", employee_id="E-901")
    _sign_in(client, provider, "boss")
    assert _signed_in(client) is None  # an employee id that is not the person's proves nothing
    _set_claims(provider, "boss", verified=None, email="boss@example.com", employee_id="E-900")
    _sign_in(client, provider, "boss")
    assert _signed_in(client) == user.pk
    assert AuditEntry.objects.filter(action="user.sso_linked").exists()


def test_hr_admin_with_a_verified_email_is_linked(
    client: Client, provider: str, request: pytest.FixtureRequest
) -> None:
    user = _privileged("hr_admin", request)
    _set_claims(provider, "boss", email="boss@example.com")
    _sign_in(client, provider, "boss")
    assert _signed_in(client) == user.pk


@pytest.mark.parametrize("existing_login", [True, False])
def test_ordinary_sign_in_by_email_needs_it_verified_unless_the_provider_is_trusted(
    client: Client, provider: str, settings: Any, existing_login: bool
) -> None:
    person = make_person(email="rui@example.com")
    if existing_login:
        make_user(person)
    _set_claims(provider, "rui", verified=None, email="rui@example.com")
    response = _sign_in(client, provider, "rui")
    assert _signed_in(client) is None
    assert any("did not confirm" in m for m in _messages(response))
    assert AuditEntry.objects.get(action="user.sso_refused").data["reason"] == "email_unverified"

    settings.MENTORWISE_OIDC_TRUST_EMAIL = True
    _sign_in(client, provider, "rui")
    assert _signed_in(client) == User.objects.get(person=person).pk
