"""Reads of the communications pages: broadcast history, saved templates, sample people."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.communications import catalog
from mentorwise.communications.forms import RELATIONSHIP_LABELS
from mentorwise.communications.models import Broadcast, MessageTemplate
from mentorwise.communications.permissions import require_manages
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, Role
from mentorwise.relationships.health import Health


def broadcast_list(*, actor: Actor, program: Program) -> QuerySet[Broadcast]:
    """The program's broadcasts, newest first, with who sent them."""
    require_manages(actor, program)
    return Broadcast.objects.filter(program=program).select_related("created_by__person")


def free_form_templates(*, actor: Actor, program: Program) -> list[tuple[str, str]]:
    """(key, name) of the program's saved free-form templates."""
    require_manages(actor, program)
    rows = (
        MessageTemplate.objects.filter(program=program)
        .exclude(key__in=catalog.STANDARD)
        .values_list("key", "name")
        .order_by("name", "key")
    )
    return list(dict(rows).items())


def sample_participants(*, actor: Actor, program: Program) -> list[Enrollment]:
    """A few participants to preview a message as (the first 50 by name)."""
    require_manages(actor, program)
    return list(
        Enrollment.objects.filter(program=program, person__erased_at__isnull=True)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")[:50]
    )


def segment_description(segment: dict[str, Any]) -> list[tuple[str, str]]:
    """A stored segment as the history page reads it: (filter, values) pairs."""
    labels = {
        "roles": (_("Roles"), dict(Role.choices)),
        "enrollment_statuses": (_("Enrollment"), dict(EnrollmentStatus.choices)),
        "relationships": (_("Relationship"), RELATIONSHIP_LABELS),
        "health": (_("Health"), dict(Health.choices)),
    }
    out = []
    for key, (label, names) in labels.items():
        values = segment.get(key) or []
        if values:
            out.append((str(label), ", ".join(str(names.get(v, v)) for v in values)))
    if segment.get("cohort_from") or segment.get("cohort_to"):
        out.append(
            (
                _("Enrolled"),
                f"{segment.get('cohort_from') or '…'} – {segment.get('cohort_to') or '…'}",
            )
        )
    return out
