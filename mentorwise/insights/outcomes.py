"""Outcomes against a comparable group: the framework-free estimation core.

Takes arrays for one emulated trial design and returns dataclasses; imports no Django. A row is
one person at one time zero: a participant from the start of their first relationship, a
comparison person from a time zero in the same calendar month (sequential monthly trials, see
``outcome_data``). The same person can be a comparison row in several months and then a
participant; rows are tied together by ``cluster`` (the person) for the bootstrap.

The adjusted effect is the average effect on participants (ATT): participants against the
comparison rows re-weighted by the odds of joining, from a ridge-penalised logistic model with
category levels and interactions (``outcome_design``). Binary outcomes are doubly robust
(augmented weighting: an outcome model fitted on the comparison rows, corrected by the weighted
residuals); retention is a weighted Kaplan–Meier estimate. Comparison rows whose follow-up is cut
because the person joined later are censored there and the rows still followed count with
inverse probability of censoring weights, for retention and the binary outcomes alike
(``outcome_censoring``). Intervals: percentile bootstrap over people, re-running the models and
re-estimating the censoring weights in every replicate.

When the data cannot support a conclusion, ``adjusted`` is ``None`` and ``reason`` says why.
Each effect is a difference in rates: 0.10 means ten percentage points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.linalg import cho_factor, cho_solve
from threadpoolctl import threadpool_limits

from mentorwise.insights.outcome_censoring import (
    Censoring,
    at_days,
    censoring,
    grid_position,
    settled_weights,
    still_followed,
    strata,
    weighted_km_ipcw,
)
from mentorwise.insights.outcome_design import (
    Compact,
    Covariates,
    Matrices,
    balance_gradient,
    balance_hessian,
    balancing_fit,
    logistic_gradient,
    logistic_hessian,
    matrices,
    predict,
    ridge_logistic,
)
from mentorwise.insights.outcome_diagnostics import (
    MAX_PARTICIPANTS_PER_STAYED_OUT,
    MIN_EFFECTIVE_N,
    MIN_STAYED_OUT_PER_LEVEL,
    Balance,
    Continuous,
    EValue,
    ThinLevels,
    balance_table,
    continuous_checks,
    e_value,
    effective_n,
    failed_check,
    thin_levels,
)
from mentorwise.insights.outcome_survival import (
    CurvePoint,
    Survival,
    curve_points,
    greenwood_se,
    make_survival,
    weighted_km,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DAYS_PER_MONTH = 365.0 / 12  # so that 12 and 24 months are the 365- and 730-day horizons
RETENTION_HORIZONS = {"retention_12m": 365.0, "retention_24m": 730.0}
_WINDOWS = {"_12m": 365.0, "_24m": 730.0}
DEFAULT_OUTCOMES = ("retention_12m", "promotion_12m")

MIN_GROUP_SIZE = 30
MAX_SHARE_OUTSIDE_OVERLAP = 0.05
# Newton steps per bootstrap replicate, started from the full-sample fit.
_REPLICATE_STEPS = 3
# Below this many participant rows the replicates take Newton steps with their own Hessians.
_FRESH_HESSIAN_BELOW = 100
_Z95 = 1.959963984540054

__all__ = ["Balance", "Continuous", "CurvePoint", "EValue", "weighted_km"]


class OutcomesInputError(ValueError):
    """Input the estimator cannot use; the message names the input, the position and the rule."""


@dataclass(frozen=True)
class Cohort:
    """Rows of the emulated trials: one entry per row in every array, in the same order.

    ``treated`` marks participant rows; ``function``/``location`` are categories; ``trial`` the
    month of time zero (a category; all 0 by default); ``cluster`` the person (every row its own
    by default). ``outcomes``: 0/1 over the window after time zero, NaN where unknown (followed
    too briefly, or censored before it was settled). ``outcome_days``: per binary outcome, the
    day the value was settled (the event, an exit, or the window's end), used with
    ``censor_days`` (the day a comparison row stops being followed because the person joined;
    inf when never) to weight the rows still followed. ``shares``: fractions, NaN where they do
    not apply. ``exit_days``/``exited``: days from time zero to a voluntary exit or censoring;
    ``exited_unknown`` marks exits whose kind is unknown (they are censored in ``exited``).
    """

    treated: npt.ArrayLike
    job_level: npt.ArrayLike
    function: npt.ArrayLike
    tenure_years: npt.ArrayLike
    is_manager: npt.ArrayLike
    high_potential: npt.ArrayLike
    location: npt.ArrayLike
    outcomes: Mapping[str, npt.ArrayLike] = field(default_factory=dict)
    shares: Mapping[str, npt.ArrayLike] = field(default_factory=dict)
    exit_days: npt.ArrayLike | None = None
    exited: npt.ArrayLike | None = None
    follow_up_days: float | None = None
    trial: npt.ArrayLike | None = None
    cluster: npt.ArrayLike | None = None
    exited_unknown: npt.ArrayLike | None = None
    censor_days: npt.ArrayLike | None = None
    outcome_days: Mapping[str, npt.ArrayLike] = field(default_factory=dict)


@dataclass(frozen=True)
class Effect:
    """A difference in rates (participants − comparison) with its 95% confidence interval."""

    estimate: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class UnknownExits:
    """Retention when some exits are of unknown kind: ``count`` people (within the horizon),
    and the adjusted effect counting them as voluntary exits and as staying."""

    count: int
    as_voluntary: Effect | None
    as_staying: Effect | None


@dataclass(frozen=True)
class Diagnostics:
    """What the design's checks found; ``reason`` is the first failure in words (or None)."""

    n_trimmed: int
    share_outside_overlap: float
    effective_n_participants: float
    effective_n_comparison: float
    balance: list[Balance]
    continuous: list[Continuous]
    reason: str | None
    thin_levels: list[int] = field(default_factory=list)
    share_in_thin_levels: float = 0.0


@dataclass(frozen=True)
class OutcomeEstimate:
    """Naive and adjusted effect of participation on one outcome, with the diagnostics behind it.

    ``adjusted`` is ``None`` exactly when ``reason`` is not ``None``.
    """

    outcome: str
    naive: Effect | None
    adjusted: Effect | None
    n_participants: int
    n_comparison: int
    effective_n_comparison: float
    balance: list[Balance]
    reason: str | None
    share_outside_overlap: float = 0.0
    rate_participants: float | None = None
    rate_comparison: float | None = None
    rate_comparison_adjusted: float | None = None
    e_value: EValue | None = None
    unknown_exits: UnknownExits | None = None


@dataclass(frozen=True)
class Estimates:
    """Everything one design supports: per-outcome estimates, retention curves, diagnostics."""

    outcomes: dict[str, OutcomeEstimate]
    curve: list[CurvePoint]
    reason: str | None
    diagnostics: Diagnostics | None = None


# --------------------------------------------------------------------------------------------
# Input checking


def _array(name: str, values: npt.ArrayLike, n: int | None) -> npt.NDArray[Any]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise OutcomesInputError(f"{name}: must be one-dimensional, got shape {array.shape}")
    if n is not None and len(array) != n:
        raise OutcomesInputError(f"{name} has {len(array)} entries, treated has {n}")
    return array


def _as_binary(
    name: str, values: npt.ArrayLike, n: int | None, *, allow_nan: bool = False
) -> FloatArray:
    array = _array(name, values, n)
    if array.dtype == np.bool_:
        return array.astype(np.float64)
    try:
        numeric = array.astype(np.float64)
    except (TypeError, ValueError):
        raise OutcomesInputError(f"{name}: must be 0 or 1 (or booleans)") from None
    bad = (numeric != 0) & (numeric != 1) & ~(allow_nan & np.isnan(numeric))
    if bad.any():
        at = int(np.flatnonzero(bad)[0])
        raise OutcomesInputError(f"{name}[{at}] = {array[at].item()!r}: must be 0 or 1")
    return numeric


def _as_numeric(
    name: str, values: npt.ArrayLike, n: int, *, allow_nan: bool = False, allow_inf: bool = False
) -> FloatArray:
    array = _array(name, values, n)
    try:
        numeric = array.astype(np.float64)
    except (TypeError, ValueError):
        raise OutcomesInputError(f"{name}: must be numbers") from None
    bad = (np.isnan(numeric) & (not allow_nan)) | (np.isinf(numeric) & (not allow_inf))
    if bad.any():
        at = int(np.flatnonzero(bad)[0])
        raise OutcomesInputError(f"{name}[{at}] = {array[at].item()!r}: must be a finite number")
    return numeric


def _covariates(cohort: Cohort) -> tuple[BoolArray, Covariates, npt.NDArray[np.int64]]:
    treated = _as_binary("treated", cohort.treated, None).astype(bool)
    n = len(treated)
    if not 0 < int(treated.sum()) < n:
        raise OutcomesInputError(
            "treated: needs at least one participant and one non-participant to compare"
        )
    trial = np.zeros(n) if cohort.trial is None else _as_numeric("trial", cohort.trial, n)
    cluster_raw = np.arange(n) if cohort.cluster is None else _array("cluster", cohort.cluster, n)
    _, cluster = np.unique(cluster_raw, return_inverse=True)
    cov = Covariates(
        job_level=_as_numeric("job_level", cohort.job_level, n).astype(np.int64),
        tenure_years=_as_numeric("tenure_years", cohort.tenure_years, n),
        function=_array("function", cohort.function, n).astype(str),
        location=_array("location", cohort.location, n).astype(str),
        is_manager=_as_binary("is_manager", cohort.is_manager, n).astype(bool),
        high_potential=_as_binary("high_potential", cohort.high_potential, n).astype(bool),
        trial=trial.astype(np.int64),
    )
    return treated, cov, cluster.astype(np.int64)


# --------------------------------------------------------------------------------------------
# Outcomes


@dataclass(frozen=True)
class _Binary:
    """A binary outcome: values (NaN as 0), where they are known, and where on the censoring
    grid each row's value was settled (for the censoring weights; ``None`` without them)."""

    name: str
    values: FloatArray
    known: BoolArray
    settled_at: npt.NDArray[np.int64] | None


@dataclass(frozen=True)
class _Share:
    name: str
    values: FloatArray
    mask: FloatArray


def _censor_days(cohort: Cohort, n: int) -> FloatArray:
    if cohort.censor_days is None:
        return np.full(n, np.inf)
    return _as_numeric("censor_days", cohort.censor_days, n, allow_inf=True)


def _binaries(
    cohort: Cohort, names: list[str], n: int, censored: Censoring | None
) -> list[_Binary]:
    out = []
    for name in names:
        values = _as_binary(f"outcomes[{name!r}]", cohort.outcomes[name], n, allow_nan=True)
        settled_at = None
        if name in cohort.outcome_days:
            days = _as_numeric(
                f"outcome_days[{name!r}]", cohort.outcome_days[name], n, allow_nan=True
            )
            if censored is not None:
                settled_at = grid_position(censored, np.nan_to_num(days))
        out.append(_Binary(name, np.nan_to_num(values), ~np.isnan(values), settled_at))
    return out


def _censoring(
    cohort: Cohort, n: int, censor: FloatArray, treated: BoolArray, trial: npt.NDArray[np.int64]
) -> Censoring | None:
    """Comparison rows cut short by joining, or None when nobody's follow-up was."""
    if not np.isfinite(censor[~treated]).any():
        return None
    if cohort.exit_days is not None and cohort.exited is not None:
        end = _as_numeric("exit_days", cohort.exit_days, n)
        exited = _as_binary("exited", cohort.exited, n) > 0
        if cohort.exited_unknown is not None:
            exited |= _as_binary("exited_unknown", cohort.exited_unknown, n) > 0
        joined = np.isfinite(censor) & (censor <= end) & ~exited
    else:
        finite = censor[np.isfinite(censor)]
        end = np.where(np.isfinite(censor), censor, finite.max() + 1.0)
        joined = np.isfinite(censor)
    return censoring(end, joined, trial, treated)


def _shares(cohort: Cohort, names: list[str], n: int) -> list[_Share]:
    out = []
    for name in names:
        v = _as_numeric(f"shares[{name!r}]", cohort.shares[name], n, allow_nan=True)
        if ((v < 0) | (v > 1)).any():
            at = int(np.flatnonzero((v < 0) | (v > 1))[0])
            raise OutcomesInputError(f"shares[{name!r}][{at}] = {v[at]!r}: must be between 0 and 1")
        out.append(_Share(name, np.nan_to_num(v), (~np.isnan(v)).astype(np.float64)))
    return out


@dataclass(frozen=True)
class _Survivals:
    """Voluntary exits (``main``) and, when some exits are of unknown kind, the same with
    those counted as voluntary (``unknown_as_exit``); ``unknown_day`` NaN where not unknown."""

    main: Survival
    unknown_as_exit: Survival | None
    unknown_day: FloatArray
    # Row-order event indicators of ``main`` and ``unknown_as_exit`` (for the censoring weights).
    events: tuple[FloatArray, FloatArray] = (np.zeros(0), np.zeros(0))


def _survivals(cohort: Cohort, n: int) -> _Survivals | None:
    if cohort.exit_days is None or cohort.exited is None:
        return None
    days = _as_numeric("exit_days", cohort.exit_days, n)
    if (days < 0).any():
        at = int(np.flatnonzero(days < 0)[0])
        raise OutcomesInputError(f"exit_days[{at}] = {days[at]!r}: must be >= 0")
    event = _as_binary("exited", cohort.exited, n)
    unknown = (
        np.zeros(n)
        if cohort.exited_unknown is None
        else _as_binary("exited_unknown", cohort.exited_unknown, n)
    )
    follow = float(cohort.follow_up_days) if cohort.follow_up_days is not None else days.max()
    main = make_survival(days, event, follow)
    alt = make_survival(days, np.maximum(event, unknown), follow) if unknown.any() else None
    unknown_day = np.where(unknown > 0, days, np.nan)
    return _Survivals(main, alt, unknown_day, (event, np.maximum(event, unknown)))


# --------------------------------------------------------------------------------------------
# One pass of the whole procedure, for the full sample (counts 1) or a bootstrap resample


@dataclass(frozen=True)
class _Problem:
    treated: BoolArray
    cluster: npt.NDArray[np.int64]  # the person of each row
    kept: FloatArray  # participant rows inside the comparison rows' propensity range: 1
    x: Compact  # the model matrix
    binaries: list[_Binary]
    shares: list[_Share]
    survivals: _Survivals | None
    horizons: FloatArray
    grid: FloatArray
    censoring: Censoring | None = None


@dataclass(frozen=True)
class _Fit:
    beta: FloatArray
    gammas: list[FloatArray]
    # Cholesky factors of the full-sample Hessians (propensity first), for the replicates.
    factors: list[Any] = field(default_factory=list)


def _att_weights(p: FloatArray, treated: BoolArray, kept: FloatArray) -> FloatArray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.where(treated, kept, p / (1.0 - p))


def _fit(problem: _Problem, counts: FloatArray) -> _Fit:
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
    return _Fit(beta, gammas, factors)


@dataclass(frozen=True)
class _Rows:
    """The rows a bootstrap replicate drew at least once, and their model matrix. Rows drawn
    zero times weigh nothing in any sum, and leaving them out of the products saves about a
    third of a replicate's work (a resample of n people leaves out about n/e of them)."""

    index: npt.NDArray[np.int64]
    x: Compact


def _drawn(problem: _Problem, counts: FloatArray) -> _Rows:
    index = np.flatnonzero(counts > 0)
    return _Rows(index, problem.x.take(index))


def _predict(problem: _Problem, beta: FloatArray, rows: _Rows | None) -> FloatArray:
    """Fitted probabilities of every row; 0 for rows a replicate did not draw (weight 0)."""
    if rows is None:
        return predict(problem.x, beta)
    out = np.zeros(len(problem.treated))
    out[rows.index] = predict(rows.x, beta)
    return out


def _refit(problem: _Problem, counts: FloatArray, fit: _Fit, rows: _Rows) -> _Fit:
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
    return _Fit(beta, gammas, fit.factors)


def _rates(
    problem: _Problem, counts: FloatArray, fit: _Fit, rows: _Rows | None = None
) -> tuple[FloatArray, FloatArray, FloatArray | None, FloatArray]:
    """Participants' rates, the adjusted comparison rates (binary: doubly robust; shares:
    weighted; survival: weighted Kaplan–Meier, then the unknown-as-exit variant), the adjusted
    comparison curve and the weights. ``rows``: a replicate's drawn rows (the others weigh 0).

    Comparison rows cut short by joining count with censoring weights estimated from the same
    rows and propensity fit (``outcome_censoring``), so a replicate re-estimates them too."""
    treated = problem.treated
    p = _predict(problem, fit.beta, rows)
    w = counts * _att_weights(p, treated, problem.kept)
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


def _bootstrap(
    problem: _Problem, cluster: npt.NDArray[np.int64], fit: _Fit, *, seed: int, n_bootstrap: int
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
        rate_t, rate_c, curve, _ = _rates(problem, counts, _refit(problem, counts, fit, rows), rows)
        diffs.append(rate_t - rate_c)
        if curve is not None:
            curves.append(curve)
    bounds = np.nanquantile(np.asarray(diffs), [0.025, 0.975], axis=0)
    curve_bounds = np.quantile(np.asarray(curves), [0.025, 0.975], axis=0) if curves else None
    return bounds, curve_bounds


# --------------------------------------------------------------------------------------------
# Diagnostics and refusals


def _diagnostics(
    m: Matrices, treated: BoolArray, weights: FloatArray, kept: FloatArray, thin: ThinLevels
) -> Diagnostics:
    w_t = np.where(treated, kept, 0.0)
    w_c = np.where(treated, 0.0, weights)
    balance = balance_table(m.balance, m.balance_names, treated, w_t, w_c)
    continuous = continuous_checks(m.continuous, treated, w_t, w_c)
    n_treated = int(treated.sum())
    n_trimmed = int(n_treated - kept[treated].sum())
    share_outside = n_trimmed / n_treated
    ess_c = effective_n(w_c[~treated])
    reason = None
    n_c = int((~treated).sum())
    if n_treated < MIN_GROUP_SIZE or n_c < MIN_GROUP_SIZE:
        reason = (
            f"Too few people to compare: {n_treated} participants and {n_c} "
            f"non-participants; at least {MIN_GROUP_SIZE} of each are needed."
        )
    elif share_outside > MAX_SHARE_OUTSIDE_OVERLAP:
        reason = (
            f"Participants and non-participants differ too much to compare: "
            f"{share_outside:.0%} of participants have no comparable non-participant "
            f"(more than {MAX_SHARE_OUTSIDE_OVERLAP:.0%})."
        )
    elif thin.share > MAX_SHARE_OUTSIDE_OVERLAP:
        levels = ", ".join(str(level) for level in thin.levels)
        reason = (
            f"Participants and non-participants differ too much to compare: {thin.share:.0%} "
            f"of participants are at job level {levels}, where fewer than "
            f"{MIN_STAYED_OUT_PER_LEVEL} non-participants (or fewer than one for every "
            f"{MAX_PARTICIPANTS_PER_STAYED_OUT} participants) stayed out of the program for a "
            f"year; nobody there can stand in for them (more than "
            f"{MAX_SHARE_OUTSIDE_OVERLAP:.0%} of participants)."
        )
    elif ess_c < MIN_EFFECTIVE_N:
        reason = (
            f"The comparison rests on too few non-participants: after weighting they count "
            f"as {ess_c:.0f} people; at least {MIN_EFFECTIVE_N:.0f} are needed."
        )
    else:
        reason = failed_check(balance, continuous)
    return Diagnostics(
        n_trimmed=n_trimmed,
        share_outside_overlap=share_outside,
        effective_n_participants=effective_n(w_t[treated]),
        effective_n_comparison=ess_c,
        balance=balance,
        continuous=continuous,
        reason=reason,
        thin_levels=thin.levels,
        share_in_thin_levels=thin.share,
    )


def _degenerate(effect: Effect) -> str | None:
    lo, hi = effect.ci95
    if not (math.isfinite(lo) and math.isfinite(hi) and math.isfinite(effect.estimate)):
        return "The interval could not be computed: the data cannot support a conclusion."
    if hi - lo < 1e-6:
        return (
            f"The 95% interval has no width ({lo * 100:+.1f} to {hi * 100:+.1f} points): every "
            f"resample gave the same figure, which means the outcome hardly varies in the data "
            f"(for example, nobody's exit was recorded as voluntary). This is not a finding."
        )
    return None


def _verdict_sign(effect: Effect) -> int:
    lo, hi = effect.ci95
    return 1 if lo > 0 else -1 if hi < 0 else 0


# --------------------------------------------------------------------------------------------
# Estimation


def estimate_outcomes(
    cohort: Cohort,
    outcomes: Iterable[str] = DEFAULT_OUTCOMES,
    seed: int = 0,
    *,
    n_bootstrap: int = 400,
) -> dict[str, OutcomeEstimate]:
    """Naive and adjusted effects of participation on each outcome (see ``estimate_cohort``)."""
    return estimate_cohort(
        cohort, outcomes, seed, n_bootstrap=n_bootstrap, curve_months=()
    ).outcomes


def estimate_cohort(
    cohort: Cohort,
    outcomes: Iterable[str] = DEFAULT_OUTCOMES,
    seed: int = 0,
    *,
    n_bootstrap: int = 400,
    curve_months: Iterable[int] | None = None,
) -> Estimates:
    """Naive and adjusted effects, retention curves and the design's diagnostics.

    Guarantees: the same inputs and ``seed`` give the same result; every outcome gets a naive
    effect with a normal-approximation 95% CI; ``adjusted`` has a bootstrap 95% CI only when
    every diagnostic passes (group sizes, overlap, effective size, balance of every category
    level and interaction, variance ratios and distributions of level and tenure), the interval
    has width, and — for retention with exits of unknown kind — both assumptions about them
    lead to the same conclusion. Raises ``OutcomesInputError`` naming the bad input.
    """
    if n_bootstrap < 20:
        raise OutcomesInputError(f"n_bootstrap = {n_bootstrap}: must be >= 20")
    # One BLAS thread: the products are small, and threads only contend (measured: a Newton
    # step of 5,000 × 56 took 0.4 s with a thread pool on a busy two-core machine, 5 ms without).
    with threadpool_limits(limits=1, user_api="blas"):
        return _estimate(cohort, outcomes, seed, n_bootstrap, curve_months)


def _estimate(
    cohort: Cohort,
    outcomes: Iterable[str],
    seed: int,
    n_bootstrap: int,
    curve_months: Iterable[int] | None,
) -> Estimates:
    treated, cov, cluster = _covariates(cohort)
    n = len(treated)
    names = list(outcomes)
    survival_names = [name for name in names if name in RETENTION_HORIZONS]
    other = [name for name in names if name not in RETENTION_HORIZONS]
    for name in other:
        if name not in cohort.outcomes and name not in cohort.shares:
            known = ", ".join(sorted({*cohort.outcomes, *cohort.shares})) or "none"
            raise OutcomesInputError(f"outcomes[{name!r}]: not given (given: {known})")
    binary_names = [name for name in other if name in cohort.outcomes]
    share_names = [name for name in other if name not in cohort.outcomes]
    survivals = _survivals(cohort, n)
    if survival_names and survivals is None:
        raise OutcomesInputError(
            f"outcomes[{survival_names[0]!r}]: needs exit_days and exited (time to exit)"
        )
    follow_up = cohort.follow_up_days
    if follow_up is None and survivals is not None:
        follow_up = survivals.main.follow_up_days
    if survivals is not None and curve_months is None:
        last = int(survivals.main.follow_up_days * 12 / 365 + 1e-9)
        curve_months = range(0, min(last, 36) + 1)
    months = np.array(list(curve_months or ()), dtype=np.int64)

    m = matrices(cov)
    censor = _censor_days(cohort, n)
    censored = _censoring(cohort, n, censor, treated, cov.trial)
    problem = _Problem(
        treated=treated,
        cluster=cluster,
        kept=np.ones(n),
        x=m.compact,
        binaries=_binaries(cohort, binary_names, n, censored),
        shares=_shares(cohort, share_names, n),
        survivals=survivals,
        horizons=np.array([RETENTION_HORIZONS[name] for name in survival_names]),
        grid=np.asarray(months * DAYS_PER_MONTH, dtype=np.float64),
        censoring=censored,
    )
    ones = np.ones(n)
    # Overlap trimming: participants whose propensity (by a plain ridge-penalised logistic
    # model on the main effects, smoother than the balancing fit) lies outside the comparison
    # rows' range have nobody comparable; they are set aside (counted and reported) before the
    # models are fitted.
    main = np.asarray([" × " not in name for name in m.model_names])
    x_main = m.compact.columns(main)
    smooth = predict(x_main, ridge_logistic(x_main, treated.astype(np.float64), ones))
    p_c = smooth[~treated]
    kept = np.where(treated & ((smooth > p_c.max()) | (smooth < p_c.min())), 0.0, 1.0)
    problem = _Problem(**{**problem.__dict__, "kept": kept})
    fit = _fit(problem, ones)
    propensity = predict(m.compact, fit.beta)
    weights = _att_weights(propensity, treated, kept)
    # Stayed out: not joined within the shortest outcome window after the row's time zero.
    thin = thin_levels(cov.job_level, cluster, treated, censor > _WINDOWS["_12m"])
    diagnostics = _diagnostics(m, treated, weights, kept, thin)
    reason = diagnostics.reason

    rate_t, rate_c_adj, curve_adj, _ = _rates(problem, ones, fit)
    ones_t, ones_c = treated.astype(np.float64), (~treated).astype(np.float64)
    observable = {name: follow_up is None or follow_up >= (_window(name) or 0.0) for name in names}
    ci = curve_ci = None
    if reason is None and any(observable.values()):
        ci, curve_ci = _bootstrap(problem, cluster, fit, seed=seed, n_bootstrap=n_bootstrap)

    results: dict[str, OutcomeEstimate] = {}
    position = {name: k for k, name in enumerate(binary_names + share_names)}
    n_other = len(binary_names) + len(share_names)
    for k, name in enumerate(survival_names):
        position[name] = n_other + k
    n_surv = len(survival_names)
    for name in names:
        k = position[name]
        results[name] = _one_outcome(
            name,
            k,
            problem,
            diagnostics,
            rate_t,
            rate_c_adj,
            ci,
            observable[name],
            follow_up,
            alt=k + n_surv if name in RETENTION_HORIZONS else None,
        )
    curve: list[CurvePoint] = []
    if survivals is not None and months.size:
        curve = curve_points(
            survivals.main, months, problem.grid, ones_t, ones_c, curve_adj, curve_ci
        )
    return Estimates(outcomes=results, curve=curve, reason=reason, diagnostics=diagnostics)


def _one_outcome(
    name: str,
    k: int,
    problem: _Problem,
    diagnostics: Diagnostics,
    rate_t: FloatArray,
    rate_c_adj: FloatArray,
    ci: FloatArray | None,
    observable: bool,
    follow_up: float | None,
    *,
    alt: int | None,
) -> OutcomeEstimate:
    treated = problem.treated
    ones_t, ones_c = treated.astype(np.float64), (~treated).astype(np.float64)
    reason = diagnostics.reason
    naive: Effect | None = None
    rates: tuple[float, float] | None = None
    unknown: UnknownExits | None = None
    if not observable:
        window = _window(name) or 0.0
        reason = (
            f"The cohort has been followed for {(follow_up or 0) / DAYS_PER_MONTH:.0f} months; "
            f"{window / DAYS_PER_MONTH:.0f} are needed."
        )
        mask = np.ones(len(treated), dtype=bool)
    elif name in RETENTION_HORIZONS and problem.survivals is not None:
        horizon = RETENTION_HORIZONS[name]
        main = problem.survivals.main
        s_t = float(weighted_km(main, ones_t, np.array([horizon]))[0])
        s_c = float(weighted_km(main, ones_c, np.array([horizon]))[0])
        se = math.hypot(greenwood_se(main, ones_t, horizon), greenwood_se(main, ones_c, horizon))
        naive = Effect(s_t - s_c, (s_t - s_c - _Z95 * se, s_t - s_c + _Z95 * se))
        rates = (s_t, s_c)
        mask = np.ones(len(treated), dtype=bool)
        day = problem.survivals.unknown_day
        count = int(np.sum(day <= horizon))
        if count and alt is not None:
            unknown = _unknown_exits(count, k, alt, rate_t, rate_c_adj, ci)
    else:
        values, mask = _values_and_mask(problem, name)
        y_t, y_c = values[mask & treated], values[mask & ~treated]
        if len(y_t) and len(y_c):
            rates = (float(y_t.mean()), float(y_c.mean()))
            se = math.sqrt(y_t.var() / len(y_t) + y_c.var() / len(y_c))
            diff = rates[0] - rates[1]
            naive = Effect(diff, (diff - _Z95 * se, diff + _Z95 * se))
        n_t_k = _people(problem.cluster, mask & treated)
        n_c_k = _people(problem.cluster, mask & ~treated)
        if reason is None and min(n_t_k, n_c_k) < MIN_GROUP_SIZE:
            reason = (
                f"Too few people to compare: {n_t_k} participants and {n_c_k} non-participants "
                f"to whom this applies; at least {MIN_GROUP_SIZE} of each are needed."
            )
    adjusted = None
    if reason is None and ci is not None:
        adjusted = Effect(float(rate_t[k] - rate_c_adj[k]), (float(ci[0, k]), float(ci[1, k])))
        if unknown is not None:
            adjusted, reason = _with_unknown(adjusted, unknown)
        if adjusted is not None:
            reason = _degenerate(adjusted)
            if reason is not None:
                adjusted = None
    e = None
    if adjusted is not None:
        e = e_value(float(rate_t[k]), adjusted.estimate, adjusted.ci95)
    return OutcomeEstimate(
        outcome=name,
        naive=naive,
        adjusted=adjusted,
        n_participants=_people(problem.cluster, mask & treated),
        n_comparison=_people(problem.cluster, mask & ~treated),
        effective_n_comparison=diagnostics.effective_n_comparison,
        balance=diagnostics.balance,
        reason=reason,
        share_outside_overlap=diagnostics.share_outside_overlap,
        rate_participants=rates[0] if rates else None,
        rate_comparison=rates[1] if rates else None,
        rate_comparison_adjusted=(
            _finite(float(rate_t[k] - adjusted.estimate)) if adjusted is not None else None
        ),
        e_value=e,
        unknown_exits=unknown,
    )


def _people(cluster: npt.NDArray[np.int64], rows: BoolArray) -> int:
    """Distinct people among ``rows`` (a person can be a row in several monthly trials)."""
    return int(np.unique(cluster[rows]).size)


def _values_and_mask(problem: _Problem, name: str) -> tuple[FloatArray, BoolArray]:
    for b in problem.binaries:
        if b.name == name:
            return b.values, b.known
    share = next(s for s in problem.shares if s.name == name)
    return share.values, share.mask > 0


def _unknown_exits(
    count: int, k: int, alt: int, rate_t: FloatArray, rate_c: FloatArray, ci: FloatArray | None
) -> UnknownExits:
    def effect(j: int) -> Effect | None:
        if ci is None:
            return None
        return Effect(float(rate_t[j] - rate_c[j]), (float(ci[0, j]), float(ci[1, j])))

    return UnknownExits(count=count, as_staying=effect(k), as_voluntary=effect(alt))


def _with_unknown(adjusted: Effect, unknown: UnknownExits) -> tuple[Effect | None, str | None]:
    """Both assumptions about exits of unknown kind: one conclusion, or none."""
    a, b = unknown.as_staying, unknown.as_voluntary
    if a is None or b is None:  # pragma: no cover - both come from the same bootstrap
        return None, "The exits of unknown kind could not be assessed."
    words = (
        f"{unknown.count} people left for a reason the records do not give: counted as staying "
        f"the effect is {a.estimate * 100:+.1f} points ({a.ci95[0] * 100:+.1f} to "
        f"{a.ci95[1] * 100:+.1f}), counted as voluntary exits {b.estimate * 100:+.1f} points "
        f"({b.ci95[0] * 100:+.1f} to {b.ci95[1] * 100:+.1f})"
    )
    if _verdict_sign(a) != _verdict_sign(b):
        return None, f"Inconclusive: {words}, and the two lead to different conclusions."
    # Same conclusion: report the span of both (the interval covers either assumption).
    return Effect(
        (a.estimate + b.estimate) / 2, (min(a.ci95[0], b.ci95[0]), max(a.ci95[1], b.ci95[1]))
    ), None


def _window(name: str) -> float | None:
    if name in RETENTION_HORIZONS:
        return RETENTION_HORIZONS[name]
    return next((days for suffix, days in _WINDOWS.items() if name.endswith(suffix)), None)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------------------------
# JSON


def _effect_json(effect: Effect | None) -> dict[str, Any] | None:
    if effect is None:
        return None
    return {"estimate": effect.estimate, "ci95": [effect.ci95[0], effect.ci95[1]]}


def e_value_json(value: EValue | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"estimate": _finite(value.estimate), "ci": _finite(value.ci)}


def unknown_exits_json(value: UnknownExits | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "count": value.count,
        "as_staying": _effect_json(value.as_staying),
        "as_voluntary": _effect_json(value.as_voluntary),
    }


def balance_json(balance: list[Balance]) -> list[dict[str, Any]]:
    """Balance rows as JSON; an infinite SMD (a covariate that separates the groups) is null."""
    return [
        {
            "covariate": b.covariate,
            "smd_before": _finite(b.smd_before),
            "smd_after": _finite(b.smd_after),
            "checked": b.checked,
        }
        for b in balance
    ]


def as_json(estimates: Mapping[str, OutcomeEstimate]) -> dict[str, dict[str, Any]]:
    """JSON-ready dict keyed by outcome (``naive``/``adjusted`` as ``{estimate, ci95}``)."""
    return {
        name: {
            "naive": _effect_json(estimate.naive),
            "adjusted": _effect_json(estimate.adjusted),
            "n_participants": estimate.n_participants,
            "n_comparison": estimate.n_comparison,
            "rate_participants": estimate.rate_participants,
            "rate_comparison": estimate.rate_comparison,
            "rate_comparison_adjusted": estimate.rate_comparison_adjusted,
            "effective_n_comparison": estimate.effective_n_comparison,
            "share_outside_overlap": estimate.share_outside_overlap,
            "reason": estimate.reason,
            "e_value": e_value_json(estimate.e_value),
            "unknown_exits": unknown_exits_json(estimate.unknown_exits),
            "balance": balance_json(estimate.balance),
        }
        for name, estimate in estimates.items()
    }
