"""Fixtures of the tests in this folder that call the app through its WSGI handler."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from mentorwise.relationships.services.meetings import meeting_schedule
from mentorwise.relationships.services.pair import GoalFields, goal_create, milestone_add
from mentorwise.relationships.tests.factories import enrollment_of, started_relationship


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
    milestone = milestone_add(actor=mentee, goal=goal, title="First step")
    meeting = meeting_schedule(
        actor=mentee,
        relationship=relationship,
        starts_at=timezone.now() + dt.timedelta(days=3),
        location="Room 1",
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
    }
