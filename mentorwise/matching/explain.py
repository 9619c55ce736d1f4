"""Why a mentee was left unmatched, in words an HR reader can act on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .problem import MatchResult, check_allowed, check_capacities, check_min_score, check_scores

NO_ALLOWED_MENTOR = "no_allowed_mentor"
BELOW_MIN_SCORE = "below_min_score"
MENTORS_FULL = "mentors_full"
NOT_PLACED = "not_placed"


@dataclass(frozen=True)
class UnmatchedReason:
    """Reason code (stable, for code) and message (a sentence, for people)."""

    mentee: int
    code: str
    message: str
    allowed_mentors: int = 0
    best_score: float | None = None


def classify_unmatched(
    mentee: int,
    scores: np.ndarray,
    hard_allowed: np.ndarray,
    min_score: float | None,
    load: np.ndarray,
    capacities: np.ndarray,
    name: str | None = None,
) -> UnmatchedReason:
    """Classify one unmatched mentee from its row of scores and hard-constraint mask.

    ``hard_allowed`` excludes forbidden pairs but not low scores; capacity-0 mentors count as
    full. The three outcomes mirror the contract: no allowed mentor, all allowed mentors below
    the minimum score, all allowed mentors (at or above the minimum) already full.
    """
    mentee = int(mentee)
    who = name or f"mentee {mentee}"
    open_mentor = hard_allowed & (capacities > 0)
    count = int(open_mentor.sum())
    if count == 0:
        return UnmatchedReason(
            mentee,
            NO_ALLOWED_MENTOR,
            f"No mentor is allowed for {who}: every mentor is excluded by a hard rule "
            "(management chain, veto, previous pair, language, training or capacity 0).",
        )
    best = float(scores[open_mentor].max())
    eligible = open_mentor if min_score is None else open_mentor & (scores >= min_score)
    if not eligible.any():
        return UnmatchedReason(
            mentee,
            BELOW_MIN_SCORE,
            f"All {count} allowed mentors score below the program minimum for {who} "
            f"(best {best:.2f} < {min_score:.2f}).",
            count,
            best,
        )
    room = eligible & (load < capacities)
    n_eligible = int(eligible.sum())
    if not room.any():
        return UnmatchedReason(
            mentee,
            MENTORS_FULL,
            f"All {n_eligible} suitable mentors for {who} are already full: matching {who} "
            "would leave someone else without a mentor or lower the total fit.",
            n_eligible,
            best,
        )
    return UnmatchedReason(
        mentee,
        NOT_PLACED,
        f"{who} was not placed although {int(room.sum())} suitable mentors have room "
        "(only possible with a non-optimal method or an uncertified run).",
        n_eligible,
        best,
    )


def explain_unmatched(
    scores: np.ndarray | sp.spmatrix,
    capacities: np.ndarray,
    result: MatchResult,
    allowed: np.ndarray | None = None,
    min_score: float | None = None,
) -> list[UnmatchedReason]:
    """Reasons for every unmatched mentee of ``result`` on plain score inputs of ``solve``."""
    checked = check_scores("scores", scores)
    caps = check_capacities(capacities, checked.shape[1])
    mask = check_allowed(allowed, checked.shape)
    low = check_min_score(min_score)
    load = result.mentor_load
    out = []
    for i in result.unmatched.tolist():
        if not isinstance(checked, np.ndarray):  # canonical CSR (``check_scores``)
            row = np.full(checked.shape[1], -np.inf)
            start, stop = checked.indptr[i], checked.indptr[i + 1]
            row[checked.indices[start:stop]] = checked.data[start:stop]
            hard = np.isfinite(row)
        else:
            row = np.asarray(checked[i], dtype=np.float64)
            hard = np.ones(checked.shape[1], dtype=bool)
        if mask is not None:
            hard &= (
                np.asarray(mask[i])
                if isinstance(mask, np.ndarray)
                else mask[[i], :].toarray().ravel().astype(bool)
            )
        out.append(classify_unmatched(i, row, hard, low, load, caps))
    return out
