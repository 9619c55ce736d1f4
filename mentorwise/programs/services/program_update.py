"""Changing a program: every change checked first (`inputs.program_changes_validate`), then
saved at once with one audit row; nothing is saved if one change is wrong."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.programs.inclusion import inclusion_of
from mentorwise.programs.inputs import ProgramChanges, program_changes_validate
from mentorwise.programs.matching_config import matching_with_inclusion
from mentorwise.programs.models import Program
from mentorwise.programs.services.guards import require_manager


@transaction.atomic
def program_update(*, actor: Actor, program: Program, changes: ProgramChanges) -> Program:
    """Apply `changes` after validating all of them; nothing is saved if one is wrong."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    require_manager(actor, program)
    updated: dict[str, Any] = program_changes_validate(changes, program=program)
    inclusion_changed = "matching" in updated and matching_with_inclusion(
        actor=actor, program=program, matching=updated["matching"]
    )
    before = {k: getattr(program, k) for k in updated}
    for key, value in updated.items():
        setattr(program, key, value)
    program.updated_at = timezone.now()
    program.save(update_fields=[*updated, "updated_at"])
    changed = sorted(k for k in updated if before[k] != updated[k])
    audit_record(actor=actor, action="program.updated", target=program, data={"fields": changed})
    if inclusion_changed:
        audit_record(
            actor=actor,
            action="program.inclusion_set",
            target=program,
            data=inclusion_of(program.matching).as_config(),
        )
    return program
