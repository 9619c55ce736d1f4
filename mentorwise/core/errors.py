"""Errors every layer raises: a stable snake_case `code` and a `message` for the user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class FieldError:
    """One problem with one value: where (row, field), what was there, and what is wrong."""

    field: str
    message: str
    row: int | None = None
    value: str | None = None

    def __str__(self) -> str:
        values = {"row": self.row, "field": self.field, "value": repr(self.value)}
        values["message"] = self.message
        if self.value in (None, ""):
            if self.row is None:
                return _("%(field)s: %(message)s") % values
            return _("row %(row)s, %(field)s: %(message)s") % values
        if self.row is None:
            return _("%(field)s (%(value)s): %(message)s") % values
        return _("row %(row)s, %(field)s (%(value)s): %(message)s") % values

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
    """Input failed validation; `errors` lists the problems found, not only the first.

    A bulk input (an HRIS file) may list only its first problems: `total` counts them all (or,
    with `at_least`, those found before the checking stopped) and `truncated` says that more
    were found than are listed.
    """

    code = "invalid_input"
    status = 422

    def __init__(
        self,
        errors: list[FieldError],
        message: str | None = None,
        *,
        total: int | None = None,
        at_least: bool = False,
    ) -> None:
        self.errors = list(errors)
        self.total = max(total or 0, len(self.errors))
        self.at_least = at_least
        if message is None:
            message = _problems_found(self.total, self.errors[0] if self.errors else None, at_least)
        super().__init__(message)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.errors)


def _problems_found(total: int, first: FieldError | None, at_least: bool) -> str:
    """ "3 problems found: row 2, email: …" (the first problem, if any, after the count)."""
    values = {"count": f"{total:,}", "first": str(first) if first is not None else ""}
    if at_least and first is not None:
        text = ngettext(
            "at least %(count)s problem found: %(first)s",
            "at least %(count)s problems found: %(first)s",
            total,
        )
    elif at_least:
        text = ngettext(
            "at least %(count)s problem found", "at least %(count)s problems found", total
        )
    elif first is not None:
        text = ngettext(
            "%(count)s problem found: %(first)s", "%(count)s problems found: %(first)s", total
        )
    else:
        text = ngettext("%(count)s problem found", "%(count)s problems found", total)
    return text % values


class ErrorLog:
    """The problems of a bulk input: the first `limit` kept in row order, all of them counted.

    A file of millions of bad rows must not become millions of error objects (that is memory
    in proportion to the file), and nobody reads past the first screenful: they fix those and
    try again. Past `stop_after` problems the checking may stop (see `exhausted`): counting
    further costs time and tells nothing more.
    """

    def __init__(self, limit: int, *, stop_after: int | None = None) -> None:
        self.limit = limit
        self.stop_after = stop_after
        self.errors: list[FieldError] = []
        self.total = 0

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def full(self) -> bool:
        """No more problems are kept, only counted: call `tally()` instead of building one."""
        return len(self.errors) >= self.limit

    @property
    def exhausted(self) -> bool:
        return self.stop_after is not None and self.total >= self.stop_after

    def add(self, error: FieldError) -> None:
        self.total += 1
        if len(self.errors) < self.limit:
            self.errors.append(error)

    def tally(self) -> None:
        """Count one more problem without keeping it (the list is `full`)."""
        self.total += 1

    def merge(self, errors: Iterable[FieldError], total: int) -> None:
        """Add `total` problems found elsewhere, of which `errors` are the first by row."""
        kept = sorted([*self.errors, *errors], key=lambda e: e.row or 0)  # stable: row order
        self.errors = kept[: self.limit]
        self.total += total

    def replace(self, error: FieldError) -> None:
        """One problem that makes the others meaningless (a file that is not text at all)."""
        self.errors, self.total = [error], 1

    def raise_if_any(self) -> None:
        if self.total:
            raise InvalidInput(self.errors, total=self.total, at_least=self.exhausted)


class NotFound(MentorwiseError):
    """The object does not exist or the actor may not know it exists (same answer for both)."""

    code = "not_found"
    status = 404

    def __init__(self, message: str | None = None, code: str | None = None) -> None:
        super().__init__(_("Not found.") if message is None else message, code)


class Forbidden(MentorwiseError):
    """The actor may see the object but not do this to it."""

    code = "forbidden"
    status = 403


class Conflict(MentorwiseError):
    """The action clashes with the current state (already decided, full, duplicate)."""

    code = "conflict"
    status = 409
