"""The confidential safety channel: a participant reports a problem; overseers handle it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.mail import email_enqueue
from mentorwise.relationships.inputs.feedback import (
    SafetyHandling,
    SafetyReportNew,
    safety_handling_validate,
    safety_report_validate,
)
from mentorwise.relationships.models import (
    Relationship,
    SafetyReport,
    SafetyReportNote,
    SafetyStatus,
)
from mentorwise.relationships.permissions import require_member, require_overseer
from mentorwise.relationships.safety import Audience, safety_report_routing


@transaction.atomic
def safety_report_create(
    *, actor: Actor, relationship: Relationship, data: SafetyReportNew
) -> SafetyReport:
    """Report a problem to the relationship's overseers outside the pair (`safety.py`).

    No timeline entry and no email to the other person: they never learn of the report,
    not even when they manage the program or are an HR admin.
    """
    user, _side = require_member(actor, relationship)
    data = safety_report_validate(data)
    report = SafetyReport.objects.create(
        relationship=relationship,
        reporter=user,
        category=data.category,
        description=data.description,
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
    *, actor: Actor, report: SafetyReport, data: SafetyHandling
) -> SafetyReport:
    """An overseer outside the pair records a handling step: a note and the new status."""
    user = require_overseer(actor, report.relationship)
    data = safety_handling_validate(data)
    SafetyReportNote.objects.create(report=report, author=user, status=data.status, text=data.note)
    report.status = data.status
    report.resolved_at = timezone.now() if data.status == SafetyStatus.RESOLVED else None
    report.save(update_fields=["status", "resolved_at"])
    audit_record(
        actor=actor, action="safety_report.handled", target=report, data={"status": data.status}
    )
    return report
