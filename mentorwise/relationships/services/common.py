"""Helpers shared by the relationship services: timeline entries, names, addresses."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from mentorwise.accounts.actors import Actor, User
from mentorwise.relationships.models import EventKind, Relationship, RelationshipEvent


def event_record(
    *,
    actor: Actor,
    relationship: Relationship,
    kind: EventKind,
    text: str,
    at: dt.datetime | None = None,
) -> RelationshipEvent:
    """Append a timeline entry (never quoting private notes, answers or reports).

    A time in the text is written `{when}` with the moment in `at`: each reader sees it in
    their own time zone (mentorwise.core.clock.fill_when).
    """
    return RelationshipEvent.objects.create(
        relationship=relationship,
        actor=actor if isinstance(actor, User) else None,
        kind=kind,
        text=text[:300],
        at=at,
    )


def actor_name(actor: Actor) -> str:
    if not isinstance(actor, User):
        return "Mentorwise"
    if actor.person is not None:
        return str(actor.person.full_name)
    return str(actor.get_username())


def pair_emails(relationship: Relationship) -> list[str]:
    return [relationship.mentee.person.email, relationship.mentor.person.email]


def relationship_url(relationship: Relationship) -> str:
    base = getattr(settings, "MENTORWISE_BASE_URL", "").rstrip("/")
    return base + reverse("relationships:detail", args=[relationship.pk])
