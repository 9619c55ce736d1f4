"""The audit log shows what changed in words, never a Python dict."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils.functional import Promise
from django.utils.safestring import SafeString

import mentorwise
from conftest import page_client
from mentorwise.audit.describe import ACTION_LABELS, action_text, describe, is_code, value_text
from mentorwise.core.audit import audit_record
from mentorwise.matches.models import PreferenceKind

SOURCE = Path(mentorwise.__file__).parent
# Actions built at run time, by their source text: what they can become.
BUILT_ACTIONS = {"f'preference.{kind}'": {f"preference.{kind}" for kind in PreferenceKind.values}}


def test_details_read_as_words():
    assert describe({"fields": ["end_date", "name"], "full": False, "rows": 12000}) == [
        ("Fields", '<code translate="no">end_date, name</code>'),
        ("Whole workforce", "no"),
        ("Rows", "12,000"),
    ]
    assert describe({"before": ["mentor"], "after": ["mentor", "sponsor"]}) == [
        (
            "Changed",
            '<code translate="no">mentor</code> → <code translate="no">mentor, sponsor</code>',
        )
    ]
    assert describe({"reason": "Left the company."}) == [("Reason", "Left the company.")]
    assert describe({}) == [] and describe(None) == []


def test_long_lists_are_cut_and_nested_values_spelled_out():
    assert value_text(list(range(25))) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 15 more"
    assert value_text({"level_min": 3, "high_potential": True}) == (
        "level_min: 3; high_potential: yes"
    )
    assert value_text([]) == "none" and value_text(None) == "—"


def test_recorded_codes_are_shown_as_code_and_free_text_as_text():
    assert is_code("not_succeeded") and is_code(["gender", "ethnicity"]) and is_code({"a": 1})
    assert is_code("mentorwise.person-export/1")
    assert not is_code("Left the company.") and not is_code(["a b"]) and not is_code(3)
    # Free text stays a plain string, which the page escapes; code is built escaped.
    [(_, text)] = describe({"what": "<b>x"})
    assert text == "<b>x" and not isinstance(text, SafeString)
    [(_, changed)] = describe({"before": "<i>", "after": "open"})
    assert changed == '&lt;i&gt; → <code translate="no">open</code>'


@pytest.mark.django_db
def test_the_audit_page_shows_no_dict_repr(hr_admin):
    audit_record(
        actor=hr_admin,
        action="program.updated",
        data={"fields": ["end_date"], "filters": {"level": 7}, "people": [1, 2]},
    )
    html = page_client(hr_admin).get("/audit/").content.decode()
    assert "{&#x27;" not in html and "{'" not in html and "[1, 2]" not in html
    assert "Program changed" in html
    assert 'Fields: <code translate="no">end_date</code>' in html
    assert 'Filters: <code translate="no">level: 7</code>' in html and "People: 1, 2" in html


def _strings(node: ast.AST) -> set[str]:
    """The string literals an expression can evaluate to ("a" if x else "b": both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def _action_arg(call: ast.Call, position: int) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "action":
            return keyword.value
    return call.args[position] if len(call.args) > position else None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _recorded_actions() -> tuple[set[str], list[str]]:
    """Every action production code passes to audit_record, and the calls not understood.

    Besides literals: `action=NAME` resolved through the module's string assignments to NAME
    (constants, `action = "..."` in a branch), or, when NAME is a parameter of the enclosing
    function (a wrapper such as scim's `Caller.audit`), through that function's callers.
    """
    found: set[str] = set()
    unresolved: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "audit_record(" not in text:
            continue
        tree = ast.parse(text, filename=str(path))
        assigned: dict[str, set[str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, set()).update(_strings(value))
        wrappers: dict[str, int] = {}  # function name -> position of its action argument
        passed_on: set[ast.Call] = set()  # audit_record calls inside wrappers
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            params = [a.arg for a in function.args.args if a.arg not in ("self", "cls")]
            params += [a.arg for a in function.args.kwonlyargs]
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and _callee(call) == "audit_record":
                    arg = _action_arg(call, 0)
                    if isinstance(arg, ast.Name) and arg.id in params:
                        wrappers[function.name] = params.index(arg.id)
                        passed_on.add(call)
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or call in passed_on:
                continue
            name = _callee(call)
            if name != "audit_record" and name not in wrappers:
                continue
            arg = _action_arg(call, 0 if name == "audit_record" else wrappers[name])
            strings = _strings(arg) if arg is not None else set()
            if arg is not None and not strings:
                if ast.unparse(arg) in BUILT_ACTIONS:
                    strings = BUILT_ACTIONS[ast.unparse(arg)]
                elif isinstance(arg, ast.Name):
                    strings = assigned.get(arg.id, set())
            if strings:
                found |= strings
            else:
                where = f"{path.relative_to(SOURCE.parent)}:{call.lineno}"
                unresolved.append(f"{where}: action={ast.unparse(arg) if arg else None}")
    return found, unresolved


def test_every_recorded_action_has_a_translatable_label():
    found, unresolved = _recorded_actions()
    # The scan must find the actions, not pass by finding none.
    assert len(found) >= 40, sorted(found)
    assert not unresolved, "actions the scan cannot read; add them to BUILT_ACTIONS"
    assert {"user.signed_in", "scim.user_created", "user.sso_linked", "preference.veto"} <= found
    missing = sorted(found - ACTION_LABELS.keys())
    assert not missing, f"give these actions a label in ACTION_LABELS: {missing}"


def test_labels_are_lazy_translations():
    assert action_text("program.updated") == "Program changed"
    assert action_text("matching_run.created") == "Matching run started"
    assert action_text("content.translated") == "Translations saved"
    not_lazy = [action for action, text in ACTION_LABELS.items() if not isinstance(text, Promise)]
    assert not not_lazy
    assert all(str(text) and str(text) == str(text).strip() for text in ACTION_LABELS.values())


def test_an_unknown_action_still_reads():
    assert "old_thing.was_done" not in ACTION_LABELS
    assert action_text("old_thing.was_done") == "Old thing was done"
