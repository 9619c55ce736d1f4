"""The WSGI wrapper that freezes a warm worker's objects (core.warmheap)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from mentorwise.core.warmheap import FrozenWhenWarm


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_objects_alive_after_the_nth_request_are_frozen_once_each_time(unfrozen: None) -> None:
    calls: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        calls.append(environ["PATH_INFO"])
        return [b"ok"]

    wrapped = FrozenWhenWarm(app, after=(3, 5))
    counts = []
    for n in range(1, 7):
        assert wrapped({"PATH_INFO": f"/{n}"}, None) == [b"ok"]
        counts.append(gc.get_freeze_count())
    assert calls == [f"/{n}" for n in range(1, 7)]  # every request reaches the application
    assert counts[0] == counts[1] == 0  # nothing frozen before the 3rd request
    assert counts[2] > 0  # the 3rd froze what was alive
    assert counts[4] >= counts[3] == counts[2]  # the 5th froze again; the 4th did not
    assert counts[5] == counts[4]  # and never again


def test_the_production_entry_point_is_wrapped() -> None:
    from mentorwise import wsgi

    assert isinstance(wsgi.application, FrozenWhenWarm)
