"""notify records in the caller's transaction and delivers after commit; snooze."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from mentorwise.accounts.tests.factories import UserFactory
from mentorwise.core.errors import NotFound
from mentorwise.core.mail import emails_suppressed
from mentorwise.core.models import AuditEntry
from mentorwise.messaging.contract import Action, ActionKind, Kind
from mentorwise.messaging.delivery import _message
from mentorwise.messaging.models import Notification, Status
from mentorwise.messaging.services import Draft, notification_snooze, notify, notify_bulk
from mentorwise.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_notify_records_now_and_emails_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            person=person,
            kind=Kind.MEETING,
            subject="Meeting on Tuesday",
            body="Hello,\n\nSee you.",
            url="/relationships/1/",
            attachments=[("meeting.ics", "BEGIN:VCALENDAR", "text/calendar")],
        )
        assert notification.status == Status.PENDING
        assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.channels_sent == ["email"]
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.to, sent.subject, sent.body) == (
        [person.email],
        "Meeting on Tuesday",
        "Hello,\n\nSee you.",
    )
    assert sent.attachments[0][0] == "meeting.ics"
    assert AuditEntry.objects.filter(
        action="notification.sent", target_id=str(notification.pk)
    ).exists()


def test_nothing_is_sent_for_a_rolled_back_change(django_capture_on_commit_callbacks: Any) -> None:
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(person=person, kind=Kind.NUDGE, subject="s", body="b", url="")
                raise RuntimeError
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_snooze_button_names_its_own_notification(django_capture_on_commit_callbacks: Any) -> None:
    person = PersonFactory()
    snooze = Action(ActionKind.SNOOZE, 0, "Snooze a week")
    with django_capture_on_commit_callbacks(execute=True):
        single = notify(
            person=person, kind=Kind.NUDGE, subject="s", body="b", url="", actions=[snooze]
        )
        [bulk_id] = notify_bulk([Draft(person.pk, Kind.NUDGE, "s", "b", "", actions=(snooze,))])
    for notification in (single, Notification.objects.get(pk=bulk_id)):
        notification.refresh_from_db()
        [button] = _message(notification).actions
        assert (button.kind, button.target) == (ActionKind.SNOOZE, notification.pk)


def test_suppressed_notify_records_but_sends_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True), emails_suppressed():
        notification = notify(person=person, kind=Kind.NUDGE, subject="s", body="b", url="")
    assert notification.status == Status.SKIPPED
    assert mail.outbox == []


def test_person_snoozes_own_notification_for_a_week(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = PersonFactory()
    user = UserFactory(person=person)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(person=person, kind=Kind.NUDGE, subject="s", body="b", url="")
    before = timezone.now()
    snoozed = notification_snooze(actor=user, notification_id=notification.pk)
    assert snoozed.status == Status.HELD
    assert snoozed.due_at is not None
    assert dt.timedelta(days=7) <= snoozed.due_at - before < dt.timedelta(days=7, minutes=1)
    assert AuditEntry.objects.filter(action="notification.snoozed").count() == 1


def test_nobody_else_can_snooze_a_notification(django_capture_on_commit_callbacks: Any) -> None:
    person = PersonFactory()
    other = UserFactory(person=PersonFactory())
    no_person = UserFactory(person=None)
    notification = notify(person=person, kind=Kind.NUDGE, subject="s", body="b", url="")
    for actor in (other, no_person, None):
        with pytest.raises(NotFound):
            notification_snooze(actor=actor, notification_id=notification.pk)
    with pytest.raises(NotFound):
        notification_snooze(actor=UserFactory(person=person), notification_id=notification.pk + 999)
    notification.refresh_from_db()
    assert notification.snoozed_until is None
    assert not AuditEntry.objects.filter(action="notification.snoozed").exists()


def test_notify_bulk_writes_what_notify_writes(django_capture_on_commit_callbacks: Any) -> None:
    people = PersonFactory.create_batch(3)
    snooze = Action(ActionKind.SNOOZE, 0, "Snooze")
    drafts = [
        Draft(
            p.pk,
            Kind.SAFETY if n == 2 else Kind.NUDGE,
            f"s{n}",
            f"b{n}",
            f"/u{n}",
            n == 1,
            (snooze,) if n == 0 else (),
            program_id=n or None,
        )
        for n, p in enumerate(people)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        ids = notify_bulk(drafts)
        expected = [
            notify(
                person=p,
                kind=d.kind,
                subject=d.subject,
                body=d.body,
                url=d.url,
                essential=d.essential,
                actions=d.actions,
            )
            for p, d in zip(people, drafts, strict=True)
        ]
    fields = (
        "person_id",
        "kind",
        "subject",
        "body",
        "url",
        "essential",
        "actions",
        "attachments",
        "status",
        "channels_sent",
        "attempts",
    )
    got = list(Notification.objects.filter(pk__in=ids).order_by("pk").values_list(*fields))
    want = list(
        Notification.objects.filter(pk__in=[n.pk for n in expected])
        .order_by("pk")
        .values_list(*fields)
    )
    assert got == want
    assert [n.program_id for n in Notification.objects.filter(pk__in=ids).order_by("pk")] == [
        None,
        1,
        2,
    ]
    assert all(n.created_at is not None for n in Notification.objects.filter(pk__in=ids))
    assert len(mail.outbox) == 6
