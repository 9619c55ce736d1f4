"""Slack and Teams as channels of the one dispatcher: a match offer recorded with
messaging.notify reaches the person on the chat they chose, and its buttons, pressed in
that chat, answer the match and snooze the very notification (the dispatcher's ids), all
against the local fakes of Slack's Web API and the Bot Connector."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mentorwise.core.sealed import seal
from mentorwise.matches.models import MatchStatus, Response
from mentorwise.matches.services import matches_publish
from mentorwise.messaging.contract import Action, ActionKind, Kind
from mentorwise.messaging.models import Notification
from mentorwise.messaging.services import Preferences, notify, preferences_set
from mentorwise.relationships.tests.factories import published_match
from mentorwise.slack.models import SlackMember, SlackWorkspace
from mentorwise.slack.tests import fakes as slack_fakes
from mentorwise.teams.models import TeamsMember
from mentorwise.teams.tests import fakes as teams_fakes
from mentorwise.teams.tests.conftest import login, login_server  # noqa: F401 (fixtures)


def _offer(person: Any, match_id: int) -> Notification:
    return notify(
        person=person,
        kind=Kind.MATCH_OFFER,
        subject="You have a mentoring match",
        body="A mentor is proposed for you. Accept or decline.",
        url=f"https://mentorwise.example/relationships/matches/{match_id}/",
        actions=(
            Action(ActionKind.MATCH_ACCEPT, match_id, "Accept", style="primary"),
            Action(ActionKind.MATCH_DECLINE, match_id, "Decline", style="danger"),
            Action(ActionKind.SNOOZE, 0, "Remind me next week"),
        ),
    )


@pytest.fixture
def slack(httpserver: Any, settings: Any) -> slack_fakes.FakeSlack:
    settings.MENTORWISE_SLACK_API_URL = httpserver.url_for("/api/")
    settings.MENTORWISE_SLACK_SIGNING_SECRET = slack_fakes.SIGNING_SECRET
    return slack_fakes.install(httpserver)


def test_a_match_offer_reaches_slack_and_its_buttons_act(
    slack: slack_fakes.FakeSlack,
    mentee: Any,
    mentor: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    workspace = SlackWorkspace.objects.create(
        team_id=slack_fakes.TEAM_ID, team_name="Acme", token_sealed=seal(slack_fakes.BOT_TOKEN)
    )
    SlackMember.objects.create(workspace=workspace, person=mentee.person, slack_user_id="UANA")
    preferences_set(actor=mentee, data=Preferences(channels={Kind.MATCH_OFFER: ("slack",)}))
    match = published_match(mentee, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _offer(mentee.person, match.pk)
    (posted,) = slack.named("chat.postMessage")
    buttons = [e for b in posted.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    ids = [b["action_id"] for b in buttons]
    assert f"mw:snooze:{notification.pk}" in ids  # the dispatcher's id, not 0
    for action_id in (f"mw:snooze:{notification.pk}", f"mw:match.accept:{match.pk}"):
        payload = slack_fakes.block_action(
            user_id="UANA", action_id=action_id, blocks=posted.params["blocks"]
        )
        body, headers = slack_fakes.signed(payload)
        response = Client().post(
            "/slack/interactions/",
            body,
            content_type="application/x-www-form-urlencoded",
            **headers,
        )
        assert response.status_code == 200
    notification.refresh_from_db()
    match.refresh_from_db()
    assert notification.snoozed_until is not None
    assert match.mentee_response == Response.ACCEPTED


def test_a_match_offer_reaches_teams_and_its_card_acts(
    httpserver: Any,
    settings: Any,
    login: teams_fakes.FakeLogin,  # noqa: F811 (the fixture)
    mentee: Any,
    mentor: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:

    settings.MENTORWISE_TEAMS_APP_ID = teams_fakes.APP_ID
    settings.MENTORWISE_TEAMS_APP_PASSWORD = teams_fakes.APP_PASSWORD
    settings.MENTORWISE_TEAMS_OPENID_METADATA_URL = httpserver.url_for("/openid")
    fake = teams_fakes.install(httpserver, login)
    service_url = str(httpserver.url_for("/")).rstrip("/") + "/"
    TeamsMember.objects.create(
        person=mentee.person,
        teams_user_id="29:ana",
        service_url=service_url,
        conversation_id="a:conv-29:ana",
    )
    preferences_set(actor=mentee, data=Preferences(channels={Kind.MATCH_OFFER: ("teams",)}))
    match = published_match(mentee, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        _offer(mentee.person, match.pk)
    (sent,) = fake.named("POST", r"/v3/conversations/a:conv-29:ana/activities")
    assert sent.auth == f"Bearer {login.issued[0].token}"  # the bot signed in for real
    card = sent.body["attachments"][0]["content"]
    accept = next(a for a in card["actions"] if a.get("verb") == "match.accept")
    invoke = teams_fakes.activity(
        service_url,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "data": accept["data"]}},
    )
    response = Client().post(
        "/teams/messages",
        json.dumps(invoke),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer " + teams_fakes.token(service_url),
    )
    assert response.status_code == 200
    match.refresh_from_db()
    assert match.mentee_response == Response.ACCEPTED


def test_publishing_a_match_sends_the_offer_to_slack_with_answer_buttons(
    slack: slack_fakes.FakeSlack,
    hr_admin: Any,
    program: Any,
    mentee: Any,
    mentor: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The real offer (matches.matches_publish): what a person gets in Slack. Set
    CHAT_PAYLOAD=path to keep the message as sent (docs, reviews)."""
    workspace = SlackWorkspace.objects.create(
        team_id=slack_fakes.TEAM_ID, team_name="Acme", token_sealed=seal(slack_fakes.BOT_TOKEN)
    )
    SlackMember.objects.create(workspace=workspace, person=mentee.person, slack_user_id="UANA")
    preferences_set(actor=mentee, data=Preferences(channels={Kind.MATCH_OFFER: ("slack",)}))
    match = published_match(
        mentee, mentor, status=MatchStatus.APPROVED, reasons=["Shares 2 of your goals"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert matches_publish(actor=hr_admin, program=program) == 1
    (posted,) = slack.named("chat.postMessage")
    blocks = posted.params["blocks"]
    assert blocks[0]["type"] == "header" and mentor.person.full_name in blocks[0]["text"]["text"]
    ids = {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert {f"mw:match.accept:{match.pk}", f"mw:match.decline:{match.pk}"} <= ids
    if path := os.environ.get("CHAT_PAYLOAD"):
        Path(path).write_text(json.dumps(posted.params, indent=2, ensure_ascii=False))
