"""Read queries for nudges: always the actor's own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mentorwise.notifications.models import Nudge, NudgeSettings


def my_nudges(*, actor: Any, include_dismissed: bool = False) -> QuerySet[Nudge]:
    person_id = getattr(actor, "person_id", None)
    if person_id is None:
        return Nudge.objects.none()
    nudges = Nudge.objects.filter(person_id=person_id).select_related("program")
    if not include_dismissed:
        nudges = nudges.filter(dismissed_at__isnull=True)
    return nudges.order_by("-created_at", "-id")


def my_settings(*, actor: Any) -> NudgeSettings | None:
    person_id = getattr(actor, "person_id", None)
    return NudgeSettings.objects.filter(person_id=person_id).first() if person_id else None
