"""Passwords: the person changes theirs; an HR admin resets one (link or one-time password);
the command line sets one. Every change ends the login's other sessions, is audited and
emails the person (never with the password)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.test.utils import override_settings

from conftest import make_person, make_user
from mentorwise.accounts.models import ApiToken, TokenScope, User
from mentorwise.accounts.services import api_token_create
from mentorwise.accounts.tests.factories import PASSWORD
from mentorwise.core.languages import PSEUDO, django_languages
from mentorwise.core.models import AuditEntry
from mentorwise.core.pseudo import is_pseudo, pseudo

pytestmark = pytest.mark.django_db

NEW = "plum orchard velvet 42"


def _signed_in(user: User, password: str = PASSWORD) -> Client:
    client = Client()
    assert (
        client.post("/login/", {"username": user.username, "password": password}).status_code == 302
    )
    assert "_auth_user_id" in client.session
    return client


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


# Change by the person ----------------------------------------------------------------------


def test_person_changes_their_password_and_other_sessions_end(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = make_user(make_person(), username="rui")
    here, elsewhere = _signed_in(user), _signed_in(user)
    assert "Change password" in here.get("/account/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(
            "/account/password/",
            {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        )
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert here.get("/").status_code == 200  # this session survives
    assert _is_login_redirect(elsewhere.get("/"))  # every other one ended
    user.refresh_from_db()
    assert user.check_password(NEW)
    entry = AuditEntry.objects.get(action="user.password_changed")
    assert entry.actor == user and entry.data == {"via": "account"}
    (notice,) = mail.outbox
    assert notice.to == [user.email] and "password" in notice.subject.lower()
    assert NEW not in notice.body
    _signed_in(user, NEW)


def test_a_wrong_current_password_or_weak_new_one_changes_nothing() -> None:
    user = make_user(make_person(), username="rui")
    client = _signed_in(user)
    response = client.post(
        "/account/password/",
        {"old_password": "guess", "new_password1": "short", "new_password2": "shirt"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This is not your current password." in body
    assert "The two new passwords are not the same." in body
    assert "too short" in body  # Django's validators, all problems at once
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    )
    assert "too common" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="user.password_changed").exists()


def test_a_single_sign_on_login_has_no_password_to_change() -> None:
    user = make_user(make_person())
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)
    assert "has no password" in client.get("/account/password/").content.decode()
    client.post(
        "/account/password/", {"old_password": "", "new_password1": NEW, "new_password2": NEW}
    )
    user.refresh_from_db()
    assert not user.has_usable_password()


# Reset by an HR admin ----------------------------------------------------------------------


@pytest.fixture
def admin_client(hr_admin: User) -> Client:
    client = Client()
    client.force_login(hr_admin)
    return client


def test_login_page_is_for_hr_admins_only(
    admin_client: Client, program_manager: User, mentee: User
) -> None:
    url = f"/people/{mentee.person_id}/login/"
    assert admin_client.get(url).status_code == 200
    for user in (program_manager, mentee):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
        client.post(url, {"action": "one_time"})
        mentee.refresh_from_db()
        assert mentee.check_password(PASSWORD)
    assert _is_login_redirect(Client().get(url))


def test_one_time_password_must_be_changed_at_the_next_sign_in(
    admin_client: Client, hr_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_person()
    user = make_user(person, username="rui")
    old_session = _signed_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/people/{person.pk}/login/", {"action": "one_time"})
    assert response.status_code == 200
    match = re.search(r'id="one-time-password"[^>]*>([^<]+)<', response.content.decode())
    assert match
    one_time = match.group(1)
    assert _is_login_redirect(old_session.get("/"))
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert entry.actor == hr_admin and entry.data == {"via": "one_time_password"}
    (notice,) = mail.outbox
    assert notice.to == [user.email] and one_time not in notice.body

    client = _signed_in(user, one_time)
    assert client.get("/").url == "/account/password/"
    assert client.get("/people/").url == "/account/password/"
    assert client.get("/", headers={"HX-Request": "true"})["HX-Redirect"] == "/account/password/"
    api = client.get("/api/me/nudges")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    page = client.get("/account/password/")
    assert page.status_code == 200 and "one-time password" in page.content.decode()
    client.post(
        "/account/password/",
        {"old_password": one_time, "new_password1": NEW, "new_password2": NEW},
    )
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW)
    assert AuditEntry.objects.get(action="user.password_changed").data == {
        "via": "one_time_password"
    }


def test_hr_admin_cannot_set_a_password_for_another_hr_admin_but_can_send_a_link(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    other = make_user(make_person(), username="otto", is_hr_admin=True)
    url = f"/people/{other.person_id}/login/"
    page = admin_client.get(url).content.decode()
    assert "Set a one-time password" not in page and "Send a reset link" in page
    admin_client.post(url, {"action": "one_time"})
    other.refresh_from_db()
    assert other.check_password(PASSWORD) and not other.must_change_password
    assert not AuditEntry.objects.filter(action="user.password_reset").exists()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"action": "reset_link"})
    assert AuditEntry.objects.filter(action="user.password_reset_link_sent").exists()
    (message,) = mail.outbox
    assert message.to == [other.email]
    link = re.search(r"http://127\.0\.0\.1:8000(/account/reset/\S+)", message.body).group(1)

    visitor = Client()
    form_url = visitor.get(link)["Location"]  # the token leaves the URL first (Django)
    assert "set-password" in form_url
    visitor.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    other.refresh_from_db()
    assert other.check_password(NEW)
    assert AuditEntry.objects.get(action="user.password_changed").data == {"via": "link"}
    # Used once: the same link no longer works.
    again = Client().get(link, follow=True)
    assert "invalid, used or expired" in again.content.decode()


def test_a_forged_reset_link_is_refused() -> None:
    user = make_user(make_person())
    response = Client().get("/account/reset/MQ/not-a-token/", follow=True)
    assert "invalid, used or expired" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_hr_admins_change_roles_on_the_login_page_and_scim_tokens_go_with_the_role(
    admin_client: Client, hr_admin: User
) -> None:
    other = make_user(make_person(), is_hr_admin=True)
    token, _raw = api_token_create(actor=other, name="Okta", scope=TokenScope.SCIM)
    url = f"/people/{other.person_id}/login/"
    assert "SCIM token" in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"action": "roles", "is_executive": "on"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.is_hr_admin, other.is_executive) == (False, True)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    # Their own HR-admin role stays.
    admin_client.post(f"/people/{hr_admin.person_id}/login/", {"action": "roles"})
    hr_admin.refresh_from_db()
    assert hr_admin.is_hr_admin


# Command line ------------------------------------------------------------------------------


def test_set_password_command(monkeypatch: Any, capsys: pytest.CaptureFixture[str]) -> None:
    user = make_user(make_person(), username="rui", is_hr_admin=True)
    answers = iter(["short", "short"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="too short"):
        call_command("set_password", "rui")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    answers = iter([NEW, NEW])
    call_command("set_password", "rui")
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.must_change_password

    call_command("set_password", "rui", "--one-time")
    one_time = capsys.readouterr().out.strip()
    user.refresh_from_db()
    assert user.check_password(one_time) and user.must_change_password
    assert AuditEntry.objects.filter(action="user.password_reset").count() == 2
    with pytest.raises(CommandError, match="No login"):
        call_command("set_password", "nobody", "--one-time")


def test_password_emails_reach_the_person_in_their_own_language(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """The HR admin reads English; the person chose the pseudo-locale and is written to in it."""
    with override_settings(MENTORWISE_PSEUDO_LOCALE=True, LANGUAGES=django_languages(pseudo=True)):
        person = make_person()
        user = make_user(person, username="rui")
        User.objects.filter(pk=user.pk).update(language=PSEUDO.code)
        url = f"/people/{person.pk}/login/"
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(url, {"action": "reset_link"})
            response = admin_client.post(url, {"action": "one_time"})
        assert "One-time password for rui" in response.content.decode()  # the admin's English
    link, notice = mail.outbox
    assert link.subject == pseudo("Set a new Mentorwise password")
    assert notice.subject == pseudo("A one-time password was set for your Mentorwise login")
    lines = [line for line in notice.body.splitlines() if line and not line.startswith("Mentor")]
    assert len(lines) == 3 and all(is_pseudo(line) for line in lines)
