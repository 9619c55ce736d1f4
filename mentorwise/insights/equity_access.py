"""Who may read which equity breakdowns, and the audit of every read of demographic ones."""

from __future__ import annotations

from collections.abc import Sequence

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.audit import audit_record
from mentorwise.insights.access import access_insights_program
from mentorwise.insights.equity_groups import DEMOGRAPHIC_DIMENSIONS, DIMENSIONS
from mentorwise.programs.models import Program


def equity_dimensions_for(actor: Actor, program: Program) -> tuple[str, ...]:
    """The breakdowns `actor` may read for `program` (already checked with
    `access_insights_program`): all five for HR admins; level, function and location for the
    program's managers and for executives."""
    if is_hr_admin(actor):
        return DIMENSIONS
    return tuple(d for d in DIMENSIONS if d not in DEMOGRAPHIC_DIMENSIONS)


def access_equity(*, actor: Actor, slug: str) -> tuple[Program, tuple[str, ...]]:
    """The program and the breakdowns the actor may read; NotFound for anyone who may not
    read the program's insights (mentees, mentors, outsiders, other programs' managers)."""
    program = access_insights_program(actor=actor, slug=slug)
    return program, equity_dimensions_for(actor, program)


DEMOGRAPHICS_VIEWED = "insights.demographics_viewed"


def record_demographics_viewed(
    *, actor: Actor, program: Program, dimensions: Sequence[str], sides: Sequence[str], via: str
) -> None:
    """Audit a read of demographic breakdowns (page, CSV or API); nothing when none is read."""
    shown = [d for d in dimensions if d in DEMOGRAPHIC_DIMENSIONS]
    if shown:
        audit_record(
            actor=actor,
            action=DEMOGRAPHICS_VIEWED,
            target=program,
            data={"dimensions": shown, "sides": list(sides), "via": via},
        )
