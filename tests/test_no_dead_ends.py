"""No dead ends: every page and API list each demo role can reach answers without a 5xx.

The demo is seeded once for this module (small, but with every state it creates: matches
declined and awaiting answers, relationships active, stalled, at risk, closed early and
completed, and the completed past cohort with its outcomes). Each demo login then follows
every same-origin GET link breadth-first from home (at most three addresses per route) and
calls every API list operation plus those whose parameters the links fill (tests/crawl.py).
The rendering of a PDF takes seconds, so each PDF route is fetched once in the whole crawl.

`CRAWL_REPORT=path pytest tests/test_no_dead_ends.py` writes what each role reached.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mentorwise.accounts.models import User
from mentorwise.demo.seed import DEMO_ROLES, DemoResult, demo_seed
from mentorwise.programs.models import Program, ProgramStatus
from mentorwise.relationships.models import ClosureKind, Relationship, RelationshipStatus
from tests.crawl import Crawl, crawl
from tests.demo_world import fast_demo_settings, rolled_back

ROLES = [username for username, _, _ in DEMO_ROLES]
# The states the demo creates; a smaller organization must still show each of them.
DEMO_STATES = {
    "active",
    "stalled",
    "at risk",
    "closed early",
    "completed",
    "declined",
    "awaiting both answers",
    "awaiting the mentee",
}
PDF_ROUTES = {"insights:program_report": 1, "relationships:recognition_pdf": 1}
SPENT: Counter[str] = Counter()  # shared by the roles' crawls: each PDF route once in all
CRAWLS: dict[str, Crawl] = {}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoResult]:
    """The seeded demo for every test of this module, rolled back at its end."""
    with django_db_blocker.unblock(), fast_demo_settings(), rolled_back():
        yield demo_seed(people=200, seed=1)


def test_the_crawled_demo_has_every_state(demo: DemoResult, db: None) -> None:
    assert set(demo.states) >= DEMO_STATES, DEMO_STATES - set(demo.states)
    past = Program.objects.get(status=ProgramStatus.CLOSED)
    closed = Relationship.objects.filter(program=past)
    assert closed.exists() and not closed.exclude(status=RelationshipStatus.CLOSED).exists()
    assert set(closed.values_list("closure_kind", flat=True)) == set(ClosureKind.values)
    # The mentee took part in the past cohort: her first click opens that relationship.
    assert closed.filter(mentee__person__user__username="mentee").exists()


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_api_list_answers_a_server_error(demo: DemoResult, db: None, role: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=role))
    result = crawl(client, role, limits=PDF_ROUTES, spent=SPENT)
    CRAWLS[role] = result
    _report(result)
    errors = result.server_errors
    assert errors == [], "\n".join(
        f"{v.status} GET {v.url} (found on {v.found_on or 'the start'}): {v.error}" for v in errors
    )
    # The crawl reached the role's pages and the API, not just a login redirect.
    assert len(result.html_pages()) >= 10
    assert sum(v.status == 200 for v in result.api) >= 10


def _report(result: Crawl) -> None:
    path = os.environ.get("CRAWL_REPORT")
    if not path:
        return
    routes = Counter(v.route for v in result.pages)
    line = {
        "role": result.role,
        "pages": len(result.pages),
        "html_pages": len(result.html_pages()),
        "routes": len(routes),
        "api_calls": len(result.api),
        "statuses": dict(Counter(v.status for v in (*result.pages, *result.api))),
        "seconds": round(result.seconds, 1),
        "slowest": sorted(
            ((round(v.seconds, 2), v.url) for v in (*result.pages, *result.api)), reverse=True
        )[:3],
    }
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
