"""Fixtures of journey tests: Ana (mentee) and Marta (mentor) in `program`, six weeks in."""

from __future__ import annotations

from typing import Any

import pytest

from mentorwise.relationships.models import Relationship
from mentorwise.relationships.tests.factories import started_relationship


@pytest.fixture
def relationship(mentee: Any, mentor: Any) -> Relationship:
    """Started 45 days ago in `program` (high-potential leadership: its template journey)."""
    return started_relationship(mentee, mentor, days_ago=45)
