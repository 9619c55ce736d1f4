"""Read the audit log: who may, and the search shared by the page, the export and the API.

Only HR admins read the log. Anyone else is told the page does not exist (NotFound), as for
every object outside an actor's scope. Entries are never changed or deleted: there is no
write path here, and the database refuses UPDATE and DELETE on the table (core migration).
An HR admin does not see the entries about safety reports others filed about a relationship
they are in (see `_reports_about`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.audit import audit_record
from mentorwise.core.csv import csv_safe
from mentorwise.core.errors import NotFound
from mentorwise.core.models import AuditEntry
from mentorwise.relationships.models import SafetyReport
from mentorwise.relationships.permissions import relationships_in

EXPORT_LIMIT = 100_000
EXPORT_COLUMNS = [
    "id",
    "created_at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "data",
]


@dataclass(frozen=True)
class AuditFilters:
    """Search criteria; empty values do not filter."""

    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""

    def as_dict(self) -> dict[str, str]:
        """The criteria that are set, as text (recorded with an export)."""
        return {k: str(v) for k, v in vars(self).items() if v not in ("", None)}


def may_read_audit(actor: Actor) -> bool:
    return is_hr_admin(actor)


def require_audit_reader(actor: Actor) -> None:
    if not may_read_audit(actor):
        raise NotFound("No such page.")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_search(*, actor: Actor, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Entries matching the filters, newest first; NotFound for anyone but HR admins."""
    require_audit_reader(actor)
    entries = AuditEntry.objects.exclude(
        target_type=SafetyReport._meta.label_lower, target_id__in=_reports_about(actor)
    )
    if filters.actor:
        entries = entries.filter(actor_label__icontains=filters.actor)
    if filters.action:
        # "relationship" finds every relationship.* action; "goal.created" exactly that one.
        entries = entries.filter(
            Q(action=filters.action) | Q(action__startswith=filters.action.rstrip(".") + ".")
        )
    if filters.target_type:
        entries = entries.filter(target_type=filters.target_type)
    if filters.target_id:
        entries = entries.filter(target_id=filters.target_id)
    if filters.date_from:
        entries = entries.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(created_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.q:
        entries = entries.filter(
            Q(actor_label__icontains=filters.q)
            | Q(action__icontains=filters.q)
            | Q(target_label__icontains=filters.q)
            | Q(target_id=filters.q)
        )
    return entries.order_by("-created_at", "-id")


def _reports_about(actor: Actor) -> list[str]:
    """Ids of the safety reports about relationships the actor is in that others filed: an
    HR admin in a relationship does not oversee it (`relationships.permissions.can_oversee`),
    so the log does not tell them that a report about it was filed or handled."""
    if not isinstance(actor, User):
        return []  # only a login is in a relationship
    return [
        str(pk)
        for pk in SafetyReport.objects.filter(relationship__in=relationships_in(actor))
        .exclude(reporter=actor)
        .values_list("pk", flat=True)
    ]


def audit_target_types() -> list[str]:
    """The kinds of object that appear in the log, for the filter menu."""
    return sorted(
        t
        for t in AuditEntry.objects.order_by()
        .values_list("target_type", flat=True)
        .distinct()
        .iterator()
        if t
    )


def audit_export_csv(*, actor: Actor, filters: AuditFilters) -> str:
    """The matching entries as CSV (formulas neutralised); the export itself is audited."""
    entries = audit_search(actor=actor, filters=filters)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for entry in entries[:EXPORT_LIMIT].iterator():
        writer.writerow(
            [
                csv_safe(cell)
                for cell in (
                    entry.pk,
                    entry.created_at.isoformat(),
                    entry.actor_label,
                    entry.action,
                    entry.target_type,
                    entry.target_id,
                    entry.target_label,
                    _json(entry.data),
                )
            ]
        )
        count += 1
    audit_record(
        actor=actor,
        action="audit.exported",
        data={"filters": filters.as_dict(), "rows": count},
    )
    return out.getvalue()


def _json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str) if data else ""
