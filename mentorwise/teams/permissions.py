"""Who may read the Teams set-up page and download the app package: HR admins only."""

from __future__ import annotations

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import is_hr_admin


def can_manage_teams(actor: Actor) -> bool:
    return actor is None or is_hr_admin(actor)
