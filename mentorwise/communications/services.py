"""Use cases of program communications: templates, previews, test sends, broadcasts and
unsubscribing. Every write is one transaction with its audit row; mail goes after commit
through the one dispatcher (messaging), or as plain e-mail until it is installed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import User
from mentorwise.communications import catalog, texts
from mentorwise.communications.inputs import (
    BroadcastInput,
    TemplateInput,
    broadcast_validate,
    template_validate,
)
from mentorwise.communications.models import (
    Broadcast,
    BroadcastRecipient,
    BroadcastStatus,
    MessageTemplate,
    Unsubscription,
)
from mentorwise.communications.permissions import require_manages
from mentorwise.communications.segments import Audience, segment_audience, segment_validate
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict, FieldError, InvalidInput, NotFound
from mentorwise.core.languages import SHIPPED, language_name
from mentorwise.core.mail import email_enqueue
from mentorwise.core.progress import ProgressCallback
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.services import Draft, notify_bulk
from mentorwise.people.models import Person, employed_on
from mentorwise.programs.models import Enrollment, Program

logger = logging.getLogger(__name__)

# Broadcasts up to this many people are sent in the request; larger ones by the worker.
INLINE_LIMIT = 200
BATCH = 200


# Templates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    """One message and one language as the templates page lists it."""

    key: str
    name: str
    language: str
    subject: str
    body: str
    is_default: bool  # the built-in wording (no version of the program's own)

    @property
    def language_label(self) -> str:
        return language_name(self.language) or self.language


def template_list(*, actor: Actor, program: Program) -> list[TemplateRow]:
    """The standard messages (the program's wording or the default, in the program's
    language) and every saved language version of each, then the free-form templates."""
    require_manages(actor, program)
    own = list(MessageTemplate.objects.filter(program=program))
    rows: list[TemplateRow] = []
    for key, standard in catalog.STANDARD.items():
        versions = [t for t in own if t.key == key]
        if not any(t.language == program.language for t in versions):
            subject, body = texts.default_version(key, program.language)
            label = str(standard.label)
            rows.append(TemplateRow(key, label, program.language, subject, body, True))
        rows += [
            TemplateRow(key, str(standard.label), t.language, t.subject, t.body, False)
            for t in versions
        ]
    rows += [
        TemplateRow(t.key, t.name, t.language, t.subject, t.body, False)
        for t in own
        if t.key not in catalog.STANDARD
    ]
    return rows


def template_get(*, actor: Actor, program: Program, key: str, language: str) -> TemplateRow:
    """One version to edit: the program's own, else the default of a standard message;
    NotFound for a free-form template that has no version yet in any language."""
    require_manages(actor, program)
    if language not in {shipped.code for shipped in SHIPPED}:
        raise NotFound(_("No such template."))
    found = MessageTemplate.objects.filter(program=program, key=key, language=language).first()
    if found is not None:
        name = str(catalog.STANDARD[key].label) if key in catalog.STANDARD else found.name
        return TemplateRow(key, name, language, found.subject, found.body, False)
    if key in catalog.STANDARD:
        subject, body = texts.default_version(key, language)
        return TemplateRow(key, str(catalog.STANDARD[key].label), language, subject, body, True)
    other = MessageTemplate.objects.filter(program=program, key=key).first()
    if other is None:
        raise NotFound(_("No such template."))
    return TemplateRow(key, other.name, language, other.subject, other.body, True)


@transaction.atomic
def template_save(*, actor: Actor, program: Program, data: TemplateInput) -> MessageTemplate:
    """Write the program's version of one message in one language (checked placeholders)."""
    require_manages(actor, program)
    data = template_validate(data)
    template, created = MessageTemplate.objects.update_or_create(
        program=program,
        key=data.key,
        language=data.language,
        defaults={
            "subject": data.subject,
            "body": data.body,
            "name": data.name,
            "updated_at": timezone.now(),
            "updated_by": actor if isinstance(actor, User) else None,
        },
    )
    if data.name:  # one name for every language version of a free-form template
        MessageTemplate.objects.filter(program=program, key=data.key).update(name=data.name)
    audit_record(
        actor=actor,
        action="message_template.saved",
        target=program,
        data={"template": data.key, "language": data.language, "created": created},
    )
    return template


@transaction.atomic
def template_delete(*, actor: Actor, program: Program, key: str, language: str) -> None:
    """Remove one language version: a standard message goes back to the default wording."""
    require_manages(actor, program)
    deleted, _rows = MessageTemplate.objects.filter(
        program=program, key=key, language=language
    ).delete()
    if not deleted:
        raise NotFound(_("No such template."))
    audit_record(
        actor=actor,
        action="message_template.deleted",
        target=program,
        data={"template": key, "language": language},
    )


@dataclass(frozen=True)
class Preview:
    """A message as one recipient would read it."""

    recipient: str  # whose values filled it ("" for the sample values)
    subject: str
    body: str


def _sample_person(program: Program, enrollment_id: int | None) -> Person | None:
    enrollments = Enrollment.objects.filter(program=program).select_related("person")
    if enrollment_id is not None:
        found = enrollments.filter(pk=enrollment_id).first()
        if found is None:
            raise InvalidInput([FieldError("sample", _("not a participant of this program"))])
        return found.person
    first = enrollments.filter(person__erased_at__isnull=True).order_by("pk").first()
    return first.person if first is not None else None


def _values(program: Program, key: str, person: Person | None) -> tuple[dict[str, str], str]:
    """The variables of message `key` for `person` (sample values for the match-only ones,
    and for everything when nobody is given), and whose they are."""
    values = texts.sample_values(key)
    if person is None:
        return values, ""
    recipient = texts.recipients_of(program, [person.pk])[person.pk]
    own = texts.values_for(program, recipient, texts.manager_name(program))
    values.update({k: v for k, v in own.items() if k in values})
    return values, person.full_name


def template_preview(
    *, actor: Actor, program: Program, data: TemplateInput, sample: int | None = None
) -> Preview:
    """The text as a participant (`sample`: an enrollment id; the first one by default)
    would read it, with the footer every program message carries."""
    require_manages(actor, program)
    data = template_validate(data)
    person = _sample_person(program, sample)
    values, whose = _values(program, data.key, person)
    subject, body = texts.render_for((data.subject, data.body), values, language=data.language)
    body += texts.footer(program, person.pk if person else 0, essential=False)
    return Preview(whose, subject, body)


@transaction.atomic
def template_test_send(
    *, actor: Actor, program: Program, data: TemplateInput, sample: int | None = None
) -> str:
    """Send the preview to the editor's own address; returns that address."""
    preview = template_preview(actor=actor, program=program, data=data, sample=sample)
    address = actor.email if isinstance(actor, User) else ""
    person = getattr(actor, "person", None)
    address = address or (person.email if person is not None else "")
    if not address:
        raise Conflict(_("Your login has no e-mail address to send the test to."), "no_email")
    subject = _("[Test] %(subject)s") % {"subject": preview.subject}
    email_enqueue(to=[address], subject=subject[:200], body=preview.body)
    audit_record(
        actor=actor,
        action="message_template.test_sent",
        target=program,
        data={"template": data.key, "language": data.language},
    )
    return address


# Broadcasts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BroadcastPreview:
    """Who a broadcast would reach now, and the message as the first of them reads it."""

    audience: Audience
    sample: Preview | None


def _broadcast_versions(
    program: Program, data: BroadcastInput
) -> tuple[str, str, dict[str, list[str]]]:
    """(default subject, default body, {language: [subject, body]}) of a broadcast."""
    if not data.template:
        return data.subject, data.body, {}
    versions = texts.program_versions(program, data.template)
    if not versions:
        raise InvalidInput([FieldError("template", _("no such template"), value=data.template)])
    default = versions.get(program.language) or next(iter(versions.values()))
    return default[0], default[1], {k: list(v) for k, v in versions.items()}


def broadcast_preview(*, actor: Actor, program: Program, data: BroadcastInput) -> BroadcastPreview:
    """The count before sending (and the unsubscribed and departed left out), and the
    message as the first recipient reads it once there is a text (the count needs none)."""
    require_manages(actor, program)
    if not (data.template or data.subject.strip() or data.body.strip()):
        segment = segment_validate(data.segment)
        audience = segment_audience(program=program, segment=segment, essential=data.essential)
        return BroadcastPreview(audience, None)
    data = broadcast_validate(data)
    subject, body, versions = _broadcast_versions(program, data)
    audience = segment_audience(program=program, segment=data.segment, essential=data.essential)
    sample = None
    if audience.person_ids:
        person = Person.objects.select_related("user").get(pk=audience.person_ids[0])
        sample = _render_one(program, person, subject, body, versions, data.essential)
    return BroadcastPreview(audience, sample)


def _render_one(
    program: Program,
    person: Person,
    subject: str,
    body: str,
    versions: dict[str, list[str]],
    essential: bool,
) -> Preview:
    language = texts.language_for(person)
    chosen = versions.get(language) or versions.get(program.language) or [subject, body]
    recipient = texts.recipients_of(program, [person.pk])[person.pk]
    with_values = texts.values_for(program, recipient, texts.manager_name(program))
    rendered = texts.render_for((chosen[0], chosen[1]), with_values, language=language)
    with translation.override(language):
        footer = texts.footer(program, person.pk, essential=essential)
    return Preview(person.full_name, rendered[0], rendered[1] + footer)


def broadcast_send(
    *,
    actor: Actor,
    program: Program,
    data: BroadcastInput,
    expected: int | None = None,
    progress: ProgressCallback | None = None,
) -> Broadcast:
    """Record the broadcast and its recipients (one transaction, audited: who, segment,
    count, subject, essential), then send it: in the request when small, else in the
    background with progress. `expected`: the count the sender confirmed; a different
    count now (someone enrolled or left meanwhile) is a Conflict, so nobody sends to a
    segment they did not see. With `progress` (the CLI) it is sent here, reporting progress."""
    with transaction.atomic():
        broadcast = _broadcast_create(actor, program, data, expected)
    if progress is not None or broadcast.recipient_count <= INLINE_LIMIT:
        broadcast_deliver(broadcast_id=broadcast.pk, progress=progress)
        broadcast.refresh_from_db()
    else:
        broadcast_task.enqueue(broadcast.pk)
    return broadcast


def _broadcast_create(
    actor: Actor, program: Program, data: BroadcastInput, expected: int | None
) -> Broadcast:
    require_manages(actor, program)
    data = broadcast_validate(data)
    subject, body, versions = _broadcast_versions(program, data)
    audience = segment_audience(program=program, segment=data.segment, essential=data.essential)
    if expected is not None and expected != audience.count:
        raise Conflict(
            _(
                "The segment now reaches %(now)s people, not %(expected)s: check it again "
                "before sending."
            )
            % {"now": audience.count, "expected": expected},
            "count_changed",
        )
    if not audience.count:
        raise InvalidInput([FieldError("segment", _("nobody is in this segment"))])
    broadcast = Broadcast.objects.create(
        program=program,
        subject=subject,
        body=body,
        texts=versions,
        essential=data.essential,
        segment=data.segment.as_json(),
        recipient_count=audience.count,
        created_by=actor if isinstance(actor, User) else None,
    )
    BroadcastRecipient.objects.bulk_create(
        [BroadcastRecipient(broadcast=broadcast, person_id=pk) for pk in audience.person_ids],
        batch_size=1000,
    )
    audit_record(
        actor=actor,
        action="broadcast.sent",
        target=program,
        data={
            "subject": subject,
            "segment": data.segment.as_json(),
            "count": audience.count,
            "essential": data.essential,
            "unsubscribed": audience.unsubscribed,
            "template": data.template,
        },
    )
    return broadcast


def broadcast_deliver(*, broadcast_id: int, progress: ProgressCallback | None = None) -> Broadcast:
    """Send a broadcast to its recipients not yet served, a batch per transaction (a send
    that stops half-way resumes where it stopped; nobody gets it twice). Checks each person
    again at send time: whoever left, was erased or unsubscribed since is skipped."""
    broadcast = Broadcast.objects.select_related("program").get(pk=broadcast_id)
    program = broadcast.program
    if broadcast.status == BroadcastStatus.QUEUED:
        Broadcast.objects.filter(pk=broadcast.pk).update(status=BroadcastStatus.SENDING)
    manager = texts.manager_name(program)
    try:
        while True:
            with transaction.atomic():
                batch = list(
                    BroadcastRecipient.objects.select_for_update()
                    .filter(broadcast=broadcast, sent_at__isnull=True, skipped=False)
                    .order_by("pk")[:BATCH]
                )
                if not batch:
                    break
                _deliver_batch(broadcast, program, manager, batch)
            if progress is not None:
                broadcast.refresh_from_db()
                progress(
                    _("Sending"),
                    broadcast.sent_count + broadcast.skipped_count,
                    broadcast.recipient_count,
                )
    except Exception as error:
        logger.exception("broadcast %s failed", broadcast.pk)
        Broadcast.objects.filter(pk=broadcast.pk).update(
            status=BroadcastStatus.FAILED, error=str(error)[:300]
        )
        raise
    Broadcast.objects.filter(pk=broadcast.pk).update(
        status=BroadcastStatus.SENT, finished_at=timezone.now()
    )
    broadcast.refresh_from_db()
    return broadcast


def _deliver_batch(
    broadcast: Broadcast, program: Program, manager: str, batch: list[BroadcastRecipient]
) -> None:
    ids = [r.person_id for r in batch]
    today = timezone.localdate()
    present = set(
        Person.objects.filter(pk__in=ids, erased_at__isnull=True)
        .filter(employed_on(today))
        .values_list("pk", flat=True)
    )
    if not broadcast.essential:
        present -= set(
            Unsubscription.objects.filter(program=program, person_id__in=ids).values_list(
                "person_id", flat=True
            )
        )
    recipients = texts.recipients_of(program, present)
    now = timezone.now()
    drafts: list[Draft] = []
    for row in batch:
        recipient = recipients.get(row.person_id)
        if recipient is None:
            row.skipped = True
            continue
        person = recipient.person
        language = texts.language_for(person)
        version = (
            broadcast.texts.get(language)
            or broadcast.texts.get(program.language)
            or [broadcast.subject, broadcast.body]
        )
        with translation.override(language):
            values = texts.values_for(program, recipient, manager)
            footer = texts.footer(program, person.pk, essential=broadcast.essential)
        subject, body = texts.render_for((version[0], version[1]), values, language=language)
        drafts.append(
            Draft(
                person_id=person.pk,
                kind=Kind.PROGRAM,
                subject=subject,
                body=body + footer,
                url=values["relationship_url"] or values["program_url"],
                essential=broadcast.essential,
                program_id=program.pk,
            )
        )
        row.sent_at = now
    # Recorded in this batch's transaction, delivered by the dispatcher after its commit.
    notify_bulk(drafts)
    BroadcastRecipient.objects.bulk_update(batch, ["sent_at", "skipped"])
    Broadcast.objects.filter(pk=broadcast.pk).update(
        sent_count=broadcast_sent(broadcast.pk), skipped_count=broadcast_skipped(broadcast.pk)
    )


def broadcast_sent(broadcast_id: int) -> int:
    return BroadcastRecipient.objects.filter(
        broadcast_id=broadcast_id, sent_at__isnull=False
    ).count()


def broadcast_skipped(broadcast_id: int) -> int:
    return BroadcastRecipient.objects.filter(broadcast_id=broadcast_id, skipped=True).count()


@task()
def broadcast_task(broadcast_id: int) -> str:
    """Send a large broadcast in the background worker (`mentorwise db_worker`)."""
    return broadcast_deliver(broadcast_id=broadcast_id).status


# Unsubscribing ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnsubscribeTarget:
    person: Person
    program: Program
    already: bool


def unsubscribe_target(*, token: str) -> UnsubscribeTarget:
    """Who and which program a link names; NotFound for a link this site did not sign."""
    read = texts.unsubscribe_read(token)
    person = Person.objects.filter(pk=read[0], erased_at__isnull=True).first() if read else None
    program = Program.objects.filter(pk=read[1]).first() if read else None
    if person is None or program is None:
        raise NotFound(_("This link is not valid."))
    already = Unsubscription.objects.filter(person=person, program=program).exists()
    return UnsubscribeTarget(person, program, already)


@transaction.atomic
def unsubscribe(*, token: str) -> UnsubscribeTarget:
    """Stop the non-essential messages of one program to one person (idempotent). No login:
    the signed link is the proof; the audit names the system as the actor."""
    target = unsubscribe_target(token=token)
    _row, created = Unsubscription.objects.get_or_create(
        person=target.person, program=target.program
    )
    if created:
        audit_record(
            actor=None,
            action="broadcast.unsubscribed",
            target=target.program,
            data={"person_id": target.person.pk},
        )
    return UnsubscribeTarget(target.person, target.program, True)
