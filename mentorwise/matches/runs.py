"""Computing a matching run: read the pool, score, solve, store the proposals.

Small runs are computed during the request; larger ones by the background task in
`matches/tasks.py`. Queuing a run is `services.run_create` / `services.run_dispatch`.
"""

from __future__ import annotations

import time

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation

from mentorwise.core.audit import audit_record
from mentorwise.core.progress import ProgressCallback
from mentorwise.matches.models import (
    Match,
    MatchingRun,
    MatchSource,
    MatchStatus,
    RunStatus,
    UnmatchedMentee,
)
from mentorwise.matches.problem import (
    ProgramPool,
    giving_role,
    is_peer_program,
    program_pool,
    taking_role,
)
from mentorwise.matches.scores import PAGE_WORDS
from mentorwise.matching import MatchingInputError, solve
from mentorwise.matching.peer import PeerProblem, peer_candidates, solve_peers
from mentorwise.matching.scoring import ScoringModel
from mentorwise.programs.models import EnrollmentStatus, Program

# (mentee row, mentor column, score, reasons in English, reasons in the other languages)
Proposal = tuple[int, int, float, list[str], dict[str, list[str]]]

# Runs up to this many mentee x mentor pairs are computed during the request (a few
# seconds at most); larger ones go to the background worker.
INLINE_PAIRS = 4_000_000

# Dense scoring below this many pairs; above it the engine scores in blocks and proves the
# optimum by column generation, never holding the full matrix.
DENSE_PAIRS = 4_000_000


def run_is_small(program: Program, limit: int = INLINE_PAIRS) -> bool:
    """Whether a run fits in a web request: at most `limit` pairs of active enrollments on
    the taking and the giving side (see INLINE_PAIRS; circle runs pass their own limit)."""
    role = giving_role(program)
    counts = dict(
        program.enrollments.filter(status=EnrollmentStatus.ACTIVE)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return counts.get(taking_role(program), 0) * counts.get(role, 0) <= limit


class _ProgressWriter:
    """Store a run's progress on its row at most twice a second (pages poll it)."""

    def __init__(self, run_id: int, forward: ProgressCallback | None) -> None:
        self.run_id, self.forward, self.last = run_id, forward, 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.forward is not None:
            self.forward(stage, done, total)
        now = time.monotonic()
        if now - self.last >= 0.5 or done >= total:
            self.last = now
            MatchingRun.objects.filter(pk=self.run_id).update(
                progress_stage=stage[:80], progress_done=max(done, 0), progress_total=max(total, 0)
            )


def run_execute(*, run_id: int, progress: ProgressCallback | None = None) -> MatchingRun:
    """Score, solve and store the proposals of a queued run (slow work outside transactions)."""
    updated = MatchingRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    run = MatchingRun.objects.select_related("program").get(pk=run_id)
    if not updated:
        return run  # another worker took it, or it already ran
    report = _ProgressWriter(run.pk, progress)
    try:
        report("Reading participants", 0, 1)
        pool = program_pool(run.program)
        report("Reading participants", 1, 1)
        solver = _solve_peer if is_peer_program(run.program) else _solve
        proposals, unmatched, total, bound = solver(pool, run.method, report)
    except MatchingInputError as error:
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=str(error)
        )
        run.refresh_from_db()
        return run
    except Exception as error:  # recorded on the run, then re-raised for the logs
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"Unexpected error: {type(error).__name__}",
        )
        raise
    with transaction.atomic():
        Match.objects.filter(program=run.program, status=MatchStatus.PROPOSED, locked=False).update(
            status=MatchStatus.SUPERSEDED
        )
        Match.objects.bulk_create(
            [
                Match(
                    program=run.program,
                    run=run,
                    mentee_id=pool.mentee_members[i].enrollment_id,
                    mentor=pool.mentor_enrollments[j],
                    source=MatchSource.RUN,
                    status=MatchStatus.PROPOSED,
                    score=score,
                    reasons=reasons,
                    reasons_by_language=by_language,
                )
                for i, j, score, reasons, by_language in proposals
            ],
            batch_size=1000,
        )
        UnmatchedMentee.objects.bulk_create(
            [
                UnmatchedMentee(
                    run=run, mentee_id=pool.mentee_members[i].enrollment_id, reason=reason[:300]
                )
                for i, reason in unmatched
            ],
            batch_size=1000,
        )
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            finished_at=timezone.now(),
            n_mentees=len(pool.mentee_members),
            n_mentors=len(pool.mentor_enrollments),
            n_matched=len(proposals),
            total_score=total,
            upper_bound=bound,
            progress_stage="Done",
        )
        run.refresh_from_db()
        audit_record(
            actor=run.created_by,
            action="matching_run.finished",
            target=run,
            data={"matched": run.n_matched, "unmatched": len(unmatched)},
        )
    return run


def _solve(
    pool: ProgramPool, method: str, report: ProgressCallback
) -> tuple[list[Proposal], list[tuple[int, str]], float, float | None]:
    n, m = len(pool.mentee_members), len(pool.mentor_enrollments)
    if n == 0:
        return [], [], 0.0, 0.0
    if m == 0 or not pool.capacities.any():
        return [], [(i, "No mentor has room left in this program.") for i in range(n)], 0.0, 0.0
    assert pool.mentees is not None and pool.mentors is not None  # noqa: S101 - n, m > 0
    report("Scoring pairs", 0, 1)
    model = ScoringModel(pool.mentees, pool.mentors, pool.rules)
    report("Scoring pairs", 1, 1)
    if n * m <= DENSE_PAIRS:
        scores = model.dense()
        allowed = np.isfinite(scores)
        scores[~allowed] = 0.0
        result = solve(scores, pool.capacities, method=method, allowed=allowed, progress=report)
    else:
        result = solve(
            model, pool.capacities, method=method, certify=method == "optimal", progress=report
        )
    proposals = []
    fits = []
    for i, j in result.pairs.tolist():
        # Stored reasons reach both people of the pair (page, e-mail, API): no marks in them.
        explanation = model.explain(i, j, marks=False)
        fits.append(float(explanation.score))
        proposals.append(
            (i, j, round(fits[-1], 4), [r.text for r in explanation.reasons], _worded(model, i, j))
        )
    unmatched = [
        (i, model.explain_unmatched(i, result, pool.capacities).message)
        for i in result.unmatched.tolist()
    ]
    if model.inclusion_share:
        # The solver's total and bound include the inclusion term, which rests on people's
        # self-identified groups: publish the fit of the chosen pairs, and no bound.
        return proposals, unmatched, float(np.sum(fits)), None
    return proposals, unmatched, float(result.total_score), result.upper_bound


def _worded(model: ScoringModel, i: int, j: int) -> dict[str, list[str]]:
    """A pair's reasons in every language but English (that is `reasons`), so the review
    page reads them in the manager's language."""
    worded: dict[str, list[str]] = {}
    for code, _name in settings.LANGUAGES:
        if code != "en":
            with translation.override(code):
                explanation = model.explain(i, j, marks=False, words=PAGE_WORDS)
                worded[code] = [r.text for r in explanation.reasons]
    return worded


def _solve_peer(
    pool: ProgramPool, method: str, report: ProgressCallback
) -> tuple[list[Proposal], list[tuple[int, str]], float, float | None]:
    """A peer program's run: both sides are the same pool, in the same order; a pair (a, b)
    is stored with the lower pool index on the mentee side."""
    n = len(pool.mentee_members)
    if n < 2:
        return [], [(i, "No other peer is in the pool.") for i in range(n)], 0.0, 0.0
    if method not in ("optimal", "stable"):
        raise MatchingInputError(
            f"method = {method!r}: peer programs are matched by the optimal or stable method"
        )
    assert pool.mentees is not None and pool.mentors is not None  # noqa: S101 - n >= 2
    report("Scoring pairs", 0, 1)
    model = ScoringModel(pool.mentees, pool.mentors, pool.rules)
    edges, weights = peer_candidates(model)
    report("Scoring pairs", 1, 1)
    report("Pairing peers", 0, 1)
    result = solve_peers(PeerProblem(n, edges, weights), method=method)
    report("Pairing peers", 1, 1)
    proposals = []
    for a, b in result.pairs.tolist():
        explanation = model.explain(a, b, marks=False)
        weight = float(weights[np.searchsorted(edges[:, 0] * n + edges[:, 1], a * n + b)])
        proposals.append(
            (a, b, round(weight, 4), [r.text for r in explanation.reasons], _worded(model, a, b))
        )
    unmatched = [(i, result.reasons[i][0]) for i in np.flatnonzero(result.partner < 0).tolist()]
    bound = result.bound if np.isfinite(result.bound) and not model.inclusion_share else None
    return proposals, unmatched, float(result.weight), bound
