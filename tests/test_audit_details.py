"""Every detail key the code records in an audit entry has a translatable label (the log
names it in the reader's language; the CSV export keeps the key)."""

from __future__ import annotations

import ast
from pathlib import Path

import mentorwise

SOURCE = Path(mentorwise.__file__).parent


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _recorded_data_keys() -> set[str]:
    """The keys of every `data={...}` literal passed to audit_record, and the fields of the
    dataclasses whose asdict() is recorded (a nudge run, an erasure)."""
    from dataclasses import fields

    from mentorwise.notifications.services import NudgeRun
    from mentorwise.privacy.erasure import ErasureResult

    keys: set[str] = {f.name for f in fields(NudgeRun)} | {f.name for f in fields(ErasureResult)}
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or _callee(node) not in ("audit_record", "audit"):
                continue
            for keyword in node.keywords:
                if keyword.arg == "data" and isinstance(keyword.value, ast.Dict):
                    keys |= {k.value for k in keyword.value.keys if isinstance(k, ast.Constant)}
    return keys


def test_every_recorded_data_key_has_a_translatable_label():
    from mentorwise.audit.describe import _LABELS

    keys = _recorded_data_keys()
    assert len(keys) >= 40, sorted(keys)  # the scan found the calls
    assert sorted(keys - set(_LABELS)) == []
