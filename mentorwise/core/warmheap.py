"""Keep a web worker's long-lived objects out of the garbage collector's full passes.

A worker's first requests import most of the project lazily and fill its caches (compiled
templates, translation catalogs, URL resolvers, chart and aggregate memories): about 320,000
objects that live as long as the process. Python's cyclic garbage collector walks every one
of them on each full (generation 2) collection, a pause of 120–150 ms on this kind of machine
during which every thread of the worker waits — the slowest requests of a loaded server.

`FrozenWhenWarm` wraps the WSGI application: after the worker's `after`-th requests it
collects once and moves every object alive then into the collector's permanent generation
(`gc.freeze`), which full collections skip (measured: 151 → 17 ms). Objects created later are
collected as before; the price is that frozen objects which later become unreachable *and*
sit in a reference cycle are never freed — a few requests' worth at most, since the freezes
are few and gunicorn replaces workers after `--max-requests`.
"""

from __future__ import annotations

import gc
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# By the 200th request a worker has served every kind of page of an ordinary visit; by the
# 1,000th, the rarer ones too (`mentorwise serve` replaces a worker after 2,000 to 2,200).
FREEZE_AFTER = (200, 1000)


class FrozenWhenWarm:
    def __init__(self, app: WSGIApp, after: tuple[int, ...] = FREEZE_AFTER) -> None:
        self.app = app
        self.after = frozenset(after)
        self._served = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if next(self._served) in self.after:
            with self._lock:
                gc.collect()
                gc.freeze()
        return self.app(environ, start_response)


# Laying out a PDF creates hundreds of thousands of objects that live for the whole layout,
# and each time enough of them pile up the collector starts a full pass over the worker's
# entire heap — a quarter of the leadership report's CPU (measured: 1.49 → 1.13 s). While at
# least one layout runs, full passes wait (young generations are still collected, and objects
# freed by reference counting go at once); the collector's usual threshold returns when the
# last one ends. The thresholds are the process's, so concurrent layouts share one pause.
_NO_FULL_PASS = 1 << 30
_pausing = 0
_saved_threshold = 10
_pause_lock = threading.Lock()


@contextmanager
def without_full_collections() -> Iterator[None]:
    """Hold off the collector's full (generation 2) passes for the duration of the block."""
    global _pausing, _saved_threshold
    with _pause_lock:
        if _pausing == 0:
            young, middle, _saved_threshold = gc.get_threshold()
            gc.set_threshold(young, middle, _NO_FULL_PASS)
        _pausing += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pausing -= 1
            if _pausing == 0:
                young, middle, _full = gc.get_threshold()
                gc.set_threshold(young, middle, _saved_threshold)
