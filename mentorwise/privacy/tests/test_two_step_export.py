"""A data-subject export lists a login's two-step methods without their secrets; an erasure
removes them (passkeys carry names the person chose)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from conftest import make_person, make_user
from mentorwise.accounts.models import Passkey, RecoveryCode
from mentorwise.accounts.tests.soft_authenticator import SoftAuthenticator, b64url
from mentorwise.privacy.erasure import person_erase
from mentorwise.privacy.export import person_export

pytestmark = pytest.mark.django_db


def test_the_data_export_lists_the_methods_without_secrets_and_erasure_removes_them(
    hr_admin: Any,
) -> None:
    user = make_user(make_person())
    client = Client()
    client.force_login(user)
    key = SoftAuthenticator()
    options = client.post("/account/two-step/passkeys/register/options/").json()
    client.post(
        "/account/two-step/passkeys/register/",
        {"credential": key.create(options), "name": "Laptop"},
    )
    page = client.get("/account/two-step/codes/").content.decode()
    codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", page)
    assert len(codes) == 10
    data = person_export(actor=hr_admin, person=user.person)
    (login,) = data["logins"]
    (passkey,) = login["two_step"]["passkeys"]
    assert passkey["name"] == "Laptop" and "public_key" not in passkey
    assert len(login["two_step"]["recovery_codes"]) == 10
    assert not any("hashed" in c for c in login["two_step"]["recovery_codes"])
    dumped = json.dumps(data, default=str)
    assert b64url(key.credential_id) in dumped  # the key's public id, the person's to know
    assert codes[0] not in dumped and codes[0].replace("-", "") not in dumped
    person_erase(actor=hr_admin, person=user.person, confirm=user.person.employee_id)
    assert not Passkey.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
