"""Passkeys in a real browser: the page script (static/mentorwise/passkeys.js) against
Chromium's own WebAuthn stack, with a virtual platform authenticator (DevTools protocol), so
the browser, not our code, makes the keys, the attestation and the signatures."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_person, make_user
from mentorwise.accounts.models import Passkey
from mentorwise.accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page: Any) -> Any:
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session


def _password(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form.form button[type=submit]")


def test_add_a_passkey_then_sign_in_with_it(browser: Any, live_server: Any) -> None:
    user = make_user(make_person())
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []  # script errors, and requests the server refused (but the icon)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    _virtual_authenticator(page)
    base = live_server.url
    _password(page, base, user.username)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/account/two-step/setup/")
    form = page.locator("form[data-passkey=register]")
    form.wait_for(state="visible")  # shown only where the browser has WebAuthn
    form.locator("input[name=name]").fill("This laptop")
    form.locator("button").click()
    page.wait_for_url(f"{base}/account/two-step/codes/")
    assert page.locator("ul.codes li").count() == 10
    assert Passkey.objects.get(user=user).name == "This laptop"

    # Sign out, and back in: the password, then the passkey.
    context.clear_cookies()
    _password(page, base, user.username)
    page.wait_for_url(f"{base}/account/two-step/")
    page.locator("form[data-passkey=sign_in] button").click()
    page.wait_for_url(f"{base}/")
    assert page.locator("text=Log out").count() >= 1
    assert Passkey.objects.get(user=user).last_used_at is not None
    assert errors == []


def test_a_refused_passkey_says_so_on_the_page(browser: Any, live_server: Any) -> None:
    """With no authenticator to answer, the page reports it and the person stays signed out."""
    user = make_user(make_person())
    context = browser.new_context()
    page = context.new_page()
    _virtual_authenticator(page)
    base = live_server.url
    _password(page, base, user.username)
    page.goto(f"{base}/account/two-step/setup/")
    page.locator("form[data-passkey=register] button").click()
    page.wait_for_url(f"{base}/account/two-step/codes/")
    context.clear_cookies()
    # The key is gone: the browser's request fails (as when the person cancels it).
    _password(page, base, user.username)
    page.wait_for_url(f"{base}/account/two-step/")
    page.evaluate("() => { navigator.credentials.get = () => Promise.reject(new Error('x')); }")
    page.locator("form[data-passkey=sign_in] button").click()
    status = page.locator("form[data-passkey=sign_in] [data-passkey-status]")
    status.wait_for(state="visible")
    assert status.inner_text().strip()
    assert page.url == f"{base}/account/two-step/"
