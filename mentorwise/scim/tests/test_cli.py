"""`mentorwise scim-token`: create prints a working token once; revoke stops it."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from conftest import make_person, make_user
from mentorwise.accounts.models import ApiToken, TokenScope
from mentorwise.scim.services import SERVICE_LOGIN
from mentorwise.scim.tests.conftest import ScimClient

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("scim_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_list_revoke() -> None:
    raw, note = run("create", "--name", "Okta")
    raw = raw.strip()
    assert raw.startswith("mw_")
    assert "/scim/v2" in note
    token = ApiToken.objects.get()
    assert (token.scope, token.name, token.user.username) == (
        TokenScope.SCIM,
        "Okta",
        SERVICE_LOGIN,
    )
    assert raw not in token.hashed  # stored hashed only
    assert not token.user.has_usable_password() and token.user.person is None
    assert ScimClient(raw).get("/Users").status_code == 200

    listing, _ = run("list")
    assert f"{token.pk}\tOkta" in listing and "active" in listing and raw not in listing

    run("revoke", str(token.pk))
    assert ScimClient(raw).get("/Users").status_code == 401
    assert "revoked" in run("list")[0]


def test_create_for_an_hr_admin_and_refusals() -> None:
    admin = make_user(make_person(), is_hr_admin=True, username="hana")
    raw, _ = run("create", "--name", "Entra", "--user", "hana")
    assert ApiToken.objects.get(user=admin).scope == TokenScope.SCIM
    assert raw.strip()

    make_user(make_person(), username="plain")
    with pytest.raises(CommandError, match="HR admins"):
        run("create", "--name", "Entra", "--user", "plain")
    with pytest.raises(CommandError, match="No login"):
        run("create", "--name", "Entra", "--user", "ghost")
    with pytest.raises(CommandError, match="No SCIM token"):
        run("revoke", "999")
