"""What an import run did, kept with the run (`ImportRun.record`): every change and every
problem, compressed. People are recorded by id only: the run's page reads their current name
and employee id, so an erasure leaves nothing of them here."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from mentorwise.core.errors import FieldError


@dataclass(frozen=True)
class RecordedChange:
    person_id: int
    kind: str  # created | updated | terminated
    fields: list[str]


@dataclass(frozen=True)
class RecordedProblem:
    row: int | None
    field: str
    message: str


@dataclass(frozen=True)
class RunRecord:
    changes: list[RecordedChange]
    problems: list[RecordedProblem]


def pack(changes: Iterable[tuple[int, str, list[str]]], problems: Iterable[FieldError]) -> bytes:
    """The record of a run; a problem's value (a cell of the file) is left out. The changes
    are compressed as they stream from the import's scratch database, so a run of 500,000
    people never holds them all in memory (only the compressed record, a few bytes each)."""
    packer = zlib.compressobj(6)
    chunks = [packer.compress(b'{"changes":[')]
    separator = b""
    for pk, kind, fields in changes:
        item = json.dumps([pk, kind, fields], separators=(",", ":")).encode()
        chunks.append(packer.compress(separator + item))
        separator = b","
    listed = [[p.row, p.field, p.message] for p in problems]
    chunks.append(packer.compress(b'],"problems":' + json.dumps(listed).encode() + b"}"))
    chunks.append(packer.flush())
    return b"".join(chunks)


def unpack(blob: bytes | memoryview) -> RunRecord:
    if not blob:
        return RunRecord([], [])  # runs from before records were kept
    data = json.loads(zlib.decompress(bytes(blob)))
    return RunRecord(
        [RecordedChange(int(pk), str(kind), list(fields)) for pk, kind, fields in data["changes"]],
        [RecordedProblem(row, str(field), str(msg)) for row, field, msg in data["problems"]],
    )
