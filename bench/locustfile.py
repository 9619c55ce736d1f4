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
from mix import WEIGHTS, Visit, admin_visit, mentee_visit, mentor_visit

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

    def _visit(self, visit: Visit, who: dict[str, Any]) -> None:
        for name, path, kind in visit:
            self._get(path, who, name, api=kind == "api")

    @task(WEIGHTS["mentee"])
    def mentee_visit(self) -> None:
        who = random.choice(CONTEXT["mentees"])
        self._visit(mentee_visit(who), who)

    @task(WEIGHTS["mentor"])
    def mentor_visit(self) -> None:
        who = random.choice(CONTEXT["mentors"])
        self._visit(mentor_visit(who), who)

    @task(WEIGHTS["admin"])
    def admin_visit(self) -> None:
        who = random.choice(CONTEXT["admins"])
        slug = random.choice(CONTEXT["programs"])
        name = random.choice(CONTEXT["search"])
        self._visit(admin_visit(slug, name), who)
