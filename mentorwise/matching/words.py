"""The language the engine words its reasons in: English, unless the caller passes another.

The engine has no Django (import contracts). Its texts for people are written as calls to
`words.gettext(...)` / `words.ngettext(...)` with named placeholders, so that the catalogs
extract them; the caller that shows them passes `Words` backed by its own translations
(`mentorwise.matches.problem.PAGE_WORDS`), and the default speaks English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def _english(text: str) -> str:
    return text


def _english_plural(one: str, other: str, n: int) -> str:
    return one if n == 1 else other


def _always() -> bool:
    return True


@dataclass(frozen=True)
class Words:
    gettext: Callable[[str], str] = _english
    ngettext: Callable[[str, str, int], str] = _english_plural
    # Whether small numbers are spelled out in English words ("two levels above"); other
    # languages get digits.
    spelled: Callable[[], bool] = _always


ENGLISH = Words()
