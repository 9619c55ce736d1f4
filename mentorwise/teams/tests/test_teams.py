"""Teams: the bot endpoint's token checks (locally signed tokens against a fake OpenID
metadata and key set), remembering a person's chat, proactive Adaptive Cards through a
fake Bot Connector, card actions done through the web page's services, and the app
package HR admins upload."""

from __future__ import annotations

import asyncio
import io
import json
import struct
import time
import zipfile
from typing import Any

import pytest
from django.test import Client

from conftest import make_person, make_user, page_client
from mentorwise.core.models import AuditEntry
from mentorwise.matches.models import Response
from mentorwise.messaging.contract import Action, ActionKind, ChannelError, Kind, Message
from mentorwise.relationships.models import CheckIn
from mentorwise.relationships.tests.factories import published_match, started_relationship
from mentorwise.teams.adapter import TeamsAdapter
from mentorwise.teams.cards import CARD_TYPE, action_code
from mentorwise.teams.models import TeamsMember
from mentorwise.teams.tests import fakes


def post(body: dict[str, Any], auth: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": auth} if auth is not None else {}
    return Client().post(
        "/teams/messages", json.dumps(body), content_type="application/json", **headers
    )


def bearer(service_url: str, **kwargs: Any) -> str:
    return "Bearer " + fakes.token(service_url, **kwargs)


def offer(person: Any, match_id: int) -> Message:
    return Message(
        notification_id=5,
        person_id=person.pk,
        email=person.email,
        language="en",
        kind=Kind.MATCH_OFFER,
        subject="You have a mentoring match in Leadership 2026",
        body="Marta Mentor (Finance, Berlin) is proposed as your mentor.",
        url=f"https://mentorwise.example/relationships/matches/{match_id}/",
        actions=(
            Action(ActionKind.MATCH_ACCEPT, match_id, "Accept", style="primary"),
            Action(ActionKind.MATCH_DECLINE, match_id, "Decline", style="danger"),
            Action(ActionKind.SNOOZE, 5, "Remind me next week"),
        ),
    )


def link(user: Any, service_url: str, teams_id: str) -> TeamsMember:
    return TeamsMember.objects.create(
        person=user.person,
        teams_user_id=teams_id,
        service_url=service_url,
        conversation_id=f"a:conv-{teams_id}",
        tenant_id=fakes.TENANT,
    )


# Token checks ------------------------------------------------------------------------------


def test_a_message_with_a_good_token_links_the_person_by_email(
    teams: fakes.FakeConnector, service_url: str, mentee: Any
) -> None:
    teams.members["29:ana"] = {"id": "29:ana", "email": mentee.person.email.upper(), "name": "Ana"}
    response = post(fakes.activity(service_url), bearer(service_url))
    assert response.status_code == 200
    member = TeamsMember.objects.get()
    assert (member.person_id, member.conversation_id) == (mentee.person_id, "a:conv-29:ana")
    assert member.service_url == service_url and member.tenant_id == fakes.TENANT
    replies = teams.named("POST", r"/v3/conversations/a:conv-29:ana/activities/.+")
    assert "will reach you here" in replies[0].body["text"]
    assert "Reachable" in page_client(mentee).get("/account/").content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"key": fakes.ROGUE_KEY},  # signed by someone else's key
        {"aud": "another-bot-app-id"},  # for another bot
        {"exp": int(time.time()) - 3600, "nbf": int(time.time()) - 7200},  # expired
        {"iss": "https://sts.windows.net/attacker/"},  # not the Bot Framework
        {"serviceurl": "https://evil.example/"},  # names another service URL
    ],
    ids=["bad-signature", "wrong-audience", "expired", "wrong-issuer", "wrong-service-url"],
)
def test_bad_tokens_are_refused_and_nothing_is_kept(
    teams: fakes.FakeConnector, service_url: str, mentee: Any, bad: dict[str, Any]
) -> None:
    teams.members["29:ana"] = {"id": "29:ana", "email": mentee.person.email}
    assert post(fakes.activity(service_url), bearer(service_url, **bad)).status_code == 401
    assert not TeamsMember.objects.exists()
    assert teams.named("GET", r".*") == [] and teams.named("POST", r".*") == []


@pytest.mark.parametrize("auth", [None, "", "Basic abc", "Bearer not-a-jwt"])
def test_missing_or_malformed_authorization_is_refused(
    teams: fakes.FakeConnector, service_url: str, auth: str | None
) -> None:
    assert post(fakes.activity(service_url), auth).status_code == 401


def test_a_stranger_is_not_remembered(
    teams: fakes.FakeConnector, service_url: str, db: None
) -> None:
    teams.members["29:ana"] = {"id": "29:ana", "email": "nobody@elsewhere.example"}
    assert post(fakes.activity(service_url), bearer(service_url)).status_code == 200
    assert not TeamsMember.objects.exists()


def test_installation_links_and_removal_unlinks(
    teams: fakes.FakeConnector, service_url: str, mentee: Any
) -> None:
    teams.members["29:ana"] = {"id": "29:ana", "email": mentee.person.email}
    add = fakes.activity(service_url, type="installationUpdate", action="add")
    assert post(add, bearer(service_url)).status_code == 200
    assert TeamsAdapter().reachable({mentee.person_id}) == {mentee.person_id}
    remove = fakes.activity(service_url, type="installationUpdate", action="remove")
    assert post(remove, bearer(service_url)).status_code == 200
    assert TeamsAdapter().reachable({mentee.person_id}) == set()


def test_another_tenant_is_refused_when_the_bot_is_single_tenant(
    teams: fakes.FakeConnector, service_url: str, settings: Any, mentee: Any
) -> None:
    settings.MENTORWISE_TEAMS_TENANT_ID = "our-tenant"
    teams.members["29:ana"] = {"id": "29:ana", "email": mentee.person.email}
    assert post(fakes.activity(service_url), bearer(service_url)).status_code == 403
    assert not TeamsMember.objects.exists()


# Proactive cards ---------------------------------------------------------------------------


def test_a_match_offer_is_an_adaptive_card_sent_to_the_persons_chat(
    teams: fakes.FakeConnector, service_url: str, mentee: Any, mentor: Any
) -> None:
    match = published_match(mentee, mentor)
    link(mentee, service_url, "29:ana")
    provider_id = TeamsAdapter().send(offer(mentee.person, match.pk))
    sent = teams.named("POST", r"/v3/conversations/a:conv-29:ana/activities")
    assert len(sent) == 1 and provider_id.startswith("activity-")
    assert sent[0].auth == f"Bearer {teams.login.issued[0].token}"
    attachment = sent[0].body["attachments"][0]
    assert attachment["contentType"] == CARD_TYPE
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == "You have a mentoring match in Leadership 2026"
    kinds = {a["type"] for a in card["actions"]}
    assert kinds == {"Action.Execute", "Action.ShowCard", "Action.OpenUrl"}
    accept = next(
        a for a in card["actions"] if a["type"] == "Action.Execute" and a["verb"] == "match.accept"
    )
    assert accept["data"]["mw"] == f"mw:match.accept:{match.pk}"
    decline = next(a for a in card["actions"] if a["type"] == "Action.ShowCard")
    assert decline["card"]["actions"][0]["data"]["mw"] == f"mw:match.decline:{match.pk}"


def test_someone_without_the_app_is_a_permanent_failure(
    teams: fakes.FakeConnector, mentee: Any
) -> None:
    with pytest.raises(ChannelError) as caught:
        TeamsAdapter().send(offer(mentee.person, 1))
    assert caught.value.transient is False


@pytest.mark.parametrize(
    ("status", "transient"), [(403, False), (404, False), (429, True), (503, True)]
)
def test_connector_errors_are_transient_or_permanent(
    teams: fakes.FakeConnector, service_url: str, mentee: Any, status: int, transient: bool
) -> None:
    link(mentee, service_url, "29:ana")
    teams.status = status
    with pytest.raises(ChannelError) as caught:
        TeamsAdapter().send(offer(mentee.person, 1))
    assert caught.value.transient is transient


# Card actions ------------------------------------------------------------------------------


def execute(service_url: str, user: str, code: str) -> dict[str, Any]:
    data = {
        "mw": code,
        "subject": "You have a mentoring match",
        "url": "https://mentorwise.example/x/",
    }
    return fakes.activity(
        service_url,
        user=user,
        type="invoke",
        name="adaptiveCard/action",
        value={
            "action": {"type": "Action.Execute", "verb": "x", "data": data},
            "trigger": "manual",
        },
    )


def test_accept_from_the_card_answers_the_match_and_replaces_the_card(
    teams: fakes.FakeConnector, service_url: str, mentee: Any, mentor: Any
) -> None:
    match = published_match(mentee, mentor)
    link(mentee, service_url, "29:ana")
    code = action_code(Action(ActionKind.MATCH_ACCEPT, match.pk, "Accept"))
    response = post(execute(service_url, "29:ana", code), bearer(service_url))
    assert response.status_code == 200
    answer = response.json()
    assert answer["statusCode"] == 200 and answer["type"] == CARD_TYPE
    assert "You accepted this match." in json.dumps(answer["value"])
    match.refresh_from_db()
    assert match.mentee_response == Response.ACCEPTED
    assert AuditEntry.objects.get(action="match.accepted").actor_id == mentee.pk


def test_acting_on_someone_elses_match_from_teams_is_politely_refused(
    teams: fakes.FakeConnector, service_url: str, mentee: Any, mentor: Any, other_mentee: Any
) -> None:
    match = published_match(mentee, mentor)
    link(other_mentee, service_url, "29:other")
    code = action_code(Action(ActionKind.MATCH_ACCEPT, match.pk, "Accept"))
    answer = post(execute(service_url, "29:other", code), bearer(service_url)).json()
    assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert "not yours" in answer["value"]
    match.refresh_from_db()
    assert match.mentee_response == Response.PENDING


def test_a_card_action_needs_a_good_token_too(
    teams: fakes.FakeConnector, service_url: str, mentee: Any, mentor: Any
) -> None:
    match = published_match(mentee, mentor)
    link(mentee, service_url, "29:ana")
    code = action_code(Action(ActionKind.MATCH_ACCEPT, match.pk, "Accept"))
    bad = bearer(service_url, key=fakes.ROGUE_KEY)
    assert post(execute(service_url, "29:ana", code), bad).status_code == 401
    match.refresh_from_db()
    assert match.mentee_response == Response.PENDING


def test_a_check_in_by_action_submit_is_recorded_and_the_card_updated(
    teams: fakes.FakeConnector, service_url: str, mentee: Any, mentor: Any
) -> None:
    relationship = started_relationship(mentee, mentor)
    link(mentor, service_url, "29:marta")
    code = action_code(Action(ActionKind.CHECKIN_RATE, relationship.pk, "5", value=5))
    submit = fakes.activity(
        service_url,
        user="29:marta",
        text=None,
        replyToId="card-1",
        value={"mw": code, "subject": "Check-in", "url": ""},
    )
    assert post(submit, bearer(service_url)).status_code == 200
    check_in = CheckIn.objects.get()
    assert (check_in.pulse, check_in.author_id) == (5, mentor.pk)
    updated = teams.named("PUT", r"/v3/conversations/a:conv-29:marta/activities/card-1")
    assert "5 out of 5" in json.dumps(updated[0].body)


# The app package ---------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_hr_admin_downloads_the_app_package(teams: fakes.FakeConnector, hr_admin: Any) -> None:
    client = page_client(hr_admin)
    assert client.get("/people/teams/").status_code == 200
    response = client.get("/people/teams/mentorwise-teams.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == {"manifest.json", "color.png", "outline.png"}
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["id"] == fakes.APP_ID and manifest["bots"][0]["botId"] == fakes.APP_ID
    assert manifest["bots"][0]["scopes"] == ["personal"]
    assert _png_size(archive.read("color.png")) == (192, 192)
    assert _png_size(archive.read("outline.png")) == (32, 32)
    assert fakes.APP_PASSWORD not in response.content.decode("latin-1")


@pytest.mark.parametrize("flags", [{}, {"is_executive": True}])
def test_only_hr_admins_reach_the_teams_pages(
    teams: fakes.FakeConnector, flags: dict[str, Any], db: None
) -> None:
    client = page_client(make_user(make_person(), **flags))
    assert client.get("/people/teams/").status_code == 404
    assert client.get("/people/teams/mentorwise-teams.zip").status_code == 404


def test_the_endpoint_is_closed_while_teams_is_not_configured(db: None, settings: Any) -> None:
    settings.MENTORWISE_TEAMS_APP_ID = ""
    assert post(fakes.activity("https://x.example/"), "Bearer x").status_code == 404


def test_the_card_goes_through_botbuilder_as_an_adaptive_card_attachment() -> None:
    """botbuilder's TestAdapter: a bot turn that sends our card (as the proactive send
    does) delivers one attachment of the Adaptive Card type whose content survives the
    Bot Framework schema's serialization unchanged."""
    from botbuilder.core import TurnContext
    from botbuilder.core.adapters import TestAdapter
    from botbuilder.schema import Activity, ActivityTypes

    from mentorwise.teams.cards import message_card
    from mentorwise.teams.services import card_attachment

    message = offer(type("P", (), {"pk": 1, "email": "ana@example.com"})(), 7)
    card = message_card(message)

    async def bot(turn: TurnContext) -> None:
        await turn.send_activity(
            Activity(type=ActivityTypes.message, attachments=[card_attachment(card)])
        )

    def check(activity: Activity, description: str | None = None) -> None:
        (attachment,) = activity.attachments
        assert attachment.content_type == CARD_TYPE
        assert json.loads(json.dumps(activity.serialize()))["attachments"][0]["content"] == card

    async def flow() -> None:
        step = await TestAdapter(bot).send("hello")
        await step.assert_reply(check)

    asyncio.run(flow())


@pytest.mark.parametrize(
    "value", [{"action": "x"}, {"action": {"data": "mw:snooze:1"}}, "text", None]
)
def test_an_odd_invoke_does_nothing_and_answers(
    teams: fakes.FakeConnector, service_url: str, mentee: Any, mentor: Any, value: Any
) -> None:
    match = published_match(mentee, mentor)
    link(mentee, service_url, "29:ana")
    invoke = fakes.activity(service_url, type="invoke", name="adaptiveCard/action", value=value)
    assert post(invoke, bearer(service_url)).status_code in (200, 400)
    match.refresh_from_db()
    assert match.mentee_response == Response.PENDING
