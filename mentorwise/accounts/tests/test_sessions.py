"""Session lifecycle: new id at sign-in, dead after sign-out, idle and absolute timeouts,
sign out everywhere, break-glass sign-in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import make_person, make_user
from mentorwise.accounts.models import ApiToken, TokenScope, User
from mentorwise.accounts.services import api_token_create
from mentorwise.accounts.tests.factories import PASSWORD
from mentorwise.core.models import AuditEntry

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _sign_in(client: Client, user: User) -> Any:
    return client.post("/login/", {"username": user.username, "password": PASSWORD})


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


def test_sign_in_issues_a_new_session_id_and_is_audited() -> None:
    user = make_user(make_person())
    client = Client()
    client.get("/login/")  # an anonymous session with a CSRF token first
    client.session.save()
    before = client.session.session_key
    response = _sign_in(client, user)
    assert response.status_code == 302
    after = client.session.session_key
    assert after and after != before
    entry = AuditEntry.objects.get(action="user.signed_in")
    assert entry.actor == user
    assert entry.data["method"] == "password"


def test_failed_sign_in_is_audited_without_the_password() -> None:
    user = make_user(make_person())
    Client().post("/login/", {"username": user.username, "password": "wrong password 1"})
    entry = AuditEntry.objects.get(action="user.sign_in_failed")
    assert entry.data["username"] == user.username
    assert "wrong password" not in str(entry.data)


def test_session_is_dead_after_sign_out_even_when_the_cookie_is_replayed() -> None:
    user = make_user(make_person())
    client = Client()
    _sign_in(client, user)
    stolen = client.cookies["sessionid"].value
    assert client.post("/logout/").status_code == 302
    attacker = Client()
    attacker.cookies["sessionid"] = stolen
    assert _is_login_redirect(attacker.get("/"))
    assert attacker.get("/api/people").status_code == 401
    assert AuditEntry.objects.filter(action="user.signed_out").exists()


def test_logout_refuses_get() -> None:
    client = Client()
    client.force_login(make_user(make_person()))
    assert client.get("/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_idle_timeout(settings: Any) -> None:
    settings.MENTORWISE_SESSION_IDLE_MINUTES = 60
    user = make_user(make_person())
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, user)
        clock.shift(dt.timedelta(minutes=59))
        assert client.get("/").status_code == 200  # activity resets the idle clock
        clock.shift(dt.timedelta(minutes=59))
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=61))
        response = client.get("/")
        assert _is_login_redirect(response)
        assert "_auth_user_id" not in client.session
        # Signing in again works.
        _sign_in(client, user)
        assert client.get("/").status_code == 200


def test_idle_session_also_ends_for_the_api(settings: Any) -> None:
    settings.MENTORWISE_SESSION_IDLE_MINUTES = 10
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, make_user(make_person()))
        assert client.get("/api/people").status_code == 200
        clock.shift(dt.timedelta(minutes=11))
        assert client.get("/api/people").status_code == 401


def test_absolute_timeout_despite_activity(settings: Any) -> None:
    settings.MENTORWISE_SESSION_IDLE_MINUTES = 60
    settings.MENTORWISE_SESSION_MAX_HOURS = 12
    user = make_user(make_person())
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, user)
        for _ in range(23):  # active every 30 minutes for 11.5 hours
            clock.shift(dt.timedelta(minutes=30))
            assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))  # 12 h 1 min after sign-in
        assert _is_login_redirect(client.get("/"))


def test_cookie_lifetime_matches_the_absolute_timeout(settings: Any) -> None:
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE == live.MENTORWISE_SESSION_MAX_HOURS * 3600


def test_token_requests_are_not_subject_to_session_timeouts(settings: Any) -> None:
    settings.MENTORWISE_SESSION_IDLE_MINUTES = 1
    user = make_user(make_person())
    _, raw = api_token_create(actor=user, name="cron", scope=TokenScope.READ)
    with time_machine.travel(START, tick=False) as clock:
        assert Client().get("/api/people", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
        clock.shift(dt.timedelta(hours=30))
        assert Client().get("/api/people", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_account_page_and_sign_out_everywhere() -> None:
    user = make_user(make_person())
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    api_token_create(actor=user, name="script", scope=TokenScope.ADMIN)
    page = here.get("/account/")
    assert page.status_code == 200
    assert b"Sign out everywhere" in page.content
    assert here.get("/account/sign-out-everywhere/").status_code == 405  # never on GET

    # The button asks first and says what will happen; nothing ends until confirmed.
    ask = here.post("/account/sign-out-everywhere/")
    assert ask.status_code == 200 and b"What will happen" in ask.content
    assert b'name="confirmed" value="yes"' in ask.content
    assert here.get("/account/").status_code == 200
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    response = here.post("/account/sign-out-everywhere/", {"confirmed": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert b"Signed out on every device and 1 API token revoked" in response.content
    assert _is_login_redirect(here.get("/"))
    assert _is_login_redirect(elsewhere.get("/"))
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert AuditEntry.objects.get(action="user.sessions_ended").actor == user


def test_account_page_needs_a_session() -> None:
    assert _is_login_redirect(Client().get("/account/"))
    assert _is_login_redirect(Client().post("/account/sign-out-everywhere/"))


# Break-glass -------------------------------------------------------------------------------


def _break_glass_path(username: str) -> str:
    import io

    out = io.StringIO()
    call_command("break_glass_login", username, stdout=out)
    url = out.getvalue().strip()
    assert url.startswith("http://127.0.0.1:8000/account/break-glass/")
    return url.removeprefix("http://127.0.0.1:8000")


def test_break_glass_link_signs_an_hr_admin_in_once(settings: Any) -> None:
    settings.MENTORWISE_LOCAL_LOGIN = False
    admin = make_user(None, username="root-hr", is_hr_admin=True)
    path = _break_glass_path("root-hr")
    client = Client()
    assert client.get(path).status_code == 200  # a confirmation page; GET signs nobody in
    assert "_auth_user_id" not in client.session
    assert client.post(path).status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert client.get("/").status_code == 200
    # Used once: the same link no longer works.
    other = Client()
    other.post(path)
    assert "_auth_user_id" not in other.session
    assert AuditEntry.objects.filter(action="user.break_glass_issued").count() == 1


def test_break_glass_use_has_its_own_audit_action_not_a_password_sign_in() -> None:
    admin = make_user(None, username="root-hr", is_hr_admin=True)
    path = _break_glass_path("root-hr")
    client = Client()
    client.post(path)
    assert client.session["_auth_user_id"] == str(admin.pk)
    used = AuditEntry.objects.get(action="user.break_glass_used")
    assert used.actor == admin and used.target_id == str(admin.pk)
    assert not AuditEntry.objects.filter(action="user.signed_in").exists()
    # The session is marked as break-glass for as long as it lasts.
    assert client.session["_auth_user_backend"].endswith("BreakGlassBackend")
    assert client.get("/").status_code == 200


def test_break_glass_link_expires(settings: Any) -> None:
    make_user(None, username="root-hr", is_hr_admin=True)
    with time_machine.travel(START, tick=False) as clock:
        path = _break_glass_path("root-hr")
        clock.shift(dt.timedelta(minutes=16))
        client = Client()
        client.post(path)
        assert "_auth_user_id" not in client.session


def test_break_glass_is_for_active_hr_admins_only() -> None:
    make_user(make_person(), username="plain")
    with pytest.raises(CommandError, match="HR admins only"):
        call_command("break_glass_login", "plain")
    with pytest.raises(CommandError, match="No login"):
        call_command("break_glass_login", "nobody")
    make_user(make_person(termination_date=dt.date(2020, 1, 1)), username="gone", is_hr_admin=True)
    with pytest.raises(CommandError, match="may not sign in"):
        call_command("break_glass_login", "gone")


def test_forged_break_glass_link_is_refused() -> None:
    client = Client()
    response = client.post("/account/break-glass/not-a-real-token/")
    assert _is_login_redirect(response)
    assert "_auth_user_id" not in client.session


# Tokens: SCIM scope ---------------------------------------------------------------------


def test_only_hr_admins_can_create_scim_tokens(hr_admin: User, mentee: User) -> None:
    admin = Client()
    admin.force_login(hr_admin)
    assert b'value="scim"' in admin.get("/account/tokens/").content
    response = admin.post("/account/tokens/new/", {"name": "Okta", "scope": "scim"})
    assert response.status_code == 200
    assert ApiToken.objects.get(user=hr_admin).scope == TokenScope.SCIM

    other = Client()
    other.force_login(mentee)
    assert b'value="scim"' not in other.get("/account/tokens/").content
    other.post("/account/tokens/new/", {"name": "sneaky", "scope": "scim"})
    assert not ApiToken.objects.filter(user=mentee).exists()


def test_token_revoke_asks_first_and_only_the_owner_revokes() -> None:
    owner, other = make_user(make_person()), make_user(make_person())
    token, _ = api_token_create(actor=owner, name="script", scope=TokenScope.ADMIN)
    mine, theirs = Client(), Client()
    mine.force_login(owner)
    theirs.force_login(other)
    url = f"/account/tokens/{token.pk}/revoke/"
    ask = mine.post(url)
    assert ask.status_code == 200 and b"What will happen" in ask.content
    token.refresh_from_db()
    assert token.revoked_at is None
    theirs.post(url, {"confirmed": "yes"})  # not theirs: refused
    token.refresh_from_db()
    assert token.revoked_at is None
    mine.post(url, {"confirmed": "yes"})
    token.refresh_from_db()
    assert token.revoked_at is not None
