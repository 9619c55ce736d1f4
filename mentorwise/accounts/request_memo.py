"""Answers about a signed-in login kept for the rest of its request.

A page asks some questions about its login several times (does it manage a program? the
navigation, the insights access and the oversight panels each ask). The login a session
names is loaded anew on every request (`accounts.backends.session_user`), which gives it an
empty memo; an answer asked again in that request is read from it. A login object from
anywhere else (an API token's, a service's caller in a test or a command) has no memo and
every question is asked of the database.

A service that changes an answer for its own actor within the request (a program manager
taking themselves off a program) calls `forget`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_MEMO = "_request_memo"


def start(user: object) -> None:
    """Give a login loaded for one request an empty memo."""
    setattr(user, _MEMO, {})


def remembered(user: object, key: str, compute: Callable[[], T]) -> T:
    """`compute()`, asked once per request for a login with a memo, every time otherwise."""
    memo: dict[str, Any] | None = getattr(user, _MEMO, None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def forget(user: object, key: str) -> None:
    """Drop a kept answer (after a change to it); nothing for a login without a memo."""
    memo: dict[str, Any] | None = getattr(user, _MEMO, None)
    if memo is not None:
        memo.pop(key, None)
