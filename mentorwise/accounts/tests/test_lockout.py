"""Login lockout (django-axes): per username and client address, forged headers ignored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from conftest import make_person, make_user
from mentorwise.accounts.backends import client_ip
from mentorwise.accounts.models import User
from mentorwise.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.MENTORWISE_TRUSTED_PROXY_COUNT = 0


def _attempt(user: User, password: str, **extra: str) -> Any:
    client = Client(**extra)  # type: ignore[arg-type]
    response = client.post("/login/", {"username": user.username, "password": password})
    response.signed_in = "_auth_user_id" in client.session
    return response


def _fail(user: User, times: int, **extra: str) -> None:
    for _ in range(times):
        response = _attempt(user, "not the password", **extra)
        assert response.status_code in (200, 429)
        assert not response.signed_in


def test_lockout_after_the_failure_limit_refuses_even_the_right_password() -> None:
    user = make_user(make_person())
    _fail(user, 2)
    assert _attempt(user, PASSWORD).signed_in  # under the limit: success resets the count
    _fail(user, 3)
    response = _attempt(user, PASSWORD)
    assert response.status_code == 429
    assert not response.signed_in
    body = response.content.decode()
    assert "Sign-in paused" in body and "too many failed sign-in attempts" in body


def test_lockout_ends_after_the_cool_off() -> None:
    user = make_user(make_person())
    with time_machine.travel(START, tick=False) as clock:
        _fail(user, 3)
        assert _attempt(user, PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=14))
        assert _attempt(user, PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=2))
        assert _attempt(user, PASSWORD).signed_in


def test_forged_x_forwarded_for_does_not_dodge_the_lockout() -> None:
    user = make_user(make_person())
    for n in range(3):
        _fail(user, 1, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = _attempt(user, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert response.status_code == 429
    assert not response.signed_in


def test_lockout_does_not_lock_the_person_out_from_elsewhere() -> None:
    """An attacker's failures do not stop the real person at another address."""
    user = make_user(make_person())
    _fail(user, 3, REMOTE_ADDR="203.0.113.9")
    assert _attempt(user, PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert _attempt(user, PASSWORD, REMOTE_ADDR="192.0.2.20").signed_in
    other = make_user(make_person())
    assert _attempt(other, PASSWORD, REMOTE_ADDR="203.0.113.9").signed_in


def test_behind_a_trusted_proxy_the_proxy_supplied_address_counts(settings: Any) -> None:
    settings.MENTORWISE_TRUSTED_PROXY_COUNT = 1
    user = make_user(make_person())
    # The proxy appends the real client address; anything the client sent before it is
    # ignored, so varying it does not help.
    for n in range(3):
        _fail(user, 1, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.5", REMOTE_ADDR="10.0.0.1")
    locked = _attempt(
        user, PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5", REMOTE_ADDR="10.0.0.1"
    )
    assert locked.status_code == 429
    elsewhere = _attempt(user, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.8", REMOTE_ADDR="10.0.0.1")
    assert elsewhere.signed_in


class _Request:
    def __init__(self, remote: str, forwarded: str | None = None) -> None:
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "6.6.6.6", "192.0.2.1"),
        (1, "10.0.0.1", "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "10.0.0.2", "6.6.6.6, 192.0.2.1, 10.0.0.1", "192.0.2.1"),
        (1, "10.0.0.1", None, "10.0.0.1"),
        (2, "10.0.0.2", "192.0.2.1", "10.0.0.2"),  # fewer entries than proxies: not trusted
    ],
)
def test_client_ip(
    settings: Any, proxies: int, remote: str, forwarded: str | None, expected: str
) -> None:
    settings.MENTORWISE_TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_Request(remote, forwarded)) == expected  # type: ignore[arg-type]


# Password spraying: many usernames from one address ---------------------------------------


def test_one_address_trying_many_usernames_is_paused(settings: Any) -> None:
    """A few passwords against many usernames never hits the per-user limit: the address
    is paused once enough usernames have unresolved failures from it."""
    settings.MENTORWISE_LOGIN_ADDRESS_LIMIT = 5
    users = [make_user(make_person()) for _ in range(4)]
    target = make_user(make_person())
    spray = {"REMOTE_ADDR": "203.0.113.66"}
    with time_machine.travel(START, tick=False) as clock:
        for user in users:
            _fail(user, 1, **spray)
        # Unknown usernames count too (sprayers guess them).
        Client(**spray).post("/login/", {"username": "ghost", "password": "Winter2026!"})  # type: ignore[arg-type]
        response = _attempt(target, PASSWORD, **spray)
        assert response.status_code == 429
        assert not response.signed_in
        assert "many different usernames" in response.content.decode()
        # Another address is not affected, nor is the per-user count of the target.
        assert _attempt(target, PASSWORD, REMOTE_ADDR="192.0.2.20").signed_in
        clock.shift(dt.timedelta(minutes=16))
        assert _attempt(target, PASSWORD, **spray).signed_in


def test_an_office_behind_one_address_is_not_paused_by_typos(settings: Any) -> None:
    """Colleagues who mistype and then sign in leave no failures behind."""
    settings.MENTORWISE_LOGIN_ADDRESS_LIMIT = 5
    office = {"REMOTE_ADDR": "198.51.100.10"}
    for _ in range(12):
        colleague = make_user(make_person())
        _fail(colleague, 2, **office)
        assert _attempt(colleague, PASSWORD, **office).signed_in


def test_per_user_lockout_still_applies_below_the_address_limit(settings: Any) -> None:
    settings.MENTORWISE_LOGIN_ADDRESS_LIMIT = 20
    user = make_user(make_person())
    _fail(user, 3, REMOTE_ADDR="203.0.113.5")
    response = _attempt(user, PASSWORD, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert "for this username" in response.content.decode()
