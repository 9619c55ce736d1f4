"""URLs of a view taking ids, built from a pattern reversed once: `{% url %}` on every page.

Django's `reverse()` walks the URL resolver's namespaces and candidate patterns, substitutes
the arguments, checks the result against the pattern's regular expression and quotes it:
about 21 microseconds a call here, and a page of 50 people links each of them and their
managers (100 calls). For a view whose arguments are all non-negative integers, the URL is
the same text around the ids' digits whatever the ids are, so `id_url` reverses the view once
per URL configuration with marker ids, keeps the text between them, and then joins that
text with each call's ids. A view without arguments is reversed once: its URL is the text
(`named_url`; the navigation's 10–20 links on every page).

It takes that shortcut only where it gives Django's answer: the markers (the largest 64-bit
ids, each appearing exactly once in the URL, so that the text around them is unambiguous)
and two other sets of ids (all zero; small ones) must all reverse, and the kept text must
rebuild each of those URLs exactly. A view that fails this (a pattern with a limit on its
digits, a fixed value, a string argument) and any argument that is not a plain integer
from 0 to 2**63 - 1 go to `reverse()`. `core/tests/test_idurls.py` compares the two for
every URL pattern of the project.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_INT64_MAX = 2**63 - 1
# Distinct 19-digit markers, one per argument (no view here takes more than a few).
_MARKERS = tuple(_INT64_MAX - 1000 * i for i in range(8))
_NOT_FIXED = ()
_Key = tuple[Any, str, str, str | None, int]

_pieces: dict[_Key, tuple[str, ...]] = {}
_lock = threading.Lock()


def id_url(viewname: str, args: Sequence[Any], current_app: str | None = None) -> str:
    """`reverse(viewname, args=args, current_app=current_app)`, faster for integer ids (and
    for no arguments: the URL itself is learnt)."""
    if len(args) > len(_MARKERS) or not all(_is_id(a) for a in args):
        return reverse(viewname, args=args, current_app=current_app)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    key: _Key = (urlconf, get_script_prefix(), viewname, current_app, len(args))
    pieces = _pieces.get(key)
    if pieces is None:
        with _lock:
            pieces = _pieces.setdefault(key, _split(viewname, len(args), current_app))
    if pieces is _NOT_FIXED:
        return reverse(viewname, args=args, current_app=current_app)
    return _join(pieces, args)


def named_url(viewname: str) -> str:
    """`reverse(viewname)` of a view without arguments, learnt once (the navigation's links)."""
    return id_url(viewname, ())


def forget() -> None:
    """Drop what was learnt (the URL configuration changed: tests)."""
    with _lock:
        _pieces.clear()


def _is_id(value: Any) -> bool:
    return type(value) is int and 0 <= value <= _INT64_MAX


def _join(pieces: tuple[str, ...], args: Sequence[int]) -> str:
    parts = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        parts.append(str(arg))
        parts.append(piece)
    return "".join(parts)


def _split(viewname: str, n: int, current_app: str | None) -> tuple[str, ...]:
    """The text around the ids in the view's URL, or `_NOT_FIXED`."""
    markers = _MARKERS[:n]
    try:
        url = reverse(viewname, args=markers, current_app=current_app)
    except NoReverseMatch:
        return _NOT_FIXED
    pieces: list[str] = []
    rest = url
    for marker in map(str, markers):
        if url.count(marker) != 1 or marker not in rest:
            return _NOT_FIXED
        before, rest = rest.split(marker, 1)
        pieces.append(before)
    pieces.append(rest)
    fixed = tuple(pieces)
    for others in ((0,) * n, tuple(range(1, n + 1))):
        try:
            if reverse(viewname, args=others, current_app=current_app) != _join(fixed, others):
                return _NOT_FIXED
        except NoReverseMatch:
            return _NOT_FIXED
    return fixed
