"""Slack: installing (OAuth v2, state checked, token sealed), removing (token revoked),
finding people by e-mail, sending direct messages in Block Kit, and the signed
interactions endpoint (signature, age, replays, and acting as the person through the web
page's services), all against a local fake of Slack's Web API."""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from conftest import make_person, make_user, page_client
from mentorwise.core.models import AuditEntry
from mentorwise.core.sealed import unseal
from mentorwise.matches.models import MatchStatus, Response
from mentorwise.messaging.contract import Action, ActionKind, ChannelError, Kind, Message
from mentorwise.messaging.tests.factories import NotificationFactory
from mentorwise.relationships.models import CheckIn
from mentorwise.relationships.tests.factories import published_match, started_relationship
from mentorwise.slack.adapter import SlackAdapter
from mentorwise.slack.blocks import action_id, message_payload
from mentorwise.slack.models import SlackMember, SlackSeenRequest, SlackWorkspace
from mentorwise.slack.services import members_refresh
from mentorwise.slack.tests import fakes


def offer(person: Any, match_id: int, *, notification_id: int = 1) -> Message:
    """A match offer as the dispatcher hands it to a channel."""
    return Message(
        notification_id=notification_id,
        person_id=person.pk,
        email=person.email,
        language="en",
        kind=Kind.MATCH_OFFER,
        subject="You have a mentoring match in Leadership 2026",
        body="Marta Mentor (Finance, Berlin) is proposed as your mentor. Accept or decline.",
        url=f"https://mentorwise.example/relationships/matches/{match_id}/",
        actions=(
            Action(ActionKind.MATCH_ACCEPT, match_id, "Accept", style="primary"),
            Action(ActionKind.MATCH_DECLINE, match_id, "Decline", style="danger"),
            Action(ActionKind.SNOOZE, notification_id, "Remind me next week"),
        ),
    )


def map_person(workspace: SlackWorkspace, user: Any, slack_user_id: str) -> None:
    SlackMember.objects.create(workspace=workspace, person=user.person, slack_user_id=slack_user_id)


def post_interaction(payload: dict[str, Any], **kwargs: Any) -> Any:
    body, headers = fakes.signed(payload, **kwargs)
    return Client().post(
        "/slack/interactions/", body, content_type="application/x-www-form-urlencoded", **headers
    )


# Installing and removing -------------------------------------------------------------------


def test_hr_admin_installs_with_oauth_and_the_token_is_sealed(
    slack: fakes.FakeSlack, hr_admin: Any
) -> None:
    client = page_client(hr_admin)
    start = client.get("/people/slack/install/")
    assert start.status_code == 302
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["client_id"] == [fakes.CLIENT_ID]
    assert set(query["scope"][0].split(",")) == {
        "chat:write", "im:write", "users:read", "users:read.email"
    }  # fmt: skip
    back = client.get("/people/slack/oauth/", {"code": fakes.CODE, "state": query["state"][0]})
    assert back.status_code == 302
    workspace = SlackWorkspace.objects.get()
    assert (workspace.team_id, workspace.team_name) == (fakes.TEAM_ID, "Acme")
    assert fakes.BOT_TOKEN not in workspace.token_sealed
    assert unseal(workspace.token_sealed) == fakes.BOT_TOKEN
    assert slack.named("oauth.v2.access")[0].params["redirect_uri"].endswith("/people/slack/oauth/")
    entry = AuditEntry.objects.get(action="slack.installed")
    assert fakes.BOT_TOKEN not in str(entry.data)
    page = client.get("/people/slack/")
    assert b"Acme" in page.content and fakes.BOT_TOKEN.encode() not in page.content


@pytest.mark.parametrize("state", ["", "forged-state"])
def test_oauth_return_with_a_wrong_state_installs_nothing(
    slack: fakes.FakeSlack, hr_admin: Any, state: str
) -> None:
    client = page_client(hr_admin)
    client.get("/people/slack/install/")
    client.get("/people/slack/oauth/", {"code": fakes.CODE, "state": state})
    assert not SlackWorkspace.objects.exists()
    assert slack.named("oauth.v2.access") == []


def test_state_is_used_once(slack: fakes.FakeSlack, hr_admin: Any) -> None:
    client = page_client(hr_admin)
    state = parse_qs(urlsplit(client.get("/people/slack/install/")["Location"]).query)["state"][0]
    client.get("/people/slack/oauth/", {"code": "other-code", "state": state})  # Slack refuses
    assert not SlackWorkspace.objects.exists()
    client.get("/people/slack/oauth/", {"code": fakes.CODE, "state": state})
    assert not SlackWorkspace.objects.exists()


@pytest.mark.parametrize("flags", [{}, {"is_executive": True}])
def test_only_hr_admins_reach_the_slack_pages(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, flags: dict[str, Any]
) -> None:
    client = page_client(make_user(make_person(), **flags))
    assert client.get("/people/slack/").status_code == 404
    assert client.get("/people/slack/install/").status_code == 404
    assert client.post(f"/people/slack/{workspace.pk}/uninstall/").status_code == 404
    assert SlackWorkspace.objects.exists()
    assert slack.calls == []


def test_uninstall_revokes_the_token_and_forgets_the_workspace(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, hr_admin: Any, mentee: Any
) -> None:
    map_person(workspace, mentee, "U1")
    page_client(hr_admin).post(f"/people/slack/{workspace.pk}/uninstall/")
    revoke = slack.named("auth.revoke")
    assert len(revoke) == 1 and revoke[0].token == fakes.BOT_TOKEN
    assert not SlackWorkspace.objects.exists() and not SlackMember.objects.exists()
    assert AuditEntry.objects.filter(action="slack.uninstalled").exists()


# People ------------------------------------------------------------------------------------


def test_people_are_found_by_email_and_only_mapped_people_are_reachable(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, hr_admin: Any
) -> None:
    people = [make_person() for _ in range(6)]
    slack.users = {p.email: f"U{i}" for i, p in enumerate(people) if i % 2 == 0}
    result = members_refresh(actor=hr_admin, workspace=workspace, people=people)
    assert (result.checked, result.found) == (6, 3)
    ids = {p.pk for p in people}
    expected = {p.pk for i, p in enumerate(people) if i % 2 == 0}
    assert SlackAdapter().reachable(ids) == expected
    # Refreshing again follows changes: one leaves Slack, another joins.
    slack.users.pop(people[0].email)
    slack.users[people[1].email] = "U1"
    members_refresh(actor=hr_admin, workspace=workspace, people=people)
    assert SlackAdapter().reachable(ids) == (expected - {people[0].pk}) | {people[1].pk}


def test_account_page_says_whether_slack_reaches_the_person(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, mentee: Any, mentor: Any
) -> None:
    map_person(workspace, mentee, "U1")
    assert "direct messages in Acme" in page_client(mentee).get("/account/").content.decode()
    assert "Not reachable" in page_client(mentor).get("/account/").content.decode()


# Sending -----------------------------------------------------------------------------------


def test_a_match_offer_is_a_direct_message_with_buttons(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, mentee: Any, mentor: Any
) -> None:
    match = published_match(mentee, mentor)
    slack.users = {mentee.person.email: "UANA"}
    provider_id = SlackAdapter().send(offer(mentee.person, match.pk))
    assert provider_id == "DUANA:1700000000.000100"
    assert slack.named("users.lookupByEmail")[0].params["email"] == mentee.person.email
    assert slack.named("conversations.open")[0].params["users"] == "UANA"
    posted = slack.named("chat.postMessage")[0]
    assert posted.token == fakes.BOT_TOKEN and posted.params["channel"] == "DUANA"
    blocks = posted.params["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "You have a mentoring match in Leadership 2026",
            "emoji": True,
        },
    }
    buttons = {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert set(buttons) == {
        f"mw:match.accept:{match.pk}", f"mw:match.decline:{match.pk}", "mw:snooze:1", "mw:open:1"
    }  # fmt: skip
    assert buttons[f"mw:match.decline:{match.pk}"]["confirm"]["confirm"]["text"] == "Decline"
    assert buttons["mw:open:1"]["url"].endswith(f"/matches/{match.pk}/")
    # The mapping was kept: the next send does not look the person up again.
    SlackAdapter().send(offer(mentee.person, match.pk))
    assert len(slack.named("users.lookupByEmail")) == 1


def test_someone_not_on_slack_is_a_permanent_failure(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, mentee: Any, mentor: Any
) -> None:
    match = published_match(mentee, mentor)
    with pytest.raises(ChannelError) as caught:
        SlackAdapter().send(offer(mentee.person, match.pk))
    assert caught.value.transient is False
    assert slack.named("chat.postMessage") == []


def test_no_workspace_is_a_permanent_failure(db: None, mentee: Any) -> None:
    with pytest.raises(ChannelError) as caught:
        SlackAdapter().send(offer(mentee.person, 1))
    assert caught.value.transient is False


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        ("ratelimited", True),
        ("internal_error", True),
        ("account_inactive", False),
        ("invalid_auth", False),
    ],
)
def test_slack_errors_are_transient_or_permanent(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, mentee: Any, error: str, transient: bool
) -> None:
    map_person(workspace, mentee, "UANA")
    slack.fail["chat.postMessage"] = error
    with pytest.raises(ChannelError) as caught:
        SlackAdapter().send(offer(mentee.person, 1))
    assert caught.value.transient is transient


# Interactions ------------------------------------------------------------------------------


@pytest.fixture
def offered(slack: fakes.FakeSlack, workspace: SlackWorkspace, mentee: Any, mentor: Any) -> Any:
    map_person(workspace, mentee, "UANA")
    map_person(workspace, mentor, "UMARTA")
    return published_match(mentee, mentor)


def test_accept_with_a_good_signature_answers_the_match_and_updates_the_message(
    slack: fakes.FakeSlack, offered: Any, mentee: Any
) -> None:
    blocks = message_payload(offer(mentee.person, offered.pk))["blocks"]
    payload = fakes.block_action(
        user_id="UANA", action_id=f"mw:match.accept:{offered.pk}", blocks=blocks
    )
    assert post_interaction(payload).status_code == 200
    offered.refresh_from_db()
    assert offered.mentee_response == Response.ACCEPTED
    entry = AuditEntry.objects.get(action="match.accepted")
    assert entry.actor_id == mentee.pk
    update = slack.named("chat.update")[0]
    assert update.params["channel"] == "DUANA" and update.params["ts"] == "1700000000.000100"
    new_blocks = update.params["blocks"]
    assert new_blocks[-1]["elements"][0]["text"] == "✓ You accepted this match."
    kept = [e for b in new_blocks if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in kept] == ["mw:open:1"]  # only the link stays


def test_decline_declines(slack: fakes.FakeSlack, offered: Any, mentor: Any) -> None:
    payload = fakes.block_action(user_id="UMARTA", action_id=f"mw:match.decline:{offered.pk}")
    assert post_interaction(payload).status_code == 200
    offered.refresh_from_db()
    assert (offered.status, offered.mentor_response) == (MatchStatus.DECLINED, Response.DECLINED)


def test_bad_signature_is_refused_and_changes_nothing(slack: fakes.FakeSlack, offered: Any) -> None:
    payload = fakes.block_action(user_id="UANA", action_id=f"mw:match.accept:{offered.pk}")
    response = post_interaction(payload, secret="not-the-signing-secret")
    assert response.status_code == 401
    offered.refresh_from_db()
    assert offered.mentee_response == Response.PENDING
    assert slack.calls == []


def test_tampered_body_is_refused(slack: fakes.FakeSlack, offered: Any) -> None:
    payload = fakes.block_action(user_id="UANA", action_id=f"mw:match.decline:{offered.pk}")
    body, headers = fakes.signed(payload)
    tampered = body.replace(b"decline", b"accept")
    response = Client().post(
        "/slack/interactions/",
        tampered,
        content_type="application/x-www-form-urlencoded",
        **headers,
    )
    assert response.status_code == 401
    offered.refresh_from_db()
    assert offered.mentee_response == Response.PENDING


@pytest.mark.parametrize("age", [301, 3600, -400])
def test_stale_or_future_timestamp_is_refused(
    slack: fakes.FakeSlack, offered: Any, age: int
) -> None:
    payload = fakes.block_action(user_id="UANA", action_id=f"mw:match.accept:{offered.pk}")
    assert post_interaction(payload, at=int(time.time()) - age).status_code == 401
    offered.refresh_from_db()
    assert offered.mentee_response == Response.PENDING


def test_missing_or_malformed_headers_are_refused(slack: fakes.FakeSlack, offered: Any) -> None:
    client = Client()
    assert (
        client.post(
            "/slack/interactions/",
            b"payload=%7B%7D",
            content_type="application/x-www-form-urlencoded",
        ).status_code
        == 401
    )
    response = client.post(
        "/slack/interactions/",
        b"payload=%7B%7D",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_SLACK_REQUEST_TIMESTAMP="yesterday",
        HTTP_X_SLACK_SIGNATURE="v0=00",
    )
    assert response.status_code == 401


def test_a_replayed_request_is_refused(slack: fakes.FakeSlack, offered: Any, mentee: Any) -> None:
    relationship_match = offered
    payload = fakes.block_action(
        user_id="UANA", action_id=f"mw:match.decline:{relationship_match.pk}"
    )
    body, headers = fakes.signed(payload)
    client = Client()
    first = client.post(
        "/slack/interactions/", body, content_type="application/x-www-form-urlencoded", **headers
    )
    again = client.post(
        "/slack/interactions/", body, content_type="application/x-www-form-urlencoded", **headers
    )
    assert (first.status_code, again.status_code) == (200, 409)
    assert SlackSeenRequest.objects.count() == 1
    assert AuditEntry.objects.filter(action="match.declined").count() == 1


def test_acting_on_someone_elses_match_is_politely_refused(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, offered: Any, other_mentee: Any
) -> None:
    map_person(workspace, other_mentee, "UOTHER")
    payload = fakes.block_action(user_id="UOTHER", action_id=f"mw:match.accept:{offered.pk}")
    assert post_interaction(payload).status_code == 200
    offered.refresh_from_db()
    assert (offered.mentee_response, offered.mentor_response) == (
        Response.PENDING,
        Response.PENDING,
    )
    refusal = slack.named("chat.postEphemeral")[0]
    assert refusal.params["user"] == "UOTHER" and "not yours" in refusal.params["text"]
    assert slack.named("chat.update") == []


def test_an_unmapped_slack_user_is_told_and_nothing_is_done(
    slack: fakes.FakeSlack, offered: Any
) -> None:
    payload = fakes.block_action(user_id="USTRANGER", action_id=f"mw:match.accept:{offered.pk}")
    assert post_interaction(payload).status_code == 200
    offered.refresh_from_db()
    assert offered.mentee_response == Response.PENDING
    assert "not linked" in slack.named("chat.postEphemeral")[0].params["text"]


def test_a_check_in_from_slack_is_recorded_as_the_person(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, mentee: Any, mentor: Any, hr_admin: Any
) -> None:
    relationship = started_relationship(mentee, mentor)
    map_person(workspace, mentee, "UANA")
    map_person(workspace, hr_admin, "UHR")
    rate = Action(ActionKind.CHECKIN_RATE, relationship.pk, "4", value=4)
    payload = fakes.block_action(user_id="UANA", action_id=action_id(rate))
    assert post_interaction(payload).status_code == 200
    check_in = CheckIn.objects.get(relationship=relationship)
    assert (check_in.pulse, check_in.author_id) == (4, mentee.pk)
    # An HR admin oversees the pair but may not check in for it.
    payload = fakes.block_action(user_id="UHR", action_id=action_id(rate))
    assert post_interaction(payload).status_code == 200
    assert CheckIn.objects.count() == 1
    assert "not yours" in slack.named("chat.postEphemeral")[-1].params["text"]


def test_a_terminated_persons_slack_user_cannot_act(
    slack: fakes.FakeSlack, offered: Any, mentee: Any
) -> None:
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])
    payload = fakes.block_action(user_id="UANA", action_id=f"mw:match.accept:{offered.pk}")
    post_interaction(payload)
    offered.refresh_from_db()
    assert offered.mentee_response == Response.PENDING


def test_snooze_puts_off_the_persons_own_notification_only(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, mentee: Any, other_mentee: Any
) -> None:
    map_person(workspace, mentee, "UANA")
    map_person(workspace, other_mentee, "UOTHER")
    mine = NotificationFactory(person=mentee.person)
    snooze = Action(ActionKind.SNOOZE, mine.pk, "Remind me next week")
    post_interaction(fakes.block_action(user_id="UOTHER", action_id=action_id(snooze)))
    mine.refresh_from_db()
    assert mine.snoozed_until is None
    post_interaction(fakes.block_action(user_id="UANA", action_id=action_id(snooze)))
    mine.refresh_from_db()
    assert mine.snoozed_until is not None
    assert mine.snoozed_until - timezone.now() > dt.timedelta(days=6)
    assert "Snoozed" in slack.named("chat.update")[-1].params["text"]


def test_the_command_finds_people_on_every_workspace(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, mentee: Any, mentor: Any
) -> None:
    slack.users = {mentee.person.email: "UANA"}
    out = io.StringIO()
    call_command("slack_people", stdout=out)
    assert "Acme: 1 of" in out.getvalue()
    assert SlackAdapter().reachable({mentee.person_id, mentor.person_id}) == {mentee.person_id}
    assert AuditEntry.objects.get(action="slack.members_refreshed").data["found"] == 1


def test_the_command_fails_without_a_workspace(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("slack_people")


@pytest.mark.parametrize("seed", range(3))
def test_everyone_is_matched_from_the_member_list_in_pages(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, hr_admin: Any, seed: int
) -> None:
    rng = random.Random(seed)
    people = [make_person() for _ in range(rng.randint(150, 450))]
    on_slack = [p for p in people if rng.random() < 0.7]
    slack.users = {p.email: f"U{p.pk}" for p in on_slack}
    gone = rng.choice(people)
    slack.others = [
        {"id": "UBOT1", "is_bot": True, "profile": {"email": people[0].email}},
        {"id": "UGONE", "deleted": True, "profile": {"email": gone.email}},
        {"id": "USLACKBOT", "profile": {}},
    ]
    if gone in on_slack:
        slack.users.pop(gone.email)
        on_slack.remove(gone)
    result = members_refresh(actor=hr_admin, workspace=workspace)
    expected = {p.pk for p in on_slack}
    employed = {p.pk for p in people} | {hr_admin.person_id}
    assert SlackAdapter().reachable(employed) == expected
    assert result.found == len(expected) and result.checked == SlackMember.objects.count()
    assert len(slack.named("users.list")) == -(-(len(on_slack) + 3) // 200)  # pages of 200
    assert slack.named("users.lookupByEmail") == []
    for member in SlackMember.objects.exclude(slack_user_id=""):
        assert member.slack_user_id == f"U{member.person_id}"


def test_a_token_slack_no_longer_knows_is_forgotten_on_removal(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, hr_admin: Any
) -> None:
    slack.revoked = True  # removed from Slack's side already: invalid_auth
    page_client(hr_admin).post(f"/people/slack/{workspace.pk}/uninstall/")
    assert not SlackWorkspace.objects.exists()


def test_removal_waits_while_slack_fails(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, hr_admin: Any
) -> None:
    slack.fail["auth.revoke"] = "internal_error"
    response = page_client(hr_admin).post(f"/people/slack/{workspace.pk}/uninstall/", follow=True)
    assert SlackWorkspace.objects.exists()
    assert "did not revoke" in response.content.decode()


def test_installing_again_replaces_the_token(
    slack: fakes.FakeSlack, workspace: SlackWorkspace, hr_admin: Any
) -> None:
    old = workspace.token_sealed
    client = page_client(hr_admin)
    state = parse_qs(urlsplit(client.get("/people/slack/install/")["Location"]).query)["state"][0]
    client.get("/people/slack/oauth/", {"code": fakes.CODE, "state": state})
    workspace.refresh_from_db()
    assert workspace.token_sealed != old and unseal(workspace.token_sealed) == fakes.BOT_TOKEN
    assert SlackWorkspace.objects.count() == 1
    assert AuditEntry.objects.filter(action="slack.reinstalled").count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"actions": "mw:match.accept:1"},
        {"team": ["T0001"]},
        {"user": None},
        {"actions": [None, 3, {"action_id": 7}]},
        {"message": {"blocks": "x"}},
    ],
)
def test_a_signed_but_odd_payload_does_nothing_and_answers(
    slack: fakes.FakeSlack, offered: Any, change: dict[str, Any]
) -> None:
    payload = fakes.block_action(user_id="UANA", action_id=f"mw:match.decline:{offered.pk}")
    payload.update(change)
    assert post_interaction(payload).status_code in (200, 400)
    offered.refresh_from_db()
    if "message" not in change:
        assert offered.mentee_response == Response.PENDING
