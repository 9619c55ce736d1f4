"""Local stand-ins for the Bot Framework: the OpenID metadata and signing keys (JWKS) its
tokens are checked against, a token minter with our own RSA keys, a fake Bot Connector
REST API (the documented /v3/conversations routes the bot calls), and a fake Microsoft
identity platform (OpenID configuration and the token endpoint's client-credentials grant)
on https with a certificate made here, where the bot signs in for its outgoing calls."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm
from werkzeug import Request, Response

APP_ID = "3f1a2b4c-0000-4000-8000-00000000b0b0"
APP_PASSWORD = "bot-password-for-tests"
ISSUER = "https://api.botframework.com"
KID = "test-key-1"
SCOPE = "https://api.botframework.com/.default"
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
class Issued:
    token: str
    expires_at: float


@dataclass
class FakeLogin:
    """The Microsoft identity platform's token endpoint for the client-credentials grant
    (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow):
    checks the grant type, client id, client secret and scope, and answers a fresh access
    token with `expires_in`, or the documented error JSON (401 invalid_client for a wrong
    secret). Every request's form is kept, and every token issued."""

    expires_in: int = 3600
    requests: list[dict[str, str]] = field(default_factory=list)
    issued: list[Issued] = field(default_factory=list)
    down: bool = False  # answers 503

    def valid(self, token: str) -> bool:
        now = time.time()
        return any(i.token == token and i.expires_at > now for i in self.issued)

    def handle(self, request: Request) -> Response:
        form = request.form.to_dict()
        self.requests.append(form)
        if self.down:
            return Response(status=503)
        if form.get("grant_type") != "client_credentials":
            return self._error(400, "unsupported_grant_type", "AADSTS70003")
        if form.get("client_id") != APP_ID:
            return self._error(400, "unauthorized_client", "AADSTS700016")
        if form.get("client_secret") != APP_PASSWORD:
            return self._error(401, "invalid_client", "AADSTS7000215")
        if form.get("scope") != SCOPE:
            return self._error(400, "invalid_scope", "AADSTS70011")
        issued = Issued(f"login-token-{len(self.issued) + 1}", time.time() + self.expires_in)
        self.issued.append(issued)
        return Response(
            json.dumps(
                {
                    "token_type": "Bearer",
                    "expires_in": self.expires_in,
                    "access_token": issued.token,
                }
            ),
            content_type="application/json",
        )

    @staticmethod
    def _error(status: int, error: str, code: str) -> Response:
        body = {
            "error": error,
            "error_description": f"{code}: refused by the fake login. Trace ID: 0",
            "error_codes": [int(code.removeprefix("AADSTS"))],
        }
        return Response(json.dumps(body), status=status, content_type="application/json")


def login_install(server: Any, tenant: str = "botframework.com") -> FakeLogin:
    """The login fake on `server` (https): msal reads the tenant's OpenID configuration
    first, then posts to its token endpoint."""
    fake = FakeLogin()
    base = str(server.url_for("/")).rstrip("/")
    server.expect_request(f"/{tenant}/v2.0/.well-known/openid-configuration").respond_with_json(
        {
            "issuer": f"{base}/{tenant}/v2.0",
            "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
        }
    )
    server.expect_request(f"/{tenant}/oauth2/v2.0/token", method="POST").respond_with_handler(
        fake.handle
    )
    return fake


def tls_files(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1 (the CA bundle the client trusts in tests)
    and a server TLS context using it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "login-cert.pem", folder / "login-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return cert_path, context


@dataclass
class FakeConnector:
    """The Bot Connector: members by id, activities sent, replied and updated. Every call
    must carry a token the fake login issued and that has not expired (else 401)."""

    login: FakeLogin
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    status: int = 200
    refuse_tokens: bool = False  # 401 whatever the token (e.g. another bot's app id)

    def named(self, method: str, pattern: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and re.fullmatch(pattern, c.path)]

    def handle(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        auth = request.headers.get("Authorization", "")
        self.calls.append(Call(request.method, request.path, body, auth))
        if (
            self.refuse_tokens
            or not auth.startswith("Bearer ")
            or not self.login.valid(auth.removeprefix("Bearer "))
        ):
            return Response(
                json.dumps({"message": "Authorization has been denied for this request."}),
                status=401,
                content_type="application/json",
            )
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


def install(server: Any, login: FakeLogin) -> FakeConnector:
    fake = FakeConnector(login=login)
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
