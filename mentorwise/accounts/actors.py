"""The actor every service and permission check takes: who is acting.

A service is called by a web request (a login, or an anonymous visitor, who is denied), the
API (a token's login), or the system itself (the CLI, scheduled jobs, the demo), which acts as
``None``. Services that need a login narrow with ``isinstance(actor, User)`` or the role
questions in ``accounts.roles``.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from mentorwise.accounts.models import User

Actor: TypeAlias = User | AnonymousUser | None

__all__ = ["Actor", "AnonymousUser", "User"]
