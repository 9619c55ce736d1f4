"""Events for systems outside Mentorwise: what each kind carries, and recording one.

Every kind lists the keys its payload may have; `outbound_record` refuses any other key, and
values must be ids, codes, booleans or times. So nothing private can leave through an event
by accident (DESIGN rule 9: no private note, safety report, demographic field or survey free
text in any webhook, chat message or calendar event): a new field has to be added here, in
the open, first. People are referred to by `{"id": …, "employee_id": …}` (`person_ref`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from mentorwise.core.models import OutboundEvent

# kind -> the payload keys it may carry (documented in docs/webhooks.md).
KINDS: dict[str, frozenset[str]] = {
    "match.published": frozenset({"match", "program", "mentee", "mentor", "answer_by"}),
    "relationship.started": frozenset({"relationship", "program", "mentee", "mentor"}),
    "relationship.closed": frozenset(
        {"relationship", "program", "mentee", "mentor", "closure_kind", "rematch"}
    ),
    "relationship.at_risk": frozenset({"relationship", "program", "reason"}),
    "meeting.scheduled": frozenset({"relationship", "program", "starts_at"}),
    "meeting.rescheduled": frozenset({"relationship", "program", "starts_at"}),
    "meeting.cancelled": frozenset({"relationship", "program"}),
    "survey.due": frozenset({"relationship", "program", "person", "survey"}),
}
# A test delivery, never recorded as an event.
PING = "ping"

_PERSON_KEYS = frozenset({"id", "employee_id"})
Scalar = str | int | bool | None


def person_ref(person_id: int, employee_id: str) -> dict[str, Scalar]:
    """How an event names a person: the record's id and the HRIS employee id."""
    return {"id": person_id, "employee_id": employee_id}


def _check_value(kind: str, key: str, value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) - _PERSON_KEYS:
            raise ValueError(f"{kind}.{key}: only person references may be nested")
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise ValueError(f"{kind}.{key}: {type(value).__name__} is not an id, code or time")


def _event(kind: str, payload: dict[str, Any]) -> OutboundEvent:
    allowed = KINDS.get(kind)
    if allowed is None:
        raise ValueError(f"unknown outbound event kind {kind!r}")
    extra = set(payload) - allowed
    if extra:
        raise ValueError(f"{kind}: keys {sorted(extra)} are not part of the documented payload")
    data = {key: _check_value(kind, key, value) for key, value in payload.items()}
    return OutboundEvent(uid=uuid.uuid4(), kind=kind, occurred_at=timezone.now(), payload=data)


def outbound_record(kind: str, payload: dict[str, Any]) -> OutboundEvent:
    """Record an event in the caller's transaction; delivery happens after it commits."""
    event = _event(kind, payload)
    event.save(force_insert=True)
    return event


def outbound_record_many(events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """`outbound_record` for many (kind, payload) events, in their order: each is checked,
    then all are written a thousand per statement (the nudge run's at-risk relationships
    and surveys due)."""
    OutboundEvent.objects.bulk_create(
        [_event(kind, payload) for kind, payload in events], batch_size=1000
    )


def events_naming(person_id: int) -> QuerySet[OutboundEvent]:
    """The events (delivered or not) that refer to a person: an erasure deletes them."""
    return OutboundEvent.objects.filter(
        Q(payload__mentee__id=person_id)
        | Q(payload__mentor__id=person_id)
        | Q(payload__person__id=person_id)
    )
