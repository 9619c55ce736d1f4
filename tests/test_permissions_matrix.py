"""The permissions matrix of docs/permissions.md, walked against the web pages and the API.

docs/permissions.md is the single source: this module parses its matrix table and runs,
for every cell (row x role), the requests of tests/permissions_world.py against one world
built once per module. A cell that behaves differently from the document fails, and so
does a row of the document without probes or a probe without a row.

Every web request is sent twice, as a full page and with `HX-Request: true` (as htmx sends
it): both must give the same outcome. Also checked on every response, refused or not: no
mark the role may not read is in it (which marks a role reads is derived from the matrix
itself, `permissions_world.unreadable_marks`): demographic values never, a private note
only for its author, goal or check-in text never for an overseer, a veto never for the
person vetoed.

`MATRIX_OBSERVE=path pytest tests/test_permissions_matrix.py` writes the observed table
(markdown) to `path` instead of asserting: to review a change, never to copy blindly.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.core.models import AuditEntry
from tests.permissions_world import (
    MATRIX,
    PROBES,
    ROLES,
    SERVICE_CALLS,
    SERVICE_MARKERS,
    TOKEN_ROLES,
    Probe,
    Req,
    World,
    fill,
    unreadable_marks,
)

OUTCOMES = {"✓", "✗", "404", "403", "login", "—"}
CELLS = [(row, role) for row in MATRIX for role in ROLES]


def test_the_document_and_the_probes_agree() -> None:
    assert MATRIX, "no matrix table found in docs/permissions.md"
    assert set(MATRIX) == set(PROBES), (
        f"rows without probes: {sorted(set(MATRIX) - set(PROBES))}; "
        f"probes without rows: {sorted(set(PROBES) - set(MATRIX))}"
    )
    for row, cells in MATRIX.items():
        assert list(cells) == ROLES, f"{row}: columns {list(cells)} are not {ROLES}"
        for role, cell in cells.items():
            assert cell in OUTCOMES, f"{row} / {role}: unknown outcome {cell!r}"


# The world (built once for the module: the `matrix_world` fixture of tests/conftest.py) -----


@pytest.fixture(scope="module")
def world(matrix_world: World) -> World:
    return matrix_world


def _client(world: World, role: str, *, api: bool) -> tuple[Client, dict[str, str]]:
    if role in TOKEN_ROLES:
        # Tokens authenticate the API only; on web pages they are ignored.
        return Client(), {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[role]}"}
    return world.clients.get(role) or Client(), {}


def _send(client: Client, req: Req, ids: dict[str, Any], headers: dict[str, str], api: bool):  # type: ignore[no-untyped-def]
    url = fill(req.url, ids)
    data = fill(req.data, ids)
    method = getattr(client, req.method)
    if req.method == "get":
        return method(url, **headers)
    if api:
        return method(url, data=json.dumps(data), content_type="application/json", **headers)
    return method(url, data=data, **headers)


def _classify(probe: Probe, req: Req, response: Any, audited: bool, api: bool) -> str:
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status == 401 or (status == 302 and response["Location"].startswith("/login/")):
        return "login"
    if status in (403, 404, 409):
        return str(status)
    if probe.kind == "write" and req.method != "get":  # a GET in a write row opens its form
        if audited:
            return "✓"
        # Web forms report a refusal as a message on the page they redirect back to.
        return "403" if not api and status in (200, 302) else f"{status}-unaudited"
    body = response.content.decode("utf-8", errors="replace")
    if probe.marker:
        return "✓" if probe.marker in body else "✗"
    return "✓" if status == 200 else f"{status}"


# Rows whose answer is a demographic breakdown in aggregate (group labels included).
AGGREGATE_DEMOGRAPHIC_ROWS = {"insight.demographics"}
# Rows whose answer is a data-subject export (HR admins only): it holds the person's own data.
DATA_SUBJECT_ROWS = {"privacy.export"}
# Every web request is sent as a full page and as an HTMX request (what hx-get / hx-post
# send): both must give the same outcome, and neither may carry a mark the role may not read.
HTMX_VARIANTS = ({}, {"HTTP_HX_REQUEST": "true"})
REFUSED = {"403", "404", "409", "✗", "login"}


def _body(response: Any) -> str:
    if response.get("Content-Type", "").startswith(("text/", "application/json")):
        return response.content.decode("utf-8", errors="replace")
    return ""


def _check_body(row: str, role: str, label: str, response: Any, outcome: str) -> None:
    """No mark the role may not read (per the matrix) is in the response."""
    body = _body(response)
    aggregate = row in AGGREGATE_DEMOGRAPHIC_ROWS
    forbidden = unreadable_marks(
        role, data_subject=row in DATA_SUBJECT_ROWS, demographic_groups=aggregate
    )
    if aggregate:
        # The one-person group of Ana carries no number (the equity tests pin the rest).
        assert '"population": null' in body or "—" in body or response.status_code != 200
    leaked = sorted(name for name, mark in forbidden.items() if mark in body)
    kind = "a refused request" if outcome in REFUSED else "the response"
    assert not leaked, f"{row} / {role}: {kind} {label} ({outcome}) carries {leaked}"


def observe(world: World, row: str, role: str) -> tuple[str, list[str]]:
    """Run the row's requests as `role`; the cell's outcome and every request's outcome."""
    probe = PROBES[row]
    outcomes: list[str] = []
    for api, requests in ((False, probe.web), (True, probe.api)):
        for req in requests:
            client, headers = _client(world, role, api=api)
            seen = set()
            for variant in ({},) if api else HTMX_VARIANTS:
                before = AuditEntry.objects.count()
                with transaction.atomic():
                    sent = {**headers, **variant}
                    response = _send(client, req, world.ids, sent, api)
                    audited = AuditEntry.objects.count() > before
                    transaction.set_rollback(True)
                outcome = _classify(probe, req, response, audited, api)
                label = f"{req.method.upper()} {req.url}{' (HTMX)' if variant else ''}"
                _check_body(row, role, label, response, outcome)
                seen.add(outcome)
            assert len(seen) == 1, f"{row} / {role}: {req.url} full page vs HTMX: {seen}"
            (outcome,) = seen
            if role in TOKEN_ROLES and not api:
                assert outcome == "login", f"{row}: a token opened the page {req.url}"
                continue
            outcomes.append(f"{'api' if api else 'web'} {req.method.upper()} {req.url}: {outcome}")
    kinds = {o.rsplit(": ", 1)[1] for o in outcomes}
    if not kinds:  # only web pages, and tokens work on the API only
        cell = "—"
    elif probe.kind == "list":
        cell = "✓" if "✓" in kinds else ("login" if kinds == {"login"} else "✗")
        if kinds - {"✓", "✗", "404", "403", "login"}:
            cell = "/".join(sorted(kinds))
    elif probe.kind == "read" and len(kinds) > 1 and kinds <= {"✗", "404", "403"}:
        cell = "✗"
    else:
        cell = "/".join(sorted(kinds))
    return cell, outcomes


@pytest.mark.parametrize(("row", "role"), CELLS, ids=[f"{r}-{c}" for r, c in CELLS])
def test_cell(world: World, db: None, row: str, role: str) -> None:
    observed, outcomes = observe(world, row, role)
    target = os.environ.get("MATRIX_OBSERVE")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps([row, role, observed, outcomes]) + "\n")
        return
    expected = MATRIX[row][role]
    assert observed == expected, f"{row} as {role}: expected {expected}, got\n" + "\n".join(
        outcomes
    )


# The service layer --------------------------------------------------------------------

HUMAN_ROLES = [r for r in ROLES if r != "anon" and r not in TOKEN_ROLES]
SERVICE_CELLS = [(row, role) for row in SERVICE_CALLS for role in HUMAN_ROLES]


def observe_service(world: World, row: str, role: str) -> str:
    """Call the row's selectors and service as `role`: NotFound is 404, Forbidden 403."""
    user = world.users[role]
    before = AuditEntry.objects.count()
    try:
        with transaction.atomic():
            try:
                result = SERVICE_CALLS[row](world, user)
                audited = AuditEntry.objects.count() > before
            finally:
                transaction.set_rollback(True)
    except NotFound:
        return "404"
    except Forbidden:
        return "403"
    if row in SERVICE_MARKERS:
        return "✓" if SERVICE_MARKERS[row] in (result or "") else "✗"
    return "✓" if audited else "unaudited"


@pytest.mark.parametrize(
    ("row", "role"), SERVICE_CELLS, ids=[f"service-{r}-{c}" for r, c in SERVICE_CELLS]
)
def test_service_cell(world: World, db: None, row: str, role: str) -> None:
    """The services enforce the same matrix as the pages and the API (ASVS 8.3.1)."""
    assert row in MATRIX
    assert observe_service(world, row, role) == MATRIX[row][role]
