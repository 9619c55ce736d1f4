"""Two-step sign-in: setting up an app, the code after the password, recovery, lockout, roles
that require it, and the HR admin's reset. Codes come from pyotp, a TOTP implementation
written apart from django-otp's, checked first against RFC 6238's own test vectors."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from typing import Any

import pyotp
import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from conftest import make_person, make_user
from mentorwise.accounts.models import Authenticator, RecoveryCode, User
from mentorwise.accounts.tests.factories import PASSWORD
from mentorwise.accounts.two_step import RECOVERY_CODE_COUNT
from mentorwise.core.models import AuditEntry

pytestmark = pytest.mark.django_db

_PASSWORD_BACKEND = "mentorwise.accounts.backends.PasswordBackend"
START = dt.datetime(2026, 3, 2, 9, 0, 10, tzinfo=dt.UTC)  # 10 s into a 30-second step


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 4
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.MENTORWISE_TRUSTED_PROXY_COUNT = 0
    settings.MENTORWISE_MFA_REQUIRED = []


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_the_oracle_agrees_with_rfc_6238() -> None:
    # RFC 6238 appendix B, SHA-1, 8 digits, seed "12345678901234567890".
    seed = base64.b32encode(b"12345678901234567890").decode()
    totp = pyotp.TOTP(seed, digits=8)
    vectors = {59: "94287082", 1111111109: "07081804", 1234567890: "89005924"}
    assert {t: totp.at(t) for t in vectors} == vectors


def _key_from(page: str) -> str:
    found = re.search(r'id="two-step-key">([A-Z2-7]+)<', page)
    assert found, "the setup page shows the key"
    return found.group(1)


def _set_up(client: Client, clock: Any) -> tuple[str, list[str]]:
    """Turn two-step sign-in on from the signed-in account; returns the key and codes."""
    page = client.get("/account/two-step/setup/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body  # the QR code, drawn on the server
    key = _key_from(body)
    assert client.get("/account/two-step/setup/").content.decode().count(key)  # same on reload
    done = client.post("/account/two-step/setup/", {"code": pyotp.TOTP(key).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", done.content.decode())
    assert len(codes) == RECOVERY_CODE_COUNT and len(set(codes)) == RECOVERY_CODE_COUNT
    clock.shift(dt.timedelta(seconds=30))  # that code is spent: the next step's code signs in
    return key, codes


def _password(client: Client, user: User, next_url: str = "") -> Any:
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def user_with_app(clock: Any) -> tuple[User, str, list[str]]:
    user = make_user(make_person())
    client = Client()
    client.force_login(user)
    key, codes = _set_up(client, clock)
    return user, key, codes


def test_setting_up_stores_the_seed_sealed_and_the_codes_hashed(
    user_with_app: tuple[User, str, list[str]],
) -> None:
    user, key, codes = user_with_app
    device = Authenticator.objects.get(user=user)
    assert device.confirmed
    raw = base64.b32decode(key + "=" * (-len(key) % 8))
    assert key not in device.sealed_key and raw.hex() not in device.sealed_key
    stored = list(RecoveryCode.objects.filter(user=user).values_list("hashed", flat=True))
    assert len(stored) == RECOVERY_CODE_COUNT
    assert not any(code.replace("-", "") in stored or code in stored for code in codes)
    assert AuditEntry.objects.filter(
        action="user.two_step_enabled", target_id=str(user.pk)
    ).exists()


def test_a_password_alone_no_longer_signs_in(
    user_with_app: tuple[User, str, list[str]], clock: Any
) -> None:
    user, key, _codes = user_with_app
    client = Client()
    first = _password(client, user, next_url="/account/")
    assert first.status_code == 302 and first["Location"] == "/account/two-step/"
    assert not _signed_in(client)
    assert client.get("/account/").status_code == 302  # nothing reachable in between
    wrong = client.post("/account/two-step/", {"code": "000000"})
    assert wrong.status_code == 400 and not _signed_in(client)
    assert "That code is not right" in wrong.content.decode()
    clock.shift(dt.timedelta(seconds=2))  # django-otp's back-off after a failure: 1 s
    right = client.post("/account/two-step/", {"code": pyotp.TOTP(key).now()})
    assert right.status_code == 302 and right["Location"] == "/account/"
    assert _signed_in(client)


def test_time_windows_and_replay(
    user_with_app: tuple[User, str, list[str]], clock: Any, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 50  # the refused codes here are not the lockout's test
    user, key, _codes = user_with_app
    totp = pyotp.TOTP(key)

    def attempt(code: str) -> bool:
        client = Client()
        _password(client, user)
        client.post("/account/two-step/", {"code": code})
        clock.shift(dt.timedelta(seconds=2))
        return _signed_in(client)

    now = START + dt.timedelta(seconds=30)
    # The step before the server's still counts (a slow typist, a phone a little behind).
    assert attempt(totp.at(now - dt.timedelta(seconds=30))) is False  # spent by the setup
    assert attempt(totp.at(now + dt.timedelta(seconds=30))) is True  # a phone a step ahead
    assert attempt(totp.at(now + dt.timedelta(seconds=30))) is False  # the same code again
    assert attempt(totp.at(now)) is False  # an older step than one already used
    clock.shift(dt.timedelta(minutes=5))
    current = dt.datetime.now(dt.UTC)
    assert attempt(totp.at(current - dt.timedelta(seconds=90))) is False  # three steps old
    clock.shift(dt.timedelta(seconds=8))  # django-otp's back-off: 4 s after a 3rd failure
    current = dt.datetime.now(dt.UTC)
    assert attempt(totp.at(current - dt.timedelta(seconds=32))) is True  # one step old


def test_a_recovery_code_works_once(user_with_app: tuple[User, str, list[str]]) -> None:
    user, _key, codes = user_with_app
    client = Client()
    _password(client, user)
    used = client.post("/account/two-step/", {"code": codes[3].upper().replace("-", " ")})
    assert used.status_code == 302 and _signed_in(client)
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 9
    assert AuditEntry.objects.filter(action="user.recovery_code_used").exists()
    again = Client()
    _password(again, user)
    assert again.post("/account/two-step/", {"code": codes[3]}).status_code == 400
    assert not _signed_in(again)


def test_wrong_codes_count_toward_the_lockout(
    user_with_app: tuple[User, str, list[str]], clock: Any
) -> None:
    user, _key, _codes = user_with_app
    client = Client()
    _password(client, user)
    statuses = []
    for _n in range(4):
        statuses.append(client.post("/account/two-step/", {"code": "123456"}).status_code)
        clock.shift(dt.timedelta(seconds=20))
    assert statuses[:3] == [400, 400, 400] and statuses[3] == 429
    assert not _signed_in(client)
    # Locked: neither the code page nor the password gets anyone further.
    retry = Client()
    assert (
        retry.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 429
    )
    assert not _signed_in(retry)


def test_the_first_step_expires_after_five_minutes(
    user_with_app: tuple[User, str, list[str]], clock: Any
) -> None:
    user, key, _codes = user_with_app
    client = Client()
    _password(client, user)
    clock.shift(dt.timedelta(minutes=5, seconds=1))
    late = client.post("/account/two-step/", {"code": pyotp.TOTP(key).now()})
    assert late.status_code == 302 and late["Location"] == "/login/"
    assert not _signed_in(client)


def test_nothing_to_verify_without_a_password_first() -> None:
    client = Client()
    assert client.get("/account/two-step/")["Location"] == "/login/"
    assert client.post("/account/two-step/setup/", {"code": "123456"})["Location"] == "/login/"
    assert not Authenticator.objects.exists()


def test_a_role_that_requires_it_sets_it_up_at_sign_in(settings: Any, clock: Any) -> None:
    settings.MENTORWISE_MFA_REQUIRED = ["hr_admin"]
    admin = make_user(make_person(), is_hr_admin=True)
    plain = make_user(make_person())
    other = Client()
    assert _password(other, plain).status_code == 302 and _signed_in(other)  # not required
    client = Client()
    first = _password(client, admin)
    assert first["Location"] == "/account/two-step/setup/" and not _signed_in(client)
    page = client.get("/account/two-step/setup/").content.decode()
    assert "Your role requires two-step sign-in" in page
    assert client.get("/people/").status_code == 302 and not _signed_in(client)
    done = client.post("/account/two-step/setup/", {"code": pyotp.TOTP(_key_from(page)).now()})
    assert done.status_code == 200 and _signed_in(client)
    assert client.get("/people/").status_code == 200
    account = client.get("/account/").content.decode()
    assert "cannot be turned off" in account
    off = client.post("/account/two-step/off/", {"code": "000000"}, follow=True)
    assert "required for your role" in off.content.decode()
    assert Authenticator.objects.filter(user=admin, confirmed=True).exists()


def test_sessions_from_before_the_requirement_end(settings: Any) -> None:
    admin = make_user(make_person(), is_hr_admin=True)
    password_session = Client()
    assert _password(password_session, admin).status_code == 302
    sso_session = Client()
    sso_session.force_login(admin, backend="mentorwise.sso.oidc.OIDCBackend")
    settings.MENTORWISE_MFA_REQUIRED = ["hr_admin"]
    ended = password_session.get("/people/")
    assert ended.status_code == 302 and ended["Location"] == "/login/"
    assert not _signed_in(password_session)
    api = Client()
    api.force_login(admin, backend=_PASSWORD_BACKEND)
    refused = api.get("/api/programs")
    assert refused.status_code == 401 and refused.json()["code"] == "two_step_required"
    assert sso_session.get("/people/").status_code == 200  # the identity provider's business


def test_new_recovery_codes_replace_the_old_and_turning_off_needs_a_code(
    user_with_app: tuple[User, str, list[str]], clock: Any
) -> None:
    user, key, codes = user_with_app
    client = Client()
    client.force_login(user)
    refused = client.post("/account/two-step/recovery-codes/", {"code": "999999"}, follow=True)
    assert "Enter a code from the app you use now" in refused.content.decode()
    clock.shift(dt.timedelta(seconds=2))
    renewed = client.post("/account/two-step/recovery-codes/", {"code": pyotp.TOTP(key).now()})
    fresh = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", renewed.content.decode())
    assert len(fresh) == RECOVERY_CODE_COUNT and not set(fresh) & set(codes)
    assert "no longer work" in renewed.content.decode()
    clock.shift(dt.timedelta(seconds=30))
    client.post("/account/two-step/off/", {"code": codes[0]})  # an old code: refused
    assert Authenticator.objects.filter(user=user).exists()
    clock.shift(dt.timedelta(seconds=2))
    client.post("/account/two-step/off/", {"code": fresh[0]})
    assert not Authenticator.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert _password(Client(), user).status_code == 302  # a password alone again
    assert AuditEntry.objects.filter(action="user.two_step_disabled").exists()


def test_an_hr_admin_resets_a_lost_phone_but_not_their_own(
    user_with_app: tuple[User, str, list[str]],
) -> None:
    user, _key, _codes = user_with_app
    admin = make_user(make_person(), is_hr_admin=True)
    page = f"/people/{user.person_id}/login/"
    outsider = Client()
    outsider.force_login(make_user(make_person()))
    assert outsider.post(page, {"action": "two_step_reset"}).status_code == 404
    assert Authenticator.objects.filter(user=user).exists()
    signed_in = Client()
    signed_in.force_login(user)
    client = Client()
    client.force_login(admin)
    assert "Reset two-step sign-in" in client.get(page).content.decode()
    client.post(page, {"action": "two_step_reset"})
    assert not Authenticator.objects.filter(user=user).exists()
    assert signed_in.get("/account/").status_code == 302  # their sessions ended
    entry = AuditEntry.objects.get(action="user.two_step_reset")
    assert entry.actor_id == admin.pk and entry.target_id == str(user.pk)
    # Their own: refused here, the command line does it.
    own = f"/people/{admin.person_id}/login/"
    admin_device = Authenticator.objects.create(user=admin, confirmed=True, sealed_key="x")
    assert "Another HR admin resets" in client.get(own).content.decode()
    client.post(own, {"action": "two_step_reset"})
    assert Authenticator.objects.filter(pk=admin_device.pk).exists()
    call_command("two_step_reset", admin.username, stdout=io.StringIO())
    assert not Authenticator.objects.filter(user=admin).exists()


# What an attacker who knows only the password must not get (a security review's findings).


def test_a_first_step_with_an_app_cannot_set_up_another(
    user_with_app: tuple[User, str, list[str]],
) -> None:
    user, _key, _codes = user_with_app
    before = Authenticator.objects.get(user=user, confirmed=True).pk
    client = Client()
    _password(client, user)
    assert client.get("/account/two-step/setup/")["Location"] == "/account/two-step/"
    taken = client.post("/account/two-step/setup/", {"code": "123456"})
    assert taken["Location"] == "/account/two-step/" and not _signed_in(client)
    assert Authenticator.objects.get(user=user, confirmed=True).pk == before
    assert not Authenticator.objects.filter(user=user, confirmed=False).exists()


def test_the_first_step_is_void_after_a_password_change_or_reset(
    user_with_app: tuple[User, str, list[str]], clock: Any
) -> None:
    user, key, _codes = user_with_app
    client = Client()
    _password(client, user)
    user.set_password("a brand new passphrase 42")
    user.save()
    late = client.post("/account/two-step/", {"code": pyotp.TOTP(key).now()})
    assert late["Location"] == "/login/" and not _signed_in(client)


def test_the_first_step_cycles_the_session_key(user_with_app: tuple[User, str, list[str]]) -> None:
    user, _key, _codes = user_with_app
    client = Client()
    planted = client.session  # a real session, as one an attacker could plant in a browser
    planted["language_hint"] = "en"
    planted.save()
    client.cookies["sessionid"] = planted.session_key
    _password(client, user)
    assert "mw_two_step_pending" in client.session
    assert client.cookies["sessionid"].value != planted.session_key


def test_a_locked_login_cannot_finish_with_the_right_code(
    user_with_app: tuple[User, str, list[str]], clock: Any
) -> None:
    user, key, _codes = user_with_app
    client = Client()
    _password(client, user)
    for _n in range(3):
        client.post("/account/two-step/", {"code": "123456"})
        clock.shift(dt.timedelta(seconds=20))
    # The fourth failure of the limit comes from elsewhere: a wrong password.
    Client().post("/login/", {"username": user.username, "password": "wrong"})
    refused = client.post("/account/two-step/", {"code": pyotp.TOTP(key).now()})
    assert refused.status_code == 429 and not _signed_in(client)


def test_wrong_app_codes_never_block_the_recovery_codes_and_back_off_is_capped(
    user_with_app: tuple[User, str, list[str]], clock: Any, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 100  # the device's back-off, not the lockout, is tested here
    user, key, codes = user_with_app
    client = Client()
    _password(client, user)
    for _n in range(12):  # an attacker with the password, guessing for a while
        client.post("/account/two-step/", {"code": "123456"})
        clock.shift(dt.timedelta(seconds=1))
    victim = Client()
    _password(victim, user)
    assert victim.post("/account/two-step/", {"code": codes[0]}).status_code == 302
    clock.shift(dt.timedelta(seconds=60))
    again = Client()
    _password(again, user)
    assert again.post("/account/two-step/", {"code": pyotp.TOTP(key).now()}).status_code == 302


def test_moving_the_app_needs_a_current_code(
    user_with_app: tuple[User, str, list[str]], clock: Any
) -> None:
    user, _key, codes = user_with_app
    client = Client()
    client.force_login(user)  # a borrowed session
    page = client.get("/account/two-step/setup/").content.decode()
    assert 'name="current_code"' in page
    new_key = _key_from(page)
    refused = client.post("/account/two-step/setup/", {"code": pyotp.TOTP(new_key).now()})
    assert refused.status_code == 400 and "recovery codes" in refused.content.decode()
    moved = client.post(
        "/account/two-step/setup/",
        {"code": pyotp.TOTP(new_key).now(), "current_code": codes[5]},
    )
    assert moved.status_code == 200
    assert Authenticator.objects.filter(user=user, confirmed=True).count() == 1


def test_pages_between_the_steps_are_never_cached(settings: Any) -> None:
    settings.MENTORWISE_MFA_REQUIRED = ["hr_admin"]
    admin = make_user(make_person(), is_hr_admin=True)
    client = Client()
    _password(client, admin)
    assert "no-store" in client.get("/account/two-step/setup/")["Cache-Control"]
    assert "no-store" in client.get("/account/two-step/")["Cache-Control"]


def test_superusers_count_as_hr_admins_and_unknown_roles_are_refused(settings: Any) -> None:
    from mentorwise.accounts.two_step import check_required_roles

    settings.MENTORWISE_MFA_REQUIRED = ["hr_admin"]
    root = make_user(make_person(), is_superuser=True)
    assert _password(Client(), root)["Location"] == "/account/two-step/setup/"
    assert check_required_roles() == []
    settings.MENTORWISE_MFA_REQUIRED = ["hr-admin", "program_manager"]
    (error,) = check_required_roles()
    assert "hr-admin, program_manager" in error.msg


def test_a_borrowed_session_cannot_guess_the_current_code(
    user_with_app: tuple[User, str, list[str]], clock: Any
) -> None:
    """Wrong current codes count toward the sign-in lockout (the limit here is 4); once it is
    reached even the right code is refused, on every page that asks for one."""
    user, key, codes = user_with_app
    client = Client()
    client.force_login(user)
    new_key = _key_from(client.get("/account/two-step/setup/").content.decode())
    for guess in ("111111", "222222", "333333", "444444"):
        clock.shift(dt.timedelta(seconds=31))
        client.post(
            "/account/two-step/setup/",
            {"code": pyotp.TOTP(new_key).now(), "current_code": guess},
        )
    clock.shift(dt.timedelta(seconds=31))
    right = client.post(
        "/account/two-step/setup/",
        {"code": pyotp.TOTP(new_key).now(), "current_code": pyotp.TOTP(key).now()},
    )
    assert right.status_code == 400 and "paused" in right.content.decode()
    renew = client.post("/account/two-step/recovery-codes/", {"code": codes[0]}, follow=True)
    assert "paused" in renew.content.decode()
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 10
    assert Authenticator.objects.filter(user=user, confirmed=True).count() == 1
