"""The leak walk (tests/leak_walk.py) as the roles that oversee: HR admin, the program's
manager, another program's manager, an executive."""

from __future__ import annotations

import pytest

from tests.leak_walk import WEB_ROUTES, assert_no_leak
from tests.permissions_world import World

ROLES = ("hr", "pm", "pm2", "exec")
CASES = [(role, name, params) for role in ROLES for name, params in WEB_ROUTES]


@pytest.mark.parametrize(
    ("role", "name", "params"), CASES, ids=[f"{role}-{name}" for role, name, _ in CASES]
)
def test_no_response_carries_what_the_role_may_not_read(
    matrix_world: World, db: None, role: str, name: str, params: tuple[str, ...]
) -> None:
    assert_no_leak(matrix_world, role, name, params)
