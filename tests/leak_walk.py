"""The leak walk: every routed web page, sent every way, as a signed-in role.

Widens the permissions matrix (tests/test_permissions_matrix.py) from its probes to the
whole URLconf (tests/urlconf.py, the same enumeration as the default-deny walk): every web
route, its path parameters filled with the ids of the matrix's world
(tests/permissions_world.py) - once with Ana's relationship and program, once with the
buddies program where the vetoes are, Marta's record and enrollment - is
sent as GET, as an empty POST and as a POST of plausible form fields, each as a full page
and as an HTMX request (`HX-Request: true`). No response may carry a mark the role may not
read, where which marks a role reads is derived from the matrix of docs/permissions.md
(`permissions_world.unreadable_marks`): goal and milestone text, the agreement, shared
notes, check-in and survey comments, sponsorship descriptions, private notes of others,
demographic values, Ana's development goals and e-mail, a veto.

Every request runs in a savepoint that is rolled back, with the role's session cookie as it
was after signing in, so a write, a flashed message or a sign-out never reaches the next
request. The HTMX variant of a request is sent whenever handling the full-page request read
an HTMX header (django-htmx reads them all in one place, which the walk watches): an answer
that never looked at the header is the same with it, which the walk checks for one role by
sending both everywhere.

Not walked: the API and SCIM (JSON; the matrix and the schema tests walk them), and PDF
downloads, whose text is compressed (the pages and CSV files of the same data are walked).

The test modules `test_leak_walk_*.py` each walk a group of roles, so pytest-xdist (which
distributes by file) spreads the walk over its workers; each builds the world once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from unittest.mock import patch

from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch
from django_htmx.middleware import HtmxDetails

from tests.permissions_world import MARK, NEVER_READ, World, fill, unreadable_marks
from tests.urlconf import ROUTES, SAMPLE_KWARGS, is_web, url_of

# Path parameters from the world's ids: the first filling reaches Ana's relationship in the
# leadership program (where the marks are), the second the buddies program with its vetoes,
# Marta's record and enrollment. (The other relationship holds no marks: its routes would
# only repeat the first filling's refusals.)
FILLINGS: tuple[dict[str, str], ...] = (
    {
        "person_id": "{person}",
        "token_id": "{token}",
        "enrollment_id": "{enrollment}",
        "slug": "{slug}",
        "match_id": "{match}",
        "mentor_id": "{mentor_enrollment}",
        "other_id": "{enrollment}",
        "relationship_id": "{rel}",
        "goal_id": "{goal}",
        "milestone_id": "{milestone}",
        "meeting_id": "{meeting}",
        "action_id": "{action}",
        "connector_id": "{connector}",
    },
    {
        "person_id": "{mentor_person}",
        "enrollment_id": "{mentor_enrollment}",
        "slug": "{slug2}",
        "mentor_id": "{veto_mentor}",
        "other_id": "{veto_mentee}",
    },
)

# The fields of the app's forms with plausible values (one body for every route: a field a
# view does not read is ignored); a few routes read a field differently.
PLAUSIBLE: dict[str, Any] = {
    "progress": "60",
    "status": "achieved",
    "title": "Walk title",
    "specific": "Walk specific",
    "pair_objectives": "Walk objectives",
    "meeting_cadence_days": "21",
    "confidentiality": "Walk terms",
    "version": "{version}",
    "text": "Walk note",
    "pulse": "2",
    "comment": "Walk comment",
    "description": "Walk description",
    "kind": "veto",
    "outcome": "succeeded",
    "reason": "Walk reason",
    "answer": "accept",
    "starts_at": "2031-01-15T10:00",
    "held_at": "2026-01-01T10:00",
    "duration_minutes": "45",
    "topics": "Walk topics",
    "meeting": "{meeting}",
    "mentee": "{veto_mentee}",
    "mentor": "{veto_mentor}",
    "message": "Walk message",
    "method": "optimal",
    "relationships": "{rel}",
    "q": "zyx",
    "name": "Walk",
    "scope": "read",
    "capacity": "3",
    "done": "1",
    "category": "other",
    "satisfaction": "4",
    "recommend": "8",
    "goal_attainment": "4",
    "growth": "4",
    "comments": "Walk survey",
}
ROUTE_BODIES: dict[str, dict[str, Any]] = {
    "relationships:close": {"kind": "early", "reason": "Walk"},
    "relationships:sponsorship_create": {"kind": "promotion", "description": "Walk"},
    "relationships:program_bulk": {"action": "remind", "relationships": "{rel}"},
    "matches:manual_preview": {"mentee": "{enrollment}", "mentor": "{mentor_enrollment}"},
}
BODIES = ("get", "post-empty", "post-plausible")
ALL_MARKS = {**MARK, **NEVER_READ}
HTMX = ({}, {"HTTP_HX_REQUEST": "true"})
# Routes not walked: the API and SCIM (JSON), and PDF downloads (compressed text).
WEB_ROUTES = [
    (name, params)
    for route, name, params in ROUTES
    if is_web("/" + route) and not route.rstrip("$").endswith(".pdf")
]
# The privacy pages are a data-subject export of a person (HR admins only); the equity
# pages break programs down by gender or ethnicity (group labels, suppressed counts); the
# program editor lists every group as a choice of the inclusion option (HR admins only).
DATA_SUBJECT_ROUTES = {"privacy:person", "privacy:export"}
DEMOGRAPHIC_GROUP_ROUTES = {
    "insights:program_equity",
    "insights:program_equity_csv",
    "programs:edit",
}


@dataclass(frozen=True)
class Sent:
    """One request of the walk and what it answered."""

    label: str
    status: int
    leaked: tuple[str, ...]
    read_htmx_header: bool = False
    marks: frozenset[str] = frozenset()  # every mark of the world in the answer


def urls(name: str, params: tuple[str, ...], ids: dict[str, Any]) -> list[str]:
    """The route's URLs, once per filling (the same URL only once)."""
    out: list[str] = []
    for filling in FILLINGS:
        values = {**SAMPLE_KWARGS, **FILLINGS[0], **filling}
        try:
            url = url_of(name, params, fill({p: values[p] for p in params}, ids))
        except NoReverseMatch:  # a value the route's converter refuses
            continue
        if url not in out:
            out.append(url)
    return out


def body(name: str, kind: str, ids: dict[str, Any]) -> dict[str, Any] | None:
    if kind == "get":
        return None
    if kind == "post-empty":
        return {}
    return fill({**PLAUSIBLE, **ROUTE_BODIES.get(name, {})}, ids)


def _text(response: Any) -> str:
    kind = response.get("Content-Type", "")
    if kind.startswith(("text/", "application/json")) or not kind:
        return response.content.decode("utf-8", errors="replace")
    return ""


@contextmanager
def htmx_headers_watched() -> Iterator[list[str]]:
    """The HTMX headers the app read while handling requests: django-htmx reads every one of
    them through `HtmxDetails._get_header_value` (`request.htmx`, in views and templates
    alike), and the app reads none directly (tests/test_leak_walk_*.py check both)."""
    read: list[str] = []
    original = HtmxDetails._get_header_value

    def watched(self: HtmxDetails, name: str) -> str | None:
        read.append(name)
        return original(self, name)

    with patch.object(HtmxDetails, "_get_header_value", watched):
        yield read


def _send(client: Client, url: str, data: dict[str, Any] | None, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    """One request in a savepoint that is rolled back, with the session cookie as it was."""
    with transaction.atomic():
        response = client.get(url, **headers) if data is None else client.post(url, data, **headers)
        transaction.set_rollback(True)
    return response


def walk_route(
    world: World, role: str, name: str, params: tuple[str, ...], *, both_always: bool = False
) -> list[Sent]:
    """Send every request of the walk for one route as `role`; what each answered.

    Each request goes as a full page, and again with `HX-Request: true` whenever handling it
    read an HTMX header: an answer that never looked at the header is the same with it (set
    `both_always` to send both anyway; the walk does so for one role and checks that).
    """
    client = world.clients[role]
    signed_in = client.cookies.output(header="", sep="\n")
    forbidden = unreadable_marks(
        role,
        data_subject=name in DATA_SUBJECT_ROUTES,
        demographic_groups=name in DEMOGRAPHIC_GROUP_ROUTES,
    )
    sent: list[Sent] = []
    for url in urls(name, params, world.ids):
        for kind in BODIES:
            data = body(name, kind, world.ids)
            read_header = False
            for headers in HTMX:
                if headers and not (read_header or both_always):
                    continue
                client.cookies = SimpleCookie(signed_in)
                with htmx_headers_watched() as read:
                    response = _send(client, url, data, headers)
                read_header = read_header or bool(read)
                text = _text(response)
                leaked = tuple(sorted(k for k, mark in forbidden.items() if mark in text))
                label = f"{kind} {url}{' HTMX' if headers else ''}"
                present = frozenset(k for k, mark in ALL_MARKS.items() if mark in text)
                sent.append(Sent(label, response.status_code, leaked, bool(read), present))
    client.cookies = SimpleCookie(signed_in)
    return sent


def assert_no_leak(
    world: World, role: str, name: str, params: tuple[str, ...], *, both_always: bool = False
) -> list[Sent]:
    sent = walk_route(world, role, name, params, both_always=both_always)
    assert sent, f"{name}: no URL could be built from the world's ids"
    problems = [f"{s.label} -> {s.status}: {', '.join(s.leaked)}" for s in sent if s.leaked]
    problems += [f"{s.label} -> {s.status}" for s in sent if s.status >= 500]
    assert not problems, f"{name} as {role}:\n" + "\n".join(problems)
    return sent


def assert_htmx_unread_means_same(sent: list[Sent]) -> None:
    """Where handling a request never read an HTMX header, the HTMX variant got the same
    answer (status, and which of the world's marks it holds: the text itself may differ by
    a CSRF token, a timestamp or a fresh API token): what lets the walk send the variant only
    where the header was read."""
    for plain, htmx in zip(sent[::2], sent[1::2], strict=True):
        assert htmx.label == plain.label + " HTMX"
        if not plain.read_htmx_header:
            assert (htmx.status, htmx.marks) == (plain.status, plain.marks), plain.label
