"""Every message, whatever its texts, stays within Slack's published Block Kit limits
(checked against the limits as Slack documents them, written out here independently of
the constants in blocks.py), and buttons round-trip to the action they name."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mentorwise.messaging.contract import Action, ActionKind, Kind, Message
from mentorwise.slack.blocks import action_parse, after_action, message_payload

# https://api.slack.com/reference/block-kit/blocks and .../composition-objects
LIMITS = {
    "blocks": 50,
    "header": 150,
    "section": 3000,
    "context_text": 3000,
    "actions_elements": 25,
    "button_text": 75,
    "button_value": 2000,
    "action_id": 255,
    "block_id": 255,
    "url": 3000,
    "confirm_title": 100,
    "confirm_text": 300,
    "confirm_button": 30,
}

texts = st.text(min_size=1, max_size=5000).filter(lambda t: t.strip())
labels = st.text(min_size=1, max_size=200).filter(lambda t: t.strip())
ids = st.integers(min_value=1, max_value=2**62)


@st.composite
def messages(draw: Any) -> Message:
    target = draw(ids)
    actions: list[Action] = []
    if draw(st.booleans()):
        actions += [
            Action(ActionKind.MATCH_ACCEPT, target, draw(labels), style="primary"),
            Action(ActionKind.MATCH_DECLINE, target, draw(labels), style="danger"),
        ]
    if draw(st.booleans()):
        actions += [Action(ActionKind.CHECKIN_RATE, target, str(n), value=n) for n in range(1, 6)]
    if draw(st.booleans()):
        actions.append(Action(ActionKind.SNOOZE, draw(ids), draw(labels)))
    return Message(
        notification_id=draw(ids),
        person_id=1,
        email="a@example.com",
        language="en",
        kind=draw(st.sampled_from(list(Kind))),
        subject=draw(texts),
        body=draw(texts),
        url="https://mentorwise.example/" + "x" * draw(st.integers(0, 4000)),
        actions=tuple(actions),
    )


def _check(blocks: list[dict[str, Any]]) -> None:
    assert 1 <= len(blocks) <= LIMITS["blocks"]
    for block in blocks:
        assert len(block.get("block_id", "")) <= LIMITS["block_id"]
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text"
            assert 1 <= len(block["text"]["text"]) <= LIMITS["header"]
        elif block["type"] == "section":
            assert 1 <= len(block["text"]["text"]) <= LIMITS["section"]
        elif block["type"] == "context":
            assert all(len(e["text"]) <= LIMITS["context_text"] for e in block["elements"])
        elif block["type"] == "actions":
            assert 1 <= len(block["elements"]) <= LIMITS["actions_elements"]
            ids_seen = [e["action_id"] for e in block["elements"]]
            assert len(ids_seen) == len(set(ids_seen))  # Slack refuses duplicates in a block
            for button in block["elements"]:
                assert 1 <= len(button["text"]["text"]) <= LIMITS["button_text"]
                assert len(button["action_id"]) <= LIMITS["action_id"]
                assert len(button.get("value", "")) <= LIMITS["button_value"]
                assert len(button.get("url", "")) <= LIMITS["url"]
                if "confirm" in button:
                    confirm = button["confirm"]
                    assert len(confirm["title"]["text"]) <= LIMITS["confirm_title"]
                    assert len(confirm["text"]["text"]) <= LIMITS["confirm_text"]
                    assert len(confirm["confirm"]["text"]) <= LIMITS["confirm_button"]
                    assert len(confirm["deny"]["text"]) <= LIMITS["confirm_button"]
        else:
            raise AssertionError(f"unexpected block {block['type']}")


@settings(max_examples=200, deadline=None)
@given(messages())
def test_every_message_is_within_block_kit_limits(message: Message) -> None:
    payload = message_payload(message)
    _check(payload["blocks"])
    assert 1 <= len(payload["text"]) <= 3000
    _check(after_action(payload["blocks"], "✓ " + message.body))


@settings(max_examples=200, deadline=None)
@given(messages())
def test_every_button_names_its_action(message: Message) -> None:
    buttons = [
        e
        for b in message_payload(message)["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    named = {(a.kind, a.target, a.value) for a in message.actions}
    for button in buttons:
        parsed = action_parse(button["action_id"])
        assert parsed is not None
        assert parsed in named or parsed[0] == ActionKind.OPEN


def test_text_cannot_make_links_or_mentions() -> None:
    message = Message(
        1,
        1,
        "a@example.com",
        "en",
        Kind.NUDGE,
        "Hi",
        "<!channel> <https://evil|x> & co",
        "https://m.example/",
    )
    section = message_payload(message)["blocks"][1]["text"]["text"]
    assert "<" not in section and ">" not in section
    assert section == "&lt;!channel&gt; &lt;https://evil|x&gt; &amp; co"


def test_foreign_action_ids_are_not_ours() -> None:
    for value in [
        "",
        "mw",
        "mw:match.accept",
        "mw:nope:1",
        "mw:match.accept:x",
        "xx:snooze:1",
        "mw:snooze:1:2:3",
    ]:
        assert action_parse(value) is None
