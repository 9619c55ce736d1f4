"""Where every record that points at a person ends up in a data-subject export.

Each relation from any model to a person, their login, or a record that belongs to them
(enrollment, match, relationship, meeting, goal, agreement, safety report) is listed here
with the export section that carries it, or with the reason it is withheld. A test walks the
app registry and fails when a relation is missing, so a new model cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet

from mentorwise.accounts.models import User
from mentorwise.people.models import Person

# The models a person's data hangs from.
HUBS = frozenset(
    {
        "people.person",
        "accounts.user",
        "programs.enrollment",
        "matches.match",
        "relationships.relationship",
        "relationships.meeting",
        "relationships.goal",
        "relationships.agreement",
        "relationships.safetyreport",
    }
)

# "app.model.field" -> the export section that holds the record (see export.py).
EXPORTED: dict[str, str] = {
    "accounts.user.person": "logins",
    "accounts.apitoken.user": "logins[].api_tokens",
    "accounts.authenticator.user": "logins[].two_step.authenticators",
    "accounts.passkey.user": "logins[].two_step.passkeys",
    "accounts.recoverycode.user": "logins[].two_step.recovery_codes",
    "core.auditentry.actor": "audit_entries",
    "people.person.manager": "person.manager",
    "people.careerevent.person": "career_events",
    "people.importrun.actor": "actions_recorded",
    "connectors.connectorrun.actor": "actions_recorded",
    "people.demographics.person": "demographics",
    "programs.program.managers": "programs_managed",
    "programs.enrollment.person": "enrollments",
    "programs.enrollment.invited_by": "actions_recorded",
    "learning.trainingmodule.created_by": "actions_recorded",
    "core.contenttranslation.updated_by": "actions_recorded",
    "sso.samlprovider.updated_by": "actions_recorded",
    "channels.webhookendpoint.created_by": "actions_recorded",
    "communications.messagetemplate.updated_by": "actions_recorded",
    "communications.broadcast.created_by": "actions_recorded",
    "learning.modulecompletion.person": "training_completions",
    "matches.matchingrun.created_by": "actions_recorded",
    "matches.match.mentee": "matches",
    "matches.match.mentor": "matches",
    "matches.match.decided_by": "actions_recorded",
    "matches.unmatchedmentee.mentee": "enrollments[].unmatched",
    "matches.preference.enrollment": "enrollments[].preferences",
    "matches.forbiddenpair.mentee": "enrollments[].excluded_pairs",
    "matches.forbiddenpair.mentor": "enrollments[].excluded_pairs",
    "matches.forbiddenpair.created_by": "actions_recorded",
    "relationships.relationship.match": "relationships",
    "relationships.relationship.mentee": "relationships",
    "relationships.relationship.mentor": "relationships",
    "relationships.relationship.closed_by": "actions_recorded",
    "relationships.relationshipevent.relationship": "relationships[].timeline",
    "relationships.relationshipevent.actor": "actions_recorded",
    "relationships.agreement.relationship": "relationships[].agreement",
    "relationships.agreementversion.agreement": "relationships[].agreement",
    "relationships.agreementversion.created_by": "actions_recorded",
    "relationships.checkin.relationship": "relationships[].check_ins",
    "relationships.checkin.author": "relationships[].check_ins",
    "relationships.surveyresponse.relationship": "relationships[].survey_responses",
    "relationships.surveyresponse.respondent": "relationships[].survey_responses",
    "relationships.sponsorshipaction.relationship": "relationships[].sponsorship_actions",
    "relationships.sponsorshipaction.recorded_by": "relationships[].sponsorship_actions",
    "relationships.safetyreport.reporter": "safety_reports",
    "relationships.safetyreportnote.author": "safety_report_notes",
    "relationships.goal.relationship": "relationships[].goals",
    "relationships.goal.created_by": "actions_recorded",
    "relationships.milestone.goal": "relationships[].goals[].milestones",
    "relationships.meeting.relationship": "relationships[].meetings",
    "relationships.meeting.created_by": "actions_recorded",
    "relationships.meeting.logged_by": "actions_recorded",
    "relationships.privatenote.author": "private_notes",
    "circles.circle.closed_by": "actions_recorded",
    "circles.circlerun.created_by": "actions_recorded",
    "circles.circlegoal.created_by": "actions_recorded",
    "circles.circlemeeting.created_by": "actions_recorded",
    "circles.circlemembership.enrollment": "circles",
    "circles.circleprivatenote.author": "circle_private_notes",
    "journeys.stepcompletion.relationship": "relationships[].journey_steps_done",
    "journeys.stepcompletion.done_by": "actions_recorded",
    "notifications.nudge.person": "nudges",
    "notifications.nudge.relationship": "nudges",
    "notifications.nudgesettings.person": "nudge_settings",
    "availability.calendarconnection.revoked_by": "actions_recorded",
    "availability.organisationconsent.granted_by": "actions_recorded",
    "messaging.notification.person": "notifications",
    "messaging.channelpreference.person": "notification_preferences",
    "messaging.quiethours.person": "notification_preferences.quiet_hours",
}

# "app.model.field" of records that only link a login or person to another system: exported
# as they are (section `linked_records`) and deleted by an erasure. Listed by name because
# their apps may sit beside this one in the layers (no import).
LINKED: dict[str, str] = {
    "accounts.externalidentity.user": "single sign-on identity (issuer and subject)",
    "scim.scimuser.person": "the identity provider's SCIM record (external id, attributes)",
    "availability.workinghours.person": "working hours (time zone, hours per weekday)",
    "availability.calendarconnection.person": (
        "calendar connections (provider, account, status; the sealed credentials never)"
    ),
    "availability.calendarevent.organizer": (
        "meetings written to the person's calendar (UID, provider's event id, link, state)"
    ),
    "communications.unsubscription.person": "a program whose non-essential messages the "
    "person stopped",
    "communications.broadcastrecipient.person": "a program message sent (or left out) to the "
    "person: which broadcast, when",
    "slack.slackmember.person": "the person's Slack user id on an installed workspace",
    "teams.teamsmember.person": "the person's Teams chat with the bot (conversation reference)",
}

# "app.model.field" -> why the records are not exported in full.
WITHHELD: dict[str, str] = {
    "matches.preference.other": (
        "Other people's preferences and vetoes naming this person are their confidential "
        "acts (GDPR Art. 15(4)): neither they nor their number are exported."
    ),
    "relationships.safetyreport.relationship": (
        "Safety reports filed by the other side protect the reporter: only reports this "
        "person filed are exported, and nothing (not a count) of others' reports."
    ),
    "relationships.safetyreportnote.report": (
        "How a manager handled a report is exported when this person wrote the note."
    ),
    "relationships.privatenote.meeting": (
        "Private notes are read by their author alone: only this person's own notes are "
        "exported, never the other side's."
    ),
}


def relations_to_hubs() -> Iterator[tuple[str, models.Field[Any, Any]]]:
    """Every forward relation (foreign key, one-to-one, many-to-many) that targets a hub."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            # Forward relations are Fields (reverse ones are auto-created ForeignObjectRels; a
            # GenericForeignKey has no related model).
            if not isinstance(field, models.Field) or not field.is_relation or field.auto_created:
                continue
            if field.related_model is None:
                continue
            target = field.related_model
            if isinstance(target, str) or target._meta.label_lower not in HUBS:
                continue
            yield f"{model._meta.label_lower}.{field.name}", field


def linked_querysets(
    person: Person, users: list[User]
) -> Iterator[tuple[str, QuerySet[models.Model]]]:
    """The LINKED records of `person` and their logins, model by model."""
    for key, field in relations_to_hubs():
        if key not in LINKED:
            continue
        if field.related_model is Person:
            yield key, field.model._default_manager.filter(**{field.name: person})
        else:
            yield key, field.model._default_manager.filter(**{f"{field.name}__in": users})


def unclassified_relations() -> list[str]:
    """Relations the export does not know about (must be empty; see the test)."""
    known = EXPORTED.keys() | WITHHELD.keys() | LINKED.keys()
    return sorted(key for key, _ in relations_to_hubs() if key not in known)
