"""Fixtures of the tests in this folder: the permissions world, and the WSGI-handler ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from django.utils import timezone

from mentorwise.relationships import inputs
from mentorwise.relationships.services.meetings import meeting_schedule
from mentorwise.relationships.services.pair import GoalFields, goal_create, milestone_add
from mentorwise.relationships.tests.factories import enrollment_of, started_relationship
from tests.permissions_world import World, build_world


@pytest.fixture(scope="module")
def matrix_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The world of tests/permissions_world.py, built once per module inside a transaction
    that is rolled back at the end; each test runs in its own savepoint (the `db` fixture)
    and each request in a rolled-back savepoint of its own, so writes never leak."""
    # The root conftest's fast hasher is a per-test setting: a module fixture runs before it.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic():
        with fast:
            world = build_world()
        for role, user in world.users.items():
            client = Client()
            client.force_login(user)  # sessions live as long as the world
            world.clients[role] = client
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def keep_test_connection() -> Any:
    """Like Django's test client: the request must not close the test's open transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def known_ids(hr_admin: Any, program: Any, mentee: Any, mentor: Any) -> dict[str, Any]:
    """Real objects for path parameters: ids the callers may reach."""
    relationship = started_relationship(mentee, mentor)
    goal = goal_create(actor=mentee, relationship=relationship, fields=GoalFields(title="Lead"))
    milestone = milestone_add(actor=mentee, goal=goal, data=inputs.MilestoneNew(title="First step"))
    meeting = meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=inputs.MeetingSchedule(
            starts_at=timezone.now() + dt.timedelta(days=3), location="Room 1"
        ),
    )
    return {
        "slug": program.slug,
        "relationship_id": relationship.pk,
        "match_id": relationship.match_id,
        "enrollment_id": enrollment_of(mentee).pk,
        "person_id": mentee.person_id,
        "goal_id": goal.pk,
        "milestone_id": milestone.pk,
        "meeting_id": meeting.pk,
        "kind": "midpoint",
        "connector_id": _unreachable_connector().pk,
        "key": "welcome",
        "language": "en",
        "broadcast_id": _broadcast(program).pk,
    }


def _broadcast(program: Any) -> Any:
    from mentorwise.communications.models import Broadcast

    return Broadcast.objects.create(program=program, subject="Kick-off", body="Hello")


def _unreachable_connector() -> Any:
    """An SFTP connector whose server refuses at once: runs and tests reach the services
    and fail fast (no retries, no network beyond 127.0.0.1)."""
    from mentorwise.connectors.services import connector_create

    return connector_create(
        actor=None,
        values={"name": "Unreachable", "kind": "sftp", "base_url": "127.0.0.1", "port": 9,
                "username": "hris", "path": "out", "host_key": "SHA256:" + "A" * 43},
        secret="unreachable-secret",
    )  # fmt: skip
