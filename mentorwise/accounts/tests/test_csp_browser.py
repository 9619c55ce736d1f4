"""The Content-Security-Policy in a real browser: signed-in pages load without a violation.

Headless Debian Chromium (never a downloaded build) visits a sample of pages as an HR admin
and a mentee and reports every CSP violation the browser raises (blocked inline script,
handler, eval or resource), and checks that HTMX and the site script did load.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_person, make_user
from mentorwise.accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/account/",
    "/account/tokens/",
    "/people/",
    "/programs/",
    "/programs/skills/",
    "/training/",
    "/relationships/",
    "/reminders/",
    "/insights/",
    "/audit/",
]


def test_pages_load_without_csp_violations(browser: Any, live_server: Any) -> None:
    admin = make_user(make_person(), is_hr_admin=True)
    mentee = make_user(make_person())
    violations: list[str] = []
    loaded = 0
    for user in (admin, mentee):
        page = browser.new_context().new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("form.form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        for path in PAGES:
            response = page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            assert response is not None, path
            if response.status == 200:  # pages outside a role's scope answer 404
                assert page.evaluate("typeof window.htmx") == "object", path
                loaded += 1
        page.context.close()
    assert violations == []
    assert loaded >= 15


def test_a_planted_inline_script_is_blocked(browser: Any, live_server: Any) -> None:
    """The check above can fail: the browser does report the policy blocking inline code."""
    page = browser.new_context().new_page()
    reported: list[str] = []
    page.on("console", lambda message: reported.append(message.text))
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.planted = 1';
            document.body.appendChild(s);
        }"""
    )
    assert page.evaluate("typeof window.planted") == "undefined"
    assert any("Content Security Policy" in text for text in reported)
