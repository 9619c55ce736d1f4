"""Where notifications can reach the signed-in person besides e-mail, as the account page
shows it. Chat apps (Slack, Teams) sit above this one in the layers, so each registers a
function at start (`AppConfig.ready`), as channel adapters register with messaging: the
account page asks them without importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mentorwise.accounts.models import User


@dataclass(frozen=True)
class Reach:
    """One channel's answer for one login: its name, and whether and how it reaches them."""

    channel: str
    reachable: bool
    detail: str


ReachCheck = Callable[[User], Reach | None]

_CHECKS: dict[str, ReachCheck] = {}


def reach_register(code: str, check: ReachCheck) -> None:
    _CHECKS[code] = check


def reach_for(user: User) -> list[Reach]:
    """Every registered channel's answer (None answers: the channel is not set up here)."""
    answers = (check(user) for _, check in sorted(_CHECKS.items()))
    return [answer for answer in answers if answer is not None]
