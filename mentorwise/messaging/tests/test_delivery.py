"""Delivery: channels per kind, fallback to e-mail, quiet hours, retries, circuit breaker."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections.abc import Collection
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from mentorwise.core.models import AuditEntry
from mentorwise.messaging import delivery
from mentorwise.messaging.contract import ChannelError, Kind, Message
from mentorwise.messaging.models import (
    ChannelPreference,
    CircuitBreaker,
    Notification,
    QuietHours,
    Status,
)
from mentorwise.messaging.tests.factories import NotificationFactory, RecordingAdapter
from mentorwise.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)


def _actions(notification: Notification) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(
            target_type="messaging.notification", target_id=str(notification.pk)
        )
        .order_by("pk")
        .values_list("action", "data__channel")
    )


def test_no_preference_means_email() -> None:
    n = NotificationFactory()
    assert delivery.deliver_one(n.pk, now=NOON) == Status.SENT
    assert [m.to for m in mail.outbox] == [[n.person.email]]


def test_chosen_chat_channel_gets_it_and_email_does_not(chat: RecordingAdapter) -> None:
    n = NotificationFactory()
    ChannelPreference.objects.create(person=n.person, kind=Kind.NUDGE, channels=["chat"])
    assert delivery.deliver_one(n.pk, now=NOON) == Status.SENT
    assert [m.notification_id for m in chat.sent] == [n.pk]
    assert mail.outbox == []
    n.refresh_from_db()
    assert n.channels_sent == ["chat"]
    assert _actions(n) == [("notification.sent", "chat")]


def test_both_channels_when_both_chosen(chat: RecordingAdapter) -> None:
    n = NotificationFactory()
    ChannelPreference.objects.create(person=n.person, kind=Kind.NUDGE, channels=["chat", "email"])
    delivery.deliver_one(n.pk, now=NOON)
    n.refresh_from_db()
    assert sorted(n.channels_sent) == ["chat", "email"]
    assert len(chat.sent) == len(mail.outbox) == 1


def test_unreachable_chosen_channel_falls_back_to_email(chat: RecordingAdapter) -> None:
    chat.reach = set()
    n = NotificationFactory()
    ChannelPreference.objects.create(person=n.person, kind=Kind.NUDGE, channels=["chat"])
    assert delivery.deliver_one(n.pk, now=NOON) == Status.SENT
    assert chat.calls == 0
    assert len(mail.outbox) == 1
    assert [a for a, _ in _actions(n)] == ["notification.fallback", "notification.sent"]


def test_switched_off_kind_is_skipped_but_essential_goes_by_email() -> None:
    person = PersonFactory()
    ChannelPreference.objects.create(person=person, kind=Kind.NUDGE, channels=[])
    plain = NotificationFactory(person=person)
    essential = NotificationFactory(person=person, essential=True)
    assert delivery.deliver_one(plain.pk, now=NOON) == Status.SKIPPED
    assert delivery.deliver_one(essential.pk, now=NOON) == Status.SENT
    assert len(mail.outbox) == 1


def test_safety_notices_go_by_email_only_whatever_was_chosen(chat: RecordingAdapter) -> None:
    n = NotificationFactory(kind=Kind.SAFETY, essential=True)
    ChannelPreference.objects.create(person=n.person, kind=Kind.SAFETY, channels=["chat"])
    delivery.deliver_one(n.pk, now=NOON)
    assert chat.sent == []
    assert len(mail.outbox) == 1


def test_essential_notice_permanently_refused_by_chat_goes_by_email(chat: RecordingAdapter) -> None:
    chat.fail = ChannelError("not in the workspace", transient=False)
    n = NotificationFactory(essential=True)
    ChannelPreference.objects.create(person=n.person, kind=Kind.NUDGE, channels=["chat"])
    assert delivery.deliver_one(n.pk, now=NOON) == Status.SENT
    assert len(mail.outbox) == 1
    n.refresh_from_db()
    assert n.channels_sent == ["email"]


def test_non_essential_permanent_failure_is_recorded_as_failed(chat: RecordingAdapter) -> None:
    chat.fail = ChannelError("not in the workspace", transient=False)
    n = NotificationFactory()
    ChannelPreference.objects.create(person=n.person, kind=Kind.NUDGE, channels=["chat"])
    assert delivery.deliver_one(n.pk, now=NOON) == Status.FAILED
    assert mail.outbox == []
    assert ("notification.failed", "chat") in _actions(n)


def test_transient_failure_retries_with_backoff_and_other_channel_is_not_blocked(
    chat: RecordingAdapter,
) -> None:
    chat.fail = ChannelError("503")
    n = NotificationFactory()
    ChannelPreference.objects.create(person=n.person, kind=Kind.NUDGE, channels=["chat", "email"])
    assert delivery.deliver_one(n.pk, now=NOON) == Status.HELD
    n.refresh_from_db()
    assert n.channels_sent == ["email"] and n.channels_pending == ["chat"]
    assert n.due_at == NOON + dt.timedelta(minutes=1)
    # Not due yet: nothing happens.
    assert delivery.deliver_one(n.pk, now=NOON + dt.timedelta(seconds=30)) is None
    chat.fail = None
    assert delivery.deliver_one(n.pk, now=NOON + dt.timedelta(minutes=1)) == Status.SENT
    n.refresh_from_db()
    assert sorted(n.channels_sent) == ["chat", "email"]
    assert len(mail.outbox) == 1  # e-mail was not sent twice


def test_backoff_doubles_and_gives_up_after_max_attempts(chat: RecordingAdapter) -> None:
    chat.fail = ChannelError("503")
    n = NotificationFactory()
    ChannelPreference.objects.create(person=n.person, kind=Kind.NUDGE, channels=["chat"])
    now = NOON
    delays = []
    CircuitBreaker.objects.create(channel="chat")  # closed
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        CircuitBreaker.objects.filter(channel="chat").update(failures=0, opened_at=None)
        assert delivery.deliver_one(n.pk, now=now) == Status.HELD
        n.refresh_from_db()
        assert n.due_at is not None
        delays.append(n.due_at - now)
        now = n.due_at
    CircuitBreaker.objects.filter(channel="chat").update(failures=0, opened_at=None)
    assert delivery.deliver_one(n.pk, now=now) == Status.FAILED
    assert delays == [dt.timedelta(minutes=2**i) for i in range(delivery.MAX_ATTEMPTS - 1)]


def test_circuit_opens_after_threshold_then_half_opens_after_cool_off(
    chat: RecordingAdapter,
) -> None:
    chat.fail = ChannelError("503")
    people = PersonFactory.create_batch(delivery.BREAKER_THRESHOLD + 2)
    for person in people:
        ChannelPreference.objects.create(person=person, kind=Kind.NUDGE, channels=["chat"])
    notes = [NotificationFactory(person=p) for p in people]
    for n in notes[: delivery.BREAKER_THRESHOLD]:
        delivery.deliver_one(n.pk, now=NOON)
    breaker = CircuitBreaker.objects.get(channel="chat")
    assert breaker.opened_at == NOON
    assert chat.calls == delivery.BREAKER_THRESHOLD
    # Open: the provider is not called, the notice waits for a retry.
    assert delivery.deliver_one(notes[-2].pk, now=NOON + dt.timedelta(seconds=1)) == Status.HELD
    assert chat.calls == delivery.BREAKER_THRESHOLD
    # Half-open after the cool-off: one trial; it succeeds and closes the circuit.
    chat.fail = None
    later = NOON + delivery.BREAKER_COOL_OFF + dt.timedelta(seconds=1)
    assert delivery.deliver_one(notes[-1].pk, now=later) == Status.SENT
    breaker.refresh_from_db()
    assert (breaker.failures, breaker.opened_at) == (0, None)


def test_half_open_lets_exactly_one_trial_through() -> None:
    CircuitBreaker.objects.create(channel="chat", failures=9, opened_at=NOON)
    later = NOON + delivery.BREAKER_COOL_OFF
    assert [delivery.breaker_allows("chat", later) for _ in range(3)] == [True, False, False]


def test_quiet_hours_hold_non_essential_until_they_end_in_the_persons_zone() -> None:
    person = PersonFactory(time_zone="America/New_York")
    QuietHours.objects.create(person=person, start=dt.time(22, 0), end=dt.time(7, 0))
    night = dt.datetime(2026, 6, 10, 23, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    plain = NotificationFactory(person=person)
    essential = NotificationFactory(person=person, essential=True)
    assert delivery.deliver_one(plain.pk, now=night) == Status.HELD
    assert delivery.deliver_one(essential.pk, now=night) == Status.SENT
    plain.refresh_from_db()
    assert plain.due_at == dt.datetime(2026, 6, 11, 11, 0, tzinfo=dt.UTC)  # 07:00 EDT
    assert len(mail.outbox) == 1
    assert delivery.deliver_one(plain.pk, now=plain.due_at) == Status.SENT
    assert len(mail.outbox) == 2


class _Slow:
    code = "slow"
    label = "Slow"

    def reachable(self, person_ids: Collection[int]) -> set[int]:
        return set(person_ids)

    def send(self, message: Message) -> str:
        time.sleep(2)
        return "late"


def test_a_hung_provider_costs_at_most_the_timeout(settings: Any, monkeypatch: Any) -> None:
    settings.MENTORWISE_CHANNEL_TIMEOUT = 0.2
    # Outside a transaction the network adapters run in a helper thread with the timeout.
    monkeypatch.setattr(connection, "in_atomic_block", False)
    message = Message(1, 1, "a@example.com", "en", Kind.NUDGE, "s", "b", "http://x/")
    started = time.monotonic()
    with pytest.raises(ChannelError) as error:
        delivery._call(_Slow(), message)
    assert time.monotonic() - started < 1.0
    assert error.value.transient


def test_sweep_queues_what_is_due_and_takes_over_dead_claims(
    django_capture_on_commit_callbacks: Any,
) -> None:
    due = NotificationFactory(status=Status.HELD, due_at=timezone.now() - dt.timedelta(minutes=1))
    later = NotificationFactory(status=Status.HELD, due_at=timezone.now() + dt.timedelta(hours=1))
    dead = NotificationFactory(
        status=Status.SENDING, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.notifications_deliver_due() == 2
    statuses = dict(Notification.objects.values_list("pk", "status"))
    assert statuses == {due.pk: Status.SENT, later.pk: Status.HELD, dead.pk: Status.SENT}


def test_erased_person_gets_nothing() -> None:
    n = NotificationFactory()
    n.person.erased_at = timezone.now()
    n.person.save(update_fields=["erased_at"])
    assert delivery.deliver_one(n.pk, now=NOON) == Status.SKIPPED
    assert mail.outbox == []
