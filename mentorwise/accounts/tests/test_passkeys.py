"""Passkeys as the second step: registration and sign-in through the same endpoints the page
script calls, answered by a software authenticator (soft_authenticator.py), and the attacks a
relying party must refuse: another site's origin, another relying party, a replayed answer, a
cloned key, someone else's key, a forged signature."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client

from conftest import make_person, make_user
from mentorwise.accounts.models import Passkey, RecoveryCode, User
from mentorwise.accounts.tests.factories import PASSWORD
from mentorwise.accounts.tests.soft_authenticator import SoftAuthenticator, b64url
from mentorwise.core.models import AuditEntry

pytestmark = pytest.mark.django_db

REGISTER_OPTIONS = "/account/two-step/passkeys/register/options/"
REGISTER = "/account/two-step/passkeys/register/"
SIGN_IN_OPTIONS = "/account/two-step/passkeys/sign-in/options/"
SIGN_IN = "/account/two-step/passkeys/sign-in/"
REMOVE = "/account/two-step/passkeys/remove/"


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.MENTORWISE_TRUSTED_PROXY_COUNT = 0
    settings.MENTORWISE_MFA_REQUIRED = []
    settings.MENTORWISE_WEBAUTHN_RP_ID = ""


def _register(
    client: Client, key: SoftAuthenticator, name: str = "Laptop", current: str = "", **answer: Any
) -> Any:
    options = client.post(REGISTER_OPTIONS).json()
    data = {"credential": key.create(options, **answer), "name": name, "current_code": current}
    return client.post(REGISTER, data)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _password(client: Client, user: User) -> Any:
    return client.post("/login/", {"username": user.username, "password": PASSWORD})


_CODES: dict[int, list[str]] = {}


def _codes_of(user: User) -> list[str]:
    return _CODES[user.pk]


@pytest.fixture
def with_passkey() -> tuple[User, SoftAuthenticator]:
    user = make_user(make_person())
    client = Client()
    client.force_login(user)
    key = SoftAuthenticator()
    answer = _register(client, key)
    assert answer.status_code == 200 and answer.json()["redirect"] == "/account/two-step/codes/"
    page = client.get("/account/two-step/codes/").content.decode()
    _CODES[user.pk] = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", page)
    return user, key


def test_a_first_passkey_gives_recovery_codes_once(with_passkey: Any) -> None:
    user, key = with_passkey
    stored = Passkey.objects.get(user=user)
    assert stored.name == "Laptop" and stored.credential_id == b64url(key.credential_id)
    assert RecoveryCode.objects.filter(user=user).count() == 10
    assert AuditEntry.objects.filter(action="user.passkey_added").exists()
    client = Client()
    client.force_login(user)
    # A second key needs a current method: a borrowed session cannot add its own.
    refused = _register(client, SoftAuthenticator(), name="Phone")
    assert refused.status_code == 400 and "recovery codes" in refused.json()["error"]
    codes = _codes_of(user)
    second = _register(client, SoftAuthenticator(), name="Phone", current=codes[0])
    assert second.json()["redirect"] == "/account/#two-step"  # no new codes for a second key
    assert Passkey.objects.filter(user=user).count() == 2


def test_the_codes_page_shows_the_codes_once() -> None:
    user = make_user(make_person())
    client = Client()
    client.force_login(user)
    _register(client, SoftAuthenticator())
    page = client.get("/account/two-step/codes/").content.decode()
    assert len(re.findall(r"<li><code>[a-z2-7-]{19}</code></li>", page)) == 10
    assert client.get("/account/two-step/codes/")["Location"] == "/account/"


def test_registration_refuses_a_name_less_key_another_site_and_a_replayed_challenge() -> None:
    user = make_user(make_person())
    client = Client()
    client.force_login(user)
    key = SoftAuthenticator()
    assert _register(client, key, name=" ").status_code == 400
    phishing = _register(client, key, origin="https://mentorwise.example.evil")
    assert phishing.status_code == 400
    assert _register(client, key, rp_id="example.evil").status_code == 400
    options = client.post(REGISTER_OPTIONS).json()
    answer = key.create(options)
    assert client.post(REGISTER, {"credential": answer, "name": "A"}).status_code == 200
    # The same answer again: its challenge was used up by the first try.
    again = client.post(REGISTER, {"credential": answer, "name": "A"})
    assert again.status_code == 403
    assert Passkey.objects.filter(user=user).count() == 1


def test_a_passkey_signs_in_after_the_password(with_passkey: Any) -> None:
    user, key = with_passkey
    client = Client()
    assert _password(client, user)["Location"] == "/account/two-step/"
    page = client.get("/account/two-step/").content.decode()
    assert "Use a passkey" in page and "Or enter a recovery code" in page
    options = client.post(SIGN_IN_OPTIONS).json()
    assert [c["id"] for c in options["allowCredentials"]] == [b64url(key.credential_id)]
    done = client.post(SIGN_IN, {"credential": key.get(options)})
    assert done.status_code == 200 and done.json()["redirect"] == "/"
    assert _signed_in(client) and client.session["mw_two_step"] == "passkey"
    assert Passkey.objects.get(user=user).sign_count == 1


@pytest.mark.parametrize(
    "attack",
    ["other origin", "other relying party", "replayed answer", "cloned key", "forged signature"],
)
def test_sign_in_refuses(with_passkey: Any, attack: str) -> None:
    user, key = with_passkey
    honest = Client()
    _password(honest, user)
    first = key.get(honest.post(SIGN_IN_OPTIONS).json())
    assert honest.post(SIGN_IN, {"credential": first}).status_code == 200  # counter now 1
    client = Client()
    _password(client, user)
    options = client.post(SIGN_IN_OPTIONS).json()
    if attack == "other origin":
        answer = key.get(options, origin="https://mentorwise.example.evil")
    elif attack == "other relying party":
        answer = key.get(options, rp_id="example.evil")
    elif attack == "replayed answer":
        answer = first  # signed over the earlier challenge
    elif attack == "cloned key":
        answer = key.get(options, count=1)  # the counter did not rise
    else:
        forged = json.loads(key.get(options))
        forged["response"]["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")
        answer = json.dumps(forged)
    refused = client.post(SIGN_IN, {"credential": answer})
    assert refused.status_code == 400 and not _signed_in(client)
    assert "did not sign in" in refused.json()["error"]
    # Nor may the same challenge be tried twice.
    assert client.post(SIGN_IN, {"credential": key.get(options)}).status_code == 403


def test_someone_elses_passkey_does_not_sign_in(with_passkey: Any) -> None:
    _owner, key = with_passkey
    other = make_user(make_person())
    helper = Client()
    helper.force_login(other)
    _register(helper, SoftAuthenticator())
    client = Client()
    _password(client, other)
    options = client.post(SIGN_IN_OPTIONS).json()
    assert client.post(SIGN_IN, {"credential": key.get(options)}).status_code == 400
    assert not _signed_in(client)


def test_no_options_or_answers_without_a_password_first(with_passkey: Any) -> None:
    _user, key = with_passkey
    client = Client()
    assert client.post(SIGN_IN_OPTIONS).status_code == 403
    fake = {"challenge": b64url(b"x" * 32), "rpId": "testserver"}
    assert client.post(SIGN_IN, {"credential": key.get(fake)}).status_code == 403
    assert client.post(REGISTER_OPTIONS).status_code == 403
    registration = key.create({"challenge": b64url(b"y" * 32), "rp": {"id": "testserver"}})
    assert client.post(REGISTER, {"credential": registration, "name": "A"}).status_code == 403
    assert client.get(SIGN_IN_OPTIONS).status_code == 405  # POST only: a link cannot start it
    assert not _signed_in(client) and Passkey.objects.count() == 1


def test_refused_passkeys_count_toward_the_lockout(with_passkey: Any) -> None:
    user, key = with_passkey
    client = Client()
    _password(client, user)
    for _n in range(3):
        options = client.post(SIGN_IN_OPTIONS).json()
        client.post(SIGN_IN, {"credential": key.get(options, origin="https://evil.example")})
    # Locked: the lockout page, and no further try (the right key included) signs in.
    assert client.post(SIGN_IN_OPTIONS).status_code == 429
    assert client.post(SIGN_IN_OPTIONS).status_code == 403  # the first step was dropped
    assert not _signed_in(client)
    assert _password(Client(), user).status_code == 429


def test_a_required_role_can_set_up_a_passkey_at_sign_in(settings: Any) -> None:
    settings.MENTORWISE_MFA_REQUIRED = ["hr_admin"]
    admin = make_user(make_person(), is_hr_admin=True)
    client = Client()
    assert _password(client, admin)["Location"] == "/account/two-step/setup/"
    assert "Add a passkey" in client.get("/account/two-step/setup/").content.decode()
    answer = _register(client, SoftAuthenticator(), name="Security key")
    assert answer.json()["redirect"] == "/account/two-step/codes/"
    assert _signed_in(client)
    codes = re.findall(
        r"<li><code>([a-z2-7-]{19})</code></li>",
        client.get("/account/two-step/codes/").content.decode(),
    )
    # The last method of a required role stays.
    passkey = Passkey.objects.get(user=admin)
    removed = client.post(REMOVE, {"passkey": passkey.pk, "code": codes[0]}, follow=True)
    assert "add another method first" in removed.content.decode()
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    assert RecoveryCode.objects.filter(user=admin, used_at__isnull=True).count() == 10


def test_removing_the_last_passkey_needs_a_code_and_turns_two_step_off(with_passkey: Any) -> None:
    user, _key = with_passkey
    client = Client()
    client.force_login(user)
    stranger = make_user(make_person())
    other = Client()
    other.force_login(stranger)
    passkey = Passkey.objects.get(user=user)
    codes = _codes_of(user)
    other.post(REMOVE, {"passkey": passkey.pk, "code": codes[0]})
    assert Passkey.objects.filter(pk=passkey.pk).exists()  # not theirs: nothing removed
    client.post(REMOVE, {"passkey": passkey.pk, "code": "wrong-code-here!"})
    assert Passkey.objects.filter(pk=passkey.pk).exists()  # no current method shown
    client.post(REMOVE, {"passkey": passkey.pk, "code": codes[1]})
    assert not Passkey.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert _password(Client(), user)["Location"] == "/"  # a password alone again


def test_a_first_step_with_a_passkey_cannot_register_another(with_passkey: Any) -> None:
    """Only a required role with nothing set up registers between password and sign-in."""
    user, _key = with_passkey
    client = Client()
    _password(client, user)
    assert client.post(REGISTER_OPTIONS).status_code == 403
    attacker = SoftAuthenticator()
    fake = {"challenge": b64url(b"z" * 32), "rp": {"id": "testserver"}}
    answer = client.post(REGISTER, {"credential": attacker.create(fake), "name": "Mine"})
    assert answer.status_code == 403 and not _signed_in(client)
    assert list(Passkey.objects.filter(user=user).values_list("name", flat=True)) == ["Laptop"]


def test_the_sign_in_audit_names_the_second_step(with_passkey: Any) -> None:
    user, key = with_passkey
    client = Client()
    _password(client, user)
    client.post(SIGN_IN, {"credential": key.get(client.post(SIGN_IN_OPTIONS).json())})
    entry = AuditEntry.objects.filter(action="user.signed_in").latest("created_at")
    assert entry.data["method"] == "password" and entry.data["second_step"] == "passkey"
