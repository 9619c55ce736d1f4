"""Reporting lines of an import, in its scratch store: depths, management cycles, paths.

The `node` table of staging.py holds everyone after the import (the file's rows and the
people it does not mention) with their manager's employee id. Depths and materialized paths
are computed top down, one level per statement: a path holds at most MAX_DEPTH + 1 levels
(the column's length), so that is a bounded number of statements whatever the file. Whoever
is left without a depth has a management cycle above them or sits too deep; those few are
analysed as integer arrays (a few bytes per person involved).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mentorwise.core.errors import ErrorLog, FieldError
from mentorwise.people.importer import FileLayout
from mentorwise.people.models import MAX_DEPTH

# A long loop is named by its first people and its length.
LOOP_SHOWN = 10


def build(db: sqlite3.Connection, layout: FileLayout) -> None:
    """Everyone's final manager (the file's word for its rows, the database's for the others)
    and depth, where there is one."""
    # Depth 0 (the top) is set on the way in; the levels below follow.
    db.execute(
        "INSERT INTO node (eid, pk, parent, depth) "
        "SELECT p.eid, p.pk, m.eid, CASE WHEN m.eid IS NULL THEN 0 END "
        "FROM person p LEFT JOIN person m ON m.pk = p.manager_pk"
    )
    if not layout.has_manager_column:
        # Rows keep their current manager; new people start at the top.
        db.execute(
            "INSERT INTO node (eid, line, depth) SELECT eid, line, 0 FROM row WHERE eid <> '' "
            "ON CONFLICT (eid) DO UPDATE SET line = excluded.line"
        )
    else:
        if layout.manager_by == "employee_id":
            parent = "r.manager_ref"
        else:  # the file's own emails first, then people the file does not mention
            parent = (
                "COALESCE((SELECT f.eid FROM row f WHERE f.email_key = r.manager_ref), "
                "(SELECT p.eid FROM person p WHERE p.email_key = r.manager_ref "
                "AND NOT EXISTS (SELECT 1 FROM row x WHERE x.eid = p.eid)))"
            )
        db.execute(
            "INSERT INTO node (eid, parent, line, depth) SELECT eid, parent, line, "  # noqa: S608
            "CASE WHEN parent IS NULL THEN 0 END FROM ("
            "  SELECT r.eid, r.line, "
            f"  CASE WHEN r.manager_ref = '' OR r.bad THEN NULL ELSE {parent} END AS parent "
            "  FROM row r WHERE r.eid <> ''"
            ") WHERE true ON CONFLICT (eid) DO UPDATE "
            "SET parent = excluded.parent, line = excluded.line, depth = excluded.depth"
        )
        # A manager nobody has (already reported as unknown) or a row with problems (whose
        # manager is not read): such people count as the top, so the reporting lines of the
        # others are still checked on the same pass. Without problems this changes nothing.
        db.execute(
            "UPDATE node SET parent = NULL, depth = 0 WHERE parent IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM node m WHERE m.eid = node.parent)"
        )
    db.execute("CREATE INDEX node_parent ON node (parent)")
    db.execute("CREATE INDEX node_depth ON node (depth)")
    for depth in range(1, MAX_DEPTH + 1):
        # "+depth": do not scan the depth index for NULLs, look reports up by manager.
        done = db.execute(
            "UPDATE node SET depth = ? WHERE +depth IS NULL "
            "AND parent IN (SELECT eid FROM node WHERE depth = ?)",
            (depth, depth - 1),
        ).rowcount
        if not done:
            break


def problems(db: sqlite3.Connection, layout: FileLayout, log: ErrorLog) -> None:
    """Management cycles (an error on every file row of the loop) and lines too deep."""
    left = db.execute("SELECT COUNT(*) FROM node WHERE depth IS NULL").fetchone()[0]
    if not left:
        return
    # The people left as arrays; `after` is the position of their manager among them, or
    # `n` (the way out) when the manager has a depth, which is then MAX_DEPTH.
    ids = np.empty(left, dtype=np.int64)
    lines = np.zeros(left, dtype=np.int64)
    parents = np.empty(left, dtype=np.int64)
    placed = np.empty(left, dtype=bool)
    cursor = db.execute(
        "SELECT n.id, COALESCE(n.line, 0), m.id, m.depth IS NOT NULL FROM node n "
        "JOIN node m ON m.eid = n.parent WHERE n.depth IS NULL ORDER BY n.id"
    )
    n = 0
    while chunk := cursor.fetchmany(10_000):
        block = np.array(chunk, dtype=np.int64)
        end = n + len(block)
        ids[n:end], lines[n:end], parents[n:end] = block[:, 0], block[:, 1], block[:, 2]
        placed[n:end] = block[:, 3].astype(bool)
        n = end
    ids, lines, parents, placed = ids[:n], lines[:n], parents[:n], placed[:n]
    after = np.full(n + 1, n, dtype=np.int64)
    after[:n] = np.where(placed, n, np.searchsorted(ids, parents))
    loops = find_loops(after)
    cycle_rows = np.flatnonzero(loops.on_cycle & (lines > 0))
    deep_rows = np.flatnonzero(loops.too_deep & (lines > 0))
    shown = sorted(
        [(int(lines[i]), int(i), True) for i in _first_by(lines, cycle_rows, log.limit)]
        + [(int(lines[i]), int(i), False) for i in _first_by(lines, deep_rows, log.limit)]
    )[: log.limit]
    texts = _loop_texts(db, loops, after, ids, {i for _, i, cycle in shown if cycle})
    keys = _lookup(
        db, "SELECT line, manager_key FROM row WHERE line IN ({})", [s[0] for s in shown]
    )
    errors: list[FieldError] = []
    for line, i, cycle in shown:
        if cycle:
            message = f"Management cycle: {texts[int(loops.label[i])]}."
        else:
            message = (
                f"Too many levels of management: this person would be more than {MAX_DEPTH} "
                "levels below the top of the organization."
            )
        errors.append(FieldError(layout.manager_column, message, row=line, value=keys.get(line)))
    total = len(cycle_rows) + len(deep_rows)
    if not total and loops.too_deep.any():
        # Only people the file does not mention went too deep, moved down with their
        # managers: name one of them.
        first = int(ids[np.flatnonzero(loops.too_deep)[0]])
        eid = db.execute("SELECT eid FROM node WHERE id = ?", (first,)).fetchone()[0]
        message = (
            f"These reporting lines put {eid} (not in this file) more than {MAX_DEPTH} levels "
            "below the top of the organization."
        )
        errors.append(FieldError(layout.manager_column, message))
        total = 1
    log.merge(errors, total)


def assign_paths(db: sqlite3.Connection) -> None:
    """Materialized paths, top down, from everyone's id and depth (all ids assigned)."""
    db.execute("UPDATE node SET path = path_token(pk) WHERE depth = 0")
    deepest = db.execute("SELECT COALESCE(MAX(depth), 0) FROM node").fetchone()[0]
    for depth in range(1, deepest + 1):
        db.execute(
            "UPDATE node SET path = (SELECT m.path FROM node m WHERE m.eid = node.parent) "
            "|| path_token(pk) WHERE depth = ?",
            (depth,),
        )


@dataclass
class Loops:
    on_cycle: np.ndarray  # bool per position: on a management cycle
    too_deep: np.ndarray  # bool per position: reaches the way out (below MAX_DEPTH)
    label: np.ndarray  # per position on a cycle: the smallest position on that cycle
    size: np.ndarray  # per label: the length of its cycle


def find_loops(after: np.ndarray) -> Loops:
    """Cycles of a functional graph by pointer doubling; `after[n] == n` is the way out.

    After k rounds `jump[i]` is i's 2**k-th successor and `low[i]` the smallest position
    among i and its next 2**k - 1 successors. Once 2**k exceeds n, whoever does not reach the
    way out leads into a cycle and their `jump` lands on it, and on a cycle `low` has seen
    the whole loop. About 2 log2(n) array operations, for millions of people as for three.
    """
    n = len(after) - 1
    jump, low = after.copy(), np.arange(n + 1)
    for _ in range(n.bit_length() + 1):
        low = np.minimum(low, low[jump])
        jump = jump[jump]
    too_deep = jump[:n] == n
    on_cycle = np.zeros(n + 1, dtype=bool)
    on_cycle[jump[:n][~too_deep]] = True
    on_cycle = on_cycle[:n]
    size = np.bincount(low[:n][on_cycle], minlength=n)
    return Loops(on_cycle=on_cycle, too_deep=too_deep, label=low[:n], size=size)


def _first_by(lines: np.ndarray, positions: np.ndarray, limit: int) -> np.ndarray:
    """The `limit` positions with the smallest file lines."""
    return positions[np.argsort(lines[positions], kind="stable")][:limit]


def _loop_texts(
    db: sqlite3.Connection, loops: Loops, after: np.ndarray, ids: np.ndarray, members: set[int]
) -> dict[int, str]:
    """'E2 → E3 → E4 → E2' for each loop one of `members` is on (long loops shortened)."""
    walks: dict[int, list[int]] = {}
    for label in {int(loops.label[i]) for i in members}:
        walk, node = [label], int(after[label])
        while node != label and len(walk) < LOOP_SHOWN:
            walk.append(node)
            node = int(after[node])
        walks[label] = walk
    wanted = sorted({int(ids[i]) for walk in walks.values() for i in walk})
    eids = _lookup(db, "SELECT id, eid FROM node WHERE id IN ({})", wanted)
    texts: dict[int, str] = {}
    for label, walk in walks.items():
        names = [eids[int(ids[i])] for i in walk]
        size = int(loops.size[label])
        if size > len(walk):
            texts[label] = f"{' → '.join(names)} → … ({size:,} people) → {names[0]}"
        else:
            texts[label] = " → ".join([*names, names[0]])
    return texts


def _lookup(db: sqlite3.Connection, sql: str, keys: Iterable[int]) -> dict[Any, Any]:
    """{key: value} from a two-column query with `IN ({})`, 500 keys at a time."""
    found: dict[Any, Any] = {}
    keys = list(keys)
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        found.update(db.execute(sql.format(", ".join(["?"] * len(part))), part))
    return found
