"""Journey use cases: copy a template's journey, edit steps, mark steps done.

Each write is one transaction with its audit row. Editing is for the program's managers
and HR admins (`permissions.require_journey_editor`); marking a step done is for either
person of the pair (`relationships.permissions.require_member`), in an active relationship.
"""

from __future__ import annotations

from dataclasses import asdict

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, InvalidInput, NotFound
from mentorwise.journeys.catalog import journey_template
from mentorwise.journeys.inputs import StepInput, step_validate
from mentorwise.journeys.models import Journey, JourneyStep, StepCompletion
from mentorwise.journeys.permissions import require_journey_editor
from mentorwise.journeys.progress import due_on, step_applies
from mentorwise.programs.models import Program
from mentorwise.relationships.models import Relationship, RelationshipStatus
from mentorwise.relationships.permissions import require_active, require_member


def program_journey(program: Program) -> Journey:
    """The program's journey, copied from its template's the first time it is needed.

    Programs are created below this app (programs.services), so the copy is made on first
    use, like a program's surveys (`relationships.services.survey_for`): the journey's page,
    its API, the reminders' job and the demo all come here; the data migration copied
    the journeys of the programs that existed before. Once copied, the journey is the
    program's own: an emptied journey stays empty.
    """
    journey = Journey.objects.filter(program=program).first()
    if journey is not None:
        return journey
    try:
        with transaction.atomic():
            journey = Journey.objects.create(program=program, template_key=program.template_key)
            _copy_template(journey, program)
    except IntegrityError:  # another request copied it at the same moment
        return Journey.objects.get(program=program)
    return journey


def journeys_copy_missing() -> int:
    """Copy the template journey of every program with an active relationship that has none
    yet (the reminders' job, before it reads journeys); how many were copied."""
    programs = Program.objects.filter(
        journey__isnull=True, relationships__status=RelationshipStatus.ACTIVE
    ).distinct()
    copied = 0
    for program in programs:
        program_journey(program)
        copied += 1
    return copied


def _copy_template(journey: Journey, program: Program) -> None:
    # Steps from the template were there from the start (added_at None): they apply to
    # every relationship of the program (progress.step_applies).
    specs = sorted(journey_template(program.template_key), key=lambda s: s.approx_days)
    JourneyStep.objects.bulk_create(
        [
            JourneyStep(
                journey=journey,
                position=n,
                kind=spec.kind,
                offset_value=spec.offset[0],
                offset_unit=spec.offset[1],
                title=spec.title,
                body=spec.body,
                guide_type=spec.guide_type,
                questions=list(spec.questions),
                url=spec.url,
                added_at=None,
            )
            for n, spec in enumerate(specs, start=1)
        ]
    )


def _step_fields(data: StepInput) -> dict[str, object]:
    values = asdict(data)
    values["questions"] = list(data.questions)
    return values


@transaction.atomic
def journey_step_add(
    *, actor: Actor, program: Program, data: StepInput, position: int | None = None
) -> JourneyStep:
    """Add a step to the program's journey (at `position`, 1-based; last by default).

    It applies to the relationships whose due date for it is today or later
    (progress.step_applies)."""
    require_journey_editor(actor, program)
    clean = step_validate(data)
    journey = program_journey(program)
    Journey.objects.select_for_update().filter(pk=journey.pk).first()  # one editor at a time
    last = journey.steps.filter(removed_at__isnull=True).aggregate(n=Max("position"))["n"] or 0
    now = timezone.now()
    step = JourneyStep.objects.create(
        journey=journey, position=last + 1, added_at=now, updated_at=now, **_step_fields(clean)
    )
    if position is not None:
        _place(step, position)
    _touch(journey)
    audit_record(
        actor=actor,
        action="journey.step_added",
        target=step,
        data={"program": program.slug, "title": step.title, "kind": step.kind},
    )
    return step


@transaction.atomic
def journey_step_update(*, actor: Actor, step: JourneyStep, data: StepInput) -> JourneyStep:
    """Change a step; relationships under way see the change (a step done stays done)."""
    require_journey_editor(actor, step.journey.program)
    clean = step_validate(data)
    for name, value in _step_fields(clean).items():
        setattr(step, name, value)
    step.updated_at = timezone.now()
    step.save()
    _touch(step.journey)
    audit_record(
        actor=actor,
        action="journey.step_changed",
        target=step,
        data={"program": step.journey.program.slug, "title": step.title, "kind": step.kind},
    )
    return step


@transaction.atomic
def journey_step_move(*, actor: Actor, step: JourneyStep, position: int) -> JourneyStep:
    """Put a step at `position` (1-based) of the journey's order; the others follow."""
    require_journey_editor(actor, step.journey.program)
    count = step.journey.steps.filter(removed_at__isnull=True).count()
    if not 1 <= position <= count:
        raise InvalidInput(
            [
                FieldError(
                    "position",
                    _("must be between 1 and %(count)s") % {"count": count},
                    value=str(position),
                )
            ]
        )
    _place(step, position)
    _touch(step.journey)
    audit_record(
        actor=actor,
        action="journey.step_moved",
        target=step,
        data={"program": step.journey.program.slug, "position": position},
    )
    step.refresh_from_db()
    return step


def _place(step: JourneyStep, position: int) -> None:
    steps = [
        s
        for s in step.journey.steps.select_for_update()
        .filter(removed_at__isnull=True)
        .order_by("position", "id")
        if s.pk != step.pk
    ]
    position = max(1, min(position, len(steps) + 1))
    steps.insert(position - 1, step)
    for n, s in enumerate(steps, start=1):
        s.position = n
    JourneyStep.objects.bulk_update(steps, ["position"])


@transaction.atomic
def journey_step_remove(*, actor: Actor, step: JourneyStep) -> None:
    """Take a step out of the journey: it no longer shows or counts anywhere (the pairs'
    records of it are kept)."""
    require_journey_editor(actor, step.journey.program)
    step.removed_at = timezone.now()
    step.save(update_fields=["removed_at"])
    _touch(step.journey)
    audit_record(
        actor=actor,
        action="journey.step_removed",
        target=step,
        data={"program": step.journey.program.slug, "title": step.title},
    )


def _touch(journey: Journey) -> None:
    Journey.objects.filter(pk=journey.pk).update(updated_at=timezone.now())


def relationship_step(*, relationship: Relationship, step_id: int) -> JourneyStep:
    """A step of the relationship's journey that applies to it; NotFound otherwise."""
    step = (
        JourneyStep.objects.filter(
            pk=step_id, journey__program_id=relationship.program_id, removed_at__isnull=True
        )
        .select_related("journey")
        .first()
    )
    if step is None or not (
        step_applies(
            due=due_on(relationship.started_at, step.offset_value, step.offset_unit),
            added_at=step.added_at,
        )
        or StepCompletion.objects.filter(relationship=relationship, step=step).exists()
    ):
        raise NotFound(_("No such journey step."))
    return step


@transaction.atomic
def journey_step_mark(
    *, actor: Actor, relationship: Relationship, step: JourneyStep, done: bool
) -> StepCompletion | None:
    """Mark a step done (or not done again) in a relationship: either person of the pair,
    while it is active; who marked it is recorded. Marking twice changes nothing."""
    user, _side = require_member(actor, relationship)
    require_active(relationship)
    if step.journey.program_id != relationship.program_id:
        raise NotFound(_("No such journey step."))
    existing = StepCompletion.objects.filter(relationship=relationship, step=step).first()
    if done and existing is None:
        completion = StepCompletion.objects.create(
            relationship=relationship, step=step, done_by=user, done_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="journey.step_done",
            target=relationship,
            data={"step": step.pk, "title": step.title},
        )
        return completion
    if not done and existing is not None:
        existing.delete()
        audit_record(
            actor=actor,
            action="journey.step_undone",
            target=relationship,
            data={"step": step.pk, "title": step.title},
        )
        return None
    return existing
