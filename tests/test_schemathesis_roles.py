"""Contract test by other callers: a mentee's and read-scope tokens (see test_schemathesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from mentorwise.accounts.models import TokenScope
from tests.schemathesis_support import (
    CHECKS,
    QUICK,
    _token,
    _use_known_ids,
    schema,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]


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
