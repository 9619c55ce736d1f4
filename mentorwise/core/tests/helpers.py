"""Helpers shared by the tests of several apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mentorwise.core.errors import InvalidInput

Errors = set[tuple[str, str]]


def raised_errors(call: Callable[[], Any]) -> Errors:
    """The (field, message) pairs of the InvalidInput that `call` must raise."""
    with pytest.raises(InvalidInput) as raised:
        call()
    return {(e.field, e.message) for e in raised.value.errors}
