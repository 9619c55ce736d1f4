"""Teams: the bot's own Microsoft sign-in for its outgoing calls (client credentials through
msal), against a fake Microsoft identity platform on https and the fake Bot Connector,
which accepts only the tokens that login issued and has not seen expire."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
import time_machine
from django.test import Client

from mentorwise.core.models import AuditEntry
from mentorwise.messaging import delivery
from mentorwise.messaging.contract import ChannelError, Kind
from mentorwise.messaging.models import CircuitBreaker, Notification, Status
from mentorwise.messaging.services import Preferences, notify, preferences_set
from mentorwise.teams.adapter import TeamsAdapter
from mentorwise.teams.connector import token_authority
from mentorwise.teams.models import TeamsMember
from mentorwise.teams.tests import fakes
from mentorwise.teams.tests.test_teams import link, offer

ACTIVITIES = r"/v3/conversations/a:conv-29:ana/activities"


def test_the_bot_signs_in_with_its_app_id_and_password_and_sends_with_the_token(
    teams: fakes.FakeConnector, service_url: str, mentee: Any
) -> None:
    link(mentee, service_url, "29:ana")
    assert TeamsAdapter().send(offer(mentee.person, 1)).startswith("activity-")
    (form,) = teams.login.requests
    assert form["grant_type"] == "client_credentials"
    assert (form["client_id"], form["client_secret"]) == (fakes.APP_ID, fakes.APP_PASSWORD)
    assert form["scope"] == "https://api.botframework.com/.default"
    (sent,) = teams.named("POST", ACTIVITIES)
    assert sent.auth == f"Bearer {teams.login.issued[0].token}"


def test_the_authority_is_the_bot_frameworks_or_the_single_tenant(settings: Any) -> None:
    settings.MENTORWISE_TEAMS_LOGIN_URL = "https://login.microsoftonline.com"
    settings.MENTORWISE_TEAMS_TENANT_ID = ""
    assert token_authority() == "https://login.microsoftonline.com/botframework.com"
    settings.MENTORWISE_TEAMS_TENANT_ID = "our-tenant"
    assert token_authority() == "https://login.microsoftonline.com/our-tenant"


def test_one_sign_in_serves_several_sends(
    teams: fakes.FakeConnector, service_url: str, mentee: Any
) -> None:
    link(mentee, service_url, "29:ana")
    for notification_id in (1, 2, 3):
        TeamsAdapter().send(offer(mentee.person, notification_id))
    assert len(teams.login.requests) == 1
    sent = teams.named("POST", ACTIVITIES)
    assert len(sent) == 3 and {c.auth for c in sent} == {f"Bearer {teams.login.issued[0].token}"}


def test_an_expired_token_is_fetched_again(
    teams: fakes.FakeConnector, service_url: str, mentee: Any
) -> None:
    link(mentee, service_url, "29:ana")
    TeamsAdapter().send(offer(mentee.person, 1))
    # An hour and a bit later the first token has expired (the fake connector refuses it).
    with time_machine.travel(time.time() + 3600 + 120, tick=True):
        TeamsAdapter().send(offer(mentee.person, 2))
    assert len(teams.login.requests) == 2
    first, second = teams.named("POST", ACTIVITIES)
    assert first.auth == f"Bearer {teams.login.issued[0].token}"
    assert second.auth == f"Bearer {teams.login.issued[1].token}"


def _dispatch(mentee: Any, capture: Any) -> Notification:
    """A match offer the person chose to receive in Teams, through the dispatcher."""
    preferences_set(actor=mentee, data=Preferences(channels={Kind.MATCH_OFFER: ("teams",)}))
    with capture(execute=True):
        notification = notify(
            person=mentee.person,
            kind=Kind.MATCH_OFFER,
            subject="You have a mentoring match",
            body="A mentor is proposed for you.",
            url="https://mentorwise.example/relationships/matches/1/",
        )
    notification.refresh_from_db()
    return notification


def _audit_text() -> str:
    return " ".join(f"{e.action} {e.data}" for e in AuditEntry.objects.all())


def test_a_wrong_password_fails_the_send_cleanly_and_leaks_nothing(
    teams: fakes.FakeConnector,
    service_url: str,
    settings: Any,
    mentee: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    wrong = "wrong-password-never-to-be-seen"
    settings.MENTORWISE_TEAMS_APP_PASSWORD = wrong
    link(mentee, service_url, "29:ana")
    caplog.set_level(logging.DEBUG)
    notification = _dispatch(mentee, django_capture_on_commit_callbacks)
    assert teams.login.requests[0]["client_secret"] == wrong  # it was tried, and refused
    assert teams.named("POST", ACTIVITIES) == []  # nothing went out without a token
    # The dispatcher's failure path: retried later, counted by the circuit breaker, audited.
    assert notification.status == Status.HELD and notification.channels_pending == ["teams"]
    entry = AuditEntry.objects.get(action="notification.retrying")
    assert entry.data["channel"] == "teams"
    assert "invalid_client" in entry.data["error"] and "AADSTS7000215" in entry.data["error"]
    breaker = CircuitBreaker.objects.get(channel="teams")
    assert breaker.failures == 1 and "invalid_client" in breaker.last_error
    for text in (caplog.text, _audit_text(), breaker.last_error):
        assert wrong not in text and fakes.APP_PASSWORD not in text


def test_the_login_being_down_is_a_transient_failure(
    teams: fakes.FakeConnector, service_url: str, mentee: Any
) -> None:
    teams.login.down = True
    link(mentee, service_url, "29:ana")
    with pytest.raises(ChannelError) as caught:
        TeamsAdapter().send(offer(mentee.person, 1))
    assert caught.value.transient is True
    assert fakes.APP_PASSWORD not in str(caught.value)
    assert teams.named("POST", ACTIVITIES) == []


def test_the_connector_refusing_the_token_is_a_failure_and_the_next_try_signs_in_again(
    teams: fakes.FakeConnector,
    service_url: str,
    mentee: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    link(mentee, service_url, "29:ana")
    teams.refuse_tokens = True
    caplog.set_level(logging.DEBUG)
    notification = _dispatch(mentee, django_capture_on_commit_callbacks)
    assert len(teams.named("POST", ACTIVITIES)) == 1
    assert notification.status == Status.HELD
    entry = AuditEntry.objects.get(action="notification.retrying")
    assert "401" in entry.data["error"]
    assert CircuitBreaker.objects.get(channel="teams").failures == 1
    teams.refuse_tokens = False
    assert delivery.deliver_one(notification.pk, now=notification.due_at) == Status.SENT
    assert len(teams.login.requests) == 2  # the refused token was not used again
    assert teams.named("POST", ACTIVITIES)[-1].auth == f"Bearer {teams.login.issued[1].token}"
    for text in (caplog.text, _audit_text()):
        assert fakes.APP_PASSWORD not in text
        assert teams.login.issued[0].token not in text and teams.login.issued[1].token not in text


def test_a_member_lookup_without_a_sign_in_keeps_nothing_and_answers(
    teams: fakes.FakeConnector, service_url: str, settings: Any, mentee: Any
) -> None:
    settings.MENTORWISE_TEAMS_APP_PASSWORD = "wrong-password"
    teams.members["29:ana"] = {"id": "29:ana", "email": mentee.person.email}
    response = Client().post(
        "/teams/messages",
        json.dumps(fakes.activity(service_url)),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer " + fakes.token(service_url),
    )
    assert response.status_code == 200
    assert not TeamsMember.objects.exists()
