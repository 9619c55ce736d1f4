"""Microsoft 365 (Graph) and Google Calendar against local fakes of their documented APIs:
consent with PKCE and state, sealed tokens, refresh after expiry and after a 401, 429 with
Retry-After, busy time without anything else, write-back create/move/cancel, and the
organisation's consent (client credentials; a service account's signed assertion)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

from conftest import make_person, make_user
from mentorwise.availability import services
from mentorwise.availability.calendars import calendar_source
from mentorwise.availability.models import (
    CalendarConnection,
    CalendarEvent,
    ConnectionStatus,
    EventState,
)
from mentorwise.availability.providers.base import EventData
from mentorwise.availability.tests.fakes import Fake, install
from mentorwise.core.errors import Conflict
from mentorwise.core.models import AuditEntry
from mentorwise.core.sealed import unseal

UTC = dt.UTC
pytestmark = pytest.mark.django_db
REDIRECT = "http://testserver/account/calendar/callback/"
WINDOW = (dt.datetime(2026, 3, 9, tzinfo=UTC), dt.datetime(2026, 3, 16, tzinfo=UTC))
BUSY = [
    ("2026-03-10T09:00:00Z", "2026-03-10T10:30:00Z"),
    ("2026-03-11T14:00:00Z", "2026-03-11T15:00:00Z"),
]


@pytest.fixture
def fakes(httpserver: Any, settings: Any) -> tuple[Fake, Fake]:
    return install(httpserver, settings)


def _connect(user: Any, provider: str, fake: Fake) -> CalendarConnection:
    start = services.oauth_consent_start(actor=user, provider=provider, redirect_uri=REDIRECT)
    code = fake.give_code(start.url)
    return services.oauth_consent_finish(
        actor=user,
        provider=provider,
        code=code,
        state=start.state,
        expected=start,
        redirect_uri=REDIRECT,
    )


def _event(uid: str = "m-1@mentorwise") -> EventData:
    return EventData(
        uid=uid,
        sequence=0,
        title="Mentorwise: Ana and Marta",
        starts_at=dt.datetime(2026, 3, 12, 9, tzinfo=UTC),
        ends_at=dt.datetime(2026, 3, 12, 10, tzinfo=UTC),
        organizer_email="ana@example.com",
        attendee_emails=("ana@example.com", "marta@example.com"),
    )


def _expected_busy() -> list[tuple[dt.datetime, dt.datetime]]:
    return [(dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e)) for s, e in BUSY]


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_consent_seals_the_tokens_and_busy_time_is_read(provider: str, fakes: Any) -> None:
    fake = fakes[0] if provider == "microsoft" else fakes[1]
    fake.busy = BUSY
    person = make_person(email="ana@example.com")
    user = make_user(person)
    connection = _connect(user, provider, fake)
    raw = CalendarConnection.objects.values_list("secret_sealed", flat=True).get()
    tokens = json.loads(unseal(raw))
    assert tokens["access_token"] in fake.valid and tokens["access_token"] not in raw
    assert fake.token_grants == ["authorization_code"]

    busy = services.busy_of(person, *WINDOW)
    assert list(busy.intervals) == _expected_busy()
    assert busy.error == ""
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    # Only status and times are read: nothing of the events is kept anywhere.
    assert "layoffs" not in repr(busy) and "Room 1" not in repr(busy)
    audit = list(AuditEntry.objects.values_list("data", flat=True))
    assert tokens["access_token"] not in json.dumps(audit)
    assert tokens["refresh_token"] not in json.dumps(audit)


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_a_refused_token_is_refreshed_once_and_sealed_again(provider: str, fakes: Any) -> None:
    fake = fakes[0] if provider == "microsoft" else fakes[1]
    fake.busy = BUSY
    user = make_user(make_person())
    connection = _connect(user, provider, fake)
    before = json.loads(unseal(CalendarConnection.objects.get().secret_sealed))
    fake.expire_all()  # the provider revoked the access token early: it answers 401
    assert list(services.busy_of(user.person, *WINDOW).intervals) == _expected_busy()
    assert fake.token_grants == ["authorization_code", "refresh_token"]
    connection.refresh_from_db()
    after = json.loads(unseal(connection.secret_sealed))
    assert after["access_token"] != before["access_token"]
    assert after["access_token"] in fake.valid


def test_an_expired_token_is_refreshed_before_the_call(fakes: Any) -> None:
    microsoft = fakes[0]
    user = make_user(make_person())
    connection = _connect(user, "microsoft", microsoft)
    tokens = json.loads(unseal(connection.secret_sealed))
    tokens["expires_at"] = 1.0
    from mentorwise.core.sealed import seal

    connection.secret_sealed = seal(json.dumps(tokens))
    connection.save()
    services.busy_of(user.person, *WINDOW)
    assert microsoft.token_grants == ["authorization_code", "refresh_token"]
    # The call itself went out once, with the new token (no 401 round trip).
    assert len(microsoft.seen) == 1


def test_429_waits_as_retry_after_says(fakes: Any, _calendar_settings: list[float]) -> None:
    google = fakes[1]
    google.busy = BUSY
    user = make_user(make_person())
    _connect(user, "google", google)
    google.throttle = 2
    assert list(services.busy_of(user.person, *WINDOW).intervals) == _expected_busy()
    assert _calendar_settings == [2.0, 2.0]


def test_a_provider_that_keeps_throttling_is_reported_not_raised(
    fakes: Any, _calendar_settings: list[float]
) -> None:
    microsoft = fakes[0]
    user = make_user(make_person())
    connection = _connect(user, "microsoft", microsoft)
    microsoft.throttle = 10
    busy = services.busy_of(user.person, *WINDOW)
    assert busy.intervals == () and "429" in busy.error
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.FAILING


def test_a_state_that_this_session_did_not_start_is_refused(fakes: Any) -> None:
    user = make_user(make_person())
    start = services.oauth_consent_start(actor=user, provider="google", redirect_uri=REDIRECT)
    code = fakes[1].give_code(start.url)
    with pytest.raises(Conflict):
        services.oauth_consent_finish(
            actor=user,
            provider="google",
            code=code,
            state="forged",
            expected=start,
            redirect_uri=REDIRECT,
        )
    assert not CalendarConnection.objects.exists()


def test_a_code_without_its_pkce_verifier_is_refused(fakes: Any) -> None:
    user = make_user(make_person())
    start = services.oauth_consent_start(actor=user, provider="microsoft", redirect_uri=REDIRECT)
    code = fakes[0].give_code(start.url)
    other = services.ConsentStart(start.url, start.state, "another-verifier-" + "x" * 40)
    with pytest.raises(Conflict):
        services.oauth_consent_finish(
            actor=user,
            provider="microsoft",
            code=code,
            state=start.state,
            expected=other,
            redirect_uri=REDIRECT,
        )
    assert not CalendarConnection.objects.exists()


def test_graph_write_back_creates_a_teams_meeting_moves_and_deletes_it(fakes: Any) -> None:
    microsoft = fakes[0]
    person = make_person(email="ana@example.com")
    _connect(make_user(person), "microsoft", microsoft)
    event = _event()
    record = services.calendar_event_sync(organizer=person, event=event, cancelled=False)
    assert record is not None and record.state == EventState.CREATED
    method, path, body = microsoft.seen[-1]
    assert (method, path.rstrip("?")) == ("POST", "/v1.0/me/events")
    assert body["transactionId"] == event.uid
    assert body["isOnlineMeeting"] is True
    assert body["onlineMeetingProvider"] == "teamsForBusiness"
    assert body["attendees"] == [
        {"emailAddress": {"address": "marta@example.com"}, "type": "required"}
    ]
    assert set(body) <= {
        "subject",
        "start",
        "end",
        "attendees",
        "location",
        "isOnlineMeeting",
        "onlineMeetingProvider",
        "transactionId",
    }
    assert record.join_url.startswith("https://teams.example/")
    assert record.provider_event_id in microsoft.events

    moved = EventData(
        **{
            **event.__dict__,
            "starts_at": event.starts_at + dt.timedelta(days=1),
            "ends_at": event.ends_at + dt.timedelta(days=1),
            "sequence": 1,
        }
    )
    record = services.calendar_event_sync(organizer=person, event=moved, cancelled=False)
    assert record is not None and record.state == EventState.UPDATED
    assert microsoft.seen[-1][0] == "PATCH"
    stored = microsoft.events[record.provider_event_id]
    assert stored["start"] == {"dateTime": "2026-03-13T09:00:00", "timeZone": "UTC"}

    record = services.calendar_event_sync(organizer=person, event=moved, cancelled=True)
    assert record is not None and record.state == EventState.CANCELLED
    assert microsoft.seen[-1][0] == "DELETE" and microsoft.events == {}
    assert CalendarEvent.objects.count() == 1


def test_google_write_back_asks_for_a_meet_link(fakes: Any) -> None:
    google = fakes[1]
    person = make_person(email="ana@example.com")
    _connect(make_user(person), "google", google)
    event = _event("m-2@mentorwise")
    record = services.calendar_event_sync(organizer=person, event=event, cancelled=False)
    assert record is not None and record.state == EventState.CREATED
    method, path, body = google.seen[-1]
    assert method == "POST" and "conferenceDataVersion=1" in path
    assert body["conferenceData"]["createRequest"] == {
        "requestId": event.uid,
        "conferenceSolutionKey": {"type": "hangoutsMeet"},
    }
    assert record.join_url.startswith("https://meet.example/")
    services.calendar_event_sync(organizer=person, event=event, cancelled=True)
    assert google.events == {}


def test_a_failing_write_back_is_recorded_not_raised(fakes: Any, _calendar_settings: Any) -> None:
    microsoft = fakes[0]
    person = make_person()
    _connect(make_user(person), "microsoft", microsoft)
    microsoft.throttle = 10
    record = services.calendar_event_sync(organizer=person, event=_event(), cancelled=False)
    assert record is not None and record.state == EventState.FAILED and "429" in record.error
    assert AuditEntry.objects.filter(action="availability.event_failed").exists()


def test_revoking_erases_the_tokens_and_stops_reading(fakes: Any, hr_admin: Any) -> None:
    person = make_person()
    connection = _connect(make_user(person), "google", fakes[1])
    services.connection_revoke(actor=hr_admin, connection=connection)
    connection.refresh_from_db()
    assert connection.secret_sealed == "" and connection.status == ConnectionStatus.REVOKED
    assert calendar_source(person) is None
    assert services.busy_of(person, *WINDOW).source == ""


def test_microsoft_organisation_consent_reads_every_mailbox_with_an_app_token(
    fakes: Any, hr_admin: Any
) -> None:
    microsoft = fakes[0]
    microsoft.busy = BUSY
    services.organisation_consent_set(
        actor=hr_admin,
        data=services.ConsentInput("microsoft", "contoso", "org-app", "org-app-secret-xyz"),
    )
    person = make_person(email="marta@example.com")
    busy = services.busy_of(person, *WINDOW)
    assert list(busy.intervals) == _expected_busy()
    assert microsoft.token_grants == ["client_credentials"]
    assert microsoft.seen[-1][1].startswith("/v1.0/users/marta@example.com/calendar/getSchedule")
    assert "org-app-secret-xyz" not in json.dumps(
        list(AuditEntry.objects.values_list("data", flat=True))
    )
    # A person may opt out of it.
    services.organisation_opt_out(actor=make_user(person), provider="microsoft")
    assert services.busy_of(person, *WINDOW).source == ""


def test_google_organisation_consent_signs_an_assertion_for_each_person(
    fakes: Any, hr_admin: Any
) -> None:
    google = fakes[1]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    services.organisation_consent_set(
        actor=hr_admin,
        data=services.ConsentInput("google", "", "svc@project.iam.example", pem),
    )
    google.busy = BUSY
    person = make_person(email="ana@example.com")
    assert list(services.busy_of(person, *WINDOW).intervals) == _expected_busy()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = jwt.decode(google.assertions[-1], RSAKey.import_key(public)).claims
    assert claims["sub"] == "ana@example.com" and claims["iss"] == "svc@project.iam.example"
    assert google.seen[-1][2]["items"] == [{"id": "ana@example.com"}]
