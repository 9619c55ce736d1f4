"""The validated inputs of the communications services, built alike by form, API and CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from mentorwise.communications import catalog, placeholders
from mentorwise.communications.segments import Segment, segment_validate
from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.core.languages import SHIPPED

KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")


@dataclass(frozen=True)
class TemplateInput:
    """One language version of one message: a standard one (`key` in catalog.STANDARD) or
    a free-form template (any other slug, with a `name`)."""

    key: str
    language: str
    subject: str
    body: str
    name: str = ""


@dataclass(frozen=True)
class BroadcastInput:
    """A broadcast: its text, how essential it is, and its segment. With `template`, the
    text is that saved free-form template's (every language version) instead."""

    subject: str = ""
    body: str = ""
    essential: bool = False
    segment: Segment = field(default_factory=Segment)
    template: str = ""


def problem_text(problem: placeholders.Problem) -> str:
    """A template problem as the user reads it, naming the placeholder at fault."""
    if problem.code == "unknown":
        return _("%(text)s is not a variable of this message") % {"text": problem.text}
    if problem.code == "malformed":
        return _(
            "%(text)s is not a placeholder: write {name} with a variable's name in lower case "
            "(no spaces, dots, filters or code)"
        ) % {"text": problem.text}
    if problem.code == "stray_brace":
        return _(
            "a lone %(brace)s at character %(position)s: write %(double)s for the character itself"
        ) % {"brace": problem.text, "position": problem.position + 1, "double": problem.text * 2}
    if problem.code == "line_break":
        return _("a subject is one line: remove the line break or control character")
    if problem.code == "too_long":
        return _("too long")
    return _("write something")


def text_errors(
    name: str, text: str, allowed: frozenset[str], *, subject: bool
) -> list[FieldError]:
    errors = [
        FieldError(name, problem_text(p), value=p.text or None)
        for p in placeholders.check(text, allowed, subject=subject)
    ]
    if not subject and "\x00" in text:  # no database stores it, no mail carries it
        errors.append(FieldError(name, _("remove the NUL character")))
    return errors


def template_validate(data: TemplateInput) -> TemplateInput:
    """The input, trimmed; InvalidInput naming every problem (each bad placeholder)."""
    errors: list[FieldError] = []
    if not KEY.fullmatch(data.key):
        errors.append(
            FieldError(
                "key", _("lower-case letters, digits, dashes and underscores"), value=data.key
            )
        )
    if data.language not in {language.code for language in SHIPPED}:
        errors.append(
            FieldError("language", _("not a language Mentorwise ships"), value=data.language)
        )
    name = data.name.strip()
    if data.key not in catalog.STANDARD and not name:
        errors.append(FieldError("name", _("name the template")))
    if len(name) > 120 or any(ch < " " for ch in name):
        errors.append(FieldError("name", _("one line of at most 120 characters")))
    allowed = frozenset(v.name for v in catalog.variables_of(data.key))
    errors += text_errors("subject", data.subject, allowed, subject=True)
    errors += text_errors("body", data.body, allowed, subject=False)
    if errors:
        raise InvalidInput(errors)
    return TemplateInput(
        key=data.key,
        language=data.language,
        subject=data.subject.strip(),
        body=data.body.strip() + "\n",
        name=name,
    )


def broadcast_validate(data: BroadcastInput) -> BroadcastInput:
    """The input with a checked segment; a text given here is checked against the free-form
    variables (one from a saved template was checked when it was saved)."""
    errors: list[FieldError] = []
    try:
        segment = segment_validate(data.segment)
    except InvalidInput as error:
        errors += error.errors
        segment = data.segment
    if not data.template:
        errors += text_errors("subject", data.subject, catalog.FREE_FORM_NAMES, subject=True)
        errors += text_errors("body", data.body, catalog.FREE_FORM_NAMES, subject=False)
    elif data.template in catalog.STANDARD or not KEY.fullmatch(data.template):
        errors.append(FieldError("template", _("not a free-form template"), value=data.template))
    if errors:
        raise InvalidInput(errors)
    return BroadcastInput(
        subject=data.subject.strip(),
        body=data.body.strip() + "\n" if data.body.strip() else "",
        essential=data.essential,
        segment=segment,
        template=data.template,
    )
