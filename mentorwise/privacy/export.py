"""Data-subject access (GDPR Art. 15 and 20): everything held about one person, as JSON.

The sections follow inventory.py; `actions_recorded` lists every other record on which the
person's login appears (as creator, decider, logger...), found by walking the app registry,
so nothing that points at them can be left out.

What other people did in confidence about the person is theirs, and is left out without a
trace, not even a count (GDPR Art. 15(4)): safety reports others filed about their
relationships, others' preferences and vetoes naming them, the other side's decline reason,
and the reasons of match proposals never shown to them (which say who asked for whom).
What the person did themselves is in: reports they filed, marks and vetoes they cast,
their own decline reasons.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import ApiToken, Authenticator, Passkey, RecoveryCode, User
from mentorwise.circles.models import (
    CircleCheckIn,
    CircleMembership,
    CirclePrivateNote,
    ClosingAnswer,
)
from mentorwise.core.audit import audit_record
from mentorwise.core.models import AuditEntry
from mentorwise.journeys.models import StepCompletion
from mentorwise.learning.models import ModuleCompletion
from mentorwise.matches.models import (
    ForbiddenPair,
    Match,
    MatchStatus,
    Preference,
    Response,
    UnmatchedMentee,
)
from mentorwise.messaging.models import ChannelPreference, Notification, QuietHours
from mentorwise.notifications.models import Nudge, NudgeSettings
from mentorwise.people.models import CareerEvent, Demographics, Person
from mentorwise.privacy.inventory import linked_querysets, relations_to_hubs
from mentorwise.privacy.permissions import require_export_without_conflict, require_privacy_admin
from mentorwise.programs.models import Enrollment, Program
from mentorwise.relationships.models import (
    AgreementVersion,
    CheckIn,
    Goal,
    Meeting,
    PrivateNote,
    Relationship,
    RelationshipEvent,
    SafetyReport,
    SafetyReportNote,
    SponsorshipAction,
    SurveyResponse,
)

FORMAT = "mentorwise.person-export/1"
# Matches a participant was never shown (a run's proposal, a manager's decision on it).
_NEVER_SHOWN = {
    MatchStatus.PROPOSED,
    MatchStatus.APPROVED,
    MatchStatus.REJECTED,
    MatchStatus.SUPERSEDED,
}
# What is left out because it is other people's, stated once in every export.
WITHHELD_NOTICE: dict[str, Promise] = {
    "other_side": gettext_lazy(
        "The other side's private notes, check-in comments and survey answers."
    ),
    "preferences_of_others": gettext_lazy(
        "Other participants' preferences and vetoes naming this person."
    ),
    "safety_reports_of_others": gettext_lazy(
        "Safety reports others filed, and how they were handled."
    ),
    "decline_reasons_of_others": gettext_lazy("Why the other person declined a match."),
    "unshown_match_reasons": gettext_lazy(
        "The reasons of match proposals this person was never shown (they name others' "
        "preferences); the proposals themselves are listed."
    ),
}
# Never exported: credentials and internal bookkeeping that says nothing about the person.
# Sealed secrets (calendar credentials) are never exported, not even sealed.
_NEVER = {"password", "hashed", "session_generation", "path", "depth", "secret_sealed"}


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def row(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The concrete fields of `obj` as JSON values (foreign keys as ids)."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in _NEVER or field.name in exclude:
            continue
        name = field.attname
        out[name] = _value(getattr(obj, name))
    return out


def _person_ref(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"id": person.pk, "employee_id": person.employee_id, "name": person.full_name}


def person_export(*, actor: Actor, person: Person, reference: str = "") -> dict[str, Any]:
    """Everything held about `person`; HR admins (or the CLI) only; the read is audited.

    An HR admin who takes part in a program with the person leaves the export to another
    HR admin or the command line (`require_export_without_conflict`).
    """
    require_privacy_admin(actor)
    require_export_without_conflict(actor=actor, person=person)
    with transaction.atomic():
        data = _collect(person)
        audit_record(
            actor=actor,
            action="person.exported",
            target=person,
            data={
                "format": FORMAT,
                "reference": reference[:200],
                "sections": {k: len(v) for k, v in data.items() if isinstance(v, list)},
            },
        )
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "exported_by": actor.get_username() if actor is not None else "command line",
        **data,
    }


def _collect(person: Person) -> dict[str, Any]:
    users = list(User.objects.filter(person=person))
    enrollments = list(
        Enrollment.objects.filter(person=person)
        .select_related("program")
        .prefetch_related("skills_wanted", "skills_offered")
    )
    enrollment_ids = [e.pk for e in enrollments]
    relationships = list(
        Relationship.objects.filter(
            Q(mentee_id__in=enrollment_ids) | Q(mentor_id__in=enrollment_ids)
        ).select_related("program", "mentee__person", "mentor__person")
    )
    demographics = Demographics.objects.filter(person=person).first()
    nudge_settings = NudgeSettings.objects.filter(person=person).first()
    return {
        "person": {
            **row(person, exclude=("manager",)),
            "manager": _person_ref(person.manager),
        },
        "demographics": row(demographics) if demographics else None,
        "career_events": [row(e) for e in CareerEvent.objects.filter(person=person)],
        "logins": [_login(u) for u in users],
        "programs_managed": [
            {"slug": p.slug, "name": p.name}
            for p in Program.objects.filter(managers__in=users).distinct()
        ],
        "enrollments": [_enrollment(e) for e in enrollments],
        "matches": _matches(enrollment_ids),
        "relationships": [_relationship(r, enrollment_ids) for r in relationships],
        # Private notes are read by their author only, administrators included: an export
        # made by an HR admin lists them (when, how long) without their text, which the
        # person reads and copies on their meetings' pages.
        "private_notes": [
            {
                **row(n, exclude=("text",)),
                "meeting_starts_at": _value(n.meeting.starts_at),
                "text_length": len(n.text),
                "text": None,
            }
            for n in PrivateNote.objects.filter(author__in=users).select_related("meeting")
        ],
        "private_notes_text": _(
            "Not included: private notes are readable by their author only. "
            "The person reads and copies them on the pages of their meetings."
        ),
        "circles": _circles(enrollment_ids),
        # As pair meetings' private notes: when and how long, never the text.
        "circle_private_notes": [
            {**row(n, exclude=("text",)), "text_length": len(n.text), "text": None}
            for n in CirclePrivateNote.objects.filter(author__in=users)
        ],
        "safety_reports": [row(r) for r in SafetyReport.objects.filter(reporter__in=users)],
        "safety_report_notes": [row(n) for n in SafetyReportNote.objects.filter(author__in=users)],
        "training_completions": [
            {**row(c), "module": c.module.title}
            for c in ModuleCompletion.objects.filter(person=person).select_related("module")
        ],
        "nudges": [row(n) for n in Nudge.objects.filter(person=person)],
        "nudge_settings": row(nudge_settings) if nudge_settings else None,
        "notifications": [row(n) for n in Notification.objects.filter(person=person)],
        "notification_preferences": {
            "channels": [row(p) for p in ChannelPreference.objects.filter(person=person)],
            "quiet_hours": [row(q) for q in QuietHours.objects.filter(person=person)],
        },
        "withheld": {key: str(text) for key, text in WITHHELD_NOTICE.items()},
        "linked_records": {
            key: [row(obj) for obj in queryset] for key, queryset in linked_querysets(person, users)
        },
        "actions_recorded": _actions_recorded(users),
        "audit_entries": _audit_entries(person, users, enrollment_ids, relationships),
    }


def _login(user: User) -> dict[str, Any]:
    return {
        **row(user, exclude=("person",)),
        "api_tokens": [row(t) for t in ApiToken.objects.filter(user=user)],
        # What is set up and when it was used; never the app's key or a passkey's public key.
        "two_step": {
            "authenticators": [
                row(a, exclude=("sealed_key",)) for a in Authenticator.objects.filter(user=user)
            ],
            "passkeys": [
                row(p, exclude=("public_key",)) for p in Passkey.objects.filter(user=user)
            ],
            "recovery_codes": [row(c) for c in RecoveryCode.objects.filter(user=user)],
        },
    }


def _enrollment(enrollment: Enrollment) -> dict[str, Any]:
    return {
        **row(enrollment),
        "program": {"slug": enrollment.program.slug, "name": enrollment.program.name},
        "skills_wanted": sorted(s.name for s in enrollment.skills_wanted.all()),
        "skills_offered": sorted(s.name for s in enrollment.skills_offered.all()),
        "preferences": [
            {**row(p), "other": _person_ref(p.other.person)}
            for p in Preference.objects.filter(enrollment=enrollment).select_related(
                "other__person"
            )
        ],
        "unmatched": [row(u) for u in UnmatchedMentee.objects.filter(mentee=enrollment)],
        "excluded_pairs": [
            row(f)
            for f in ForbiddenPair.objects.filter(Q(mentee=enrollment) | Q(mentor=enrollment))
        ],
    }


def _matches(enrollment_ids: list[int]) -> list[dict[str, Any]]:
    matches = Match.objects.filter(
        Q(mentee_id__in=enrollment_ids) | Q(mentor_id__in=enrollment_ids)
    ).select_related("program", "mentee__person", "mentor__person")
    return [
        {
            **row(m),
            **_withheld_in_match(m, enrollment_ids),
            "program": m.program.slug,
            "mentee": _person_ref(m.mentee.person),
            "mentor": _person_ref(m.mentor.person),
        }
        for m in matches
    ]


def _withheld_in_match(match: Match, enrollment_ids: list[int]) -> dict[str, Any]:
    """The fields of a match that are someone else's confidential act, blanked (None)."""
    out: dict[str, Any] = {}
    own = "mentee_response" if match.mentee_id in enrollment_ids else "mentor_response"
    if match.decline_reason and getattr(match, own) != Response.DECLINED:
        out["decline_reason"] = None  # the other person's reason: they were told only "no"
    if match.status in _NEVER_SHOWN:
        out["reasons"] = None  # "X asked for Y": another's preference, never shown to them
    return out


def _relationship(relationship: Relationship, enrollment_ids: list[int]) -> dict[str, Any]:
    # The person's side: their own check-ins and survey answers are theirs; the other
    # side's are the other person's data.
    side = "mentee" if relationship.mentee_id in enrollment_ids else "mentor"
    goals = Goal.objects.filter(relationship=relationship).prefetch_related("milestones")
    return {
        **row(relationship),
        "program": relationship.program.slug,
        "side": side,
        "mentee": _person_ref(relationship.mentee.person),
        "mentor": _person_ref(relationship.mentor.person),
        "agreement": [
            row(v) for v in AgreementVersion.objects.filter(agreement__relationship=relationship)
        ],
        "goals": [{**row(g), "milestones": [row(m) for m in g.milestones.all()]} for g in goals],
        "meetings": [row(m) for m in Meeting.objects.filter(relationship=relationship)],
        "check_ins": [row(c) for c in CheckIn.objects.filter(relationship=relationship, side=side)],
        "survey_responses": [
            {**row(r), "survey": r.survey.kind}
            for r in SurveyResponse.objects.filter(
                relationship=relationship, side=side
            ).select_related("survey")
        ],
        "sponsorship_actions": [
            row(a) for a in SponsorshipAction.objects.filter(relationship=relationship)
        ],
        "timeline": [row(e) for e in RelationshipEvent.objects.filter(relationship=relationship)],
        "journey_steps_done": [
            {**row(c), "step": c.step.title}
            for c in StepCompletion.objects.filter(relationship=relationship).select_related("step")
        ],
    }


def _circles(enrollment_ids: list[int]) -> list[dict[str, Any]]:
    """The person's places in circles with their own check-ins and closing answer (other
    members' check-ins and answers are theirs)."""
    out = []
    for place in CircleMembership.objects.filter(enrollment_id__in=enrollment_ids).select_related(
        "circle"
    ):
        out.append(
            {
                **row(place),
                "circle": {"id": place.circle_id, "name": place.circle.name},
                "check_ins": [row(c) for c in CircleCheckIn.objects.filter(membership=place)],
                "closing_answers": [row(a) for a in ClosingAnswer.objects.filter(membership=place)],
            }
        )
    return out


def _actions_recorded(users: list[User]) -> list[dict[str, Any]]:
    """Every record naming the person's login in a relation to the user model."""
    if not users:
        return []
    out: list[dict[str, Any]] = []
    for key, field in relations_to_hubs():
        if field.related_model is not User or key == "accounts.apitoken.user":
            continue
        model = field.model
        ids = list(
            model._default_manager.filter(**{f"{field.name}__in": users})
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()
        )
        if ids:
            out.append({"record": model._meta.label_lower, "as": field.name, "ids": ids})
    return out


def _audit_entries(
    person: Person,
    users: list[User],
    enrollment_ids: list[int],
    relationships: list[Relationship],
) -> list[dict[str, Any]]:
    about = Q(target_type="people.person", target_id=str(person.pk))
    about |= Q(target_type="accounts.user", target_id__in=[str(u.pk) for u in users])
    about |= Q(target_type="programs.enrollment", target_id__in=[str(i) for i in enrollment_ids])
    about |= Q(
        target_type="relationships.relationship",
        target_id__in=[str(r.pk) for r in relationships],
    )
    about |= Q(actor__in=users)
    return [row(a) for a in AuditEntry.objects.filter(about).order_by("created_at", "id")]
