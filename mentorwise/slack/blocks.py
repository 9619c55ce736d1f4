"""A Message as Slack Block Kit, and the same message after a button was pressed.

Pure functions (no database, no network). Slack's published limits are kept here, in one
place, and every text is cut to them: a header's text 150 characters, a section's 3,000, a
button's 75, a button's value 2,000, an actions block 25 elements, a message 50 blocks, a
confirmation dialog's title 100 and text 300, its buttons 30 each.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mentorwise.messaging.contract import Action, ActionKind, Message

HEADER_MAX = 150
SECTION_MAX = 3000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ACTIONS_MAX = 25
BLOCKS_MAX = 50
FALLBACK_MAX = 3000
CONFIRM_TITLE_MAX = 100
CONFIRM_TEXT_MAX = 300
CONFIRM_BUTTON_MAX = 30
URL_MAX = 3000

# The block that holds the buttons; after an action it is replaced by what was done.
ACTIONS_BLOCK = "mentorwise_actions"
CHECKIN_BLOCK = "mentorwise_checkin"
DONE_BLOCK = "mentorwise_done"
# An action id is "mw:<kind>:<target>[:<value>]": parsed back by `action_parse`.
PREFIX = "mw"


def cut(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def escape(text: str) -> str:
    """Slack's mrkdwn control characters: a body cannot make a link or mention anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def action_id(action: Action) -> str:
    parts = [PREFIX, action.kind.value, str(action.target)]
    if action.value is not None:
        parts.append(str(action.value))
    return ":".join(parts)


def action_parse(value: str) -> tuple[ActionKind, int, int | None] | None:
    """The (kind, target, value) an action id or button value names; None if not ours."""
    parts = value.split(":")
    if len(parts) not in (3, 4) or parts[0] != PREFIX:
        return None
    try:
        kind = ActionKind(parts[1])
        target = int(parts[2])
        number = int(parts[3]) if len(parts) == 4 else None
    except ValueError:
        return None
    return kind, target, number


def _button(action: Action, message: Message) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": plain(action.label, BUTTON_TEXT_MAX),
        "action_id": action_id(action),
        "value": action_id(action),
    }
    if action.kind == ActionKind.OPEN:
        button["url"] = message.url[:URL_MAX]
    if action.style in ("primary", "danger"):
        button["style"] = action.style
    if action.kind == ActionKind.MATCH_DECLINE:
        button["confirm"] = {
            "title": plain(_("Decline this match?"), CONFIRM_TITLE_MAX),
            "text": plain(
                _("The match will not go ahead, and the other person is told."),
                CONFIRM_TEXT_MAX,
            ),
            "confirm": plain(_("Decline"), CONFIRM_BUTTON_MAX),
            "deny": plain(_("Keep it"), CONFIRM_BUTTON_MAX),
            "style": "danger",
        }
    return button


def message_payload(message: Message) -> dict[str, Any]:
    """`text` (the notification's fallback) and `blocks` for chat.postMessage."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(message.subject, HEADER_MAX)},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": cut(escape(message.body), SECTION_MAX)},
        },
    ]
    rates = [a for a in message.actions if a.kind == ActionKind.CHECKIN_RATE]
    others = [a for a in message.actions if a.kind != ActionKind.CHECKIN_RATE]
    if not any(a.kind == ActionKind.OPEN for a in others) and message.url:
        others.append(Action(ActionKind.OPEN, message.notification_id, _("Open in Mentorwise")))
    if rates:
        blocks.append(
            {
                "type": "section",
                "text": plain(_("How is it going? 1 is poorly, 5 is very well."), SECTION_MAX),
            }
        )
        blocks.append(
            {
                "type": "actions",
                "block_id": CHECKIN_BLOCK,
                "elements": [_button(a, message) for a in rates[:ACTIONS_MAX]],
            }
        )
    if others:
        blocks.append(
            {
                "type": "actions",
                "block_id": ACTIONS_BLOCK,
                "elements": [_button(a, message) for a in others[:ACTIONS_MAX]],
            }
        )
    return {"text": cut(message.subject, FALLBACK_MAX), "blocks": blocks[:BLOCKS_MAX]}


def after_action(blocks: list[dict[str, Any]], done: str) -> list[dict[str, Any]]:
    """The message's blocks with its buttons taken away and a line saying what was done
    (the link button to the page stays)."""
    kept: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("block_id") == DONE_BLOCK:
            continue
        if block.get("type") == "actions":
            elements = block.get("elements")
            links = [
                e
                for e in (elements if isinstance(elements, list) else [])
                if isinstance(e, dict) and e.get("url")
            ]
            if links:
                kept.append({"type": "actions", "block_id": ACTIONS_BLOCK, "elements": links})
            continue
        text = block.get("text")
        if (
            block.get("type") == "section"
            and isinstance(text, dict)
            and text.get("type") == "plain_text"
        ):
            continue  # the check-in question goes with its buttons
        kept.append(block)
    kept.append(
        {
            "type": "context",
            "block_id": DONE_BLOCK,
            "elements": [{"type": "mrkdwn", "text": cut("✓ " + escape(done), SECTION_MAX)}],
        }
    )
    return kept[:BLOCKS_MAX]
