"""Delivering outbound events to webhook endpoints: fan out, send, retry, give up, replay.

`webhooks_run` (cron: `mentorwise send-webhooks`, every minute) hands each new event to
every enabled endpoint that subscribes to its kind, then sends what is due. A delivery is
retried after 1 and 5 minutes, half an hour, 2, 8 and 24 hours; after the seventh failed
attempt it is given up (the dead-letter list, where an HR admin can replay it). An endpoint
that failed five times in a row is paused for ten minutes (circuit breaker), so one broken
receiver costs no time to the others. Delivery is at least once: receivers deduplicate by
`Mentorwise-Event-Id`.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import requests
from django.db import transaction
from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.channels.endpoints import require_webhook_admin
from mentorwise.channels.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from mentorwise.channels.signing import HEADER, signature
from mentorwise.core.audit import audit_record
from mentorwise.core.models import OutboundEvent
from mentorwise.core.outbound import PING
from mentorwise.core.sealed import unseal

BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=8),
    dt.timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
BREAKER_FAILURES = 5
BREAKER_PAUSE = dt.timedelta(minutes=10)
TIMEOUT_SECONDS = 5
# How long a claimed delivery is left alone by other workers while it is being sent.
LEASE = dt.timedelta(minutes=1)
# Events (and their deliveries) are kept this long after being handed out.
KEEP = dt.timedelta(days=30)

Sender = Callable[[str, bytes, dict[str, str]], tuple[int | None, str]]


def http_send(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST the body; (status code, "") or (None, what went wrong, never the URL)."""
    try:
        response = requests.post(
            url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as error:
        return None, type(error).__name__
    return response.status_code, ""


def body_of(uid: str, kind: str, created: dt.datetime, data: dict[str, object]) -> bytes:
    document = {
        "id": uid,
        "type": kind,
        "created": created.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def _headers(
    endpoint: WebhookEndpoint, uid: str, kind: str, body: bytes, now: dt.datetime
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Mentorwise-Webhooks/1",
        "Mentorwise-Event-Id": uid,
        "Mentorwise-Event-Type": kind,
        HEADER: signature(unseal(endpoint.secret_sealed), int(now.timestamp()), body),
    }


@dataclass
class RunSummary:
    dispatched: int = 0
    delivered: int = 0
    retrying: int = 0
    dead: int = 0

    def summary(self) -> str:
        return (
            f"webhooks: {self.dispatched} events handed out, {self.delivered} delivered, "
            f"{self.retrying} to retry, {self.dead} given up"
        )


def fan_out(now: dt.datetime) -> int:
    """Give every new event one delivery per subscribed, enabled endpoint."""
    with transaction.atomic():
        events = list(
            OutboundEvent.objects.select_for_update(skip_locked=True)
            .filter(dispatched_at__isnull=True)
            .order_by("pk")[:2000]
        )
        if not events:
            return 0
        endpoints = list(WebhookEndpoint.objects.filter(enabled=True))
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=now, created_at=now)
                for event in events
                for endpoint in endpoints
                if event.kind in endpoint.kinds
            ],
            ignore_conflicts=True,
        )
        OutboundEvent.objects.filter(pk__in=[e.pk for e in events]).update(dispatched_at=now)
    return len(events)


def _claim(delivery: WebhookDelivery, now: dt.datetime) -> bool:
    """Take the delivery for this worker (another one running at once skips it)."""
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery.pk, status=delivery.status, next_attempt_at=delivery.next_attempt_at
        ).update(next_attempt_at=now + LEASE)
    )


def _attempt(delivery: WebhookDelivery, now: dt.datetime, send: Sender) -> None:
    endpoint, event = delivery.endpoint, delivery.event
    uid = str(event.uid)
    body = body_of(uid, event.kind, event.occurred_at, event.payload)
    status, error = send(endpoint.url, body, _headers(endpoint, uid, event.kind, body, now))
    delivery.attempts += 1
    delivery.last_status_code = status
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at, delivery.last_error = (
            DeliveryStatus.DELIVERED,
            now,
            "",
        )
        endpoint.failures, endpoint.paused_until = 0, None
    else:
        delivery.last_error = (error or f"HTTP {status}")[:300]
        endpoint.failures += 1
        if endpoint.failures >= BREAKER_FAILURES:
            endpoint.paused_until = now + BREAKER_PAUSE
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.DEAD
        else:
            delivery.status = DeliveryStatus.RETRYING
            delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    delivery.save()
    endpoint.save(update_fields=["failures", "paused_until"])


def deliver_due(now: dt.datetime, send: Sender, summary: RunSummary) -> None:
    due = list(
        WebhookDelivery.objects.filter(
            status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING),
            next_attempt_at__lte=now,
            endpoint__enabled=True,
        )
        .select_related("endpoint", "event")
        .order_by("next_attempt_at", "pk")[:500]
    )
    paused: set[int] = set()
    endpoints: dict[int, WebhookEndpoint] = {}
    for delivery in due:
        # One instance per endpoint, so its failure count adds up across this run.
        endpoint = endpoints.setdefault(delivery.endpoint_id, delivery.endpoint)
        delivery.endpoint = endpoint
        if endpoint.pk in paused or (endpoint.paused_until and endpoint.paused_until > now):
            continue
        if not _claim(delivery, now):
            continue
        _attempt(delivery, now, send)
        if endpoint.paused_until and endpoint.paused_until > now:
            paused.add(endpoint.pk)
        if delivery.status == DeliveryStatus.DELIVERED:
            summary.delivered += 1
        elif delivery.status == DeliveryStatus.DEAD:
            summary.dead += 1
        else:
            summary.retrying += 1


def webhooks_run(*, now: dt.datetime | None = None, send: Sender = http_send) -> RunSummary:
    now = now or timezone.now()
    summary = RunSummary(dispatched=fan_out(now))
    deliver_due(now, send, summary)
    OutboundEvent.objects.filter(dispatched_at__lt=now - KEEP).delete()
    return summary


def delivery_replay(*, actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a given-up (or failing) delivery again, from the first attempt."""
    require_webhook_admin(actor)
    delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
    delivery.next_attempt_at, delivery.last_error = timezone.now(), ""
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "last_error"])
    audit_record(
        actor=actor,
        action="webhook.replayed",
        target=delivery.endpoint,
        data={"event": str(delivery.event.uid)},
    )
    return delivery


def deliveries_replay_dead(*, actor: Actor, endpoint: WebhookEndpoint) -> int:
    """Send every given-up delivery of an endpoint again; how many."""
    require_webhook_admin(actor)
    dead = WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.DEAD)
    count = 0
    for delivery in dead.select_related("event", "endpoint"):
        delivery_replay(actor=actor, delivery=delivery)
        count += 1
    return count


def endpoint_test(
    *, actor: Actor, endpoint: WebhookEndpoint, send: Sender = http_send
) -> tuple[int | None, str]:
    """Send a signed `ping` now; the answer's status code, or what went wrong."""
    require_webhook_admin(actor)
    now = timezone.now()
    uid = str(uuid.uuid4())
    body = body_of(uid, PING, now, {"endpoint": endpoint.pk})
    status, error = send(endpoint.url, body, _headers(endpoint, uid, PING, body, now))
    audit_record(
        actor=actor,
        action="webhook.tested",
        target=endpoint,
        data={"status": status if status is not None else error},
    )
    return status, error
