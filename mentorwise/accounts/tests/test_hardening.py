"""Security headers, no inline script anywhere, and a clean `check --deploy` in production."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mentorwise.accounts.models import User

ROOT = Path(__file__).resolve().parents[2]  # the mentorwise package


def _csp(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_hardened(response: Any) -> None:
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"], csp  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_anonymous_pages_carry_the_headers() -> None:
    client = Client()
    response = client.get("/login/")
    assert response.status_code == 200
    _assert_hardened(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/programs/", "/people/", "/account/", "/account/tokens/", "/api/people"]
)
def test_signed_in_pages_carry_the_headers_and_are_never_cached(hr_admin: User, path: str) -> None:
    client = Client()
    client.force_login(hr_admin)
    response = client.get(path)
    assert response.status_code == 200
    _assert_hardened(response)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# No inline script -----------------------------------------------------------------------

INLINE_HANDLER = re.compile(r"""<[^>]*\s(on[a-z]+|hx-on[:\-a-z]*)\s*=""", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _template_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("templates/**/*.html") if "node_modules" not in p.parts)


def test_templates_have_no_inline_script_or_handlers() -> None:
    problems = []
    files = _template_files()
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        for match in SCRIPT_TAG.finditer(text):
            if "src=" not in match.group(1):
                problems.append(f"{path.relative_to(ROOT)}: inline <script>")
        for match in INLINE_HANDLER.finditer(text):
            problems.append(f"{path.relative_to(ROOT)}: inline handler {match.group(1)}=")
        if "javascript:" in text.lower():
            problems.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert problems == []


class _ScriptAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.problems.append("inline <script>")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=…>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")


PAGES = [
    "/",
    "/account/",
    "/account/tokens/",
    "/people/",
    "/people/import/",
    "/programs/",
    "/programs/templates/",
    "/programs/new/",
    "/programs/skills/",
    "/programs/enrollments/",
    "/programs/leadership-2026/",
    "/training/",
    "/relationships/",
    "/reminders/",
    "/insights/",
    "/audit/",
]


@pytest.mark.django_db
def test_rendered_pages_have_no_inline_script(hr_admin: User, program: Any, mentee: User) -> None:
    checked = 0
    for user in (hr_admin, mentee):
        client = Client()
        client.force_login(user)
        for path in [*PAGES, f"/people/{mentee.person_id}/"]:
            response = client.get(path)
            if response.status_code != 200 or "html" not in response["Content-Type"]:
                continue
            audit = _ScriptAudit()
            audit.feed(response.content.decode())
            assert audit.problems == [], (user.username, path)
            checked += 1
    anonymous = Client().get("/login/")
    audit = _ScriptAudit()
    audit.feed(anonymous.content.decode())
    assert audit.problems == []
    assert checked >= 15


# Production settings ----------------------------------------------------------------------

PRODUCTION_PROBE = """
import json, io
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
out = io.StringIO()
call_command("check", "--deploy", stdout=out, stderr=out)
call_command("migrate", verbosity=0)  # the login page reads whether SAML sign-in is on
# Rendering a page needs collected static files; the plain storage stands in for them here.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
secure = Client(HTTP_HOST="mentorwise.example.com").get("/login/", secure=True)
plain = Client(HTTP_HOST="mentorwise.example.com").get("/login/")
print(json.dumps({
    "check": out.getvalue(),
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
    "hsts": secure.get("Strict-Transport-Security"),
    "csrf_set_cookie": secure.cookies[settings.CSRF_COOKIE_NAME].output(),
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
}))
"""


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="mentorwise.example.com",
        MENTORWISE_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="mentorwise.settings",
    )
    return env


def test_mentorwise_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from mentorwise.cli import main; main()", "check", "--deploy"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def test_production_cookies_hsts_and_https_redirect(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert "no issues" in facts["check"]
    assert facts["session_cookie"] == "__Host-sessionid"
    assert facts["csrf_cookie"] == "__Host-csrftoken"
    assert facts["hsts"] == "max-age=31536000; includeSubDomains; preload"
    cookie = facts["csrf_set_cookie"]
    assert "__Host-csrftoken=" in cookie and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    assert facts["plain_status"] == 301
    assert facts["plain_location"].startswith("https://mentorwise.example.com/")


# A weak SECRET_KEY stops a production start ---------------------------------------------


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("x", "it has 1 characters; at least 50"),
        ("django-insecure-" + "q7Hw2mZp9LkX4vRt8NsYb3CfJd6GhE1uAo5KiW0" * 2, "django-insecure-"),
        ("abababababababababababababababababababababababababab", "2 distinct characters"),
        ("changeme-" * 7, "placeholder 'changeme'"),
        ("Your-Secret-Key-Goes-Here-1234567890-abcdefghijklmnop", "placeholder"),
    ],
)
def test_production_start_refuses_a_weak_secret_key(tmp_path: Path, key: str, reason: str) -> None:
    env = {**_production_env(tmp_path), "SECRET_KEY": key}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr
    assert reason in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr  # says how to make a good one


def test_a_weak_secret_key_is_accepted_in_development(tmp_path: Path) -> None:
    env = {**_production_env(tmp_path), "SECRET_KEY": "x", "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr


def test_random_keys_pass_the_strength_rule() -> None:
    from mentorwise.core.keys import secret_key_weakness

    assert all(secret_key_weakness(secrets.token_urlsafe(50)) is None for _ in range(200))


def test_production_start_refuses_the_demo_outbox(tmp_path: Path) -> None:
    """The outbox shows every e-mail (password links included) to HR admins: never in production."""
    env = {**_production_env(tmp_path), "EMAIL_URL": "outbox:"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "EMAIL_URL=outbox:" in result.stderr and "demo only" in result.stderr
