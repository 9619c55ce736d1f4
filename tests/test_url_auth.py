"""Default deny: every URL of the URLconf refuses anonymous requests.

Walks the whole URLconf (the manage.get.gov / 18F tock pattern; routes and sample values in
tests/urlconf.py, shared with the leak walk), fills each route's parameters from
SAMPLE_KWARGS and asserts that every anonymous request method the route answers (405 = not
routed) is sent to the login page (web pages) or answered 401 (API and SCIM), except the
routes in PUBLIC. A new route with a parameter that has no sample value, or without a name,
fails the test until it is added, so no page can slip in unprotected.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.urlconf import JSON_PREFIXES, ROUTES, SAMPLE_KWARGS

# Routes anonymous visitors may reach, with the reason.
PUBLIC = {
    "login": "the login page",
    "logout": "logging out without a session is harmless",
    "health": "load balancers probe it; it reveals no data",
    "api:openapi-json": "the API's schema (no data)",
    "api:openapi-view": "the API's documentation page (no data)",
    "api:api-root": "answers 404: the API has no root document",
    "sso:oidc_start": "starts single sign-on (404 while it is not configured)",
    "sso:oidc_callback": "the identity provider's redirect back",
    "sso:saml_login": "starts SAML sign-in (404 while it is not switched on)",
    "sso:saml_acs": "the identity provider posts its signed response here",
    "sso:saml_sls": "the identity provider's single logout request or response",
    "sso:saml_metadata": "this site's public SAML metadata, given to the identity provider",
    "accounts:break_glass": "a one-time sign-in link; an unknown token goes to the login page",
    "accounts:language": "chooses the language of the sign-in page (a cookie); signed in, the "
    "person's own choice only",
    "accounts:password_reset_confirm": "a password reset link an HR admin sent; a wrong or "
    "used token shows that the link is invalid",
    "accounts:two_step_verify": "the code after a right password; without that first step "
    "(five minutes, in the session) it goes to the login page",
    "accounts:two_step_setup": "setting up an app after a right password when the role requires "
    "it; signed in, the person's own; else it goes to the login page",
    "accounts:passkey_register_options": "a passkey challenge for the signed-in login or one "
    "held by a required setup after its password; else 403",
    "accounts:passkey_register": "the answer to that challenge (used up by one try); else 403",
    "accounts:passkey_sign_in_options": "a passkey challenge for the login that has just given "
    "the right password; else 403",
    "accounts:passkey_sign_in": "the answer to that challenge (used up by one try); else 403",
    "communications:unsubscribe": "the link in a program's message: a signed token names the "
    "person and the program (no login); an unknown token answers 404, and it only ever "
    "unsubscribes, after a second click",
    "slack_public:interactions": "Slack posts button presses here, signed with the app's signing "
    "secret (HMAC-SHA256, five-minute window, replays refused); unsigned requests get 401",
    "slack_public:events": "Slack posts Events API requests here (the app removed, its token "
    "revoked), signed as button presses are; unsigned requests get 401",
    "teams_public:messages": "Teams posts activities here with a Bot Framework token (JWT checked "
    "against the Bot Framework's keys, audience, issuer, expiry); without one 401",
}


def test_the_walk_sees_the_whole_urlconf() -> None:
    names = {name for _, name, _ in ROUTES}
    for expected in ("people:detail", "relationships:private_note", "api:person_get", "audit:list"):
        assert expected in names
    assert len(ROUTES) > 150


@pytest.mark.parametrize(("route", "name", "params"), ROUTES, ids=[r[1] or r[0] for r in ROUTES])
def test_every_route_refuses_anonymous(
    db: None, route: str, name: str, params: tuple[str, ...]
) -> None:
    assert name, f"route {route!r} has no name: name it so it can be reversed and checked"
    missing = [p for p in params if p not in SAMPLE_KWARGS]
    assert not missing, f"{name}: add a sample value for {missing} to SAMPLE_KWARGS"
    url = reverse(name, kwargs={p: SAMPLE_KWARGS[p] for p in params})
    if name in PUBLIC:
        return
    client = Client()
    answered = []
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(client, method)(url)
        if response.status_code == 405:  # the method is not routed here: nothing to reach
            continue
        answered.append(method)
        if url.startswith(JSON_PREFIXES):
            assert response.status_code == 401, f"{method.upper()} {url} ({name})"
        else:
            assert response.status_code == 302, f"{method.upper()} {url} ({name})"
            assert response["Location"].startswith(reverse("login") + "?next="), url
    assert answered, f"{url} ({name}) answers no method"


def test_public_routes_exist(db: None) -> None:
    """Every allowlisted name that is routed answers anonymous requests without an error."""
    names = {name: params for _, name, params in ROUTES}
    client = Client()
    for name in PUBLIC:
        if name in names:
            url = reverse(name, kwargs={p: SAMPLE_KWARGS[p] for p in names[name]})
            assert client.get(url).status_code < 500, url
