"""A program's managers acting on several of its pairs at once: a reminder, an early closure."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ninja import Field, Schema

from mentorwise.relationships.inputs.feedback import closure_reason_problem
from mentorwise.relationships.inputs.rules import (
    COMMENT_MAX,
    LONG_TEXT_MAX,
    documented_max,
    raise_any,
    too_long,
)
from mentorwise.relationships.models import ClosureKind

# Input objects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkReminder:
    """An e-mail to the selected pairs; an empty message sends the usual reminder."""

    relationship_ids: list[int]
    message: str = ""


@dataclass(frozen=True)
class BulkClosure:
    """The selected relationships closed early, all with one reason."""

    relationship_ids: list[int]
    reason: str


# Validation (which relationships the manager may act on is the service's question) --------


def bulk_reminder_validate(data: BulkReminder) -> BulkReminder:
    raise_any([too_long("message", data.message.strip(), LONG_TEXT_MAX)])
    return replace(data, message=data.message.strip())


def bulk_closure_validate(data: BulkClosure) -> BulkClosure:
    """The reason a single early closure needs (`closure_validate`), all problems at once."""
    reason = data.reason.strip()
    raise_any(
        [
            closure_reason_problem(ClosureKind.EARLY, reason),
            too_long("reason", reason, COMMENT_MAX),
        ]
    )
    return replace(data, reason=reason)


# Schema: the API body to input objects, one to one ---------------------------------------


class BulkIn(Schema):
    relationships: list[int] = Field(description="Relationship ids in this program.")
    message: str = Field(
        "", description="Reminder text (remind).", json_schema_extra=documented_max(LONG_TEXT_MAX)
    )
    reason: str = Field(
        "", description="Closure reason (close).", json_schema_extra=documented_max(COMMENT_MAX)
    )

    def to_reminder(self) -> BulkReminder:
        return BulkReminder(relationship_ids=self.relationships, message=self.message)

    def to_closure(self) -> BulkClosure:
        return BulkClosure(relationship_ids=self.relationships, reason=self.reason)
