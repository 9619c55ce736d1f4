"""Webhooks end to end: events recorded with the change, fanned out to subscribers, posted
to a real local HTTP receiver whose signature check is written here from the documented
rule (not with `channels.signing`), retried on schedule, given up, replayed, and scanned for
anything private over a whole relationship lifecycle."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.channels import signing
from mentorwise.channels.delivery import MAX_ATTEMPTS, endpoint_test, webhooks_run
from mentorwise.channels.endpoints import EndpointInput, endpoint_create
from mentorwise.channels.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from mentorwise.core.errors import InvalidInput
from mentorwise.core.models import AuditEntry, OutboundEvent
from mentorwise.core.outbound import outbound_record

pytestmark = [pytest.mark.django_db]


@dataclass
class Receiver:
    """A local HTTP endpoint: answers with the queued status codes (then 200), keeps what
    it received."""

    url: str = ""
    answers: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers.items()), body))
            self.send_response(state.answers.pop(0) if state.answers else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_port}/hook"
    yield state
    server.shutdown()


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.MENTORWISE_ALLOW_PLAIN_HTTP = True


def _endpoint(
    url: str, kinds: tuple[str, ...] = ("match.published",)
) -> tuple[WebhookEndpoint, str]:
    return endpoint_create(actor=None, data=EndpointInput(name="HR suite", url=url, kinds=kinds))


def _signed_correctly(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's check, from docs/webhooks.md: HMAC-SHA256 of "<t>.<body>"."""
    fields = dict(p.split("=", 1) for p in headers["Mentorwise-Signature"].split(","))
    mac = hmac.new(secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), fields["v1"])


def _event(kind: str = "match.published") -> OutboundEvent:
    return outbound_record(
        kind,
        {"match": 7, "program": "leaders", "mentee": {"id": 1, "employee_id": "E1"}},
    )


def test_an_event_reaches_its_subscribers_signed_and_only_them(receiver: Receiver) -> None:
    endpoint, secret = _endpoint(receiver.url)
    _endpoint(receiver.url, kinds=("relationship.closed",))  # not subscribed to matches
    off, _ = _endpoint(receiver.url)
    WebhookEndpoint.objects.filter(pk=off.pk).update(enabled=False)
    event = _event()
    summary = webhooks_run()
    assert (summary.dispatched, summary.delivered) == (1, 1)
    [(headers, body)] = receiver.received
    assert _signed_correctly(secret, headers, body)
    document = json.loads(body)
    assert document["id"] == str(event.uid) == headers["Mentorwise-Event-Id"]
    assert document["type"] == "match.published" == headers["Mentorwise-Event-Type"]
    assert document["data"]["mentee"] == {"id": 1, "employee_id": "E1"}
    assert WebhookDelivery.objects.get(endpoint=endpoint).status == DeliveryStatus.DELIVERED
    webhooks_run()
    assert len(receiver.received) == 1, "delivered once"


def test_the_signature_rule_refuses_a_changed_body_another_secret_or_an_old_request() -> None:
    body = b'{"a":1}'
    now = 1_800_000_000
    header = signing.signature("whsec_x", now, body)
    assert signing.verify("whsec_x", header, body, now=now)
    assert not signing.verify("whsec_x", header, b'{"a":2}', now=now)
    assert not signing.verify("whsec_y", header, body, now=now)
    assert not signing.verify("whsec_x", header, body, now=now + 301)
    assert not signing.verify("whsec_x", "garbage", body, now=now)


def test_failures_are_retried_on_schedule_until_delivered(receiver: Receiver) -> None:
    _endpoint(receiver.url)
    receiver.answers = [500, 503]
    _event()
    start = timezone.now()
    webhooks_run(now=start)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("retrying", 1, 500)
    webhooks_run(now=start + dt.timedelta(seconds=50))  # the first retry is after a minute
    assert len(receiver.received) == 1
    webhooks_run(now=start + dt.timedelta(minutes=1, seconds=1))
    webhooks_run(now=start + dt.timedelta(minutes=5))  # next retry 5 minutes after the second
    assert len(receiver.received) == 2
    webhooks_run(now=start + dt.timedelta(minutes=6, seconds=2))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert len({json.loads(b)["id"] for _, b in receiver.received}) == 1, "the same event id"


def test_a_delivery_is_given_up_after_the_last_attempt_and_can_be_replayed(
    receiver: Receiver,
) -> None:
    endpoint, _ = _endpoint(receiver.url)
    receiver.answers = [500] * MAX_ATTEMPTS
    _event()
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(paused_until=None)
        webhooks_run(now=now)
        now += dt.timedelta(days=2)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("dead", MAX_ATTEMPTS)
    hr = Client()
    hr.force_login(make_user(make_person(), is_hr_admin=True))
    page = hr.get(f"/webhooks/{endpoint.pk}/?status=dead").content.decode()
    assert "Gave up" in page
    hr.post(f"/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/replay/")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(paused_until=None)
    webhooks_run()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert AuditEntry.objects.filter(action="webhook.replayed").exists()


def test_a_broken_endpoint_is_paused_and_never_holds_up_the_others(receiver: Receiver) -> None:
    broken, _ = _endpoint("http://127.0.0.1:9/nothing-listens-here")
    healthy, _ = _endpoint(receiver.url)
    for _ in range(6):
        _event()
    webhooks_run()
    broken.refresh_from_db()
    assert broken.failures == 5 and broken.paused_until is not None
    tried = WebhookDelivery.objects.filter(endpoint=broken).exclude(attempts=0).count()
    assert tried == 5, "the sixth waits for the pause to end"
    assert WebhookDelivery.objects.filter(endpoint=healthy, status="delivered").count() == 6
    errors = set(
        WebhookDelivery.objects.filter(endpoint=broken).values_list("last_error", flat=True)
    )
    assert "ConnectionError" in errors and not any("127.0.0.1" in e for e in errors)


def test_a_test_send_is_a_signed_ping(receiver: Receiver) -> None:
    endpoint, secret = _endpoint(receiver.url)
    assert endpoint_test(actor=None, endpoint=endpoint) == (200, "")
    [(headers, body)] = receiver.received
    assert json.loads(body)["type"] == "ping" and _signed_correctly(secret, headers, body)


def test_bad_endpoints_are_refused_with_every_problem_at_once(settings: Any) -> None:
    settings.MENTORWISE_ALLOW_PLAIN_HTTP = False
    with pytest.raises(InvalidInput) as refused:
        endpoint_create(
            actor=None, data=EndpointInput(name=" ", url="http://x.test/", kinds=("nope",))
        )
    assert {e.field for e in refused.value.errors} == {"name", "url", "kinds"}
    assert not WebhookEndpoint.objects.exists()


def test_the_secret_is_shown_once_and_never_stored_or_audited_in_clear(receiver: Receiver) -> None:
    hr = Client()
    hr.force_login(make_user(make_person(), is_hr_admin=True))
    response = hr.post(
        "/webhooks/",
        {"name": "Warehouse", "url": receiver.url, "kinds": ["survey.due"], "enabled": "on"},
    )
    page = response.content.decode()
    secret = page.split('id="webhook-secret">')[1].split("<")[0]
    assert secret.startswith("whsec_")
    endpoint = WebhookEndpoint.objects.get()
    assert secret not in endpoint.secret_sealed
    assert secret not in hr.get(f"/webhooks/{endpoint.pk}/").content.decode()
    assert secret not in json.dumps(list(AuditEntry.objects.values("data")))
    assert "no-store" in response["Cache-Control"]


def test_outbound_events_refuse_any_key_not_documented() -> None:
    with pytest.raises(ValueError, match="not part of the documented payload"):
        outbound_record("relationship.closed", {"relationship": 1, "reason": "private words"})
    with pytest.raises(ValueError, match="only person references"):
        outbound_record("survey.due", {"person": {"id": 1, "name": "Ana"}})
    with pytest.raises(ValueError, match="unknown"):
        outbound_record("relationship.gossip", {})


def test_every_given_up_delivery_can_be_sent_again_at_once(receiver: Receiver) -> None:
    endpoint, _ = _endpoint(receiver.url)
    for _ in range(3):
        _event()
    webhooks_run()
    WebhookDelivery.objects.update(status=DeliveryStatus.DEAD, attempts=MAX_ATTEMPTS)
    mentor = Client()
    mentor.force_login(make_user(make_person()))
    assert mentor.post(f"/webhooks/{endpoint.pk}/replay-dead/").status_code == 404
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DEAD).count() == 3
    hr = Client()
    hr.force_login(make_user(make_person(), is_hr_admin=True))
    hr.post(f"/webhooks/{endpoint.pk}/replay-dead/")
    webhooks_run()
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 3
    assert AuditEntry.objects.filter(action="webhook.replayed").count() == 3
