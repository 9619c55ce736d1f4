"""Contract test: schemathesis generates requests from the OpenAPI document and checks answers.

Every operation is called with generated valid and invalid parameters and bodies, by an HR
admin's admin-scope token and by a mentee's admin-scope token (the mentee reaches the
relationship endpoints an HR admin may not); the reading operations also by a read-scope
token. A response fails the test when it is a 5xx, when its status code is not declared
for the operation, when its content type is not the declared one, or when its body does not
match the declared schema. The app runs in process (WSGI). Each operation starts from a
database with a program, a mentee, a mentor, their relationship, a goal, a milestone and a
meeting; path ids are often replaced by those real ids, so that generated bodies reach the
services and not only the 404 of an unknown id.

Bounded for CI: a fixed number of examples per operation, derandomized
(`MENTORWISE_SCHEMATHESIS_EXAMPLES` raises the count for a longer local run).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mentorwise.accounts.models import TokenScope
from mentorwise.accounts.services import api_token_create
from mentorwise.api.api import api
from mentorwise.relationships.services.meetings import meeting_schedule
from mentorwise.relationships.services.pair import GoalFields, goal_create, milestone_add
from mentorwise.relationships.tests.factories import enrollment_of, started_relationship

EXAMPLES = int(os.environ.get("MENTORWISE_SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
schema.app = get_wsgi_application()
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Any:
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


def _token(user: Any, scope: str = TokenScope.ADMIN) -> dict[str, str]:
    _, raw = api_token_create(actor=user, name="schemathesis", scope=scope)
    return {"Authorization": f"Bearer {raw}"}


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
# Without schemathesis's boundary-value (explicit) phase: for the repeated runs by other roles.
QUICK = settings(SETTINGS, max_examples=max(2, EXAMPLES // 2), phases=[Phase.generate])


def _use_known_ids(case: Any, data: Any, known: dict[str, Any]) -> None:
    for name in list(case.path_parameters or {}):
        if name in known and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = known[name]


@schema.parametrize()
@schema.given(data=st.data())
@SETTINGS
def test_api_answers_an_hr_admin_as_documented(
    case: Any, data: Any, known_ids: dict[str, Any], hr_admin: Any
) -> None:
    _use_known_ids(case, data, known_ids)
    case.call_and_validate(headers=_token(hr_admin), checks=CHECKS)


@schema.include(tag=["relationships", "matching", "reminders", "training"]).parametrize()
@schema.given(data=st.data())
@QUICK
def test_api_answers_a_mentee_as_documented(
    case: Any, data: Any, known_ids: dict[str, Any], mentee: Any
) -> None:
    """The mentee reaches the content of their relationship, which HR admins may not."""
    _use_known_ids(case, data, known_ids)
    case.call_and_validate(headers=_token(mentee), checks=CHECKS)


@schema.include(method="GET").parametrize()
@schema.given(data=st.data())
@QUICK
def test_read_scope_token_reads_as_documented(
    case: Any, data: Any, known_ids: dict[str, Any], hr_admin: Any
) -> None:
    _use_known_ids(case, data, known_ids)
    case.call_and_validate(headers=_token(hr_admin, TokenScope.READ), checks=CHECKS)


@schema.include(method=["POST", "PUT", "PATCH", "DELETE"]).parametrize()
@settings(QUICK, max_examples=1)
def test_read_scope_token_cannot_write(case: Any, hr_admin: Any) -> None:
    response = case.call(headers=_token(hr_admin, TokenScope.READ))
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "token_read_only"
    case.validate_response(response, checks=CHECKS)
