"""Record actions in the audit log, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from mentorwise.core.models import AuditEntry


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row; `actor` is a login or None for the system (CLI, jobs).

    Typed with Django's user classes: `core` sits below `accounts` (whose `Actor` this is).
    """
    user = actor if isinstance(actor, get_user_model()) else None
    label = str(user.get_username()) if user is not None else "system"
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label[:200],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        data=data or {},
    )
