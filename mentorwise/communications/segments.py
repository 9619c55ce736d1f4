"""Who a broadcast reaches: a segment of one program's participants.

A segment is a conjunction of optional filters on the program's enrollments (an empty
filter lets everything through):

- `roles`: the enrollment's role (mentee, mentor, sponsor, coach);
- `enrollment_statuses`: invited, active (enrolled), withdrawn;
- `cohort_from`, `cohort_to`: the month of enrollment ("2026-03"), inclusive, in the
  installation's time zone (Mentorwise has no other notion of a cohort: a program's intake
  is who enrolled when);
- `relationships`: "active", "closed" or "none": the enrollment is in a relationship of
  that status in the program, or ("none") in no relationship at all;
- `health`: the enrollment is in an active relationship whose health is one of these
  (relationships.health; computed without safety reports, as the pair would see it: being
  written to as "at risk" must not tell anyone that the other side filed a report).

A person is in the segment when one of their enrollments passes every filter, and they are
then left out when they have left the organization (people.employed_on, the one rule) or
their data was erased; a non-essential message also leaves out whoever unsubscribed from
the program. The segment is not demographic (roles, statuses, dates and health only), so
its size is shown as it is, however small (DESIGN rule 3 is about demographic aggregates).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.communications.models import Unsubscription
from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.people.models import Person, employed_on
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, Role
from mentorwise.relationships.health import Health
from mentorwise.relationships.models import Relationship, RelationshipStatus
from mentorwise.relationships.selectors.oversight import health_by_relationship

NO_RELATIONSHIP = "none"
RELATIONSHIP_CHOICES = (RelationshipStatus.ACTIVE.value, RelationshipStatus.CLOSED.value, "none")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Segment:
    """The filters of a broadcast (see the module docstring); built alike by form, API and
    CLI, checked by `segment_validate`."""

    roles: tuple[str, ...] = ()
    enrollment_statuses: tuple[str, ...] = (EnrollmentStatus.ACTIVE.value,)
    relationships: tuple[str, ...] = ()
    health: tuple[str, ...] = ()
    cohort_from: str = ""
    cohort_to: str = ""

    def as_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def of_json(cls, data: dict[str, Any]) -> Segment:
        known = set(cls.__dataclass_fields__)
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
        return cls(**values)  # type: ignore[arg-type]


def segment_validate(segment: Segment) -> Segment:
    """The segment with its lists de-duplicated; InvalidInput naming every bad value."""
    errors: list[FieldError] = []
    allowed = {
        "roles": Role.values,
        "enrollment_statuses": EnrollmentStatus.values,
        "relationships": list(RELATIONSHIP_CHOICES),
        "health": Health.values,
    }
    for name, choices in allowed.items():
        for value in getattr(segment, name):
            if value not in choices:
                errors.append(
                    FieldError(
                        name,
                        _("not one of: %(choices)s") % {"choices": ", ".join(choices)},
                        value=str(value),
                    )
                )
    for name in ("cohort_from", "cohort_to"):
        value = getattr(segment, name)
        if value and not MONTH.fullmatch(str(value)):
            errors.append(FieldError(name, _("a month as YYYY-MM, e.g. 2026-03"), value=value))
    if (
        not errors
        and segment.cohort_from
        and segment.cohort_to
        and segment.cohort_from > segment.cohort_to
    ):
        errors.append(
            FieldError(
                "cohort_to", _("must not be before the first month"), value=segment.cohort_to
            )
        )
    if errors:
        raise InvalidInput(errors)
    return Segment(
        **{
            name: tuple(dict.fromkeys(getattr(segment, name)))
            for name in ("roles", "enrollment_statuses", "relationships", "health")
        },
        cohort_from=segment.cohort_from,
        cohort_to=segment.cohort_to,
    )


@dataclass
class Audience:
    """Who a segment reaches now: `person_ids` (sorted) and how many were left out."""

    person_ids: list[int] = field(default_factory=list)
    unsubscribed: int = 0
    gone: int = 0  # left the organization or erased

    @property
    def count(self) -> int:
        return len(self.person_ids)


def _month_start(month: str) -> dt.datetime:
    year, number = (int(part) for part in month.split("-"))
    return dt.datetime(year, number, 1, tzinfo=timezone.get_current_timezone())


def _month_after(month: str) -> dt.datetime:
    year, number = (int(part) for part in month.split("-"))
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return dt.datetime(year, number, 1, tzinfo=timezone.get_current_timezone())


def segment_audience(
    *, program: Program, segment: Segment, essential: bool, now: dt.datetime | None = None
) -> Audience:
    """The people of `program` that `segment` reaches now (a validated segment)."""
    now = now or timezone.now()
    enrollments = Enrollment.objects.filter(program=program)
    if segment.roles:
        enrollments = enrollments.filter(role__in=segment.roles)
    if segment.enrollment_statuses:
        enrollments = enrollments.filter(status__in=segment.enrollment_statuses)
    if segment.cohort_from:
        enrollments = enrollments.filter(created_at__gte=_month_start(segment.cohort_from))
    if segment.cohort_to:
        enrollments = enrollments.filter(created_at__lt=_month_after(segment.cohort_to))
    by_enrollment = dict(enrollments.values_list("pk", "person_id"))
    if segment.relationships or segment.health:
        by_enrollment = _with_relationships(program, segment, by_enrollment, now)
    candidates = set(by_enrollment.values())
    present = set(
        Person.objects.filter(pk__in=candidates, erased_at__isnull=True)
        .filter(employed_on(timezone.localdate(now)))
        .values_list("pk", flat=True)
    )
    audience = Audience(gone=len(candidates - present))
    if not essential:
        unsubscribed = set(
            Unsubscription.objects.filter(program=program, person_id__in=present).values_list(
                "person_id", flat=True
            )
        )
        audience.unsubscribed = len(unsubscribed)
        present -= unsubscribed
    audience.person_ids = sorted(present)
    return audience


def _with_relationships(
    program: Program, segment: Segment, by_enrollment: dict[int, int], now: dt.datetime
) -> dict[int, int]:
    """The enrollments that pass the relationship and health filters."""
    ids = list(by_enrollment)
    relationships = list(
        Relationship.objects.filter(program=program)
        .filter(Q(mentee_id__in=ids) | Q(mentor_id__in=ids))
        .select_related("program")
    )
    health = (
        {
            pk: result.health.value
            for pk, result in health_by_relationship(
                relationships, now=now, include_safety_reports=False
            ).items()
        }
        if segment.health
        else {}
    )
    statuses: dict[int, set[str]] = {pk: set() for pk in ids}
    healths: dict[int, set[str]] = {pk: set() for pk in ids}
    for rel in relationships:
        for side in (rel.mentee_id, rel.mentor_id):
            if side in statuses:
                statuses[side].add(rel.status)
                if rel.pk in health:
                    healths[side].add(health[rel.pk])
    kept = {}
    for pk, person_id in by_enrollment.items():
        if segment.relationships and not (
            statuses[pk] & set(segment.relationships)
            or (NO_RELATIONSHIP in segment.relationships and not statuses[pk])
        ):
            continue
        if segment.health and not healths[pk] & set(segment.health):
            continue
        kept[pk] = person_id
    return kept
