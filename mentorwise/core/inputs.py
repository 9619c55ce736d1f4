"""Raw values (an API body, a CLI's options) parsed by an input schema, and problems said at
the terminal: what every app's `inputs` and management commands share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic
from django.utils.translation import gettext as _
from ninja import Schema

from mentorwise.core.errors import FieldError, InvalidInput, MentorwiseError

S = TypeVar("S", bound=Schema)


def schema_parse(schema: type[S], data: Mapping[str, Any]) -> S:
    """`data` parsed by `schema`, or InvalidInput naming each bad field (as the API says it)."""
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as error:
        raise InvalidInput(
            [FieldError(".".join(str(p) for p in e["loc"]), str(e["msg"])) for e in error.errors()]
        ) from None


def problems_text(error: MentorwiseError) -> str:
    """A refusal for the terminal: every field problem on a line of its own."""
    if isinstance(error, InvalidInput) and error.errors:
        return "\n".join([_("The input is not valid:"), *(f"  {e}" for e in error.errors)])
    return error.message
