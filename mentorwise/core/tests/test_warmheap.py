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


def test_objects_alive_after_the_nth_request_are_frozen_once_each_time(
    unfrozen: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    freezes: list[int] = []  # the request during which gc.freeze ran

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        calls.append(environ["PATH_INFO"])
        return [b"ok"]

    real_freeze = gc.freeze

    def counted_freeze() -> None:
        freezes.append(len(calls) + 1)  # before the request reaches the application
        real_freeze()

    monkeypatch.setattr(gc, "freeze", counted_freeze)
    wrapped = FrozenWhenWarm(app, after=(3, 5))
    counts = []
    for n in range(1, 7):
        assert wrapped({"PATH_INFO": f"/{n}"}, None) == [b"ok"]
        counts.append(gc.get_freeze_count())
    assert calls == [f"/{n}" for n in range(1, 7)]  # every request reaches the application
    assert freezes == [3, 5]  # frozen at the 3rd and the 5th request, never again
    assert counts[0] == counts[1] == 0  # nothing frozen before the 3rd request
    assert counts[2] > 0  # the 3rd froze what was alive
    # (Later counts are not compared exactly: a frozen object that another thread of the
    # test process frees leaves the permanent generation and lowers the count by one.)


def test_the_production_entry_point_is_wrapped() -> None:
    from mentorwise import wsgi

    assert isinstance(wsgi.application, FrozenWhenWarm)


def test_full_collections_wait_while_any_block_runs_and_resume_after_the_last() -> None:
    from mentorwise.core.warmheap import without_full_collections

    before = gc.get_threshold()
    with without_full_collections():
        held = gc.get_threshold()
        assert held[:2] == before[:2] and held[2] > 1_000_000  # young generations as before
        with without_full_collections():  # another layout at the same time
            assert gc.get_threshold() == held
        assert gc.get_threshold() == held  # the first is still running
    assert gc.get_threshold() == before


def test_the_threshold_returns_even_when_the_block_raises() -> None:
    from mentorwise.core.warmheap import without_full_collections

    before = gc.get_threshold()
    with pytest.raises(ValueError), without_full_collections():
        raise ValueError("layout failed")
    assert gc.get_threshold() == before


def test_a_pdf_is_laid_out_with_full_collections_held(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint import HTML

    from mentorwise.core.pdf import html_to_pdf

    seen: list[tuple[int, int, int]] = []
    write_pdf = HTML.write_pdf

    def watching(self: Any, *args: Any, **kwargs: Any) -> bytes:
        seen.append(gc.get_threshold())
        result: bytes = write_pdf(self, *args, **kwargs)
        return result

    monkeypatch.setattr(HTML, "write_pdf", watching)
    before = gc.get_threshold()
    assert html_to_pdf("<p>Hello</p>").startswith(b"%PDF")
    assert seen and seen[0][2] > 1_000_000 and gc.get_threshold() == before
