"""Helpers shared by the relationship services: timeline entries, names, addresses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse

from mentorwise.relationships.models import EventKind, Relationship, RelationshipEvent


def event_record(
    *,
    actor: Any,
    relationship: Relationship,
    kind: EventKind,
    text: str,
    at: dt.datetime | None = None,
) -> RelationshipEvent:
    """Append a timeline entry (never quoting private notes, answers or reports).

    A time in the text is written `{when}` with the moment in `at`: each reader sees it in
    their own time zone (mentorwise.core.clock.fill_when).
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    return RelationshipEvent.objects.create(
        relationship=relationship, actor=user, kind=kind, text=text[:300], at=at
    )


def actor_name(actor: Any) -> str:
    person = getattr(actor, "person", None)
    if person is not None:
        return str(person.full_name)
    if getattr(actor, "is_authenticated", False):
        return str(actor.get_username())
    return "Mentorwise"


def pair_emails(relationship: Relationship) -> list[str]:
    return [relationship.mentee.person.email, relationship.mentor.person.email]


def relationship_url(relationship: Relationship) -> str:
    base = getattr(settings, "MENTORWISE_BASE_URL", "").rstrip("/")
    return base + reverse("relationships:detail", args=[relationship.pk])
