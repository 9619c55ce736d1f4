"""Inverse probability of censoring weights for comparison rows cut short by joining.

A comparison row stops being followed on the day its person starts a relationship (they are a
participant from then on). That censoring is informative: the people who join later look like
the participants, so without correction the comparison group still followed drifts, month by
month, towards people unlike them. Each comparison row still followed at day ``t`` therefore
counts ``1 / K(t-)``, the inverse of the probability that a row like it had not joined before
``t``.

``K`` is a Kaplan–Meier curve of the time to joining (an exit or the end of follow-up censors
it), estimated separately in every trial and, within a trial, in strata of the propensity
score (quintiles of ``xβ`` among the trial's comparison rows, fewer when the trial is small):
joining later is the same decision as joining now, and the propensity score summarises the
covariates that drive it. Participant rows are never censored by joining (``K = 1``).

The strata and the curves are recomputed from each bootstrap replicate's own propensity fit and
draw, so the intervals account for the weights' estimation. Framework-free: arrays in, arrays
out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

# Propensity strata per trial, and the comparison rows each needs (fewer strata when fewer).
MAX_STRATA = 5
ROWS_PER_STRATUM = 50
# No row counts for more than 20 (K is floored at 0.05): a stratum where nearly everyone joined
# says little about the few who did not, and one row should not carry it.
MIN_STILL_FOLLOWED = 0.05


@dataclass(frozen=True)
class Censoring:
    """Each row's place on the grid of distinct follow-up ends, and whether joining ended it.

    ``grid``: the distinct days at which rows stop being followed, ascending; ``position``: each
    row's index on it; ``joined``: the row's follow-up ended because the person joined;
    ``trial``: the row's trial as 0..n_trials-1; ``treated``: participant rows.
    """

    grid: FloatArray
    position: IntArray
    joined: BoolArray
    trial: IntArray
    n_trials: int
    treated: BoolArray
    trial_rows: list[IntArray]  # the comparison rows of each trial

    @property
    def active(self) -> bool:
        return bool(self.joined.any())


def censoring(end: FloatArray, joined: BoolArray, trial: IntArray, treated: BoolArray) -> Censoring:
    """``end``: days from time zero to the end of each row's follow-up; ``joined``: ended by
    joining (never for participant rows)."""
    grid, position = np.unique(end, return_inverse=True)
    _, trial_index = np.unique(trial, return_inverse=True)
    return Censoring(
        grid=grid.astype(np.float64),
        position=position.astype(np.int64),
        joined=joined & ~treated,
        trial=trial_index.astype(np.int64),
        n_trials=int(trial_index.max()) + 1 if len(trial_index) else 0,
        treated=treated,
        trial_rows=[
            np.flatnonzero(~treated & (trial_index == k)).astype(np.int64)
            for k in range(int(trial_index.max()) + 1 if len(trial_index) else 0)
        ],
    )


@dataclass(frozen=True)
class Still:
    """``K`` per stratum on the grid: ``before[s, j]`` = P(not joined before ``grid[j]``) and
    ``through[s, j]`` = P(not joined by ``grid[j]``); ``stratum`` of every row (0: never
    censored)."""

    stratum: IntArray
    before: FloatArray
    through: FloatArray


def strata(c: Censoring, score: FloatArray, counts: FloatArray) -> tuple[IntArray, int]:
    """Each row's stratum: 0 for participant rows, else by trial and propensity quantile among
    the trial's comparison rows drawn (``counts`` > 0); equal scores share a stratum."""
    out = np.zeros(len(score), dtype=np.int64)
    for k, rows in enumerate(c.trial_rows):
        s = score[rows]
        drawn = s[counts[rows] > 0]
        q = max(1, min(MAX_STRATA, len(drawn) // ROWS_PER_STRATUM))
        out[rows] = 1 + k * MAX_STRATA
        if q > 1:
            edges = np.quantile(drawn, np.linspace(0, 1, q + 1)[1:-1])
            out[rows] += np.searchsorted(edges, s, side="right")
    return out, 1 + c.n_trials * MAX_STRATA


def still_followed(c: Censoring, stratum: IntArray, n_strata: int, counts: FloatArray) -> Still:
    """Kaplan–Meier of the time to joining in every stratum, rows counted ``counts`` times."""
    g = len(c.grid)
    cell = stratum * g + c.position
    size = n_strata * g
    ending = np.bincount(cell, weights=counts, minlength=size).reshape(n_strata, g)
    joins = np.bincount(cell, weights=counts * c.joined, minlength=size).reshape(n_strata, g)
    at_risk = np.cumsum(ending[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1.0 - joins / at_risk, 1.0)
    through = np.maximum(np.cumprod(factor, axis=1), MIN_STILL_FOLLOWED)
    before = np.concatenate([np.ones((n_strata, 1)), through[:, :-1]], axis=1)
    return Still(stratum, before, through)


def grid_position(c: Censoring, days: FloatArray) -> IntArray:
    """The last grid day on or before each of ``days`` (-1: before the first)."""
    return np.asarray(np.searchsorted(c.grid, days, side="right") - 1, dtype=np.int64)


def settled_weights(still: Still, position: IntArray) -> FloatArray:
    """1 / P(a row like this one had not joined by the day its outcome was settled), the day
    given by its ``grid_position``."""
    # One flat gather (a two-index gather over every row cost twice as much).
    g = still.through.shape[1]
    k = still.through.ravel()[still.stratum * g + np.maximum(position, 0)]
    return np.where(position >= 0, 1.0 / k, 1.0)


def weighted_km_ipcw(
    c: Censoring, still: Still, n_strata: int, weights: FloatArray, event: FloatArray
) -> FloatArray:
    """Kaplan–Meier survival at every grid day, each row counted ``weights / K(t-)`` while it
    is followed (``event``: 1 where the row's follow-up ended with the event)."""
    g = len(c.grid)
    cell = still.stratum * g + c.position
    size = n_strata * g
    ending = np.bincount(cell, weights=weights, minlength=size).reshape(n_strata, g)
    deaths = np.bincount(cell, weights=weights * event, minlength=size).reshape(n_strata, g)
    at_risk = np.cumsum(ending[:, ::-1], axis=1)[:, ::-1]
    inverse = 1.0 / still.before
    total_risk = np.sum(at_risk * inverse, axis=0)
    total_deaths = np.sum(deaths * inverse, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(total_risk > 0, 1.0 - total_deaths / total_risk, 1.0)
    return np.asarray(np.cumprod(factor), dtype=np.float64)


def at_days(c: Censoring, curve: FloatArray, days: FloatArray) -> FloatArray:
    """A curve on the grid read at ``days`` (1 before the first grid day)."""
    j = np.searchsorted(c.grid, days, side="right") - 1
    return np.asarray(np.where(j >= 0, curve[np.maximum(j, 0)], 1.0), dtype=np.float64)
