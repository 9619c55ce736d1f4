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


def test_no_two_api_schemas_share_a_name() -> None:
    """The OpenAPI document keys schemas by class name: two classes of one name would make
    one endpoint document the other's fields (and schemathesis then rejects true answers)."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import mentorwise.api as package

    seen: dict[str, set[str]] = {}
    for info in pkgutil.walk_packages(package.__path__, "mentorwise.api."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, Schema) and obj.__module__ == info.name:
                seen.setdefault(obj.__name__, set()).add(info.name)
    assert {name: mods for name, mods in seen.items() if len(mods) > 1} == {}
