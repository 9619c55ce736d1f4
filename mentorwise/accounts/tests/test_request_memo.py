"""A login's answers kept for one request: only on a login loaded for a request."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import make_person, make_user
from mentorwise.accounts import request_memo
from mentorwise.accounts.backends import session_user


class _Login:
    pass


def _asker(calls: list[object], answer: object) -> Callable[[], object]:
    """A question that records each time it is asked."""

    def ask() -> object:
        calls.append(answer)
        return answer

    return ask


def test_a_login_with_a_memo_is_asked_once_per_key() -> None:
    login, calls = _Login(), list[object]()
    request_memo.start(login)
    for _ in range(3):
        assert request_memo.remembered(login, "a", _asker(calls, 1)) == 1
    assert request_memo.remembered(login, "b", _asker(calls, 2)) == 2
    assert calls == [1, 2]


def test_a_false_answer_is_kept_too() -> None:
    login, calls = _Login(), list[object]()
    request_memo.start(login)
    for _ in range(2):
        assert request_memo.remembered(login, "a", _asker(calls, False)) is False
    assert calls == [False]


def test_a_login_without_a_memo_is_asked_every_time() -> None:
    login, calls = _Login(), list[object]()
    for n in range(3):
        assert request_memo.remembered(login, "a", _asker(calls, n)) == n
    assert calls == [0, 1, 2]
    request_memo.forget(login, "a")  # nothing kept, nothing to drop
    assert request_memo.remembered(None, "a", _asker(calls, 7)) == 7  # the system


def test_forget_asks_again() -> None:
    login, calls = _Login(), list[object]()
    request_memo.start(login)
    request_memo.remembered(login, "a", _asker(calls, 1))
    request_memo.forget(login, "a")
    assert request_memo.remembered(login, "a", _asker(calls, 2)) == 2
    assert calls == [1, 2]


@pytest.mark.django_db
def test_the_session_login_gets_a_new_memo_on_each_load() -> None:
    user = make_user(make_person())
    first, second = session_user(user.pk), session_user(user.pk)
    assert first is not None and second is not None and first is not second
    request_memo.remembered(first, "a", lambda: 1)
    assert request_memo.remembered(second, "a", lambda: 2) == 2
    assert request_memo.remembered(user, "a", lambda: 3) == 3  # not loaded for a request
