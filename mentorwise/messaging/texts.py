"""A program's own wording of a standard message, for the services that send it.

The services that send a program's standard messages (the match announcement in matches)
sit below the app where program managers write that wording (communications). They ask
here, with the values only they know (who was matched, why, by when), and keep their
built-in text when the program has none. Program communications registers the lookup from
its `AppConfig.ready`, as channel adapters register themselves (contract.adapter_register):
with it absent, every message keeps its built-in text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

# (program id, message key, recipient person id, language, message values) ->
# (subject, body), or None for "no wording of the program's own".
ProgramTextLookup = Callable[[int, str, int, str, Mapping[str, str]], tuple[str, str] | None]

# message key -> the ids of the programs that wrote their own wording of it (so a sender
# of many messages asks once, not once per message).
ProgramsWithText = Callable[[str], set[int]]

_LOOKUP: list[ProgramTextLookup] = []
_WITH_TEXT: list[ProgramsWithText] = []


def program_text_register(lookup: ProgramTextLookup, programs_with: ProgramsWithText) -> None:
    _LOOKUP[:] = [lookup]
    _WITH_TEXT[:] = [programs_with]


def programs_with_text(key: str) -> set[int]:
    """The programs with their own wording of message `key` (none without communications)."""
    for programs_with in _WITH_TEXT:
        return programs_with(key)
    return set()


def program_text(
    *, program_id: int, key: str, person_id: int, language: str, values: Mapping[str, str]
) -> tuple[str, str] | None:
    """The program's own (subject, body) of message `key` for this reader, or None."""
    for lookup in _LOOKUP:
        return lookup(program_id, key, person_id, language, values)
    return None
