"""The routes of the URLconf, for tests that walk all of them.

Shared by the default-deny walk (tests/test_url_auth.py: anonymous requests), the leak walk
(tests/test_leak_walk.py: every signed-in role) and the export audit test: one enumeration,
so a new route is walked by all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Values for every path parameter in the URLconf (by parameter name).
SAMPLE_KWARGS: dict[str, Any] = {
    "person_id": 1,
    "token_id": 1,
    "notification_id": 1,
    "enrollment_id": 1,
    "slug": "leadership-2026",
    "role": "mentee",
    "run_id": 1,
    "endpoint_id": 1,
    "delivery_id": 1,
    "connector_id": 1,
    "connection_id": 1,
    "provider": "microsoft",
    "workspace_id": 1,
    "match_id": 1,
    "mentor_id": 1,
    "other_id": 1,
    "action": "approve",
    "relationship_id": 1,
    "circle_id": 1,
    "step_id": 1,
    "goal_id": 1,
    "milestone_id": 1,
    "meeting_id": 1,
    "kind": "midpoint",
    "action_id": 1,
    "report_id": 1,
    "nudge_id": 1,
    "message_id": 1,
    "number": 1,
    "employee_id": "E00001",
    "user_id": "1",
    "group_id": "1",
    "id": "1",
    "uid": "1",
    "uidb64": "MQ",
    "pk": 1,
    "resource_type": "Users",
    "schema_id": "urn:ietf:params:scim:schemas:core:2.0:User",
    "request_id": 1,
    "export_id": 1,
    "path": "x",
    "token": "not-a-real-token",
    "language": "de",
    "key": "welcome",
    "broadcast_id": 1,
}

# Prefixes answered in JSON (the API, SCIM); everything else is a web page.
JSON_PREFIXES = ("/api/", "/scim/")


def _routes(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(route text, qualified name, parameter names) of every leaf pattern."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            params = tuple(pattern.pattern.regex.groupindex)
            yield prefix + str(pattern.pattern), name or "", params


ROUTES = sorted(set(_routes(get_resolver().url_patterns)))


def url_of(name: str, params: tuple[str, ...], values: dict[str, Any]) -> str:
    """The route's URL with its parameters filled from `values` (by parameter name)."""
    return reverse(name, kwargs={p: values[p] for p in params})


def is_web(url: str) -> bool:
    return not url.startswith(JSON_PREFIXES)
