"""Ending sessions: sign out everywhere, deactivation and termination stop sessions and tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.accounts.models import ApiToken, TokenScope, User
from mentorwise.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_resolve,
    user_sessions_end,
)
from mentorwise.core.models import AuditEntry

pytestmark = pytest.mark.django_db

API_URL = "/api/people"


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
    return client


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _is_login_redirect(response: object) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")  # type: ignore[attr-defined]


def test_user_sessions_end_kills_every_session_and_token(hr_admin: User) -> None:
    user = make_user(make_person())
    laptop, phone = _logged_in(user), _logged_in(user)
    other = _logged_in(hr_admin)
    _, raw_read = api_token_create(actor=user, name="laptop", scope=TokenScope.READ)
    _, raw_admin = api_token_create(actor=user, name="script", scope=TokenScope.ADMIN)
    assert Client().get(API_URL, **_bearer(raw_read)).status_code == 200

    revoked = user_sessions_end(user=user, reason="sign_out_everywhere", actor=user)

    assert revoked == 2
    assert _is_login_redirect(laptop.get("/"))
    assert _is_login_redirect(phone.get("/"))
    assert other.get("/").status_code == 200  # someone else's session is untouched
    assert Client().get(API_URL, **_bearer(raw_read)).status_code == 401
    assert Client().get(API_URL, **_bearer(raw_admin)).status_code == 401
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="user.sessions_ended")
    assert entry.target_id == str(user.pk)
    assert entry.data == {"reason": "sign_out_everywhere", "tokens_revoked": 2}
    # A fresh sign-in works again afterwards.
    assert _logged_in(User.objects.get(pk=user.pk))


def test_sessions_end_by_the_system_is_audited_as_system() -> None:
    user = make_user(make_person())
    user_sessions_end(user=user, reason="scim_deactivated")
    entry = AuditEntry.objects.get(action="user.sessions_ended")
    assert entry.actor is None
    assert entry.actor_label == "system"


def test_password_change_elsewhere_still_ends_sessions() -> None:
    user = make_user(make_person())
    client = _logged_in(user)
    user.set_password("another long passphrase 42")
    user.save()
    assert _is_login_redirect(client.get("/"))


@pytest.mark.parametrize("day_offset", [0, -30])
def test_terminated_person_loses_session_and_tokens_on_next_request(day_offset: int) -> None:
    person = make_person()
    user = make_user(person)
    client = _logged_in(user)
    _, raw = api_token_create(actor=user, name="t", scope=TokenScope.READ)

    # What an HRIS import or a SCIM deactivation does: a termination date, nothing else.
    person.termination_date = timezone.localdate() + dt.timedelta(days=day_offset)
    person.save(update_fields=["termination_date"])

    assert _is_login_redirect(client.get("/"))
    assert Client().get(API_URL, **_bearer(raw)).status_code == 401
    assert api_token_authenticate(raw) is None


def test_future_termination_date_does_not_end_the_session_yet() -> None:
    person = make_person()
    user = make_user(person)
    client = _logged_in(user)
    person.termination_date = timezone.localdate() + dt.timedelta(days=1)
    person.save(update_fields=["termination_date"])
    assert client.get("/").status_code == 200


def test_deactivated_login_loses_session_and_tokens() -> None:
    user = make_user(make_person())
    client = _logged_in(user)
    _, raw = api_token_create(actor=user, name="t", scope=TokenScope.ADMIN)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _is_login_redirect(client.get("/"))
    assert Client().get(API_URL, **_bearer(raw)).status_code == 401


def test_erased_person_loses_session() -> None:
    person = make_person()
    client = _logged_in(make_user(person))
    person.erased_at = timezone.now()
    person.save(update_fields=["erased_at"])
    assert _is_login_redirect(client.get("/"))


def test_login_without_person_is_allowed() -> None:
    """Break-glass administrators may have no person record."""
    user = make_user(None, is_hr_admin=True)
    assert _logged_in(user)


def test_terminated_person_cannot_sign_in_with_password() -> None:
    person = make_person(termination_date=timezone.localdate())
    user = make_user(person)
    client = Client()
    response = client.post(
        "/login/", {"username": user.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_scim_token_is_refused_by_the_regular_api(hr_admin: User) -> None:
    _, raw = api_token_create(actor=hr_admin, name="okta", scope=TokenScope.SCIM)
    assert Client().get(API_URL, **_bearer(raw)).status_code == 401
    assert api_token_authenticate(raw) is None
    token = api_token_resolve(raw, [TokenScope.SCIM])
    assert token is not None
    assert token.user == hr_admin
    assert token.last_used_at is not None


def test_api_token_resolve_refuses_other_scopes_revoked_and_garbage(hr_admin: User) -> None:
    token, raw = api_token_create(actor=hr_admin, name="r", scope=TokenScope.READ)
    assert api_token_resolve(raw, [TokenScope.SCIM]) is None
    assert api_token_resolve("", [TokenScope.READ]) is None
    assert api_token_resolve(raw + "x", [TokenScope.READ]) is None
    assert api_token_resolve(raw, [TokenScope.READ]) == token
    token.revoked_at = timezone.now()
    token.save()
    assert api_token_resolve(raw, [TokenScope.READ]) is None
