"""A Message as an Adaptive Card (1.4, with Universal Actions), and the card that replaces
it after a button was pressed. Pure functions: no database, no network.

Each button is an Action.Execute (falling back to Action.Submit on clients without
Universal Actions) whose data names the action as "mw:<kind>:<target>[:<value>]", the same
form as Slack's; declining a match first shows a small card asking to confirm.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mentorwise.messaging.contract import Action, ActionKind, Message

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.4"
PREFIX = "mw"
TEXT_MAX = 3000


def cut(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: str) -> str:
    """Adaptive Card text renders a markdown subset: escape it, so a body cannot make a
    link or emphasis of its own."""
    for char in "\\*_[]()#>`~":
        text = text.replace(char, "\\" + char)
    return text


def action_code(action: Action) -> str:
    parts = [PREFIX, action.kind.value, str(action.target)]
    if action.value is not None:
        parts.append(str(action.value))
    return ":".join(parts)


def action_parse(value: Any) -> tuple[ActionKind, int, int | None] | None:
    if not isinstance(value, str):
        return None
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


def _execute(action: Action, title: str, message: Message) -> dict[str, Any]:
    data = {"mw": action_code(action), "subject": cut(message.subject, 200), "url": message.url}
    button: dict[str, Any] = {
        "type": "Action.Execute",
        "title": cut(title, 60),
        "verb": action.kind.value,
        "data": data,
        "fallback": {"type": "Action.Submit", "title": cut(title, 60), "data": data},
    }
    if action.style == "primary":
        button["style"] = "positive"
    elif action.style == "danger":
        button["style"] = "destructive"
    return button


def _button(action: Action, message: Message) -> dict[str, Any]:
    if action.kind == ActionKind.OPEN:
        return {"type": "Action.OpenUrl", "title": cut(action.label, 60), "url": message.url}
    if action.kind == ActionKind.MATCH_DECLINE:
        return {
            "type": "Action.ShowCard",
            "title": cut(action.label, 60),
            "card": {
                "type": "AdaptiveCard",
                "body": [
                    {
                        "type": "TextBlock",
                        "text": _("The match will not go ahead, and the other person is told."),
                        "wrap": True,
                    }
                ],
                "actions": [_execute(action, _("Decline"), message)],
            },
        }
    return _execute(action, action.label, message)


def _head(subject: str) -> dict[str, Any]:
    return {
        "type": "TextBlock",
        "text": cut(plain(subject), 200),
        "weight": "Bolder",
        "size": "Medium",
        "wrap": True,
    }


def message_card(message: Message) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        _head(message.subject),
        {"type": "TextBlock", "text": cut(plain(message.body), TEXT_MAX), "wrap": True},
    ]
    rates = [a for a in message.actions if a.kind == ActionKind.CHECKIN_RATE]
    others = [a for a in message.actions if a.kind != ActionKind.CHECKIN_RATE]
    if not any(a.kind == ActionKind.OPEN for a in others) and message.url:
        others.append(Action(ActionKind.OPEN, message.notification_id, _("Open in Mentorwise")))
    if rates:
        body.append(
            {
                "type": "TextBlock",
                "text": _("How is it going? 1 is poorly, 5 is very well."),
                "wrap": True,
            }
        )
        body.append(
            {"type": "ActionSet", "actions": [_execute(a, a.label, message) for a in rates]}
        )
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "actions": [_button(a, message) for a in others],
    }


def done_card(*, subject: str, url: str, done: str) -> dict[str, Any]:
    """The card after an action: its title, what was done, and the link to the page."""
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": [
            _head(subject or "Mentorwise"),
            {"type": "TextBlock", "text": "✓ " + plain(done), "wrap": True, "color": "Good"},
        ],
    }
    if url.startswith(("https://", "http://")):
        card["actions"] = [{"type": "Action.OpenUrl", "title": _("Open in Mentorwise"), "url": url}]
    return card
