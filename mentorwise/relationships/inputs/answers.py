"""A person's answer to a match offered to them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ninja import Field, Schema

from mentorwise.relationships.inputs.rules import COMMENT_MAX, documented_max, raise_any, too_long


@dataclass(frozen=True)
class MatchAnswer:
    """Accept or decline a match; a decline may say why (kept only with a decline)."""

    accept: bool
    reason: str = ""


def match_answer_validate(data: MatchAnswer) -> MatchAnswer:
    reason = data.reason.strip()
    raise_any([too_long("reason", reason, COMMENT_MAX)])
    return replace(data, reason="" if data.accept else reason)


class RespondIn(Schema):
    accept: bool = Field(description="true to accept, false to decline.")
    reason: str = Field(
        "", description="Why you decline (optional).", json_schema_extra=documented_max(COMMENT_MAX)
    )

    def to_input(self) -> MatchAnswer:
        return MatchAnswer(**self.model_dump())
