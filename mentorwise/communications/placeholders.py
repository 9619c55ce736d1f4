"""The sandboxed template language of program e-mails: text with `{name}` placeholders.

No template engine ever sees what a program manager writes. The grammar is the whole
language:

    text        := (literal | "{{" | "}}" | placeholder)*
    placeholder := "{" name "}"          name := [a-z][a-z0-9_]{0,39}
    literal     := any character but "{" and "}"

`{{` and `}}` stand for a literal brace. Anything else with a brace is malformed: a lone
`{` or `}`, an empty `{}`, `{First_Name}`, `{a.b}`, `{x|upper}`, `{% ... %}`. A name must be
one of the variables the message offers; an unknown or malformed placeholder is a problem
naming it. Rendering is one left-to-right pass that copies literals and substitutes each
placeholder's value as plain text: a value is never parsed again, so a first name written
`{program_url}` or `{% debug %}` stays exactly that text. No attribute access, no filters,
no loops, no code.

A subject is a mail header: it is one line. Its template may not hold a line break, and
the rendered subject has every control character (CR, LF, tab, NUL...) of the values
turned into a space, so no value can add a header.

Pure Python (no Django): tested with hypothesis in tests/test_placeholders.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
# Tokens in the order they are tried at each position of the text.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]|[^{}]+")
SUBJECT_MAX = 200
BODY_MAX = 20_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a template: what (`code`), where (0-based `position`), and the
    text at fault (`text`: the placeholder as written, or the stray brace)."""

    code: str  # "unknown", "malformed", "stray_brace", "line_break", "too_long", "empty"
    text: str
    position: int


# A parsed template: literal strings and placeholder names (as ("name",) tuples).
Part = str | tuple[str]


def parse(text: str, allowed: Collection[str]) -> tuple[list[Part], list[Problem]]:
    """The parts of `text`, and every problem found (all of them, not only the first)."""
    parts: list[Part] = []
    problems: list[Problem] = []
    for match in _TOKEN.finditer(text):
        token, start = match.group(0), match.start()
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif token in ("{", "}"):
            problems.append(Problem("stray_brace", token, start))
        elif token.startswith("{"):
            name = match.group(1)
            if not NAME.fullmatch(name):
                problems.append(Problem("malformed", token, start))
            elif name not in allowed:
                problems.append(Problem("unknown", token, start))
            else:
                parts.append((name,))
        else:
            parts.append(token)
    return parts, problems


def check(
    text: str, allowed: Collection[str], *, subject: bool = False, required: bool = True
) -> list[Problem]:
    """Every problem of a subject or body template (empty: it renders)."""
    problems: list[Problem] = []
    limit = SUBJECT_MAX if subject else BODY_MAX
    if required and not text.strip():
        problems.append(Problem("empty", "", 0))
    if len(text) > limit:
        problems.append(Problem("too_long", text[limit : limit + 20], limit))
    if subject:
        problems.extend(
            Problem("line_break", repr(ch), i) for i, ch in enumerate(text) if _is_control(ch)
        )
    problems.extend(parse(text, allowed)[1])
    return problems


def placeholders_in(text: str) -> list[str]:
    """The placeholder names `text` uses (well-formed ones), in order of first use."""
    seen: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        name = match.group(1)
        if name is not None and NAME.fullmatch(name):
            seen.setdefault(name, None)
    return list(seen)


class TemplateError(ValueError):
    """`render` was given a template with problems (services check first and say so)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(f"{p.code} {p.text!r} at {p.position}" for p in problems))
        self.problems = problems


def render(text: str, values: Mapping[str, str]) -> str:
    """`text` with each placeholder replaced by its value, as plain text, in one pass.

    Raises TemplateError when the template has a problem against the names of `values`.
    """
    parts, problems = parse(text, values.keys())
    if problems:
        raise TemplateError(problems)
    return "".join(part if isinstance(part, str) else str(values[part[0]]) for part in parts)


def render_subject(text: str, values: Mapping[str, str]) -> str:
    """A rendered subject: one line (control characters of values become spaces), trimmed
    to SUBJECT_MAX characters."""
    checked = check(text, values.keys(), subject=True, required=False)
    problems = [p for p in checked if p.code != "too_long"]
    if problems:
        raise TemplateError(problems)
    flat = "".join(" " if _is_control(ch) else ch for ch in render(text, values))
    return " ".join(flat.split())[:SUBJECT_MAX]


def _is_control(ch: str) -> bool:
    # Cc: C0/C1 controls (CR, LF, NUL, ESC...); Zl/Zp: U+2028/U+2029 line and paragraph
    # separators, which some mail clients treat as line breaks.
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")
