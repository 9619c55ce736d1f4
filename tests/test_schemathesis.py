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

from typing import Any

import pytest
from hypothesis import strategies as st

from tests.schemathesis_support import (
    CHECKS,
    SETTINGS,
    _token,
    _use_known_ids,
    schema,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]


@schema.parametrize()
@schema.given(data=st.data())
@SETTINGS
def test_api_answers_an_hr_admin_as_documented(
    case: Any, data: Any, known_ids: dict[str, Any], hr_admin: Any
) -> None:
    _use_known_ids(case, data, known_ids)
    case.call_and_validate(headers=_token(hr_admin), checks=CHECKS)
