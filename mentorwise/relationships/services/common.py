"""Helpers shared by the relationship services: timeline entries, names, addresses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.urls import reverse

from mentorwise.accounts.actors import Actor, User
from mentorwise.core.languages import language_of
from mentorwise.core.outbound import outbound_record, person_ref
from mentorwise.people.models import Person
from mentorwise.relationships.models import EventKind, Relationship, RelationshipEvent
from mentorwise.relationships.timeline import english_text


def event_record(
    *,
    actor: Actor,
    relationship: Relationship,
    kind: EventKind,
    message: str,
    values: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> RelationshipEvent:
    """Append a timeline entry (never quoting private notes, answers or reports): a message
    of relationships/timeline.py and its values, read in each reader's language.

    A moment is `at`, written `{when}` in the message: each reader sees it in their own time
    zone (mentorwise.core.clock.fill_when). `values["name"]` is the actor's name by default.
    """
    filled = {"name": actor_name(actor), **(values or {})}
    entry = RelationshipEvent.objects.create(
        relationship=relationship,
        actor=actor if isinstance(actor, User) else None,
        kind=kind,
        message=message,
        values=filled,
        text=english_text(message, filled)[:300],
        at=at,
    )
    _announce(relationship, kind, values or {}, at)
    return entry


# Timeline kinds that systems outside may subscribe to (core.outbound, webhooks).
_OUTBOUND = {
    EventKind.STARTED: "relationship.started",
    EventKind.CLOSED: "relationship.closed",
    EventKind.MEETING_SCHEDULED: "meeting.scheduled",
    EventKind.MEETING_RESCHEDULED: "meeting.rescheduled",
    EventKind.MEETING_CANCELLED: "meeting.cancelled",
}


def _announce(
    relationship: Relationship, kind: EventKind, values: dict[str, Any], at: dt.datetime | None
) -> None:
    outbound = _OUTBOUND.get(kind)
    if outbound is None:
        return
    payload: dict[str, Any] = {
        "relationship": relationship.pk,
        "program": relationship.program.slug,
    }
    if kind in (EventKind.STARTED, EventKind.CLOSED):
        mentee, mentor = relationship.mentee.person, relationship.mentor.person
        payload["mentee"] = person_ref(mentee.pk, mentee.employee_id)
        payload["mentor"] = person_ref(mentor.pk, mentor.employee_id)
    if kind == EventKind.CLOSED:
        payload["closure_kind"] = str(values.get("kind", ""))
        payload["rematch"] = bool(values.get("rematch"))
    if kind in (EventKind.MEETING_SCHEDULED, EventKind.MEETING_RESCHEDULED):
        payload["starts_at"] = at
    outbound_record(outbound, payload)


P = TypeVar("P", Person, User)  # whoever an e-mail goes to


def actor_name(actor: Actor) -> str:
    if not isinstance(actor, User):
        return "Mentorwise"
    if actor.person is not None:
        return str(actor.person.full_name)
    return str(actor.get_username())


def pair_emails(relationship: Relationship) -> list[str]:
    return [relationship.mentee.person.email, relationship.mentor.person.email]


def by_language(people: Iterable[P]) -> list[list[P]]:
    """People grouped by the language they read (core.languages), in first-seen order: one
    e-mail per group, written inside `speaking_to(group[0])`."""
    groups: dict[str, list[P]] = {}
    for person in people:
        groups.setdefault(language_of(person), []).append(person)
    return list(groups.values())


def pair_by_language(relationship: Relationship) -> list[list[Person]]:
    return by_language([relationship.mentee.person, relationship.mentor.person])


def relationship_url(relationship: Relationship) -> str:
    base = getattr(settings, "MENTORWISE_BASE_URL", "").rstrip("/")
    return base + reverse("relationships:detail", args=[relationship.pk])
