"""The training modules shipped with Mentorwise: Markdown files with a TOML header.

Each file in `learning/modules/` starts with a header between `+++` lines (TOML, read with
the standard library), followed by the module's Markdown text:

    +++
    slug = "active-listening"
    title = "Active listening"
    summary = "One or two sentences for the catalogue."
    audience = ["mentor", "sponsor", "coach"]
    minutes = 15

    [[questions]]
    text = "..."
    choices = ["...", "...", "..."]   # keys a, b, c in this order
    answer = "b"
    explanation = "One line on why."
    +++
    # Markdown text ...
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.learning.questions import Question, questions_validate

MODULES_DIR = Path(__file__).resolve().parent / "modules"
AUDIENCE_ROLES = ("mentor", "sponsor", "coach", "mentee")
DELIMITER = "+++"


@dataclass(frozen=True)
class BuiltinModule:
    """A module as read from its file, validated."""

    slug: str
    title: str
    summary: str
    audience: list[str]
    minutes: int
    questions: list[Question]
    body_markdown: str
    position: int = 100


def builtin_module_parse(text: str, *, source: str, position: int = 100) -> BuiltinModule:
    """Parse one module file; InvalidInput names the file and the field that is wrong."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != DELIMITER:
        raise InvalidInput([FieldError(source, f"must start with a '{DELIMITER}' header line")])
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == DELIMITER)
    except StopIteration:
        raise InvalidInput(
            [FieldError(source, f"the header has no closing '{DELIMITER}'")]
        ) from None
    try:
        header = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput([FieldError(source, f"header is not valid TOML: {error}")]) from None
    body = "\n".join(lines[end + 1 :]).strip() + "\n"
    errors = []
    for key in ("slug", "title", "summary"):
        if not str(header.get(key, "")).strip():
            errors.append(FieldError(f"{source}: {key}", "is required"))
    audience = header.get("audience", [])
    if not audience or any(role not in AUDIENCE_ROLES for role in audience):
        errors.append(
            FieldError(f"{source}: audience", f"list roles from {', '.join(AUDIENCE_ROLES)}")
        )
    minutes: Any = header.get("minutes")
    if not isinstance(minutes, int) or not 1 <= minutes <= 240:
        errors.append(FieldError(f"{source}: minutes", "must be a whole number from 1 to 240"))
    if len(body.strip()) < 50:
        errors.append(FieldError(f"{source}: body", "the module has no text"))
    try:
        questions = questions_validate(header.get("questions"))
    except InvalidInput as error:
        errors += [
            FieldError(f"{source}: {e.field}", e.message, value=e.value) for e in error.errors
        ]
        questions = []
    if errors:
        raise InvalidInput(errors)
    return BuiltinModule(
        slug=header["slug"].strip(),
        title=header["title"].strip(),
        summary=header["summary"].strip(),
        audience=list(audience),
        minutes=minutes,
        questions=questions,
        body_markdown=body,
        position=position,
    )


def builtin_modules_read(directory: Path = MODULES_DIR) -> list[BuiltinModule]:
    """Every module file in `directory`, sorted by file name; all errors at once."""
    modules, errors = [], []
    for n, path in enumerate(sorted(directory.glob("*.md")), start=1):
        try:
            text = path.read_text("utf-8")
            modules.append(builtin_module_parse(text, source=path.name, position=n))
        except InvalidInput as error:
            errors += error.errors
    slugs = [m.slug for m in modules]
    errors += [
        FieldError("slug", "is used by two files", value=s)
        for s in set(slugs)
        if slugs.count(s) > 1
    ]
    if errors:
        raise InvalidInput(errors)
    return modules
