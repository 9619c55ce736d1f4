"""The permissions matrix of docs/permissions.md, walked against the web pages and the API.

docs/permissions.md is the single source: this module parses its matrix table and runs,
for every cell (row x role), the requests of tests/permissions_world.py against one world
built once per module. A cell that behaves differently from the document fails, and so
does a row of the document without probes or a probe without a row.

Also checked on every response: demographic values never appear, and a private note is
only ever in a response to its author.

`MATRIX_OBSERVE=path pytest tests/test_permissions_matrix.py` writes the observed table
(markdown) to `path` instead of asserting: to review a change, never to copy blindly.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.core.models import AuditEntry
from tests.permissions_world import (
    DEMOGRAPHIC_MARKS,
    MARK,
    PROBES,
    ROLES,
    SERVICE_CALLS,
    SERVICE_MARKERS,
    TOKEN_ROLES,
    Probe,
    Req,
    World,
    build_world,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"
OUTCOMES = {"✓", "✗", "404", "403", "login", "—"}


def parse_matrix(text: str) -> dict[str, dict[str, str]]:
    """The matrix table: {row id: {role: cell}}; rows are the lines starting with | `id`."""
    header: list[str] | None = None
    rows: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| Row ") and header is None:
            header = cells
            continue
        match = re.fullmatch(r"`([a-z_.]+)`", cells[0]) if line.startswith("| `") else None
        if match is None or header is None:
            continue
        by_role = dict(zip(header[2:], cells[2:], strict=True))
        rows[match.group(1)] = by_role
    return rows


MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"))
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


# The world ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module inside a transaction that is rolled back at the end;
    each cell runs in its own savepoint (the `db` fixture), so writes never leak."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        for role, user in world.users.items():
            client = Client()
            client.force_login(user)  # sessions live as long as the world
            _CLIENTS[role] = client
        yield world
        _CLIENTS.clear()
        transaction.set_rollback(True)


_CLIENTS: dict[str, Client] = {}


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        text = value.format(**ids)
        return int(text) if value.startswith("{") and text.isdigit() else text
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _client(world: World, role: str, *, api: bool) -> tuple[Client, dict[str, str]]:
    if role in TOKEN_ROLES:
        # Tokens authenticate the API only; on web pages they are ignored.
        return Client(), {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[role]}"}
    return _CLIENTS.get(role) or Client(), {}


def _send(client: Client, req: Req, ids: dict[str, Any], headers: dict[str, str], api: bool):  # type: ignore[no-untyped-def]
    url = _fill(req.url, ids)
    data = _fill(req.data, ids)
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


def _body(response: Any) -> str:
    if response.get("Content-Type", "").startswith(("text/", "application/json")):
        return response.content.decode("utf-8", errors="replace")
    return ""


def observe(world: World, row: str, role: str) -> tuple[str, list[str]]:
    """Run the row's requests as `role`; the cell's outcome and every request's outcome."""
    probe = PROBES[row]
    outcomes: list[str] = []
    for api, requests in ((False, probe.web), (True, probe.api)):
        for req in requests:
            client, headers = _client(world, role, api=api)
            before = AuditEntry.objects.count()
            with transaction.atomic():
                response = _send(client, req, world.ids, headers, api)
                audited = AuditEntry.objects.count() > before
                transaction.set_rollback(True)
            body = _body(response)
            if row in AGGREGATE_DEMOGRAPHIC_ROWS:
                # Group labels ("Non-binary") are the breakdown itself; the one-person group
                # of Ana must carry no number, which the equity tests pin.
                assert '"population": null' in body or "—" in body or response.status_code != 200
            elif row in DATA_SUBJECT_ROWS:
                pass  # everything held about Ana, her own notes and answers included
            else:
                for mark in DEMOGRAPHIC_MARKS:
                    assert mark not in body, f"{row} / {role}: demographics in {req.url}"
            if role not in ("mentee", "tok_read", "tok_admin"):
                assert MARK["private_ana"] not in body, f"{row} / {role}: Ana's private note"
            if role != "mentor":
                assert MARK["private_marta"] not in body, f"{row} / {role}: Marta's private note"
            outcome = _classify(probe, req, response, audited, api)
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
