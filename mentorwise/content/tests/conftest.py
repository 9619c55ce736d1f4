from __future__ import annotations

from typing import Any

import pytest

from mentorwise.relationships.models import Relationship
from mentorwise.relationships.tests.factories import started_relationship


@pytest.fixture
def relationship(mentee: Any, mentor: Any) -> Relationship:
    """Ana (mentee) and Marta (mentor) in `program`, under way for 30 days."""
    return started_relationship(mentee, mentor)
