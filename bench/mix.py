"""The load test's visits, defined once: bench/locustfile.py sends them under load,
bench/server_cpu.py one after another to measure what each costs the server.

Each visit is a list of (page name, path, kind): kind "page" sends the person's session
cookie, "api" the HR admin's API token (the others' API calls go with their session).
"""

from __future__ import annotations

from typing import Any

Visit = list[tuple[str, str, str]]


def mentee_visit(who: dict[str, Any]) -> Visit:
    rid = who["relationship"]
    return [
        ("mentee: home", "/", "page"),
        ("mentee: relationship", f"/relationships/{rid}/", "page"),
        ("mentee: API goals", f"/api/relationships/{rid}/goals", "page"),
        ("mentee: API meetings", f"/api/relationships/{rid}/meetings", "page"),
    ]


def mentor_visit(who: dict[str, Any]) -> Visit:
    return [
        ("mentor: home", "/", "page"),
        ("mentor: my relationships", "/relationships/", "page"),
        ("mentor: relationship", f"/relationships/{who['relationship']}/", "page"),
        ("mentor: API open requests", "/api/me/open-matches", "page"),
    ]


def admin_visit(slug: str, name: str) -> Visit:
    return [
        ("admin: people search", f"/people/?q={name}", "page"),
        ("admin: program page", f"/programs/{slug}/", "page"),
        ("admin: insights overview", "/insights/", "page"),
        ("admin: program dashboard", f"/insights/programs/{slug}/", "page"),
        ("admin: API people search", f"/api/people?q={name}&limit=50", "api"),
        ("admin: API programs", "/api/programs", "api"),
    ]


# How often each visit comes (locust task weights): 5 mentee, 3 mentor, 2 HR admin of 10.
WEIGHTS = {"mentee": 5, "mentor": 3, "admin": 2}
