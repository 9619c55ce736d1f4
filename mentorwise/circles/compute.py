"""Computing a circle run: a group program's enrollments as a `CircleProblem` for the pure
solver (mentorwise.matching.circles), solved, and its answer stored on the run for review.

Small runs are computed during the request, larger ones by the background task in
`circles/tasks.py`; queuing a run is `circles.runs.circle_run_create`.

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

from mentorwise.circles.models import (
    CircleMembership,
    CircleRole,
    CircleRun,
    CircleRunStatus,
)
from mentorwise.core.audit import audit_record
from mentorwise.matches.problem import Member, ProgramPool, program_pool
from mentorwise.matching import MatchingInputError
from mentorwise.matching.circles import CircleProblem, CircleSolution, solve_circles
from mentorwise.matching.scoring import ScoringModel
from mentorwise.programs.models import Enrollment, Program

# Seniority bands: job levels 1–2, 3–4, 5–6, 7–8, 9+.
BAND_WIDTH = 2


# What computing a run writes on its row.
RESULT_FIELDS = [
    "status",
    "error",
    "finished_at",
    "n_members",
    "n_circles",
    "n_assigned",
    "objective_value",
    "bound",
    "gap",
    "solver_status",
    "result",
]


@dataclass(frozen=True)
class CircleSettings:
    min_size: int
    max_size: int
    objective: str
    attribute: str
    mix_weight: float


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


def _solve(cpool: CirclePool, time_limit_s: float) -> tuple[CirclePool, CircleSolution]:
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
    deadline = time_limit_s
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


def circle_run_execute(*, run_id: int, time_limit_s: float | None = None) -> CircleRun:
    """Compute a queued run: mark it running, solve (slow work outside transactions), then
    store its proposal and supersede the program's previous finished run, or store why it
    failed. A run that is not queued any more (another worker took it) is returned as is.

    The solver stops after `time_limit_s` (default: the MENTORWISE_CIRCLE_TIME_LIMIT_S
    setting) with its best answer and the gap it proved."""
    taken = CircleRun.objects.filter(pk=run_id, status=CircleRunStatus.QUEUED).update(
        status=CircleRunStatus.RUNNING, started_at=timezone.now()
    )
    run = CircleRun.objects.select_related("program", "created_by").get(pk=run_id)
    if not taken:
        return run
    config = CircleSettings(
        min_size=run.min_size,
        max_size=run.max_size,
        objective=run.objective,
        attribute=run.attribute,
        mix_weight=run.mix_weight,
    )
    try:
        limit = time_limit_s or float(settings.MENTORWISE_CIRCLE_TIME_LIMIT_S)
        _compute(run, config, limit)
        run.status = CircleRunStatus.DONE
    except MatchingInputError as error:
        run.status, run.error = CircleRunStatus.FAILED, str(error)[:2000]
    except Exception as error:  # recorded on the run, then re-raised for the logs
        CircleRun.objects.filter(pk=run.pk).update(
            status=CircleRunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"Unexpected error: {type(error).__name__}",
        )
        raise
    run.finished_at = timezone.now()
    with transaction.atomic():
        CircleRun.objects.filter(program=run.program, status=CircleRunStatus.DONE).exclude(
            pk=run.pk
        ).update(status=CircleRunStatus.SUPERSEDED)
        run.save(update_fields=RESULT_FIELDS)
        audit_record(
            actor=run.created_by,
            action="circle_run.finished",
            target=run,
            data={"placed": run.n_assigned, "members": run.n_members, "status": run.status},
        )
    return run


def _compute(run: CircleRun, config: CircleSettings, time_limit_s: float) -> None:
    """Read the pool, solve and set the run's result fields (not saved)."""
    cpool = circle_pool(run.program, config)
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
        cpool, solution = _solve(cpool, time_limit_s)
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


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None
