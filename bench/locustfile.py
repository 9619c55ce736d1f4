"""Locust traffic for bench/load.py (run that; it prepares the sessions this file reads).

One user class: each visit is a mentee's (5 of 10), a mentor's (3 of 10) or an HR admin's
(2 of 10), so that even one concurrent user sends the mixed traffic. Sessions and ids come
from the JSON file named by MENTORWISE_LOAD_CONTEXT. The server runs with production
settings behind a pretend TLS proxy: every request says `X-Forwarded-Proto: https`, and the
`__Host-` session cookie (Secure) is sent by hand because the client talks plain HTTP.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import FastHttpUser, between, task

CONTEXT: dict[str, Any] = json.loads(open(os.environ["MENTORWISE_LOAD_CONTEXT"]).read())  # noqa: SIM115


class Visitor(FastHttpUser):
    """FastHttpUser (geventhttpclient): the load generator shares the server's two cores, and
    requests-based HttpUser spends several times more CPU per request than this client."""

    wait_time = between(0.5, 1.5)
    default_headers = {"X-Forwarded-Proto": "https"}

    def _get(self, url: str, who: dict[str, Any], name: str, api: bool = False) -> None:
        headers = {"Cookie": f"{CONTEXT['session_cookie']}={who['session']}"}
        if api and "token" in who:
            headers = {"Authorization": f"Bearer {who['token']}"}
        with self.client.get(
            url, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")

    @task(5)
    def mentee_visit(self) -> None:
        who = random.choice(CONTEXT["mentees"])
        rid = who["relationship"]
        self._get("/", who, "mentee: home")
        self._get(f"/relationships/{rid}/", who, "mentee: relationship")
        self._get(f"/api/relationships/{rid}/goals", who, "mentee: API goals")
        self._get(f"/api/relationships/{rid}/meetings", who, "mentee: API meetings")

    @task(3)
    def mentor_visit(self) -> None:
        who = random.choice(CONTEXT["mentors"])
        self._get("/", who, "mentor: home")
        self._get("/relationships/", who, "mentor: my relationships")
        self._get(f"/relationships/{who['relationship']}/", who, "mentor: relationship")
        self._get("/api/me/open-matches", who, "mentor: API open requests")

    @task(2)
    def admin_visit(self) -> None:
        who = random.choice(CONTEXT["admins"])
        slug = random.choice(CONTEXT["programs"])
        name = random.choice(CONTEXT["search"])
        self._get(f"/people/?q={name}", who, "admin: people search")
        self._get(f"/programs/{slug}/", who, "admin: program page")
        self._get("/insights/", who, "admin: insights overview")
        self._get(f"/insights/programs/{slug}/", who, "admin: program dashboard")
        self._get(f"/api/people?q={name}&limit=50", who, "admin: API people search", api=True)
        self._get("/api/programs", who, "admin: API programs", api=True)
