"""A local fake of the parts of Slack's Web API the app calls, shaped as Slack documents
them (https://api.slack.com/methods): every call is recorded with its parameters and the
token it carried, and answers `{"ok": false, "error": ...}` as Slack does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "client-secret-for-tests"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-bot-token-123"
TEAM_ID = "T0001"
CODE = "good-oauth-code"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str


@dataclass
class FakeSlack:
    users: dict[str, str] = field(default_factory=dict)  # e-mail -> Slack user id
    calls: list[Call] = field(default_factory=list)
    revoked: bool = False
    fail: dict[str, str] = field(default_factory=dict)  # method -> error to answer
    # users.list: extra members beyond `users` (bots, deleted accounts), as Slack lists them.
    others: list[dict[str, Any]] = field(default_factory=list)

    def named(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def handle(self, request: Request) -> Response:
        method = request.path.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request.args)
        params.update(request.form.to_dict())
        if request.is_json:
            params.update(request.get_json(silent=True) or {})
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else ""
        self.calls.append(Call(method, params, token))
        if method in self.fail:
            return self._json({"ok": False, "error": self.fail[method]})
        if method == "oauth.v2.access":
            basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if auth != basic:
                return self._json({"ok": False, "error": "invalid_client_id"})
            if params.get("code") != CODE:
                return self._json({"ok": False, "error": "invalid_code"})
            return self._json(
                {
                    "ok": True,
                    "access_token": BOT_TOKEN,
                    "token_type": "bot",
                    "scope": "chat:write,im:write,users:read,users:read.email",
                    "bot_user_id": "UBOT",
                    "app_id": "A0001",
                    "team": {"id": TEAM_ID, "name": "Acme"},
                    "enterprise": None,
                    "authed_user": {"id": "UADMIN"},
                }
            )
        if token != BOT_TOKEN or self.revoked:
            return self._json({"ok": False, "error": "invalid_auth"})
        if method == "auth.revoke":
            self.revoked = True
            return self._json({"ok": True, "revoked": True})
        if method == "users.lookupByEmail":
            user_id = self.users.get(str(params.get("email", "")).lower())
            if user_id is None:
                return self._json({"ok": False, "error": "users_not_found"})
            return self._json({"ok": True, "user": {"id": user_id, "deleted": False}})
        if method == "users.list":
            members = [
                {"id": uid, "deleted": False, "is_bot": False, "profile": {"email": email.upper()}}
                for email, uid in sorted(self.users.items())
            ] + self.others
            start = int(params.get("cursor") or 0)
            size = min(int(params.get("limit") or 100), 200)
            page = members[start : start + size]
            next_cursor = str(start + size) if start + size < len(members) else ""
            return self._json(
                {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}
            )
        if method == "conversations.open":
            return self._json({"ok": True, "channel": {"id": "D" + str(params["users"])}})
        if method == "chat.postMessage":
            if not params.get("channel"):
                return self._json({"ok": False, "error": "channel_not_found"})
            return self._json({"ok": True, "channel": params["channel"], "ts": "1700000000.000100"})
        if method in ("chat.update", "chat.postEphemeral"):
            return self._json(
                {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
            )
        return self._json({"ok": False, "error": "unknown_method"})

    @staticmethod
    def _json(body: dict[str, Any]) -> Response:
        return Response(json.dumps(body), content_type="application/json")


def install(server: Any) -> FakeSlack:
    fake = FakeSlack()
    server.expect_request(re.compile(r"^/api/.+$")).respond_with_handler(fake.handle)
    return fake


def signed(
    payload: dict[str, Any], *, at: int | None = None, secret: str = SIGNING_SECRET
) -> tuple[bytes, dict[str, str]]:
    """An interaction request as Slack sends it: the JSON payload form-encoded, signed
    v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>") (computed here, independently of the
    app's verifier)."""
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    timestamp = str(at if at is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    headers = {
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp,
        "HTTP_X_SLACK_SIGNATURE": "v0=" + digest.hexdigest(),
    }
    return body, headers


def block_action(
    *, user_id: str, action_id: str, blocks: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A `block_actions` payload as Slack documents it (the fields the app reads)."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": user_id, "team_id": TEAM_ID},
        "api_app_id": "A0001",
        "trigger_id": f"trig-{time.time_ns()}",
        "container": {
            "type": "message",
            "channel_id": "D" + user_id,
            "message_ts": "1700000000.000100",
        },
        "channel": {"id": "D" + user_id},
        "message": {"ts": "1700000000.000100", "blocks": blocks or []},
        "response_url": "https://hooks.slack.invalid/actions/x",
        "actions": [
            {"type": "button", "action_id": action_id, "value": action_id, "block_id": "b"}
        ],
    }


def signed_json(
    payload: dict[str, Any], *, at: int | None = None, secret: str = SIGNING_SECRET
) -> tuple[bytes, dict[str, str]]:
    """An Events API request as Slack sends it: the JSON body, signed like interactions."""
    body = json.dumps(payload).encode()
    timestamp = str(at if at is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    headers = {
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp,
        "HTTP_X_SLACK_SIGNATURE": "v0=" + digest.hexdigest(),
    }
    return body, headers


def event_callback(event: dict[str, Any], *, team_id: str = TEAM_ID) -> dict[str, Any]:
    """An `event_callback` envelope as Slack documents it (https://api.slack.com/apis/events-api)."""
    return {
        "token": "verification-token-not-used",
        "team_id": team_id,
        "api_app_id": "A0001",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{time.time_ns()}",
        "event_time": int(time.time()),
    }
