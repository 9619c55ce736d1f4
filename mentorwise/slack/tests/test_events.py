"""Slack's Events API at /slack/events/: signed like button presses (signature, five-minute
window, replays), the Request URL's challenge answered, and the app's removal on Slack's
side (`app_uninstalled`, `tokens_revoked`) noticed at once: token wiped, people no longer
reached on Slack (e-mail instead), the page saying when and why, the audit log too."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import page_client
from mentorwise.core.models import AuditEntry
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.models import ChannelPreference, Notification
from mentorwise.messaging.services import notify
from mentorwise.slack.adapter import SlackAdapter, account_reach
from mentorwise.slack.models import Removal, SlackMember, SlackSeenRequest, SlackWorkspace
from mentorwise.slack.tests import fakes

URL = "/slack/events/"


def post_event(payload: dict[str, Any], **kwargs: Any) -> Any:
    body, headers = fakes.signed_json(payload, **kwargs)
    return Client().post(URL, body, content_type="application/json", **headers)


def uninstalled(team_id: str = fakes.TEAM_ID) -> dict[str, Any]:
    return fakes.event_callback({"type": "app_uninstalled"}, team_id=team_id)


@pytest.fixture
def mapped(slack: fakes.FakeSlack, workspace: SlackWorkspace, mentee: Any) -> SlackWorkspace:
    """Acme installed, with its bot user known and the mentee reached there."""
    workspace.bot_user_id = "UBOT"
    workspace.save(update_fields=["bot_user_id"])
    SlackMember.objects.create(workspace=workspace, person=mentee.person, slack_user_id="UANA")
    return workspace


def assert_untouched(workspace: SlackWorkspace) -> None:
    workspace.refresh_from_db()
    assert workspace.removed_at is None and workspace.token_sealed
    assert not AuditEntry.objects.filter(action="slack.removed_in_slack").exists()


def test_the_request_url_challenge_is_answered(slack: fakes.FakeSlack, db: None) -> None:
    payload = {
        "token": "x",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY",
        "type": "url_verification",
    }
    response = post_event(payload)
    assert response.status_code == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY"}


def test_app_uninstalled_disconnects_the_workspace_at_once(
    mapped: SlackWorkspace, mentee: Any, hr_admin: Any
) -> None:
    assert SlackAdapter().reachable({mentee.person_id}) == {mentee.person_id}
    assert post_event(uninstalled()).status_code == 200
    mapped.refresh_from_db()
    assert mapped.token_sealed == ""  # the sealed bot token is wiped
    assert mapped.removed_at is not None and mapped.removed_reason == Removal.APP_UNINSTALLED
    assert not SlackMember.objects.exists()
    assert SlackAdapter().reachable({mentee.person_id}) == set()
    assert account_reach(mentee) is None  # Slack is no longer offered to the person
    entry = AuditEntry.objects.get(action="slack.removed_in_slack")
    assert entry.actor_id is None
    assert entry.data == {"team": fakes.TEAM_ID, "reason": "app_uninstalled", "forgotten": 1}
    assert fakes.BOT_TOKEN not in str(entry.data)
    page = page_client(hr_admin).get("/people/slack/").content.decode()
    assert "Disconnected" in page and "the app was removed from the workspace in Slack" in page
    assert f'datetime="{mapped.removed_at.isoformat()}"' in page
    assert f"/people/slack/{mapped.pk}/refresh/" not in page  # nothing to look up there
    assert "Slack app removed in Slack" in page_client(hr_admin).get("/audit/").content.decode()


def test_tokens_revoked_naming_the_bot_disconnects(mapped: SlackWorkspace) -> None:
    event = {"type": "tokens_revoked", "tokens": {"oauth": ["UADMIN"], "bot": ["UBOT"]}}
    assert post_event(fakes.event_callback(event)).status_code == 200
    mapped.refresh_from_db()
    assert mapped.removed_reason == Removal.TOKENS_REVOKED and mapped.token_sealed == ""


@pytest.mark.parametrize(
    "tokens",
    [{"oauth": ["UADMIN"]}, {"oauth": ["UADMIN"], "bot": []}, {"bot": ["UOTHERBOT"]}, "x", None],
)
def test_tokens_revoked_not_naming_the_bot_is_ignored(mapped: SlackWorkspace, tokens: Any) -> None:
    event = {"type": "tokens_revoked", "tokens": tokens}
    assert post_event(fakes.event_callback(event)).status_code == 200
    assert_untouched(mapped)


def test_a_chosen_slack_falls_back_to_email_once_disconnected(
    mapped: SlackWorkspace,
    slack: fakes.FakeSlack,
    mentee: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ChannelPreference.objects.create(person=mentee.person, kind=Kind.SAFETY, channels=["slack"])
    ChannelPreference.objects.create(
        person=mentee.person, kind=Kind.MATCH_OFFER, channels=["slack"]
    )
    post_event(uninstalled())
    with django_capture_on_commit_callbacks(execute=True):
        essential = notify(
            person=mentee.person,
            kind=Kind.MATCH_OFFER,
            subject="Your match was withdrawn",
            body="The program manager withdrew the match.",
            url="/relationships/",
            essential=True,
        )
    assert slack.named("chat.postMessage") == [] and slack.named("conversations.open") == []
    assert [m.to for m in mail.outbox] == [[mentee.person.email]]
    essential.refresh_from_db()
    assert essential.channels_sent == ["email"]
    assert AuditEntry.objects.filter(
        action="notification.fallback", target_id=str(essential.pk)
    ).exists()


@pytest.mark.parametrize(
    "payload",
    [
        uninstalled(team_id="T9999"),  # a team not installed here
        fakes.event_callback({"type": "app_home_opened", "user": "UANA"}),
        fakes.event_callback({"type": "team_rename", "name": "Acme 2"}),
        {"type": "app_rate_limited", "team_id": fakes.TEAM_ID, "minute_rate_limited": 1},
        {"type": "event_callback", "team_id": fakes.TEAM_ID},  # no event at all
    ],
    ids=["unknown-team", "app-home", "team-rename", "rate-limited", "no-event"],
)
def test_other_teams_and_events_are_acknowledged_and_ignored(
    mapped: SlackWorkspace, payload: dict[str, Any]
) -> None:
    assert post_event(payload).status_code == 200
    assert_untouched(mapped)
    assert SlackMember.objects.count() == 1


def test_bad_signature_is_refused(mapped: SlackWorkspace) -> None:
    assert post_event(uninstalled(), secret="not-the-signing-secret").status_code == 401
    assert_untouched(mapped)


def test_tampered_body_is_refused(mapped: SlackWorkspace) -> None:
    body, headers = fakes.signed_json(uninstalled(team_id="T9999"))
    tampered = body.replace(b"T9999", fakes.TEAM_ID.encode())
    assert Client().post(URL, tampered, content_type="application/json", **headers).status_code == (
        401
    )
    assert_untouched(mapped)


@pytest.mark.parametrize("age", [301, 3600, -400])
def test_stale_or_future_timestamp_is_refused(mapped: SlackWorkspace, age: int) -> None:
    assert post_event(uninstalled(), at=int(time.time()) - age).status_code == 401
    assert_untouched(mapped)


def test_unsigned_requests_and_challenges_are_refused(mapped: SlackWorkspace) -> None:
    client = Client()
    challenge = b'{"type": "url_verification", "challenge": "abc"}'
    assert client.post(URL, challenge, content_type="application/json").status_code == 401
    response = client.post(
        URL,
        b"{}",
        content_type="application/json",
        HTTP_X_SLACK_REQUEST_TIMESTAMP="yesterday",
        HTTP_X_SLACK_SIGNATURE="v0=00",
    )
    assert response.status_code == 401


def test_a_replayed_event_is_refused(mapped: SlackWorkspace) -> None:
    payload = {"token": "x", "challenge": "abc", "type": "url_verification"}
    body, headers = fakes.signed_json(payload)
    client = Client()
    first = client.post(URL, body, content_type="application/json", **headers)
    again = client.post(URL, body, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (200, 409)
    assert SlackSeenRequest.objects.count() == 1


def test_slack_retrying_the_event_changes_nothing_more(mapped: SlackWorkspace) -> None:
    assert post_event(uninstalled()).status_code == 200
    removed_at = SlackWorkspace.objects.get().removed_at
    retry = uninstalled()
    assert post_event(retry, at=int(time.time()) + 1).status_code == 200
    assert SlackWorkspace.objects.get().removed_at == removed_at
    assert AuditEntry.objects.filter(action="slack.removed_in_slack").count() == 1


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe", b'{"type": "url_verification"}'],
    ids=["not-json", "a-list", "a-string", "not-utf8", "challenge-missing"],
)
def test_a_signed_malformed_body_is_400(mapped: SlackWorkspace, body: bytes) -> None:
    timestamp = str(int(time.time()))
    digest = hmac.new(
        fakes.SIGNING_SECRET.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256
    )
    response = Client().post(
        URL,
        body,
        content_type="application/json",
        HTTP_X_SLACK_REQUEST_TIMESTAMP=timestamp,
        HTTP_X_SLACK_SIGNATURE="v0=" + digest.hexdigest(),
    )
    assert response.status_code == 400
    assert_untouched(mapped)


def test_a_multipart_body_is_400(mapped: SlackWorkspace) -> None:
    _, headers = fakes.signed_json(uninstalled())
    response = Client().post(URL, {"payload": "x", "file": b"y"}, **headers)
    assert response.status_code == 400
    assert_untouched(mapped)


def test_the_endpoint_is_closed_while_slack_is_not_configured(
    workspace: SlackWorkspace, settings: Any
) -> None:
    settings.MENTORWISE_SLACK_SIGNING_SECRET = ""
    assert post_event(uninstalled()).status_code == 404
    assert_untouched(workspace)


def test_a_disconnected_workspace_acts_on_no_button_and_no_look_up(
    mapped: SlackWorkspace, slack: fakes.FakeSlack, mentee: Any
) -> None:
    post_event(uninstalled())
    payload = fakes.block_action(user_id="UANA", action_id="mw:snooze:1")
    body, headers = fakes.signed(payload)
    response = Client().post(
        "/slack/interactions/", body, content_type="application/x-www-form-urlencoded", **headers
    )
    assert response.status_code == 200
    with pytest.raises(CommandError):
        call_command("slack_people")
    assert slack.calls == []
    assert not Notification.objects.exists()


def test_installing_again_reconnects(
    mapped: SlackWorkspace, slack: fakes.FakeSlack, hr_admin: Any
) -> None:
    post_event(uninstalled())
    client = page_client(hr_admin)
    state = parse_qs(urlsplit(client.get("/people/slack/install/")["Location"]).query)["state"][0]
    client.get("/people/slack/oauth/", {"code": fakes.CODE, "state": state})
    workspace = SlackWorkspace.objects.get()
    assert workspace.removed_at is None and workspace.removed_reason == ""
    assert workspace.token_sealed
    assert "Disconnected" not in client.get("/people/slack/").content.decode()


def test_a_disconnected_workspace_can_be_forgotten(
    mapped: SlackWorkspace, slack: fakes.FakeSlack, hr_admin: Any
) -> None:
    post_event(uninstalled())
    page_client(hr_admin).post(f"/people/slack/{mapped.pk}/uninstall/")
    assert not SlackWorkspace.objects.exists()
    assert slack.named("auth.revoke") == []  # no token left to revoke


@pytest.mark.parametrize("url", [URL, "/slack/interactions/"])
def test_a_body_that_is_not_utf8_is_400_on_both_endpoints(mapped: SlackWorkspace, url: str) -> None:
    response = Client().post(
        url,
        b"payload=\xff\xfe",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_SLACK_REQUEST_TIMESTAMP=str(int(time.time())),
        HTTP_X_SLACK_SIGNATURE="v0=00",
    )
    assert response.status_code == 400
