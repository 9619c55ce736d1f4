"""The confidential safety channel: a participant reports a problem; overseers handle it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.core.mail import email_enqueue
from mentorwise.relationships.models import (
    Relationship,
    SafetyCategory,
    SafetyReport,
    SafetyReportNote,
    SafetyStatus,
)
from mentorwise.relationships.permissions import require_member, require_overseer
from mentorwise.relationships.safety import Audience, safety_report_routing


@transaction.atomic
def safety_report_create(
    *, actor: Actor, relationship: Relationship, category: str, description: str
) -> SafetyReport:
    """Report a problem to the relationship's overseers outside the pair (`safety.py`).

    No timeline entry and no email to the other person: they never learn of the report,
    not even when they manage the program or are an HR admin.
    """
    user, _ = require_member(actor, relationship)
    errors = []
    if category not in SafetyCategory.values:
        errors.append(
            FieldError(
                "category", f"must be one of {', '.join(SafetyCategory.values)}", value=category
            )
        )
    if not description.strip() or len(description) > 5000:
        errors.append(FieldError("description", "is required, at most 5000 characters"))
    if errors:
        raise InvalidInput(errors)
    report = SafetyReport.objects.create(
        relationship=relationship, reporter=user, category=category, description=description
    )
    routing = safety_report_routing(relationship)
    audit_record(
        actor=actor,
        action="safety_report.created",
        target=report,
        data={"routed_to": routing.audience.value},
    )
    program = relationship.program
    body = (
        f"A participant reported a problem ({report.get_category_display().lower()}) in "
        f"{program.name}. "
    )
    if routing.audience == Audience.SAFETY_CONTACT:
        body += (
            "Everyone who oversees this program in Mentorwise is in the relationship "
            "concerned, so nobody there may read the report. Name an HR admin who is not "
            f"involved: they read report #{report.pk} under the program's safety reports."
        )
    else:
        body += "Read it in Mentorwise under the program's safety reports."
    email_enqueue(to=routing.emails, subject=f"A problem was reported in {program.name}", body=body)
    return report


@transaction.atomic
def safety_report_handle(
    *, actor: Actor, report: SafetyReport, status: str, note: str = ""
) -> SafetyReport:
    """An overseer outside the pair records a handling step: a note and the new status."""
    user = require_overseer(actor, report.relationship)
    if status not in SafetyStatus.values:
        raise InvalidInput(
            [FieldError("status", f"must be one of {', '.join(SafetyStatus.values)}", value=status)]
        )
    SafetyReportNote.objects.create(report=report, author=user, status=status, text=note.strip())
    report.status = status
    report.resolved_at = timezone.now() if status == SafetyStatus.RESOLVED else None
    report.save(update_fields=["status", "resolved_at"])
    audit_record(
        actor=actor, action="safety_report.handled", target=report, data={"status": status}
    )
    return report
