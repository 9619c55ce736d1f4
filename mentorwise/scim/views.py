"""/scim/v2/...: one Django view hands every request to the SCIM core, in one transaction.

Authentication: `Authorization: Bearer <token>` with an API token of the SCIM scope (401 SCIM
error otherwise; the service provider configuration is public, RFC 7644 §4). Identity
providers' dialects are accepted leniently and answered strictly (see `lenient_patch`).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import ForbiddenException, UnauthorizedException, UniquenessException
from scim2_server.applications.base import BaseApplication
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.routing import Operation

from mentorwise.accounts.role_services import ScimTokenOwnerNotPermitted, scim_token_authenticate
from mentorwise.scim.server import PersonStorage, scim_service
from mentorwise.scim.services import Caller

_OPS = {"add", "remove", "replace"}
_BOOLEANS = {"true": True, "false": False}


def lenient_patch(body: bytes) -> bytes:
    """Rewrite the PatchOp dialects of Entra ID and Okta into RFC 7644 before validation.

    Entra sends "Add"/"Replace"/"Remove" and booleans as "True"/"False", and the manager as a
    bare string at the enterprise `manager` path; Okta sends `{"op": "replace", "value":
    {"active": false}}` without a path (already RFC 7644). Anything unreadable is passed on
    unchanged, for the core to refuse with a SCIM error.
    """
    try:
        patch = json.loads(body)
    except ValueError:
        return body
    operations = patch.get("Operations") if isinstance(patch, dict) else None
    if not isinstance(operations, list):
        return body
    for operation in operations:
        if not isinstance(operation, dict):
            continue
        op = operation.get("op")
        if isinstance(op, str) and op.lower() in _OPS:
            operation["op"] = op.lower()
        if "value" not in operation:
            continue
        if operation.get("op") == "remove" and operation.get("path"):
            # Entra sends the removed manager as a value; RFC 7644 removes by path alone.
            del operation["value"]
            continue
        path = operation.get("path")
        last = path.rsplit(":", 1)[-1].rsplit(".", 1)[-1].lower() if isinstance(path, str) else ""
        value = operation["value"]
        if last in _BOOLEAN_ATTRIBUTES:
            value = _boolean(value)
        elif isinstance(value, dict | list):
            value = _booleans_inside(value)
        if last == "manager":
            value = _manager(value)
        elif not path and isinstance(value, dict) and isinstance(value.get(_ENTERPRISE), dict):
            extension = value[_ENTERPRISE]
            if "manager" in extension:
                extension["manager"] = _manager(extension["manager"])
        operation["value"] = value
    return json.dumps(patch).encode()


_BOOLEAN_ATTRIBUTES = {"active", "primary"}
_ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def lenient_user(body: bytes) -> bytes:
    """A User body with "True"/"False" booleans and a manager without `$ref` (Entra, Okta)."""
    try:
        user = json.loads(body)
    except ValueError:
        return body
    if not isinstance(user, dict):
        return body
    user = _booleans_inside(user)
    enterprise = user.get(_ENTERPRISE)
    if isinstance(enterprise, dict):
        enterprise["manager"] = _manager(enterprise.get("manager"))
        if enterprise["manager"] is None:
            del enterprise["manager"]
    return json.dumps(user).encode()


def _manager(value: Any) -> Any:
    """RFC 7643 makes manager.$ref required; identity providers send the value alone."""
    if isinstance(value, str | int):
        value = {"value": str(value)} if str(value) else None
    if isinstance(value, dict) and value.get("value") and not value.get("$ref"):
        value = {**value, "$ref": f"Users/{value['value']}"}
    return value


def _boolean(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in _BOOLEANS:
        return _BOOLEANS[value.lower()]
    return value


def _booleans_inside(value: Any) -> Any:
    """ "True"/"False" as booleans for the boolean attributes (active, primary) at any depth;
    other strings (a displayName of "True") stay strings."""
    if isinstance(value, list):
        return [_booleans_inside(item) for item in value]
    if isinstance(value, dict):
        return {
            key: _boolean(item) if key in _BOOLEAN_ATTRIBUTES else _booleans_inside(item)
            for key, item in value.items()
        }
    return value


class _App(BaseApplication):
    """scim2-server's request steps (auth decision, error and header handling)."""


def _app() -> _App:
    service = scim_service()
    app = _App(service.provider, service)
    return app


def _authenticate(request: ScimRequest) -> Caller:
    """The caller of a SCIM request: 401 without a valid SCIM token, 403 (and the token
    revoked) when its owner is no longer an active HR admin (RFC 7644 §3.12)."""
    scheme, _, raw = (request.header("Authorization") or "").partition(" ")
    token = None
    if scheme.lower() == "bearer" and raw.strip():
        try:
            token = scim_token_authenticate(raw.strip())
        except ScimTokenOwnerNotPermitted as refusal:
            raise ForbiddenException(detail=refusal.message) from None
    if token is None:
        raise UnauthorizedException(detail="A SCIM token is needed: Authorization: Bearer ...")
    return Caller(token=token)


@csrf_exempt
@login_not_required
def scim_view(request: HttpRequest, path: str = "") -> HttpResponse:
    app = _app()
    scim_request = ScimRequest(
        method=request.method or "GET",
        base_url=request.build_absolute_uri("/scim/v2").rstrip("/"),
        path="/" + path.removesuffix(".scim"),
        query={key: request.GET.get(key, "") for key in request.GET},
        headers=list(request.headers.items()),
        body=request.body,
    )
    try:
        if app.needs_auth(scim_request):
            scim_request.subject = _authenticate(scim_request)
        with transaction.atomic():  # one transaction per request: an error leaves nothing
            response = _serve(app, scim_request)
    except IntegrityError:
        # Two writes racing for the same email or employee id: the database's unique index
        # decided, after the checks in services.py passed for both.
        conflict = UniquenessException(detail="userName or employeeNumber is taken.")
        response = app.handle_exception(scim_request, conflict)
    except Exception as exception:  # every failure, a bug included, answers a SCIM Error
        response = app.handle_exception(scim_request, exception)
    response = app.finalize_response(scim_request, response)
    return _django_response(response)


def _serve(app: _App, scim_request: ScimRequest) -> ScimResponse:
    operation = app.service.match(scim_request).operation
    if operation is Operation.patch:
        scim_request.body = lenient_patch(scim_request.body)
    elif operation in (Operation.create, Operation.replace):
        scim_request.body = lenient_user(scim_request.body)
    writing = operation in (Operation.replace, Operation.patch, Operation.delete)
    storage = PersonStorage(scim_request.subject, writing=writing)
    return ScimHandler(app.service, storage).handle(scim_request)


def _django_response(response: ScimResponse) -> HttpResponse:
    body = b"" if response.body is None else json.dumps(response.body).encode()
    result = HttpResponse(body, status=int(response.status))
    for name, value in response.headers.items():
        result[name] = value
    return result
