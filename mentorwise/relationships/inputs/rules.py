"""The limits of what a person may enter on a relationship, and how a broken one is said.

Each limit is a number here, read by the validators (`inputs.*`), by the page forms (as the
browser's `maxlength`, `min` and `max`) and by the API schemas (as the documented `maxLength`):
the server checks it in one place, the validators.
"""

from __future__ import annotations

from typing import Any, Literal

from django.utils.translation import gettext as _

from mentorwise.core.errors import FieldError, InvalidInput

TITLE_MAX = 200  # a goal's or a milestone's title
LONG_TEXT_MAX = 5000  # a goal's SMART texts, the agreement's texts, a safety report
COMMENT_MAX = 2000  # a check-in comment, a closure reason, a sponsorship action
LINE_MAX = 300  # a meeting's place or topics
PRIVATE_NOTE_MAX = 20000
DURATION_MINUTES = (5, 480)
PULSE = (1, 5)
PROGRESS = (0, 100)


def raise_any(errors: list[FieldError | None]) -> None:
    """InvalidInput with every problem found (None: that rule passed), if there is one."""
    if found := [e for e in errors if e is not None]:
        raise InvalidInput(found)


def too_long(field: str, value: str, limit: int) -> FieldError | None:
    if len(value) > limit:
        return FieldError(field, _("must be at most %(n)s characters") % {"n": limit})
    return None


def out_of_range(
    field: str, value: int, bounds: tuple[int, int], unit: Literal["", "minutes", "days"] = ""
) -> FieldError | None:
    """`must be 5 to 480 minutes` when `value` is outside `bounds` (both included)."""
    low, high = bounds
    if low <= value <= high:
        return None
    sentences = {
        "": _("must be %(low)s to %(high)s"),
        "minutes": _("must be %(low)s to %(high)s minutes"),
        "days": _("must be %(low)s to %(high)s days"),
    }
    return FieldError(field, sentences[unit] % {"low": low, "high": high}, value=str(value))


def not_one_of(field: str, value: str, choices: list[str]) -> FieldError | None:
    if value in choices:
        return None
    return FieldError(
        field, _("must be one of %(choices)s") % {"choices": ", ".join(choices)}, value=value
    )


def documented_max(limit: int) -> dict[str, Any]:
    """An API field's `maxLength` in the OpenAPI document (`json_schema_extra`), checked by
    the validator, so the API names an over-long value as the page and the CLI do, not in
    the parser's words."""
    return {"maxLength": limit}
