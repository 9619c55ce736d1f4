"""One pass of the outcome estimator's procedure, and the bootstrap that repeats it.

``fit_models`` fits the propensity (balancing) and outcome models; ``rates`` turns a fit into
the participants' and the adjusted comparison's rates (doubly robust for binary outcomes,
weighted for shares, weighted Kaplan–Meier with censoring weights for retention); ``bootstrap``
repeats both on resamples of people for percentile intervals. The full sample is the pass with
every row counted once. Framework-free: arrays in, arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.linalg import cho_factor, cho_solve

from mentorwise.insights.outcome_censoring import (
    Censoring,
    at_days,
    settled_weights,
    still_followed,
    strata,
    weighted_km_ipcw,
)
from mentorwise.insights.outcome_cohort import Binary, Share, Survivals
from mentorwise.insights.outcome_design import (
    Compact,
    balance_gradient,
    balance_hessian,
    balancing_fit,
    logistic_gradient,
    logistic_hessian,
    predict,
    ridge_logistic,
)
from mentorwise.insights.outcome_survival import weighted_km

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


# Newton steps per bootstrap replicate, started from the full-sample fit.
_REPLICATE_STEPS = 3
# Below this many participant rows the replicates take Newton steps with their own Hessians.
_FRESH_HESSIAN_BELOW = 100

# --------------------------------------------------------------------------------------------
# One pass of the whole procedure, for the full sample (counts 1) or a bootstrap resample


@dataclass(frozen=True)
class Problem:
    treated: BoolArray
    cluster: npt.NDArray[np.int64]  # the person of each row
    kept: FloatArray  # participant rows inside the comparison rows' propensity range: 1
    x: Compact  # the model matrix
    binaries: list[Binary]
    shares: list[Share]
    survivals: Survivals | None
    horizons: FloatArray
    grid: FloatArray
    censoring: Censoring | None = None


@dataclass(frozen=True)
class Fit:
    beta: FloatArray
    gammas: list[FloatArray]
    # Cholesky factors of the full-sample Hessians (propensity first), for the replicates.
    factors: list[Any] = field(default_factory=list)


def att_weights(p: FloatArray, treated: BoolArray, kept: FloatArray) -> FloatArray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.where(treated, kept, p / (1.0 - p))


def fit_models(problem: Problem, counts: FloatArray) -> Fit:
    """The propensity (balancing) and outcome models fitted to the rows with ``counts``."""
    x, treated = problem.x, problem.treated
    w_p = counts * np.where(treated, problem.kept, 1.0)
    beta = balancing_fit(x, treated, w_p)
    factors = [cho_factor(balance_hessian(x, treated, w_p, beta))]
    gammas = []
    for b in problem.binaries:
        w_o = counts * ~treated * b.known
        gamma = ridge_logistic(x, b.values, w_o)
        gammas.append(gamma)
        factors.append(cho_factor(logistic_hessian(x, w_o, gamma)))
    return Fit(beta, gammas, factors)


@dataclass(frozen=True)
class _Rows:
    """The rows a bootstrap replicate drew at least once, and their model matrix. Rows drawn
    zero times weigh nothing in any sum, and leaving them out of the products saves about a
    third of a replicate's work (a resample of n people leaves out about n/e of them)."""

    index: npt.NDArray[np.int64]
    x: Compact


def _drawn(problem: Problem, counts: FloatArray) -> _Rows:
    index = np.flatnonzero(counts > 0)
    return _Rows(index, problem.x.take(index))


def _predict(problem: Problem, beta: FloatArray, rows: _Rows | None) -> FloatArray:
    """Fitted probabilities of every row; 0 for rows a replicate did not draw (weight 0)."""
    if rows is None:
        return predict(problem.x, beta)
    out = np.zeros(len(problem.treated))
    out[rows.index] = predict(rows.x, beta)
    return out


def _refit(problem: Problem, counts: FloatArray, fit: Fit, rows: _Rows) -> Fit:
    """A bootstrap replicate's fits on the rows it drew, started from the full-sample solution.

    Large cohorts: quasi-Newton steps with the full-sample Hessians (the resample moves the
    solution by O(1/√n), so a few steps reach it), which costs a few matrix-vector products
    instead of a refit. Small cohorts (fewer than ``_FRESH_HESSIAN_BELOW`` participants): a
    resample moves the solution too far for the full-sample Hessian to describe it, so the
    replicate takes damped Newton steps with its own Hessians, as a refit from scratch would
    (measured on 250-person cohorts: the fixed-Hessian steps left the replicates unconverged,
    intervals 6% wider than full refits; these match them, at about three times the cost).
    """
    x, i = rows.x, rows.index
    treated = problem.treated[i]
    w_p = counts[i] * np.where(treated, problem.kept[i], 1.0)
    fresh = int(problem.treated.sum()) < _FRESH_HESSIAN_BELOW
    if fresh:
        beta = balancing_fit(x, treated, w_p, start=fit.beta, steps=_REPLICATE_STEPS)
    else:
        beta = fit.beta.copy()
        for _ in range(_REPLICATE_STEPS):
            beta -= cho_solve(fit.factors[0], balance_gradient(x, treated, w_p, beta))
    gammas = []
    for k, b in enumerate(problem.binaries):
        values = b.values[i]
        w_o = counts[i] * ~treated * b.known[i]
        if fresh:
            gamma = ridge_logistic(x, values, w_o, start=fit.gammas[k], steps=_REPLICATE_STEPS)
        else:
            gamma = fit.gammas[k].copy()
            for _ in range(_REPLICATE_STEPS):
                gamma -= cho_solve(fit.factors[k + 1], logistic_gradient(x, values, w_o, gamma))
        gammas.append(gamma)
    return Fit(beta, gammas, fit.factors)


def rates(
    problem: Problem, counts: FloatArray, fit: Fit, rows: _Rows | None = None
) -> tuple[FloatArray, FloatArray, FloatArray | None, FloatArray]:
    """Participants' rates, the adjusted comparison rates (binary: doubly robust; shares:
    weighted; survival: weighted Kaplan–Meier, then the unknown-as-exit variant), the adjusted
    comparison curve and the weights. ``rows``: a replicate's drawn rows (the others weigh 0).

    Comparison rows cut short by joining count with censoring weights estimated from the same
    rows and propensity fit (``outcome_censoring``), so a replicate re-estimates them too."""
    treated = problem.treated
    p = _predict(problem, fit.beta, rows)
    w = counts * att_weights(p, treated, problem.kept)
    w_t, w_c = np.where(treated, w, 0.0), np.where(treated, 0.0, w)
    c = problem.censoring
    still = n_strata = None
    if c is not None:
        stratum, n_strata = strata(c, p, counts)
        still = still_followed(c, stratum, n_strata, counts)
    rate_t, rate_c = [], []
    with np.errstate(divide="ignore", invalid="ignore"):
        for b, gamma in zip(problem.binaries, fit.gammas, strict=True):
            m0 = _predict(problem, gamma, rows)
            t_obs = w_t * b.known
            c_obs = w_c * b.known
            if still is not None and b.settled_at is not None:
                c_obs = c_obs * settled_weights(still, b.settled_at)
            rate_t.append(t_obs @ b.values / t_obs.sum())
            rate_c.append(t_obs @ m0 / t_obs.sum() + c_obs @ (b.values - m0) / c_obs.sum())
        for s in problem.shares:
            rate_t.append((w_t * s.mask) @ s.values / (w_t @ s.mask))
            rate_c.append((w_c * s.mask) @ s.values / (w_c @ s.mask))
    curve = None
    if problem.survivals is not None:
        for j, survival in enumerate((problem.survivals.main, problem.survivals.unknown_as_exit)):
            if survival is None:
                continue
            rate_t.extend(weighted_km(survival, w_t, problem.horizons))
            if c is None or still is None or n_strata is None:
                rate_c.extend(weighted_km(survival, w_c, problem.horizons))
                if j == 0:
                    curve = weighted_km(survival, w_c, problem.grid)
                continue
            event = problem.survivals.events[j]
            km = weighted_km_ipcw(c, still, n_strata, w_c, event)
            rate_c.extend(at_days(c, km, problem.horizons))
            if j == 0:
                curve = at_days(c, km, problem.grid)
    return np.asarray(rate_t), np.asarray(rate_c), curve, w


def bootstrap(
    problem: Problem, cluster: npt.NDArray[np.int64], fit: Fit, *, seed: int, n_bootstrap: int
) -> tuple[FloatArray, FloatArray | None]:
    """Percentile 95% bounds of every difference (and of the adjusted comparison curve).

    People (clusters) are resampled, so a person's rows in several monthly trials move
    together; each replicate refits the propensity and outcome models (Newton steps from the
    full-sample fit) and recomputes every weight and rate, the censoring weights included (their
    strata from the replicate's propensity fit, their curves from its draw). The overlap
    trimming stays the full sample's: it defines whom the estimate is about, and re-deciding it
    from a resample's extremes would change that population from replicate to replicate.
    """
    rng = np.random.default_rng(seed)
    n_clusters = int(cluster.max()) + 1
    diffs, curves = [], []
    for _ in range(n_bootstrap):
        draw = np.bincount(rng.integers(0, n_clusters, n_clusters), minlength=n_clusters)
        counts = draw[cluster].astype(np.float64)
        if not (counts * problem.treated).any() or not (counts * ~problem.treated).any():
            continue
        rows = _drawn(problem, counts)
        rate_t, rate_c, curve, _ = rates(problem, counts, _refit(problem, counts, fit, rows), rows)
        diffs.append(rate_t - rate_c)
        if curve is not None:
            curves.append(curve)
    bounds = np.nanquantile(np.asarray(diffs), [0.025, 0.975], axis=0)
    curve_bounds = np.quantile(np.asarray(curves), [0.025, 0.975], axis=0) if curves else None
    return bounds, curve_bounds
