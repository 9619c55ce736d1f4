"""Messaging use cases: record a notification (`notify`), snooze one, choose channels and
quiet hours. Recording happens in the caller's transaction; delivery after it commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.bulk import rows_insert
from mentorwise.core.errors import FieldError, InvalidInput, NotFound
from mentorwise.core.mail import emails_are_suppressed
from mentorwise.messaging.contract import Action, Kind
from mentorwise.messaging.delivery import deliveries_enqueue
from mentorwise.messaging.models import ChannelPreference, Notification, QuietHours, Status
from mentorwise.messaging.selectors import ESSENTIAL_KINDS, channels_offered
from mentorwise.people.models import Person

SNOOZE_DAYS = 7
# Notifications enqueued per delivery task by `notify_bulk` (a nudge run queues tens of
# thousands: one task row per batch instead of one per message).
TASK_BATCH = 200


def _action_json(action: Action) -> dict[str, object]:
    # A snooze button's target 0 stands for its own notification, whose id the caller cannot
    # know yet; delivery puts the id in (`delivery._message`), so no second write is needed.
    # Built by hand: dataclasses.asdict deep-copies, measurably slow for a nudge run.
    return {
        "kind": str(action.kind),
        "target": action.target,
        "label": str(action.label),
        "value": action.value,
        "style": action.style,
    }


def _attachments_json(attachments: Iterable[tuple[str, str, str]]) -> list[list[str]]:
    return [[name, content, mimetype] for name, content, mimetype in attachments]


def notify(
    *,
    person: Person,
    kind: Kind,
    subject: str,
    body: str,
    url: str,
    essential: bool = False,
    actions: Sequence[Action] = (),
    attachments: Sequence[tuple[str, str, str]] = (),
    program: models.Model | None = None,
    address: str = "",
) -> Notification:
    """Record one notification to `person` in the caller's transaction; it is delivered after
    commit (never for a rolled-back change) on the channels the person chose for `kind`.

    `subject` and `body` must hold nothing private (DESIGN rule 9): every channel sends
    them. A SNOOZE action with target 0 names this notification (filled in on delivery).
    Attachments go by e-mail only. Safety notices are essential and go by e-mail only
    whatever the caller says.
    `address` sends the e-mail to that address instead of the person's (a login's own).
    """
    kind = Kind(kind)
    essential = essential or kind == Kind.SAFETY
    suppressed = emails_are_suppressed()
    notification = Notification.objects.create(
        person=person,
        kind=kind,
        subject=subject[:200],
        body=body,
        url=url[:500],
        address=address,
        essential=essential,
        actions=[_action_json(a) for a in actions],
        attachments=_attachments_json(attachments),
        program_id=program.pk if program is not None else None,
        status=Status.SKIPPED if suppressed else Status.PENDING,
    )
    if not suppressed:
        deliveries_enqueue([notification.pk])
    return notification


@dataclass(frozen=True)
class Draft:
    """One notification for `notify_bulk` (the same fields as `notify`, by person id)."""

    person_id: int
    kind: Kind
    subject: str
    body: str
    url: str
    essential: bool = False
    actions: tuple[Action, ...] = ()
    program_id: int | None = None


# The columns notify_bulk writes, in order (the rest keep their database defaults).
_BULK_COLUMNS = (
    "person_id",
    "kind",
    "subject",
    "body",
    "url",
    "address",
    "essential",
    "actions",
    "attachments",
    "program_id",
    "status",
    "created_at",
    "channels_pending",
    "channels_sent",
    "attempts",
)


def notify_bulk(drafts: Sequence[Draft]) -> list[int]:
    """`notify` for many people at once (the nudge run); returns the new notifications' ids,
    in the order of `drafts`.

    The rows are written as plain tuples (`core.bulk.rows_insert`: COPY on PostgreSQL;
    the ORM's bulk_create spends most of a 100,000-person nudge run preparing values field
    by field) and one delivery task is queued per TASK_BATCH notifications, all after the
    caller's commit."""
    if not drafts:
        return []
    suppressed = emails_are_suppressed()
    now = timezone.now()
    status = str(Status.SKIPPED if suppressed else Status.PENDING)
    kinds = {kind: str(kind) for kind in Kind}
    rows: list[tuple[object, ...]] = [
        (
            d.person_id,
            kinds[Kind(d.kind)],
            d.subject[:200],
            d.body,
            d.url[:500],
            "",
            d.essential or d.kind == Kind.SAFETY,
            [_action_json(a) for a in d.actions],
            [],
            d.program_id,
            status,
            now,
            [],
            [],
            0,
        )
        for d in drafts
    ]
    with transaction.atomic():
        ids = [
            int(row[0]) for row in rows_insert(Notification, _BULK_COLUMNS, rows, returning=("id",))
        ]
        if not suppressed:
            for start in range(0, len(ids), TASK_BATCH):
                deliveries_enqueue(ids[start : start + TASK_BATCH])
    return ids


def _own_person_id(actor: Actor) -> int:
    person_id = getattr(actor, "person_id", None)
    if person_id is None:
        raise NotFound(_("Your login has no employee record."))
    return int(person_id)


@transaction.atomic
def notification_snooze(*, actor: Actor, notification_id: int) -> Notification:
    """Snooze one of the actor's own notifications: it is delivered again in a week.
    Anybody else's notification (or none) is NotFound."""
    person_id = getattr(actor, "person_id", None) or -1
    notification = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, person_id=person_id)
        .first()
    )
    if notification is None:
        raise NotFound(_("No such notification."))
    now = timezone.now()
    notification.snoozed_until = now + dt.timedelta(days=SNOOZE_DAYS)
    notification.due_at = notification.snoozed_until
    notification.status = Status.HELD
    # Channels are chosen afresh when it comes back (preferences may change in a week).
    notification.channels_pending = []
    notification.channels_sent = []
    notification.attempts = 0
    notification.claimed_at = None
    notification.save(
        update_fields=[
            "snoozed_until",
            "due_at",
            "status",
            "channels_pending",
            "channels_sent",
            "attempts",
            "claimed_at",
        ]
    )
    audit_record(
        actor=actor,
        action="notification.snoozed",
        target=notification,
        data={"kind": notification.kind, "until": notification.snoozed_until.isoformat()},
    )
    return notification


@dataclass(frozen=True)
class Preferences:
    """What a person may set: channels per kind, and quiet hours (both times or neither)."""

    channels: dict[Kind, tuple[str, ...]]
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None


@transaction.atomic
def preferences_set(*, actor: Actor, data: Preferences) -> Preferences:
    """Set the actor's own channels per kind and quiet hours; checks every kind first and
    writes all or nothing. Only channels that can reach the person are accepted; essential
    kinds keep at least one channel; safety notices stay on e-mail."""
    person_id = _own_person_id(actor)
    offered = set(channels_offered(person_id))
    errors: list[FieldError] = []
    for kind, channels in data.channels.items():
        unknown = [c for c in channels if c not in offered]
        if unknown:
            errors.append(
                FieldError(
                    field=f"channels.{kind}",
                    value=", ".join(unknown),
                    message=_("These channels cannot reach you: %(channels)s.")
                    % {"channels": ", ".join(unknown)},
                )
            )
        if kind in ESSENTIAL_KINDS and not channels:
            errors.append(
                FieldError(field=f"channels.{kind}", message=_("This kind cannot be switched off."))
            )
        if kind == Kind.SAFETY and tuple(channels) != ("email",):
            errors.append(
                FieldError(
                    field=f"channels.{kind}",
                    value=", ".join(channels),
                    message=_("Safety notices go by e-mail only."),
                )
            )
    if (data.quiet_start is None) != (data.quiet_end is None):
        errors.append(
            FieldError(
                field="quiet_hours", message=_("Give both the start and the end, or neither.")
            )
        )
    elif data.quiet_start is not None and data.quiet_start == data.quiet_end:
        errors.append(
            FieldError(
                field="quiet_hours",
                value=f"{data.quiet_start:%H:%M}",
                message=_("The start and the end must differ."),
            )
        )
    if errors:
        raise InvalidInput(errors=errors)
    now = timezone.now()
    for kind, channels in data.channels.items():
        ChannelPreference.objects.update_or_create(
            person_id=person_id,
            kind=kind,
            defaults={"channels": list(dict.fromkeys(channels)), "updated_at": now},
        )
    if data.quiet_start is not None and data.quiet_end is not None:
        QuietHours.objects.update_or_create(
            person_id=person_id,
            defaults={"start": data.quiet_start, "end": data.quiet_end, "updated_at": now},
        )
    else:
        QuietHours.objects.filter(person_id=person_id).delete()
    audit_record(
        actor=actor,
        action="notification_preferences.changed",
        data={
            "channels": {str(k): list(v) for k, v in data.channels.items()},
            "quiet_hours": (
                f"{data.quiet_start:%H:%M}-{data.quiet_end:%H:%M}"
                if data.quiet_start and data.quiet_end
                else ""
            ),
        },
    )
    return data


def kind_switch(*, person_id: int, kinds: Iterable[Kind], on: bool) -> None:
    """Switch non-essential kinds off (no channel) or back to e-mail for one person, in the
    caller's transaction (the reminders page's "mute" maps onto this)."""
    now = timezone.now()
    for kind in kinds:
        if on:
            row = ChannelPreference.objects.filter(person_id=person_id, kind=kind).first()
            if row is not None and not row.channels:
                row.delete()
        else:
            ChannelPreference.objects.update_or_create(
                person_id=person_id, kind=kind, defaults={"channels": [], "updated_at": now}
            )
