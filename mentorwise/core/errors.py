"""Errors every layer raises: a stable snake_case `code` and a `message` for the user."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one value: where (row, field), what was there, and what is wrong."""

    field: str
    message: str
    row: int | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        shown = f" ({self.value!r})" if self.value not in (None, "") else ""
        return f"{where}{self.field}{shown}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "value": self.value, "message": self.message}


class MentorwiseError(Exception):
    """Base of the errors a user may see; views show `message`, the API returns `code` too."""

    code = "error"
    status = 400

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidInput(MentorwiseError):
    """Input failed validation; `errors` lists every problem found, not only the first."""

    code = "invalid_input"
    status = 422

    def __init__(self, errors: list[FieldError], message: str | None = None) -> None:
        self.errors = list(errors)
        if message is None:
            n = len(self.errors)
            first = f": {self.errors[0]}" if self.errors else ""
            message = f"{n} problem{'s' if n != 1 else ''} found{first}"
        super().__init__(message)


class NotFound(MentorwiseError):
    """The object does not exist or the actor may not know it exists (same answer for both)."""

    code = "not_found"
    status = 404

    def __init__(self, message: str = "Not found.", code: str | None = None) -> None:
        super().__init__(message, code)


class Forbidden(MentorwiseError):
    """The actor may see the object but not do this to it."""

    code = "forbidden"
    status = 403


class Conflict(MentorwiseError):
    """The action clashes with the current state (already decided, full, duplicate)."""

    code = "conflict"
    status = 409
