"""The leak walk (tests/leak_walk.py) as the participants: both sides of Ana's relationship,
both sides of the other relationship, and a senior leader in no program.

As Ana, every request is also sent with `HX-Request: true` and the walk checks that where
the app never read an HTMX header the answer was the same: what lets the other roles send
the HTMX variant only where the header was read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mentorwise
from tests.leak_walk import WEB_ROUTES, assert_htmx_unread_means_same, assert_no_leak
from tests.permissions_world import World

ROLES = ("mentee", "mentor", "mentee2", "mentor2", "sponsor")
CASES = [(role, name, params) for role in ROLES for name, params in WEB_ROUTES]
BOTH_ALWAYS = "mentee"


@pytest.mark.parametrize(
    ("role", "name", "params"), CASES, ids=[f"{role}-{name}" for role, name, _ in CASES]
)
def test_no_response_carries_what_the_role_may_not_read(
    matrix_world: World, db: None, role: str, name: str, params: tuple[str, ...]
) -> None:
    both = role == BOTH_ALWAYS
    sent = assert_no_leak(matrix_world, role, name, params, both_always=both)
    if both:
        assert_htmx_unread_means_same(sent)


def test_the_app_reads_htmx_headers_only_through_django_htmx() -> None:
    """The walk watches django-htmx's one reader of the headers; code reading them directly
    (request.headers / META) would escape it."""
    direct = re.compile(r"HTTP_HX_|headers\.get\(\s*[\"']HX-|headers\[\s*[\"']HX-", re.I)
    package = Path(mentorwise.__file__).parent
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts and direct.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders
