"""Delivery: after commit a background task sends each notification on its channels.

For each notification: the person's channels for its kind among the adapters that can
reach them (e-mail when none can), held through their quiet hours unless essential; each
channel is sent independently, with a timeout, behind a circuit breaker shared by every
worker (the `CircuitBreaker` rows), and retried with backoff after a transient failure. An
essential notice that no chosen channel took goes by e-mail. Every outcome (sent, failed,
retrying, held, skipped) is an audit row the HR admins read in the audit log.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import default_task_backend, task

from mentorwise.core.audit import audit_record
from mentorwise.core.clock import zone_of
from mentorwise.core.languages import language_of
from mentorwise.messaging.contract import (
    Action,
    ActionKind,
    ChannelAdapter,
    ChannelError,
    Kind,
    Message,
    adapters,
)
from mentorwise.messaging.models import CircuitBreaker, Notification, QuietHours, Status
from mentorwise.messaging.selectors import EMAIL, channels_chosen, quiet_until

logger = logging.getLogger(__name__)

# Transient failures in a row that open a channel's circuit, and how long it stays open
# before one trial send (half-open) may close it again.
BREAKER_THRESHOLD = 5
BREAKER_COOL_OFF = dt.timedelta(minutes=5)
# Attempts per channel before a transient failure counts as final, and the backoff between
# them: 1, 2, 4, 8 ... minutes, capped at an hour.
MAX_ATTEMPTS = 6
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=1)
# A claim older than this belongs to a worker that died: the sweep takes it over.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)


def send_timeout() -> float:
    """Seconds one adapter may take for one send (MENTORWISE_CHANNEL_TIMEOUT)."""
    return float(getattr(settings, "MENTORWISE_CHANNEL_TIMEOUT", 10.0))


def backoff(attempts: int) -> dt.timedelta:
    delay: dt.timedelta = BACKOFF_BASE * (2 ** max(0, attempts - 1))
    return min(BACKOFF_CAP, delay)


# --- enqueueing -------------------------------------------------------------------------


@task()
def notifications_deliver(notification_ids: list[int]) -> int:
    """The background task: deliver these notifications (those due; others wait)."""
    return deliver(notification_ids)


def deliveries_enqueue(notification_ids: list[int], *, at: dt.datetime | None = None) -> None:
    """Queue a delivery task for these ids once the current transaction commits."""
    ids = list(notification_ids)
    if not ids:
        return

    def enqueue() -> None:
        if at is not None:
            if not default_task_backend.supports_defer:
                return  # the sweep (`notifications_deliver_due`, run by cron) picks it up
            notifications_deliver.using(run_after=at).enqueue(ids)
        else:
            notifications_deliver.enqueue(ids)

    transaction.on_commit(enqueue)


def notifications_deliver_due(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """The sweep (part of `mentorwise send-nudges`): queue every notification that is due
    (quiet hours over, snooze over, a retry's backoff over, a lost task) and take over the
    claims of dead workers. Returns how many were queued."""
    now = now or timezone.now()
    Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT).update(
        status=Status.HELD, claimed_at=None
    )
    ids = list(
        Notification.objects.filter(status__in=(Status.PENDING, Status.HELD))
        .filter(Q(due_at__isnull=True) | Q(due_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch):
        deliveries_enqueue(ids[start : start + batch])
    return len(ids)


# --- the circuit breaker ----------------------------------------------------------------


def breaker_allows(channel: str, now: dt.datetime) -> bool:
    """Closed: yes. Open within the cool-off: no. Open after it (half-open): one caller
    wins the trial (a conditional update, so two workers never both try)."""
    row = CircuitBreaker.objects.filter(channel=channel).first()
    if row is None or row.opened_at is None:
        return True
    if now - row.opened_at < BREAKER_COOL_OFF:
        return False
    won = CircuitBreaker.objects.filter(channel=channel, opened_at=row.opened_at).update(
        opened_at=now, updated_at=now
    )
    return won == 1


def breaker_success(channel: str, now: dt.datetime) -> None:
    CircuitBreaker.objects.filter(channel=channel).exclude(failures=0, opened_at=None).update(
        failures=0, opened_at=None, last_error="", updated_at=now
    )


def breaker_failure(channel: str, error: str, now: dt.datetime) -> bool:
    """Count one transient failure; True when this opened the circuit."""
    CircuitBreaker.objects.get_or_create(channel=channel)
    CircuitBreaker.objects.filter(channel=channel).update(
        failures=F("failures") + 1, last_error=error[:300], updated_at=now
    )
    opened = CircuitBreaker.objects.filter(
        channel=channel, failures__gte=BREAKER_THRESHOLD, opened_at__isnull=True
    ).update(opened_at=now)
    return opened == 1


# --- sending ----------------------------------------------------------------------------


def _call(adapter: ChannelAdapter, message: Message) -> str:
    """Send through one adapter within its timeout.

    Network adapters run in a helper thread so a hung provider costs at most the timeout;
    inside a transaction (tests) and for e-mail (a local relay) they run inline, because
    another thread would not see this transaction's rows."""
    if adapter.code == EMAIL or connection.in_atomic_block:
        return adapter.send(message)

    def run() -> str:
        try:
            return adapter.send(message)
        finally:
            connections.close_all()

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(run).result(timeout=send_timeout())
    except concurrent.futures.TimeoutError as error:
        raise ChannelError(f"no answer within {send_timeout():g} s") from error
    finally:
        pool.shutdown(wait=False)


def _message(notification: Notification) -> Message:
    base: str = settings.MENTORWISE_BASE_URL
    url = notification.url
    if url.startswith("/"):
        url = base.rstrip("/") + url
    return Message(
        notification_id=notification.pk,
        person_id=notification.person_id,
        email=notification.address or notification.person.email,
        language=language_of(notification.person),
        kind=Kind(notification.kind),
        subject=notification.subject,
        body=notification.body,
        url=url,
        essential=notification.essential,
        actions=tuple(
            Action(
                kind=ActionKind(a["kind"]),
                # A snooze button stored with target 0 names its own notification.
                target=int(a["target"])
                or (notification.pk if a["kind"] == ActionKind.SNOOZE else 0),
                label=str(a["label"]),
                value=a.get("value"),
                style=str(a.get("style", "")),
            )
            for a in notification.actions
        ),
        attachments=tuple((a[0], a[1], a[2]) for a in notification.attachments),
    )


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)
    retry: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _record(notification: Notification, action: str, **data: object) -> None:
    audit_record(
        actor=None,
        action=action,
        target=notification,
        data={"kind": notification.kind, **data},
    )


def _send_on(
    notification: Notification,
    channels: list[str],
    registry: dict[str, ChannelAdapter],
    now: dt.datetime,
    outcome: Outcome,
) -> None:
    message = _message(notification)
    for channel in channels:
        adapter = registry.get(channel)
        if adapter is None:
            outcome.failed.append(channel)
            _record(notification, "notification.failed", channel=channel, error="not installed")
            continue
        if not breaker_allows(channel, now):
            outcome.retry.append(channel)
            _record(notification, "notification.retrying", channel=channel, error="circuit open")
            continue
        try:
            provider_id = _call(adapter, message)
        except ChannelError as error:
            if error.transient:
                opened = breaker_failure(channel, str(error), now)
                outcome.retry.append(channel)
                _record(
                    notification,
                    "notification.retrying",
                    channel=channel,
                    error=str(error)[:300],
                    circuit_opened=opened,
                )
            else:
                outcome.failed.append(channel)
                _record(notification, "notification.failed", channel=channel, error=str(error))
            continue
        except Exception as error:  # an adapter's bug must not stop the other channels
            logger.exception("channel %s raised", channel)
            breaker_failure(channel, repr(error), now)
            outcome.retry.append(channel)
            _record(notification, "notification.retrying", channel=channel, error=repr(error))
            continue
        breaker_success(channel, now)
        outcome.sent.append(channel)
        _record(notification, "notification.sent", channel=channel, provider_id=str(provider_id))


def _claim(notification_id: int, now: dt.datetime) -> Notification | None:
    claimed = (
        Notification.objects.filter(pk=notification_id, status__in=(Status.PENDING, Status.HELD))
        .filter(Q(due_at__isnull=True) | Q(due_at__lte=now))
        .update(status=Status.SENDING, claimed_at=now)
    )
    if not claimed:
        return None
    return Notification.objects.select_related("person__user").get(pk=notification_id)


def _finish(notification: Notification, status: Status, **fields: object) -> None:
    notification.status = status
    notification.claimed_at = None
    for name, value in fields.items():
        setattr(notification, name, value)
    notification.save(
        update_fields=[
            "status",
            "claimed_at",
            "due_at",
            "sent_at",
            "channels_pending",
            "channels_sent",
            "attempts",
        ]
    )


def _quiet_end(notification: Notification, now: dt.datetime) -> dt.datetime | None:
    if notification.essential:
        return None
    quiet = QuietHours.objects.filter(person_id=notification.person_id).first()
    if quiet is None:
        return None
    return quiet_until(now, quiet.start, quiet.end, zone_of(notification.person))


def deliver_one(notification_id: int, *, now: dt.datetime | None = None) -> Status | None:
    """Deliver one notification if it is due and nobody else is delivering it; returns
    its new status (None: not due, already handled or missing)."""
    now = now or timezone.now()
    notification = _claim(notification_id, now)
    if notification is None:
        return None
    person = notification.person
    if person.erased_at is not None:
        _finish(notification, Status.SKIPPED, channels_pending=[])
        _record(notification, "notification.skipped", reason="erased")
        return Status.SKIPPED
    quiet_end = _quiet_end(notification, now)
    if quiet_end is not None:
        _finish(notification, Status.HELD, due_at=quiet_end)
        _record(notification, "notification.held", until=quiet_end.isoformat())
        deliveries_enqueue([notification.pk], at=quiet_end)
        return Status.HELD
    registry = adapters()
    pending: list[str] = list(notification.channels_pending)
    if not pending and not notification.channels_sent:
        chosen = channels_chosen([person.pk], Kind(notification.kind))[person.pk]
        if not chosen and not notification.essential:
            _finish(notification, Status.SKIPPED)
            _record(notification, "notification.skipped", reason="switched_off")
            return Status.SKIPPED
        pending = [
            c for c in chosen if c in registry and person.pk in registry[c].reachable([person.pk])
        ]
        if not pending:
            pending = [EMAIL]
            _record(notification, "notification.fallback", chosen=list(chosen))
    outcome = Outcome()
    _send_on(notification, pending, registry, now, outcome)
    sent = [*notification.channels_sent, *outcome.sent]
    attempts = notification.attempts + 1
    retry = outcome.retry if attempts < MAX_ATTEMPTS else []
    if attempts >= MAX_ATTEMPTS:
        outcome.failed.extend(outcome.retry)
    # An essential notice nobody received and no channel left to retry: e-mail it now.
    if notification.essential and not sent and not retry and EMAIL not in outcome.failed:
        fallback = Outcome()
        _record(notification, "notification.fallback", chosen=pending)
        _send_on(notification, [EMAIL], registry, now, fallback)
        sent += fallback.sent
        retry = fallback.retry
    if retry:
        due = now + backoff(attempts)
        _finish(
            notification,
            Status.HELD,
            due_at=due,
            channels_pending=retry,
            channels_sent=sent,
            attempts=attempts,
            sent_at=now if sent else notification.sent_at,
        )
        deliveries_enqueue([notification.pk], at=due)
        return Status.HELD
    status = Status.SENT if sent else Status.FAILED
    _finish(
        notification,
        status,
        channels_pending=[],
        channels_sent=sent,
        attempts=attempts,
        sent_at=now if sent else None,
    )
    return status


def deliver(notification_ids: list[int], *, now: dt.datetime | None = None) -> int:
    """Deliver these notifications one by one; returns how many reached a channel."""
    done = 0
    for notification_id in notification_ids:
        try:
            status = deliver_one(notification_id, now=now)
        except Exception:  # one broken notification must not hold up the batch
            logger.exception("delivering notification %s failed", notification_id)
            continue
        done += status == Status.SENT
    return done
