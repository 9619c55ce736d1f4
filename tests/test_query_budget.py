"""Query budgets of the main pages: each stays within its budget and does not grow with the data.

The demo organization is seeded at two sizes (the second has more than twice the people,
enrollments and relationships); each main page is fetched as the role that uses it most and
its SQL queries are counted. A page passes when it keeps within its budget at both sizes and
its count does not grow with the organization: an N+1 shows up as a count that follows the
number of rows (a few queries of slack allow a list that is empty at one size only). The
budgets are today's counts with a little room; raising one is a deliberate change reviewed
with the page. The pages and their budgets are listed in tests/main_pages.py (the page
benchmark, bench/pages.py, times the same list).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mentorwise.accounts.models import User
from mentorwise.demo.seed import demo_seed
from tests.demo_world import fast_demo_settings, rolled_back
from tests.main_pages import PAGES, page_url

SIZES = (200, 450)
# A list that is empty at one size and not at the other adds its prefetch queries (a few);
# an N+1 over lists more than twice as long adds far more.
STATE_SLACK = 3


def _count_pages() -> dict[str, int]:
    counts = {}
    clients: dict[str, Client] = {}
    for role, page, address, _ in PAGES:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(User.objects.get(username=role))
        url = page_url(address)
        clients[role].get(url)  # warm per-process caches (settings, templates, sessions)
        with CaptureQueriesContext(connection) as queries:
            response = clients[role].get(url)
        assert response.status_code == 200, (role, url, response.status_code)
        counts[f"{role}: {page}"] = len(queries.captured_queries)
    return counts


@pytest.fixture(scope="module")
def counts(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[int, dict[str, int]]]:
    """Query counts of every page at each organization size (each seeded, then rolled back)."""
    result: dict[int, dict[str, int]] = {}
    with django_db_blocker.unblock(), fast_demo_settings():
        for size in SIZES:
            with rolled_back():
                demo_seed(people=size, seed=1)
                result[size] = _count_pages()
    yield result


@pytest.mark.parametrize("key", [f"{role}: {page}" for role, page, _, _ in PAGES])
def test_page_keeps_its_query_budget(counts: dict[int, dict[str, int]], db: None, key: str) -> None:
    budget = {f"{role}: {page}": b for role, page, _, b in PAGES}[key]
    small, large = (counts[size][key] for size in SIZES)
    assert large <= budget, f"{key}: {large} queries at {SIZES[1]} people, budget {budget}"
    assert large <= small + STATE_SLACK, (
        f"{key}: {small} queries at {SIZES[0]} people but {large} at {SIZES[1]}: "
        "the count grows with the data"
    )
