"""An audit entry's details as people read them, not as a Python dict.

`{"fields": ["end_date", "name"], "full": False}` reads "Fields: end date, name · Full: no".
Only the display changes: the stored data and the CSV export keep the exact values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

# Lists longer than this are cut ("and 40 more"): a page of ids tells nobody anything.
LIST_SHOWN = 10
# Keys whose label is not simply the key with spaces.
_LABELS: dict[str, Any] = {
    "full": gettext_lazy("Whole workforce"),
    "erased_skipped": gettext_lazy("Erased people left alone"),
    "tokens_revoked": gettext_lazy("Tokens revoked"),
    "routed_to": gettext_lazy("Routed to"),
    "token_id": gettext_lazy("Token id"),
    "rematch": gettext_lazy("New match asked for"),
    "ip": gettext_lazy("IP address"),
    "user_agent": gettext_lazy("Browser"),
    "id": gettext_lazy("Id"),
}


def action_text(action: str) -> str:
    """'matching_run.created' -> 'Matching run created'."""
    return action.replace(".", " ").replace("_", " ").strip().capitalize()


def label(key: str) -> str:
    """'tokens_revoked' -> 'Tokens revoked'."""
    known = _LABELS.get(key)
    return str(known) if known is not None else key.replace("_", " ").strip().capitalize()


def value_text(value: Any) -> str:
    """One value in words: yes/no, numbers with thousands separators, lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return pgettext("answer", "yes") if value else pgettext("answer", "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}"
    if isinstance(value, str):
        # Slugs ("one_time_password", "end_date") read as words; free text is kept as it is.
        return value.replace("_", " ") if value.isidentifier() else value
    if isinstance(value, Mapping):
        if not value:
            return pgettext("nothing", "none")
        return "; ".join(f"{label(str(k)).lower()}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        items = list(value)
        if not items:
            return pgettext("nothing", "none")
        shown = ", ".join(value_text(v) for v in items[:LIST_SHOWN])
        more = len(items) - LIST_SHOWN
        if more <= 0:
            return shown
        return ngettext("%(shown)s and %(more)s more", "%(shown)s and %(more)s more", more) % {
            "shown": shown,
            "more": f"{more:,}",
        }
    return str(value)


def describe(data: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, text) for each detail; a before/after pair reads as one change."""
    if not data:
        return []
    changed_label = pgettext("audit", "Changed")
    lines: list[tuple[str, str]] = []
    if "before" in data and "after" in data:
        changed = _("%(before)s → %(after)s") % {
            "before": value_text(data["before"]),
            "after": value_text(data["after"]),
        }
        lines.append((changed_label, changed))
    for key, value in data.items():
        if key in ("before", "after") and lines and lines[0][0] == changed_label:
            continue
        lines.append((label(str(key)), value_text(value)))
    return lines
