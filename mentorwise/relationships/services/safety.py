"""The confidential safety channel: a participant reports a problem; overseers handle it."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.languages import speaking_to
from mentorwise.core.mail import email_enqueue
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.services import notify
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
from mentorwise.relationships.safety import Audience, safety_report_routing, user_email
from mentorwise.relationships.services.common import by_language


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

    def text() -> tuple[str, str]:
        body = _("A participant reported a problem (%(category)s) in %(program)s.") % {
            "category": report.get_category_display().lower(),
            "program": program.title,
        }
        if routing.audience == Audience.SAFETY_CONTACT:
            body += " " + _(
                "Everyone who oversees this program in Mentorwise is in the relationship "
                "concerned, so nobody there may read the report. Name an HR admin who is not "
                "involved: they read report #%(number)s under the program's safety reports."
            ) % {"number": report.pk}
        else:
            body += " " + _("Read it in Mentorwise under the program's safety reports.")
        subject = _("A problem was reported in %(program)s") % {"program": program.title}
        return subject, body

    if routing.audience == Audience.SAFETY_CONTACT:
        # An address without a login (nobody to choose channels): plain e-mail, in the
        # site's language.
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = text()
        email_enqueue(to=routing.emails, subject=subject, body=body)
    else:
        for group in by_language(routing.recipients):
            with speaking_to(group[0]):
                subject, body = text()
            # Essential and e-mail only (Kind.SAFETY); a login without an employee record
            # has no channel preferences and gets the e-mail directly.
            for user in group:
                if user.person is not None:
                    notify(
                        person=user.person,
                        kind=Kind.SAFETY,
                        subject=subject,
                        body=body,
                        url=reverse("relationships:program", args=[program.slug]),
                        essential=True,
                        program=program,
                        address=user_email(user),
                    )
                elif user_email(user):
                    email_enqueue(to=[user_email(user)], subject=subject, body=body)
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
