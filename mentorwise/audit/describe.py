"""An audit entry's details as people read them, not as a Python dict.

`{"fields": ["end_date", "name"], "full": False}` reads "Fields: end date, name · Full: no".
Only the display changes: the stored data and the CSV export keep the exact values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Lists longer than this are cut ("and 40 more"): a page of ids tells nobody anything.
LIST_SHOWN = 10
# Keys whose label is not simply the key with spaces.
_LABELS = {
    "full": "Whole workforce",
    "erased_skipped": "Erased people left alone",
    "tokens_revoked": "Tokens revoked",
    "routed_to": "Routed to",
    "token_id": "Token id",
    "rematch": "New match asked for",
    "ip": "IP address",
    "user_agent": "Browser",
    "id": "Id",
}


def action_text(action: str) -> str:
    """'matching_run.created' -> 'Matching run created'."""
    return action.replace(".", " ").replace("_", " ").strip().capitalize()


def label(key: str) -> str:
    """'tokens_revoked' -> 'Tokens revoked'."""
    return _LABELS.get(key, key.replace("_", " ").strip().capitalize())


def value_text(value: Any) -> str:
    """One value in words: yes/no, numbers with thousands separators, lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}"
    if isinstance(value, str):
        # Slugs ("one_time_password", "end_date") read as words; free text is kept as it is.
        return value.replace("_", " ") if value.isidentifier() else value
    if isinstance(value, Mapping):
        if not value:
            return "none"
        return "; ".join(f"{label(str(k)).lower()}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        items = list(value)
        if not items:
            return "none"
        shown = ", ".join(value_text(v) for v in items[:LIST_SHOWN])
        more = len(items) - LIST_SHOWN
        return f"{shown} and {more:,} more" if more > 0 else shown
    return str(value)


def describe(data: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, text) for each detail; a before/after pair reads as one change."""
    if not data:
        return []
    lines: list[tuple[str, str]] = []
    if "before" in data and "after" in data:
        lines.append(("Changed", f"{value_text(data['before'])} → {value_text(data['after'])}"))
    for key, value in data.items():
        if key in ("before", "after") and lines and lines[0][0] == "Changed":
            continue
        lines.append((label(str(key)), value_text(value)))
    return lines
