"""Circle matching runs: a group program's enrollments as a `CircleProblem` for the pure
solver (mentorwise.matching.circles), its answer stored for review, and publishing, which
forms the circles.

The hard rules are those of pair runs, computed by the same code (matches.problem's pool
and the engine's ScoringModel): a member may join a circle only if every rule allows the
pair (member, facilitator) — management chain, shared language when required, vetoes,
pairs the program manager forbade, mentor training. Two members may not share a circle
when one is in the other's management chain (to the program's depth).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.accounts.actors import Actor
from mentorwise.circles.models import (
    MAX_MEMBERS,
    MIN_MEMBERS,
    CircleMembership,
    CircleRole,
    CircleRun,
    CircleRunStatus,
    CircleStatus,
)
from mentorwise.circles.oversight import (
    circle_create,
    require_group_program,
    require_program_manager,
)
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict
from mentorwise.matches.problem import Member, ProgramPool, program_pool
from mentorwise.matching import MatchingInputError
from mentorwise.matching.circles import CircleProblem, CircleSolution, solve_circles
from mentorwise.matching.scoring import ScoringModel
from mentorwise.programs.models import Enrollment, Program

# What a program chooses (matching.options): the objective of the mix term and the
# attribute it mixes or matches.
OBJECTIVES = {
    "diversity": gettext_lazy("Diversity (mix the attribute within each circle)"),
    "similarity": gettext_lazy("Similarity (alike people together)"),
}
ATTRIBUTES = {
    "function": gettext_lazy("Function"),
    "seniority": gettext_lazy("Seniority band"),
}
DEFAULT_MAX = 8
# Seniority bands: job levels 1–2, 3–4, 5–6, 7–8, 9+.
BAND_WIDTH = 2
# Runs are computed during the request; the solver stops at this limit with its best
# answer and the gap it proved.
TIME_LIMIT_S = float(getattr(settings, "MENTORWISE_CIRCLE_TIME_LIMIT_S", 20.0))


@dataclass(frozen=True)
class CircleSettings:
    min_size: int
    max_size: int
    objective: str
    attribute: str
    mix_weight: float


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


@dataclass
class CirclePool:
    """Who a circle run places: members (mentees in no open circle) and facilitators
    (giving-side enrollments with capacity, not paused, facilitating no open circle)."""

    members: list[Member]
    facilitators: list[Enrollment]
    problem: CircleProblem | None
    model: ScoringModel | None
    rows: np.ndarray  # pool mentee index of each member
    cols: np.ndarray  # pool mentor index of each facilitator


def _group_codes(members: Sequence[Member], attribute: str) -> np.ndarray:
    if attribute == "seniority":
        return np.array([((m.job_level or 1) - 1) // BAND_WIDTH for m in members], dtype=np.int64)
    names: dict[str, int] = {}
    return np.array(
        [names.setdefault(m.function or "", len(names)) for m in members], dtype=np.int64
    )


def chain_pairs(members: Sequence[Member], depth: int) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, where one member is within `depth` levels above the other."""
    index = {m.person_id: i for i, m in enumerate(members)}
    pairs = set()
    for i, member in enumerate(members):
        for above in member.ancestor_ids[::-1][:depth]:
            j = index.get(above)
            if j is not None and j != i:
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def circle_pool(program: Program, config: CircleSettings) -> CirclePool:
    """Read the pool once and build the solver's problem (None when nobody to place)."""
    pool: ProgramPool = program_pool(program)
    in_circle = set(
        CircleMembership.objects.filter(
            circle__program=program, current=True, left_at__isnull=True
        ).values_list("enrollment_id", "role")
    )
    busy_members = {e for e, role in in_circle if role == CircleRole.MEMBER}
    busy_facilitators = {e for e, role in in_circle if role == CircleRole.FACILITATOR}
    rows = np.array(
        [i for i, m in enumerate(pool.mentee_members) if m.enrollment_id not in busy_members],
        dtype=np.int64,
    )
    cols = np.array(
        [
            j
            for j, e in enumerate(pool.mentor_enrollments)
            if e.capacity > 0 and not e.is_paused and e.pk not in busy_facilitators
        ],
        dtype=np.int64,
    )
    members = [pool.mentee_members[i] for i in rows]
    facilitators = [pool.mentor_enrollments[j] for j in cols]
    if not members or not facilitators or pool.mentees is None or pool.mentors is None:
        return CirclePool(members, facilitators, None, None, rows, cols)
    # A member who was once paired with a facilitator may well join their circle.
    model = ScoringModel(pool.mentees, pool.mentors, replace(pool.rules, previous_pairs=[]))
    fit, ok = model.raw_block(0, len(pool.mentee_members))
    fit, ok = fit[np.ix_(rows, cols)].astype(np.float64), ok[np.ix_(rows, cols)]
    depth = pool.rules.chain_exclusion_depth
    problem = CircleProblem(
        fit=fit,
        allowed=ok,
        min_size=config.min_size,
        max_size=config.max_size,
        forbidden_pairs=chain_pairs(members, depth) if depth > 0 else [],
        groups=_group_codes(members, config.attribute),
        objective=config.objective,
        mix_weight=config.mix_weight,
    )
    return CirclePool(members, facilitators, problem, model, rows, cols)


def _solve(cpool: CirclePool) -> tuple[CirclePool, CircleSolution]:
    """Solve with as many circles as the members can fill.

    The solver fills every circle it is given to the minimum size, so a run opens at most
    members // min_size circles: the facilitators with the most allowed fit first. When the
    hard rules still leave a circle unfillable (infeasible), the facilitator with the fewest
    allowed members is left out and the problem solved again.
    """
    assert cpool.problem is not None  # noqa: S101 - callers check
    problem = cpool.problem
    open_at_most = max(1, len(cpool.members) // problem.min_size)
    weight = np.where(problem.allowed, problem.fit, 0.0).sum(axis=0)
    keep = np.sort(np.argsort(-weight, kind="stable")[:open_at_most])
    deadline = TIME_LIMIT_S
    while True:
        sub = replace(problem, fit=problem.fit[:, keep], allowed=problem.allowed[:, keep])
        solution = solve_circles(sub, time_limit_s=max(1.0, deadline))
        if solution.status != "infeasible" or len(keep) <= 1:
            break
        deadline = max(1.0, deadline / 2)
        keep = np.delete(keep, int(np.argmin(sub.allowed.sum(axis=0))))
    narrowed = CirclePool(
        members=cpool.members,
        facilitators=[cpool.facilitators[j] for j in keep.tolist()],
        problem=sub,
        model=cpool.model,
        rows=cpool.rows,
        cols=cpool.cols[keep],
    )
    return narrowed, solution


def _reasons(cpool: CirclePool, solution: CircleSolution, assignment: np.ndarray) -> dict[str, str]:
    """A plain-language reason per member: the solver's (why this circle, or why none) and,
    for a placed member, what they share with the facilitator (the pair reasons of runs)."""
    assert cpool.model is not None  # noqa: S101 - only called with a problem
    out = {}
    for i, member in enumerate(cpool.members):
        j = int(assignment[i])
        said = "; ".join(solution.reasons[i]) if i < len(solution.reasons) else ""
        if j >= 0:
            facilitator = cpool.facilitators[j]
            why = cpool.model.explain(int(cpool.rows[i]), int(cpool.cols[j]), marks=False)
            shared = "; ".join(r.text for r in why.reasons[:2])
            text = _("Joins the circle of %(name)s: %(why)s") % {
                "name": facilitator.person.full_name,
                "why": "; ".join(t for t in (said, shared) if t),
            }
        else:
            text = _("Not placed: %(why)s") % {"why": said or _("no circle could take them")}
        out[str(member.enrollment_id)] = text[:500]
    return out


@transaction.atomic
def circle_run_create(*, actor: Actor, program: Program) -> CircleRun:
    """Run circle matching for a group program and store the proposal for review."""
    login = require_program_manager(actor, program)
    require_group_program(program)
    Program.objects.select_for_update().get(pk=program.pk)  # one run at a time per program
    config = circle_settings(program)
    run = CircleRun(
        program=program,
        created_by=login,
        status=CircleRunStatus.DONE,
        objective=config.objective,
        attribute=config.attribute,
        min_size=config.min_size,
        max_size=config.max_size,
    )
    try:
        cpool = circle_pool(program, config)
        run.n_members = len(cpool.members)
        if cpool.problem is None:
            assignment = np.full(len(cpool.members), -1, dtype=np.int64)
            run.result = {
                "circles": [],
                "reasons": {
                    str(m.enrollment_id): _("Not placed: no facilitator has room for a circle.")
                    for m in cpool.members
                },
            }
            run.solver_status = "empty"
            run.n_circles = len(cpool.facilitators)
        else:
            cpool, solution = _solve(cpool)
            assignment = np.asarray(solution.assignment, dtype=np.int64)
            with translation.override(settings.LANGUAGE_CODE):  # stored, read by all
                reasons = _reasons(cpool, solution, assignment)
            run.n_circles = len(cpool.facilitators)
            run.objective_value = _number(solution.objective)
            run.bound = _number(solution.bound)
            run.gap = _number(solution.gap)
            run.solver_status = solution.status[:40]
            run.result = {
                "circles": [
                    {
                        "facilitators": [f.pk],
                        "members": [
                            cpool.members[i].enrollment_id
                            for i in np.flatnonzero(assignment == j).tolist()
                        ],
                    }
                    for j, f in enumerate(cpool.facilitators)
                ],
                "reasons": reasons,
            }
        run.n_assigned = int((assignment >= 0).sum())
    except MatchingInputError as error:
        run.status, run.error = CircleRunStatus.FAILED, str(error)[:2000]
    CircleRun.objects.filter(program=program, status=CircleRunStatus.DONE).update(
        status=CircleRunStatus.SUPERSEDED
    )
    run.save()
    audit_record(
        actor=actor,
        action="circle_run.finished",
        target=run,
        data={"placed": run.n_assigned, "members": run.n_members, "status": run.status},
    )
    return run


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


@transaction.atomic
def circle_run_publish(*, actor: Actor, run: CircleRun) -> int:
    """Form a circle for each proposed circle with at least the minimum members; returns
    how many. A run is published once; a newer run replaces an unpublished one."""
    require_program_manager(actor, run.program)
    run = CircleRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    if run.status != CircleRunStatus.DONE:
        raise Conflict(
            _("Only the latest finished run can be published (this one is %(status)s).")
            % {"status": run.get_status_display().lower()},
            code="run_not_publishable",
        )
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
