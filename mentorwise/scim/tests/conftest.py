"""SCIM fixtures: a SCIM token and a client that speaks application/scim+json with it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from mentorwise.accounts.models import TokenScope
from mentorwise.accounts.services import api_token_create
from mentorwise.scim.services import scim_service_login

SCIM_JSON = "application/scim+json"


class ScimClient:
    """Django's test client with the token and the SCIM media type on every request."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body: Any = None, **params: str) -> Any:
        url = "/scim/v2" + path
        if params:
            from urllib.parse import urlencode

            url += "?" + urlencode(params)
        data = json.dumps(body) if body is not None else ""
        response = self.client.generic(
            method, url, data=data, content_type=SCIM_JSON, headers=self.headers
        )
        response.payload = json.loads(response.content) if response.content else None
        return response

    def get(self, path: str, **params: str) -> Any:
        return self.call("GET", path, **params)

    def post(self, path: str, body: Any) -> Any:
        return self.call("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.call("PUT", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.call("PATCH", path, body)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)


@pytest.fixture
def scim_token(db: None) -> str:
    _token, raw = api_token_create(actor=scim_service_login(), name="Okta", scope=TokenScope.SCIM)
    return raw


@pytest.fixture
def scim(scim_token: str) -> ScimClient:
    return ScimClient(scim_token)
