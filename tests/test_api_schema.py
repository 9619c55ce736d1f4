"""The OpenAPI document renders, is served without a CDN, and tells the truth about errors."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_every_operation_documents_its_error_responses() -> None:
    schema = Client().get("/api/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not {"401", "404"} <= set(operation["responses"])
    ]
    assert missing == []
    assert len(schema["paths"]) > 50


def test_api_docs_use_local_assets() -> None:
    page = Client().get("/api/docs").content.decode()
    assert "cdn." not in page and "/static/" in page
