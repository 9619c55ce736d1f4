"""Nudge use cases: find what is due, send it once, let people dismiss or mute."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.bulk import rows_insert
from mentorwise.core.content import reading
from mentorwise.core.errors import NotFound
from mentorwise.core.languages import language_from, speaking_to
from mentorwise.core.outbound import outbound_record_many, person_ref
from mentorwise.matches.services import requests_expire
from mentorwise.messaging.contract import Action, ActionKind, Kind
from mentorwise.messaging.selectors import kinds_switched_off
from mentorwise.messaging.services import Draft, kind_switch, notify_bulk
from mentorwise.notifications import rules
from mentorwise.notifications.meeting_reminders import meeting_reminders
from mentorwise.notifications.models import Delivery, Nudge, NudgeKind, NudgeSettings
from mentorwise.people.models import Person, employed_on
from mentorwise.relationships.inputs import Closure
from mentorwise.relationships.models import ClosureKind, Relationship
from mentorwise.relationships.services.closure import relationship_close

logger = logging.getLogger(__name__)


@dataclass
class NudgeRun:
    """What one pass of the nudge job did."""

    created: int = 0
    emailed: int = 0
    in_app_only: int = 0
    expired_matches: int = 0
    closed_relationships: int = 0

    def summary(self) -> str:
        """One line for the operator (`mentorwise send-nudges`), counts after labels."""
        return _(
            "new nudges: %(created)s, emailed: %(emailed)s, in the app only (muted): "
            "%(in_app)s, requests expired: %(expired)s, stalled relationships closed: "
            "%(closed)s"
        ) % {
            "created": self.created,
            "emailed": self.emailed,
            "in_app": self.in_app_only,
            "expired": self.expired_matches,
            "closed": self.closed_relationships,
        }


def nudges_run(*, now: dt.datetime | None = None, send: bool = True) -> NudgeRun:
    """The cron job (`mentorwise send-nudges`): expire, detect, close, send. Idempotent.

    With `send=False` the nudges are created (and shown in the app) but stay pending until
    the next run that sends.
    """
    with reading():  # each language's program texts read once for all the e-mails
        return _nudges_run(now, send)


def _nudges_run(now: dt.datetime | None, send: bool) -> NudgeRun:
    now = now or timezone.now()
    result = NudgeRun()
    result.expired_matches = requests_expire(now=now)
    drafts = [
        *rules.agreement_unconfirmed(now),
        *rules.survey_due(now),
        *rules.answer_waiting(now),
        *rules.training_incomplete(now),
        *rules.checkin_due(now),
        *rules.journey_step_due(now),
        *meeting_reminders(now),
    ]
    stalled_drafts, to_close = rules.stalled(now)
    drafts += stalled_drafts
    result.created = _create(drafts, now)
    for relationship in to_close:
        result.closed_relationships += _auto_close(relationship, now)
    if send:
        result.emailed, result.in_app_only = nudges_send(now=now)
    if result.created or result.closed_relationships or result.emailed or result.in_app_only:
        logger.info("nudges: %s", result.summary())
        audit_record(actor=None, action="nudges.run", data=asdict(result))
    return result


# The columns of a new nudge, in the order `_create` writes them.
_NUDGE_COLUMNS = (
    "person_id",
    "kind",
    "cause",
    "subject",
    "body",
    "url",
    "essential",
    "program_id",
    "relationship_id",
    "created_at",
    "delivery",
)


def _create(drafts: list[rules.NudgeDraft], now: dt.datetime) -> int:
    """Insert the drafts whose (person, cause) is new; the unique constraint decides (ON
    CONFLICT DO NOTHING), so it is safe when two workers run at once, and only the nudges
    this run inserted are counted and announced."""
    if not drafts:
        return 0
    # Nobody is reminded after leaving or after their data was erased: everybody gone,
    # read once (not the tens of thousands of recipients as a list of ids).
    gone = set(
        Person.objects.filter(Q(erased_at__isnull=False) | ~employed_on(now.date())).values_list(
            "pk", flat=True
        )
    )
    fresh: dict[tuple[int, str], rules.NudgeDraft] = {}
    for draft in drafts:
        if draft.person_id not in gone:
            fresh.setdefault((draft.person_id, draft.cause), draft)
    pending = str(Delivery.PENDING)
    inserted = rows_insert(
        Nudge,
        _NUDGE_COLUMNS,
        [
            (
                d.person_id,
                str(d.kind),
                d.cause,
                d.subject[:200],
                d.body,
                d.url[:300],
                d.essential,
                d.program_id,
                d.relationship_id,
                now,
                pending,
            )
            for d in fresh.values()
        ],
        returning=("person_id", "cause"),
        ignore_conflicts=True,
    )
    new = [fresh[(person_id, cause)] for person_id, cause in inserted]
    _announce(new)
    return len(new)


def _announce(drafts: list[rules.NudgeDraft]) -> None:
    """Tell subscribed systems (webhooks) of relationships at risk and surveys due."""
    flagged: set[int] = set()
    announced = (NudgeKind.STALLED_FLAG, NudgeKind.SURVEY_DUE)
    programs = dict(
        Relationship.objects.filter(
            pk__in={d.relationship_id for d in drafts if d.relationship_id and d.kind in announced}
        ).values_list("pk", "program__slug")
    )
    people = dict(
        Person.objects.filter(
            pk__in={d.person_id for d in drafts if d.kind == NudgeKind.SURVEY_DUE}
        ).values_list("pk", "employee_id")
    )
    events: list[tuple[str, dict[str, object]]] = []
    for draft in drafts:
        rel = draft.relationship_id
        if rel is None or rel not in programs:
            continue
        if draft.kind == NudgeKind.STALLED_FLAG and rel not in flagged:
            flagged.add(rel)
            events.append(
                (
                    "relationship.at_risk",
                    {"relationship": rel, "program": programs[rel], "reason": "no_recent_meeting"},
                )
            )
        elif draft.kind == NudgeKind.SURVEY_DUE:
            events.append(
                (
                    "survey.due",
                    {
                        "relationship": rel,
                        "program": programs[rel],
                        "person": person_ref(draft.person_id, people.get(draft.person_id, "")),
                        "survey": draft.cause.split(":")[1],
                    },
                )
            )
    outbound_record_many(events)


def _auto_close(relationship: Relationship, now: dt.datetime) -> int:
    with transaction.atomic():
        relationship_close(
            actor=None,
            relationship=relationship,
            data=Closure(
                kind=ClosureKind.EARLY,
                rematch=True,
                reason="Closed automatically: no meeting after repeated reminders and a warning.",
            ),
        )
        for person in (relationship.mentee.person, relationship.mentor.person):
            with speaking_to(person):
                subject = _("Your %(program)s relationship was closed") % {
                    "program": relationship.program.title
                }
                body = (
                    _(
                        "It was closed because no meeting took place after several reminders. "
                        "Each of you is back among the peers waiting for a match."
                    )
                    if relationship.program.is_peer
                    else _(
                        "It was closed because no meeting took place after several reminders. "
                        "The mentee is back in the pool and can be matched again."
                    )
                )
            Nudge.objects.get_or_create(
                person=person,
                cause=f"autoclosed:{relationship.pk}",
                defaults={
                    "kind": NudgeKind.AUTO_CLOSED,
                    "essential": True,
                    "created_at": now,
                    "subject": subject,
                    "body": body,
                    "program": relationship.program,
                    "relationship": relationship,
                },
            )
    return 1


# What each nudge is, as the dispatcher's kinds (people choose channels per kind).
KIND_OF: dict[str, Kind] = {
    NudgeKind.SURVEY_DUE: Kind.SURVEY,
    NudgeKind.CHECKIN_DUE: Kind.CHECKIN,
    NudgeKind.CLOSURE_WARNING: Kind.RELATIONSHIP,
    NudgeKind.AUTO_CLOSED: Kind.RELATIONSHIP,
    NudgeKind.MEETING_REMINDER: Kind.MEETING,
}
# The kinds "mute non-essential reminders" switches off (and back on): every kind a
# non-essential nudge can have.
MUTED_KINDS = (Kind.NUDGE, Kind.SURVEY, Kind.CHECKIN)
# Pending nudges handed to the dispatcher per transaction.
SEND_BATCH = 5000


def nudge_kind(kind: str) -> Kind:
    return KIND_OF.get(kind, Kind.NUDGE)


def nudges_send(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Hand pending nudges to the dispatcher (`messaging.notify_bulk`); non-essential ones
    stay in the app for people who switched their kind off. Bulk: a few queries per batch."""
    now = now or timezone.now()
    sent = in_app = 0
    while True:
        batch_sent, batch_in_app = _send_batch(now)
        sent += batch_sent
        in_app += batch_in_app
        if batch_sent + batch_in_app < SEND_BATCH:
            return sent, in_app


# What a batch of pending nudges reads: the columns it needs, not model instances (with
# the recipient's first name and what decides their language: their login's own choice
# and their HR record's languages).
_PENDING_COLUMNS = (
    "pk",
    "person_id",
    "kind",
    "essential",
    "subject",
    "body",
    "url",
    "program_id",
    "relationship_id",
    "person__first_name",
    "person__languages",
    "person__user__language",
)


@transaction.atomic
def _send_batch(now: dt.datetime) -> tuple[int, int]:
    pending = list(
        # Only the nudges are locked: PostgreSQL cannot lock the nullable side of the join
        # that brings each person's login (their language).
        Nudge.objects.select_for_update(of=("self",))
        .filter(delivery=Delivery.PENDING, person__erased_at__isnull=True)
        .order_by("pk")
        .values_list(*_PENDING_COLUMNS)[:SEND_BATCH]
    )
    off = kinds_switched_off({row[1] for row in pending}, MUTED_KINDS)
    drafts: list[Draft] = []
    # The texts of each language are looked up once per batch, not once per nudge.
    texts: dict[str, tuple[str, str]] = {}
    languages: dict[tuple[str | None, tuple[str, ...]], str] = {}
    outcome: dict[str, list[int]] = {Delivery.EMAILED: [], Delivery.IN_APP: []}
    for (
        pk,
        person_id,
        raw_kind,
        essential,
        subject,
        body,
        url,
        program_id,
        relationship_id,
        first_name,
        record,
        chosen,
    ) in pending:
        kind = nudge_kind(raw_kind)
        if not essential and (person_id, kind) in off:
            outcome[Delivery.IN_APP].append(pk)
            continue
        key = (chosen, tuple(record or ()))
        if key not in languages:
            languages[key] = language_from(chosen=chosen, record=record)
        language = languages[key]
        if language not in texts:
            with translation.override(language):
                texts[language] = (_("Hello %(name)s,"), _("Remind me in a week"))
        hello, snooze = texts[language]
        greeting = hello % {"name": first_name}
        drafts.append(
            Draft(
                person_id=person_id,
                kind=kind,
                subject=subject,
                body=f"{greeting}\n\n{body}\n\n{url}\n",
                url=url,
                essential=essential,
                actions=_buttons(relationship_id, kind, snooze),
                program_id=program_id,
            )
        )
        outcome[Delivery.EMAILED].append(pk)
    notify_bulk(drafts)
    # Two UPDATEs (one per outcome), not a bulk_update: its CASE per row costs seconds here.
    for delivery, ids in outcome.items():
        for start in range(0, len(ids), 1000):
            Nudge.objects.filter(pk__in=ids[start : start + 1000]).update(
                delivery=delivery, sent_at=now
            )
    return len(drafts), len(outcome[Delivery.IN_APP])


def _buttons(relationship_id: int | None, kind: Kind, snooze: str) -> tuple[Action, ...]:
    """A check-in prompt's 1-5 rating; a snooze (labelled `snooze`) on every reminder but a
    meeting's (a week later, the meeting is past)."""
    rating: tuple[Action, ...] = ()
    if kind == Kind.CHECKIN and relationship_id is not None:
        rating = tuple(
            Action(ActionKind.CHECKIN_RATE, relationship_id, str(n), value=n) for n in range(1, 6)
        )
    if kind == Kind.MEETING:
        return rating
    return (*rating, Action(ActionKind.SNOOZE, 0, snooze))


@task()
def nudges_task() -> str:
    """The nudge job as a background task (enqueue it from a scheduler if you prefer)."""
    return nudges_run().summary()


@transaction.atomic
def nudge_dismiss(*, actor: Actor, nudge_id: int) -> Nudge:
    """Hide one of the actor's own nudges from their list."""
    nudge = Nudge.objects.filter(
        pk=nudge_id, person_id=getattr(actor, "person_id", None) or -1
    ).first()
    if nudge is None:
        raise NotFound(_("No such nudge."))
    if nudge.dismissed_at is None:
        nudge.dismissed_at = timezone.now()
        nudge.save(update_fields=["dismissed_at"])
        audit_record(actor=actor, action="nudge.dismissed", target=nudge)
    return nudge


@transaction.atomic
def nudge_settings_set(*, actor: Actor, mute_non_essential: bool) -> NudgeSettings:
    """Mute (or unmute) non-essential nudges for the actor's own person: switches the
    reminder, survey and check-in kinds off (or back to e-mail) in their channel preferences."""
    person_id = getattr(actor, "person_id", None)
    if person_id is None:
        raise NotFound(_("Your login has no employee record."))
    settings_row, _created = NudgeSettings.objects.update_or_create(
        person_id=person_id,
        defaults={"mute_non_essential": mute_non_essential, "updated_at": timezone.now()},
    )
    # The per-kind channel preferences decide; this switch maps onto them.
    kind_switch(person_id=person_id, kinds=MUTED_KINDS, on=not mute_non_essential)
    audit_record(
        actor=actor,
        action="nudges.muted" if mute_non_essential else "nudges.unmuted",
        target=settings_row,
    )
    return settings_row
