"""The main pages of Mentorwise, each with the role that uses it most.

Defined once for the query budgets (tests/test_query_budget.py) and the page benchmark
(bench/pages.py). Each entry is (role, page, address or a function giving it once the demo
organization exists, budget in SQL queries).
"""

from __future__ import annotations

from collections.abc import Callable

from mentorwise.people.models import Person
from mentorwise.relationships.models import Relationship, RelationshipStatus

PROGRAM = "leadership-mentoring"


def _a_relationship() -> str:
    relationship = (
        Relationship.objects.filter(program__slug=PROGRAM, status=RelationshipStatus.ACTIVE)
        .order_by("pk")
        .first()
    )
    assert relationship is not None
    return f"/relationships/{relationship.pk}/"


def _a_person() -> str:
    person = Person.objects.filter(user__username="mentor").get()
    return f"/people/{person.pk}/"


MainPage = tuple[str, str, str | Callable[[], str], int]

PAGES: list[MainPage] = [
    ("hr.admin", "home", "/", 56),
    ("executive", "home", "/", 43),
    ("program.manager", "home", "/", 22),
    ("mentee", "home", "/", 25),
    ("mentor", "home", "/", 17),
    ("hr.admin", "insights overview", "/insights/", 12),
    # + 3: journey progress (steps, relationships, marks), whatever the program size
    ("program.manager", "program insights", f"/insights/programs/{PROGRAM}/", 34),
    ("hr.admin", "equity", f"/insights/programs/{PROGRAM}/equity/", 8),
    ("hr.admin", "pipeline", "/insights/pipeline/", 9),
    ("program.manager", "outcomes", f"/insights/programs/{PROGRAM}/outcomes/", 11),
    ("program.manager", "program's relationships", f"/relationships/program/{PROGRAM}/", 13),
    ("program.manager", "survey results", f"/relationships/program/{PROGRAM}/surveys/", 16),
    ("mentee", "my relationships", "/relationships/", 8),
    ("program.manager", "relationship", _a_relationship, 19),
    ("program.manager", "program", f"/programs/{PROGRAM}/", 19),
    ("program.manager", "participants", f"/programs/{PROGRAM}/participants/", 14),
    ("program.manager", "matching", f"/matching/programs/{PROGRAM}/", 14),
    ("mentee", "find a mentor", f"/matching/programs/{PROGRAM}/find/", 24),
    ("hr.admin", "people", "/people/", 11),
    ("hr.admin", "person", _a_person, 10),
    ("hr.admin", "audit log", "/audit/", 9),
    ("mentee", "training", "/training/", 11),
]


def page_url(address: str | Callable[[], str]) -> str:
    """The page's address (resolved against the current database when it is a function)."""
    return address() if callable(address) else address
