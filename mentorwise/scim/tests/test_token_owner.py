"""A SCIM token is an HR admin's power: it must not outlive its owner's HR-admin role.

Every SCIM call re-checks the owner; every way of losing the role revokes the owner's SCIM
tokens (audited). Read-write API tokens act with the owner's current roles.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from conftest import make_person, make_user
from mentorwise.accounts.models import ApiToken, TokenScope, User
from mentorwise.accounts.role_services import RoleChange, user_roles_set
from mentorwise.accounts.services import api_token_create
from mentorwise.core.errors import Forbidden, InvalidInput
from mentorwise.core.models import AuditEntry
from mentorwise.scim.services import scim_service_login
from mentorwise.scim.tests.conftest import ScimClient
from mentorwise.scim.tests.test_users import ERROR, okta_user

pytestmark = pytest.mark.django_db


def _admin_with_scim_token() -> tuple[User, ApiToken, ScimClient]:
    admin = make_user(make_person(), username="hana", is_hr_admin=True)
    token, raw = api_token_create(actor=admin, name="Okta", scope=TokenScope.SCIM)
    scim = ScimClient(raw)
    assert scim.get("/Users").status_code == 200
    return admin, token, scim


def _revocation(token: ApiToken) -> AuditEntry:
    return AuditEntry.objects.get(action="api_token.revoked", target_id=str(token.pk))


def test_scim_call_refused_once_the_owner_is_no_longer_an_hr_admin() -> None:
    """However the role went (here: the flag changed in the database), the next call is 403."""
    admin, token, scim = _admin_with_scim_token()
    User.objects.filter(pk=admin.pk).update(is_hr_admin=False)

    response = scim.post("/Users", okta_user())
    assert response.status_code == 403
    assert response.payload["schemas"] == [ERROR]
    assert "no longer an active HR admin" in response.payload["detail"]
    assert not _created("ana.lopez@example.com")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _revocation(token).data["reason"] == "owner_not_hr_admin"
    # Revoked: the token is now unknown, even if the role comes back.
    User.objects.filter(pk=admin.pk).update(is_hr_admin=True)
    assert scim.get("/Users").status_code == 401


def _created(email: str) -> bool:
    from mentorwise.people.models import Person

    return Person.objects.filter(email=email).exists()


def test_scim_call_refused_when_the_owner_is_terminated() -> None:
    admin, token, scim = _admin_with_scim_token()
    admin.person.termination_date = dt.date(2020, 1, 1)
    admin.person.save(update_fields=["termination_date"])
    assert scim.get("/Users").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_removing_the_hr_admin_role_revokes_scim_tokens_at_once() -> None:
    admin, token, scim = _admin_with_scim_token()
    read_token, _raw = api_token_create(actor=admin, name="reports", scope=TokenScope.READ)
    other = make_user(make_person(), is_hr_admin=True)

    user_roles_set(actor=other, user=admin, change=RoleChange(is_hr_admin=False))

    token.refresh_from_db()
    read_token.refresh_from_db()
    assert token.revoked_at is not None
    assert read_token.revoked_at is None  # a read token does what its owner may do today
    entry = _revocation(token)
    assert entry.actor == other and entry.data["reason"] == "hr_admin_role_removed"
    changed = AuditEntry.objects.get(action="user.roles_changed", target_id=str(admin.pk))
    assert changed.data["before"]["is_hr_admin"] and not changed.data["after"]["is_hr_admin"]
    assert scim.get("/Users").status_code == 401


def test_set_roles_command_revokes_scim_tokens(capsys: pytest.CaptureFixture[str]) -> None:
    admin, token, scim = _admin_with_scim_token()
    call_command("set_roles", "hana", "--no-hr-admin", "--executive")
    assert "hana: executive" in capsys.readouterr().out
    admin.refresh_from_db()
    assert (admin.is_hr_admin, admin.is_executive) == (False, True)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert scim.get("/Users").status_code == 401
    with pytest.raises(CommandError, match="No login"):
        call_command("set_roles", "nobody", "--hr-admin")


def test_roles_are_changed_by_hr_admins_only_and_never_their_own_hr_admin_role() -> None:
    admin = make_user(make_person(), is_hr_admin=True)
    plain = make_user(make_person())
    with pytest.raises(Forbidden):
        user_roles_set(actor=plain, user=admin, change=RoleChange(is_hr_admin=False))
    with pytest.raises(InvalidInput, match="your own HR-admin role"):
        user_roles_set(actor=admin, user=admin, change=RoleChange(is_hr_admin=False))
    admin.refresh_from_db()
    assert admin.is_hr_admin
    assert not AuditEntry.objects.filter(action="user.roles_changed").exists()


def test_service_login_tokens_keep_working() -> None:
    """The CLI's `scim-provisioning` login has no person: deprovisioning never stops it."""
    _token, raw = api_token_create(actor=scim_service_login(), name="Okta", scope=TokenScope.SCIM)
    assert ScimClient(raw).get("/Users").status_code == 200


def test_read_write_token_of_a_former_hr_admin_can_do_only_what_they_may_do_now() -> None:
    admin = make_user(make_person(), is_hr_admin=True)
    _token, raw = api_token_create(actor=admin, name="sync", scope=TokenScope.ADMIN)
    headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    assert client.get("/api/audit", headers=headers).status_code == 200
    User.objects.filter(pk=admin.pk).update(is_hr_admin=False)
    assert client.get("/api/audit", headers=headers).status_code == 404
    response = client.post(
        "/api/programs",
        data={"template": "hipo_leadership", "name": "Shadow", "slug": "shadow"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code in (403, 404)
    assert client.get("/api/me/nudges", headers=headers).status_code == 200
