"""Circle matching runs: queuing one for a group program (computed at once when small, as
pair runs are, else by the background worker: `circles/compute.py` does the computing),
reviewing its proposal, and publishing it, which forms the circles.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.accounts.actors import Actor
from mentorwise.circles.compute import CircleSettings, circle_run_execute
from mentorwise.circles.models import (
    IN_PROGRESS,
    MAX_MEMBERS,
    MIN_MEMBERS,
    CircleRun,
    CircleRunStatus,
    CircleStatus,
)
from mentorwise.circles.oversight import (
    circle_create,
    require_group_program,
    require_program_manager,
)
from mentorwise.circles.tasks import circle_run_task
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict
from mentorwise.matches.runs import run_is_small
from mentorwise.matches.stale import runs_abandon_stale
from mentorwise.programs.models import Enrollment, Program

OBJECTIVES = {
    "diversity": gettext_lazy("Diversity (mix the attribute within each circle)"),
    "similarity": gettext_lazy("Similarity (alike people together)"),
}
ATTRIBUTES = {
    "function": gettext_lazy("Function"),
    "seniority": gettext_lazy("Seniority band"),
}
DEFAULT_MAX = 8
# Pair runs' rule for what is computed during the request (matches.runs.run_is_small), with
# a lower count: reading and scoring the pool costs what a pair run's does, but the circle
# solver spends its whole time limit on small exact problems (CP-SAT rarely proves them
# optimal: 30 members and 5 facilitators already run to the limit) and a run writes a reason
# per member. Up to this many member x facilitator enrollment pairs a run is computed in the
# request, its solver stopped at INLINE_TIME_LIMIT_S (more time barely moves the gap of such
# problems: 16 % after 3 s, 15 % after 60 s); larger runs go to the background worker, which
# has MENTORWISE_CIRCLE_TIME_LIMIT_S (default 60 s).
INLINE_PAIRS = 20_000
INLINE_TIME_LIMIT_S = 10.0


def circle_settings(program: Program) -> CircleSettings:
    """The program's circle matching settings with their defaults (validated on save by
    programs.matching_config)."""
    options = program.matching.get("options", {})
    max_size = int(options.get("circle_max_size") or options.get("circle_size") or DEFAULT_MAX)
    max_size = max(MIN_MEMBERS, min(MAX_MEMBERS, max_size))
    min_size = max(MIN_MEMBERS, min(max_size, int(options.get("circle_min_size") or MIN_MEMBERS)))
    objective = str(options.get("circle_objective") or "diversity")
    attribute = str(options.get("circle_attribute") or "function")
    return CircleSettings(
        min_size=min_size,
        max_size=max_size,
        objective=objective if objective in OBJECTIVES else "diversity",
        attribute=attribute if attribute in ATTRIBUTES else "function",
        mix_weight=float(options.get("circle_mix_weight", 1.0)),
    )


@transaction.atomic
def circle_run_queue(*, actor: Actor, program: Program) -> CircleRun:
    """Record a queued circle run with the program's settings; refused (Conflict) while
    another run of the program is queued or running. Computing it is `circle_run_create`'s
    (or the caller's, as the command does)."""
    login = require_program_manager(actor, program)
    require_group_program(program)
    Program.objects.select_for_update().get(pk=program.pk)  # one run at a time per program
    require_no_run_in_progress(program)
    config = circle_settings(program)
    run = CircleRun.objects.create(
        program=program,
        created_by=login,
        status=CircleRunStatus.QUEUED,
        objective=config.objective,
        attribute=config.attribute,
        min_size=config.min_size,
        max_size=config.max_size,
        mix_weight=config.mix_weight,
    )
    audit_record(actor=actor, action="circle_run.created", target=run)
    return run


def circle_run_create(*, actor: Actor, program: Program) -> CircleRun:
    """Run circle matching for a group program and store the proposal for review: computed
    now when the program is small (as pair runs are), else queued for the background worker
    after commit (the run is returned queued; its page follows it)."""
    run = circle_run_queue(actor=actor, program=program)
    if run_is_small(program, limit=INLINE_PAIRS):
        limit = min(INLINE_TIME_LIMIT_S, float(settings.MENTORWISE_CIRCLE_TIME_LIMIT_S))
        return circle_run_execute(run_id=run.pk, time_limit_s=limit)
    transaction.on_commit(lambda: circle_run_task.enqueue(run.pk))
    return run


def require_no_run_in_progress(program: Program) -> None:
    runs_abandon_stale(program.circle_runs.all(), action="circle_run.abandoned")
    if program.circle_runs.filter(status__in=IN_PROGRESS).exists():
        raise Conflict(
            _("A circle matching run of this program is already in progress."),
            code="run_in_progress",
        )


def latest_run(program: Program) -> CircleRun | None:
    """The program's newest circle run (its state shows on the Matching and Circles pages)."""
    return program.circle_runs.first()


@transaction.atomic
def circle_run_publish(*, actor: Actor, run: CircleRun) -> int:
    """Form a circle for each proposed circle with at least the minimum members; returns
    how many. A run is published once; a newer run replaces an unpublished one, and none is
    published while a newer one is being computed (it would propose people placed now)."""
    require_program_manager(actor, run.program)
    Program.objects.select_for_update().get(pk=run.program_id)  # as circle_run_queue
    run = CircleRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    if run.status != CircleRunStatus.DONE:
        raise Conflict(
            _("Only the latest finished run can be published (this one is %(status)s).")
            % {"status": run.get_status_display().lower()},
            code="run_not_publishable",
        )
    require_no_run_in_progress(run.program)
    formed = 0
    existing = run.program.circles.count()
    for proposal in run.result.get("circles", []):
        members = proposal.get("members", [])
        if len(members) < max(MIN_MEMBERS, run.min_size):
            continue
        lead = Enrollment.objects.select_related("person").get(pk=proposal["facilitators"][0])
        with translation.override(run.program.language or settings.LANGUAGE_CODE):
            name = _("Circle %(n)d · %(name)s") % {
                "n": existing + formed + 1,
                "name": lead.person.full_name,
            }
        circle_create(
            actor=actor,
            program=run.program,
            name=name[:120],
            facilitator_ids=proposal["facilitators"],
            member_ids=members,
            run=run,
        )
        formed += 1
    run.status, run.published_at = CircleRunStatus.PUBLISHED, timezone.now()
    run.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="circle_run.published", target=run, data={"circles": formed})
    return formed


def open_circles(program: Program) -> int:
    return program.circles.filter(status=CircleStatus.ACTIVE).count()


@dataclass(frozen=True)
class ProposedCircle:
    facilitators: list[str]
    members: list[tuple[str, str]]  # (name, reason)
    too_small: bool


@dataclass(frozen=True)
class RunReview:
    circles: list[ProposedCircle]
    unplaced: list[tuple[str, str]]


def run_review(run: CircleRun) -> RunReview:
    """The run's proposed circles with names and each member's reason (for its page)."""
    proposals = run.result.get("circles", [])
    reasons: dict[str, str] = run.result.get("reasons", {})
    ids = {pk for p in proposals for pk in p.get("facilitators", []) + p.get("members", [])}
    ids |= {int(pk) for pk in reasons}
    names = {
        e.pk: e.person.full_name
        for e in Enrollment.objects.filter(pk__in=ids).select_related("person")
    }
    placed: set[int] = set()
    circles = []
    for proposal in proposals:
        members = proposal.get("members", [])
        placed.update(members)
        if not members:
            continue
        circles.append(
            ProposedCircle(
                facilitators=[names.get(pk, "?") for pk in proposal.get("facilitators", [])],
                members=[(names.get(pk, "?"), reasons.get(str(pk), "")) for pk in members],
                too_small=len(members) < max(MIN_MEMBERS, run.min_size),
            )
        )
    unplaced = [
        (names.get(int(pk), "?"), text) for pk, text in reasons.items() if int(pk) not in placed
    ]
    return RunReview(circles=circles, unplaced=sorted(unplaced))
