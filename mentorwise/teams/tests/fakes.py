"""Local stand-ins for the Bot Framework: the OpenID metadata and signing keys (JWKS) its
tokens are checked against, a token minter with our own RSA keys, and a fake Bot Connector
REST API (the documented /v3/conversations routes the bot calls)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from botframework.connector.auth import AppCredentials
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from werkzeug import Request, Response

APP_ID = "3f1a2b4c-0000-4000-8000-00000000b0b0"
APP_PASSWORD = "bot-password-for-tests"
ISSUER = "https://api.botframework.com"
KID = "test-key-1"
OUT_TOKEN = "token-the-bot-sends"  # what the bot's credentials give in tests
TENANT = "tenant-0001"

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ROGUE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks() -> dict[str, Any]:
    public = json.loads(RSAAlgorithm.to_jwk(KEY.public_key()))
    public.update({"kid": KID, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]})
    return {"keys": [public]}


def token(service_url: str, *, key: Any = None, **claims: Any) -> str:
    now = int(time.time())
    body: dict[str, Any] = {
        "iss": ISSUER,
        "aud": APP_ID,
        "serviceurl": service_url,
        "nbf": now - 10,
        "exp": now + 3600,
    }
    body.update(claims)
    return jwt.encode(body, key or KEY, algorithm="RS256", headers={"kid": KID})


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any]
    auth: str


@dataclass
class FakeConnector:
    """The Bot Connector: members by id, activities sent, replied and updated."""

    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    status: int = 200

    def named(self, method: str, pattern: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and re.fullmatch(pattern, c.path)]

    def handle(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        auth = request.headers.get("Authorization", "")
        self.calls.append(Call(request.method, request.path, body, auth))
        if auth != f"Bearer {OUT_TOKEN}":
            return Response(status=401)
        if self.status != 200:
            return Response(json.dumps({"error": {"code": "x"}}), status=self.status)
        member = re.fullmatch(r"/v3/conversations/[^/]+/members/(.+)", request.path)
        if member and request.method == "GET":
            found = self.members.get(member.group(1))
            if found is None:
                return Response(
                    json.dumps({"error": {"code": "MemberNotFoundInConversation"}}), status=404
                )
            return Response(json.dumps(found), content_type="application/json")
        activity = re.fullmatch(r"/v3/conversations/[^/]+/activities(?:/(.+))?", request.path)
        if activity:
            given = activity.group(1)
            new_id = given if request.method == "PUT" else f"activity-{len(self.calls)}"
            return Response(json.dumps({"id": new_id}), content_type="application/json")
        return Response(status=404)


def install(server: Any) -> FakeConnector:
    fake = FakeConnector()
    server.expect_request("/openid").respond_with_json(
        {
            "issuer": ISSUER,
            "jwks_uri": server.url_for("/keys"),
            "id_token_signing_alg_values_supported": ["RS256"],
        }
    )
    server.expect_request("/keys").respond_with_json(jwks())
    server.expect_request(re.compile(r"^/v3/.+$")).respond_with_handler(fake.handle)
    return fake


def activity(service_url: str, *, user: str = "29:ana", **fields: Any) -> dict[str, Any]:
    """An activity as Teams sends it to the bot, in a personal chat."""
    base: dict[str, Any] = {
        "type": "message",
        "id": f"m-{time.time_ns()}",
        "timestamp": "2026-12-06T10:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": user, "name": "Someone", "aadObjectId": f"aad-{user}"},
        "conversation": {
            "conversationType": "personal",
            "tenantId": TENANT,
            "id": f"a:conv-{user}",
        },
        "recipient": {"id": f"28:{APP_ID}", "name": "Mentorwise"},
        "channelData": {"tenant": {"id": TENANT}},
        "text": "hello",
    }
    base.update(fields)
    return base


class FixedCredentials(AppCredentials):  # type: ignore[misc]
    """The bot's credentials with a fixed token (no Microsoft sign-in in tests)."""

    def get_access_token(self, force_refresh: bool = False) -> str:
        return OUT_TOKEN
