"""Erasure (GDPR Art. 17): remove or pseudonymise a person's data, keep the counts right.

What goes: name, email, employee id (replaced by a one-way pseudonym), title, bio, time zone,
languages, demographics, the person's private notes, nudges and nudge settings, every free
text they wrote or that is about them (enrollment answers, match messages and reasons,
goals of their mentoring, shared meeting notes, check-in comments, survey text answers,
sponsorship descriptions, closure reasons, safety reports they filed), and their logins
(deactivated, sessions ended, tokens revoked, no usable password). Their name and email are
replaced by "Erased person #<id>" in the texts that stay (timelines, other people's nudges,
notes and safety reports).

What stays, so that aggregates do not move: the Person row with organisational attributes
(department, function, location, job level, dates, manager link, termination), career
events, enrollments, matches, relationships, meetings, goals (status and progress), scale
answers and pulses, training completions. The audit log is kept unchanged: it is the record
of who did what (GDPR Art. 17(3)(b) and (e), accountability under Art. 5(2)), readable by HR
admins only, and the database refuses edits to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.apps import apps
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.accounts import services as account_services
from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import ApiToken, User
from mentorwise.accounts.two_step import remove_methods
from mentorwise.circles.models import CirclePrivateNote
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict, FieldError, InvalidInput
from mentorwise.core.models import OutboxMessage
from mentorwise.core.outbound import events_naming
from mentorwise.learning.models import ModuleCompletion
from mentorwise.matches.models import ForbiddenPair, Match
from mentorwise.messaging.models import ChannelPreference, Notification, QuietHours
from mentorwise.notifications.models import Nudge, NudgeSettings
from mentorwise.people.importer import erased_employee_id
from mentorwise.people.models import Demographics, Person
from mentorwise.people.search import forget_deleted_names
from mentorwise.privacy.inventory import linked_querysets
from mentorwise.privacy.permissions import require_privacy_admin
from mentorwise.programs.models import Enrollment
from mentorwise.relationships.models import (
    AgreementVersion,
    CheckIn,
    Goal,
    Meeting,
    Milestone,
    PrivateNote,
    Relationship,
    RelationshipEvent,
    SafetyReport,
    SafetyReportNote,
    SponsorshipAction,
    SurveyResponse,
)

ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: never deliverable


@dataclass
class ErasureResult:
    """What an erasure changed, as counts (the audit row holds exactly this)."""

    person_id: int
    logins_deactivated: int = 0
    tokens_revoked: int = 0
    demographics_deleted: int = 0
    private_notes_deleted: int = 0
    nudges_deleted: int = 0
    linked_records_deleted: int = 0
    task_results_deleted: int = 0
    outbox_emails_deleted: int = 0
    texts_cleared: int = 0
    names_replaced: int = 0

    def summary(self) -> str:
        counts = [
            ngettext(
                "%(count)s login deactivated.",
                "%(count)s logins deactivated.",
                self.logins_deactivated,
            ),
            ngettext(
                "%(count)s private note deleted.",
                "%(count)s private notes deleted.",
                self.private_notes_deleted,
            ),
            ngettext("%(count)s nudge deleted.", "%(count)s nudges deleted.", self.nudges_deleted),
            ngettext("%(count)s text cleared.", "%(count)s texts cleared.", self.texts_cleared),
            ngettext(
                "%(count)s mention of the name replaced.",
                "%(count)s mentions of the name replaced.",
                self.names_replaced,
            ),
        ]
        numbers = [
            self.logins_deactivated,
            self.private_notes_deleted,
            self.nudges_deleted,
            self.texts_cleared,
            self.names_replaced,
        ]
        sentences = [text % {"count": n} for text, n in zip(counts, numbers, strict=True)]
        return " ".join([_("Person #%(id)s erased.") % {"id": self.person_id}, *sentences])


def pseudonym(person_id: int) -> str:
    return f"Erased person #{person_id}"


def person_erase(*, actor: Actor, person: Person, confirm: str) -> ErasureResult:
    """Erase `person` (irreversible). `confirm` must be their employee id, typed again."""
    require_privacy_admin(actor)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.erased_at is not None:
            raise Conflict(_("This person's data was already erased."), code="already_erased")
        if confirm.strip() != person.employee_id:
            raise InvalidInput(
                [
                    FieldError(
                        "confirm",
                        _("Type the person's employee id exactly to confirm the erasure."),
                        value=confirm[:64],
                    )
                ]
            )
        result = ErasureResult(person_id=person.pk)
        users = list(User.objects.filter(person=person))
        names = _identifiers(person, users)
        enrollment_ids = list(Enrollment.objects.filter(person=person).values_list("pk", flat=True))
        relationships = Relationship.objects.filter(
            Q(mentee_id__in=enrollment_ids) | Q(mentor_id__in=enrollment_ids)
        )
        as_mentee = relationships.filter(mentee_id__in=enrollment_ids)
        replace = _replacer(names, pseudonym(person.pk))

        _erase_logins(actor, users, result)
        result.demographics_deleted = Demographics.objects.filter(person=person).delete()[0]
        result.private_notes_deleted = PrivateNote.objects.filter(author__in=users).delete()[0]
        result.private_notes_deleted += CirclePrivateNote.objects.filter(author__in=users).delete()[
            0
        ]
        result.nudges_deleted = Nudge.objects.filter(person=person).delete()[0]
        NudgeSettings.objects.filter(person=person).delete()
        result.nudges_deleted += Notification.objects.filter(person=person).delete()[0]
        ChannelPreference.objects.filter(person=person).delete()
        QuietHours.objects.filter(person=person).delete()
        for _label, queryset in linked_querysets(person, users):
            result.linked_records_deleted += queryset.delete()[0]
        # Events for other systems that name them (webhook deliveries go with them).
        result.linked_records_deleted += (
            events_naming(person.pk).delete()[1].get("core.OutboundEvent", 0)
        )
        result.texts_cleared = _clear_texts(users, enrollment_ids, relationships, as_mentee)
        result.texts_cleared += ModuleCompletion.objects.filter(person=person).update(answers={})
        result.names_replaced = _replace_names(relationships, replace, users)
        result.names_replaced += _replace_in_notifications(names, replace)
        result.task_results_deleted = _forget_task_results(names)
        result.outbox_emails_deleted = _forget_outbox(names)
        _pseudonymise_person(person)
        audit_record(actor=actor, action="person.erased", target=person, data=asdict(result))
        # Old names in the search index and the write-ahead log go once the erasure is kept.
        transaction.on_commit(lambda: forget_deleted_names(connection))
    return result


def _identifiers(person: Person, users: list[User]) -> list[str]:
    """The strings that identify the person in free text: full name, email, usernames."""
    found = {person.full_name, person.email}
    for user in users:
        found.update({user.get_username(), user.email, user.get_full_name()})
    return sorted((s for s in found if s and len(s) >= 3), key=len, reverse=True)


def _replacer(names: list[str], by: str) -> Callable[[str], str]:
    pattern = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if names else None

    def replace(text: str) -> str:
        return pattern.sub(by, text) if pattern is not None and text else text

    return replace


def _erase_logins(actor: Actor, users: list[User], result: ErasureResult) -> None:
    end_sessions = getattr(account_services, "user_sessions_end", None)
    for user in users:
        user.username = f"erased-{user.pk}"
        user.email = ""
        user.first_name = user.last_name = ""
        user.is_active = False
        user.is_hr_admin = user.is_executive = user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
        # After the rename, so that the audit row of the session end does not name them.
        if end_sessions is not None:
            result.tokens_revoked += end_sessions(user=user, reason="erased", actor=actor)
        else:
            result.tokens_revoked += ApiToken.objects.filter(
                user=user, revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
            User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        ApiToken.objects.filter(user=user).update(name="Erased token")
        remove_methods(user)  # the app, passkeys (named by the person) and recovery codes
        user.managed_programs.clear()
        result.logins_deactivated += 1


def _clear_texts(
    users: list[User],
    enrollment_ids: list[int],
    relationships: QuerySet[Relationship],
    as_mentee: QuerySet[Relationship],
) -> int:
    """Blank free text the person wrote or that is about them; rows stay for the counts."""
    n = 0
    n += Enrollment.objects.filter(pk__in=enrollment_ids).update(
        development_goals="", expertise="", availability="", answers={}, languages=[]
    )
    mine = Q(mentee_id__in=enrollment_ids) | Q(mentor_id__in=enrollment_ids)
    n += Match.objects.filter(mine).update(
        message="", decline_reason="", reasons=[], reasons_by_language={}, warnings=[]
    )
    n += ForbiddenPair.objects.filter(mine).update(reason="")
    n += relationships.update(closure_reason="")
    n += AgreementVersion.objects.filter(agreement__relationship__in=relationships).update(
        pair_objectives=""
    )
    # Goals are the mentee's: cleared when the erased person is the mentee.
    n += Goal.objects.filter(relationship__in=as_mentee).update(
        title="Erased goal", specific="", measurable="", achievable="", relevant=""
    )
    n += Milestone.objects.filter(goal__relationship__in=as_mentee).update(title="Erased")
    # Shared notes are written by both and name both: cleared in the person's relationships.
    n += Meeting.objects.filter(relationship__in=relationships).update(
        shared_notes="", topics="", location=""
    )
    n += SponsorshipAction.objects.filter(
        Q(relationship__in=as_mentee) | Q(recorded_by__in=users)
    ).update(description="")
    n += SafetyReport.objects.filter(reporter__in=users).update(description="")
    n += SafetyReportNote.objects.filter(author__in=users).update(text="")
    for relationship in relationships.only("pk", "mentee_id"):
        side = "mentee" if relationship.mentee_id in enrollment_ids else "mentor"
        n += CheckIn.objects.filter(relationship=relationship, side=side).update(comment="")
        for response in SurveyResponse.objects.filter(relationship=relationship, side=side):
            response.answers = {
                k: ("" if isinstance(v, str) else v) for k, v in response.answers.items()
            }
            response.save(update_fields=["answers"])
            n += 1
    return n


def _replace_names(
    relationships: QuerySet[Relationship], replace: Callable[[str], str], users: list[User]
) -> int:
    """Replace the person's name in texts that stay: timelines (of their relationships, and
    entries they wrote in others' as a manager), other people's nudges and notes."""
    n = 0
    events = RelationshipEvent.objects.filter(
        Q(relationship__in=relationships) | Q(actor__in=users)
    )
    for event in events:
        text = replace(event.text)
        values = {k: replace(v) if isinstance(v, str) else v for k, v in event.values.items()}
        if (text, values) != (event.text, event.values):
            event.text, event.values = text[:300], values
            event.save(update_fields=["text", "values"])
            n += 1
    for nudge in Nudge.objects.filter(relationship__in=relationships):
        subject, body = replace(nudge.subject), replace(nudge.body)
        if (subject, body) != (nudge.subject, nudge.body):
            nudge.subject, nudge.body = subject[:200], body
            nudge.save(update_fields=["subject", "body"])
            n += 1
    # The other side's private notes stay theirs; only the erased name in them is replaced
    # (by this job, never read by a person).
    for note in PrivateNote.objects.filter(meeting__relationship__in=relationships):
        text = replace(note.text)
        if text != note.text:
            note.text = text
            note.save(update_fields=["text"])
            n += 1
    for report in SafetyReport.objects.filter(relationship__in=relationships):
        text = replace(report.description)
        if text != report.description:
            report.description = text
            report.save(update_fields=["description"])
            n += 1
    return n


def _replace_in_notifications(names: list[str], replace: Callable[[str], str]) -> int:
    """Replace the person's name in other people's notifications (a notification has no
    link to the relationship it is about, so they are found by the text itself)."""
    if not names:
        return 0
    mentions = Q()
    for name in names:
        mentions |= Q(subject__icontains=name) | Q(body__icontains=name)
    n = 0
    for notification in Notification.objects.filter(mentions):
        subject, body = replace(notification.subject), replace(notification.body)
        if (subject, body) != (notification.subject, notification.body):
            notification.subject, notification.body = subject[:200], body
            notification.save(update_fields=["subject", "body"])
            n += 1
    return n


def _forget_task_results(names: list[str]) -> int:
    """Delete queued or finished background tasks whose arguments name the person.

    Email tasks keep their recipients, subject and body in the task table until pruned
    (`prune_db_task_results`); running ones are left to finish.
    """
    try:
        model = apps.get_model("django_tasks_database", "DBTaskResult")
    except LookupError:
        return 0
    if not names:
        return 0
    mentions = Q()
    for name in names:
        mentions |= Q(args_text__icontains=name)
    rows = (
        model.objects.annotate(args_text=Cast("args_kwargs", TextField()))
        .filter(mentions)
        .exclude(status="RUNNING")
    )
    return int(model.objects.filter(pk__in=list(rows.values_list("pk", flat=True))).delete()[0])


def _forget_outbox(names: list[str]) -> int:
    """Delete the e-mails the outbox kept (core/outbox.py) that name the person anywhere.

    Matched in Python: the recipients and attachments are JSON, which the database may store
    with non-ASCII letters escaped, so a lookup would miss "Tomás". The outbox holds a demo's
    or trial's mail, not years of it.
    """
    wanted = [name.casefold() for name in names if name]
    if not wanted:
        return 0
    doomed = [
        message.pk
        for message in OutboxMessage.objects.all().iterator()
        if any(
            name in text
            for text in (
                " ".join(message.to).casefold(),
                message.subject.casefold(),
                message.body.casefold(),
                " ".join(str(a.get("content", "")) for a in message.attachments).casefold(),
            )
            for name in wanted
        )
    ]
    return int(OutboxMessage.objects.filter(pk__in=doomed).delete()[0])


def _pseudonymise_person(person: Person) -> None:
    person.employee_id = erased_employee_id(person.employee_id)
    person.first_name = "Erased"
    person.last_name = f"person #{person.pk}"
    person.email = f"erased-{person.pk}@{ERASED_EMAIL_DOMAIN}"
    person.title = ""
    person.bio = ""
    person.time_zone = ""
    person.languages = []
    person.erased_at = person.updated_at = timezone.now()
    person.save()
