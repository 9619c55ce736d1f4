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
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from mentorwise.insights.outcome_bootstrap import Problem, att_weights, bootstrap, fit_models, rates
from mentorwise.insights.outcome_cohort import (
    Cohort,
    OutcomesInputError,
    read_binaries,
    read_censor_days,
    read_censoring,
    read_covariates,
    read_shares,
    read_survivals,
)
from mentorwise.insights.outcome_design import Matrices, matrices, predict, ridge_logistic
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
from mentorwise.insights.outcome_reasons import Reason, percent, points
from mentorwise.insights.outcome_results import (
    Diagnostics,
    Effect,
    Estimates,
    OutcomeEstimate,
    UnknownExits,
    as_json,
    balance_json,
    e_value_json,
    finite,
    unknown_exits_json,
)
from mentorwise.insights.outcome_survival import CurvePoint, curve_points, greenwood_se, weighted_km

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DAYS_PER_MONTH = 365.0 / 12  # so that 12 and 24 months are the 365- and 730-day horizons
RETENTION_HORIZONS = {"retention_12m": 365.0, "retention_24m": 730.0}
_WINDOWS = {"_12m": 365.0, "_24m": 730.0}
DEFAULT_OUTCOMES = ("retention_12m", "promotion_12m")

MIN_GROUP_SIZE = 30
MAX_SHARE_OUTSIDE_OVERLAP = 0.05
_Z95 = 1.959963984540054

# The estimator's public names, wherever they are defined.
__all__ = [
    "Balance",
    "Cohort",
    "Continuous",
    "CurvePoint",
    "Diagnostics",
    "EValue",
    "Effect",
    "Estimates",
    "OutcomeEstimate",
    "OutcomesInputError",
    "UnknownExits",
    "as_json",
    "balance_json",
    "e_value_json",
    "estimate_cohort",
    "estimate_outcomes",
    "unknown_exits_json",
    "weighted_km",
]


# --------------------------------------------------------------------------------------------
# Diagnostics and refusals


def balance_by_pattern(
    m: Matrices, treated: BoolArray, w_t: FloatArray, w_c: FloatArray
) -> list[Balance]:
    """`balance_table` of every row, computed from one line per pattern of categories and
    group (the balance columns are constant within it): the same table, far fewer rows."""
    lines, line = np.unique(m.compact.code * 2 + treated, return_inverse=True)

    def per_line(values: FloatArray) -> FloatArray:
        return np.bincount(line, weights=values, minlength=len(lines)).astype(np.float64)

    return balance_table(
        m.balance_patterns[lines // 2],
        m.balance_names,
        lines % 2 == 1,
        per_line(w_t),
        per_line(w_c),
        rows=per_line(np.ones(len(treated))),
        positive=per_line((w_t > 0).astype(np.float64)),
    )


def _diagnostics(
    m: Matrices, treated: BoolArray, weights: FloatArray, kept: FloatArray, thin: ThinLevels
) -> Diagnostics:
    w_t = np.where(treated, kept, 0.0)
    w_c = np.where(treated, 0.0, weights)
    balance = balance_by_pattern(m, treated, w_t, w_c)
    continuous = continuous_checks(m.continuous, treated, w_t, w_c)
    n_treated = int(treated.sum())
    n_trimmed = int(n_treated - kept[treated].sum())
    share_outside = n_trimmed / n_treated
    ess_c = effective_n(w_c[~treated])
    reason = None
    n_c = int((~treated).sum())
    if n_treated < MIN_GROUP_SIZE or n_c < MIN_GROUP_SIZE:
        reason = Reason("too_few", participants=n_treated, others=n_c, needed=MIN_GROUP_SIZE)
    elif share_outside > MAX_SHARE_OUTSIDE_OVERLAP:
        reason = Reason(
            "no_overlap", share=percent(share_outside), limit=percent(MAX_SHARE_OUTSIDE_OVERLAP)
        )
    elif thin.share > MAX_SHARE_OUTSIDE_OVERLAP:
        reason = Reason(
            "thin_levels",
            share=percent(thin.share),
            levels=", ".join(str(level) for level in thin.levels),
            minimum=MIN_STAYED_OUT_PER_LEVEL,
            per=MAX_PARTICIPANTS_PER_STAYED_OUT,
            limit=percent(MAX_SHARE_OUTSIDE_OVERLAP),
        )
    elif ess_c < MIN_EFFECTIVE_N:
        reason = Reason(
            "low_effective_n", effective=f"{ess_c:.0f}", needed=f"{MIN_EFFECTIVE_N:.0f}"
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


def _degenerate(effect: Effect) -> Reason | None:
    lo, hi = effect.ci95
    if not (math.isfinite(lo) and math.isfinite(hi) and math.isfinite(effect.estimate)):
        return Reason("no_interval")
    if hi - lo < 1e-6:
        return Reason("zero_width", low=points(lo), high=points(hi))
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
    treated, cov, cluster = read_covariates(cohort)
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
    survivals = read_survivals(cohort, n)
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
    censor = read_censor_days(cohort, n)
    censored = read_censoring(cohort, n, censor, treated, cov.trial)
    problem = Problem(
        treated=treated,
        cluster=cluster,
        kept=np.ones(n),
        x=m.compact,
        binaries=read_binaries(cohort, binary_names, n, censored),
        shares=read_shares(cohort, share_names, n),
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
    problem = Problem(**{**problem.__dict__, "kept": kept})
    fit = fit_models(problem, ones)
    propensity = predict(m.compact, fit.beta)
    weights = att_weights(propensity, treated, kept)
    # Stayed out: not joined within the shortest outcome window after the row's time zero.
    thin = thin_levels(cov.job_level, cluster, treated, censor > _WINDOWS["_12m"])
    diagnostics = _diagnostics(m, treated, weights, kept, thin)
    reason = diagnostics.reason

    rate_t, rate_c_adj, curve_adj, _ = rates(problem, ones, fit)
    ones_t, ones_c = treated.astype(np.float64), (~treated).astype(np.float64)
    observable = {name: follow_up is None or follow_up >= (_window(name) or 0.0) for name in names}
    ci = curve_ci = None
    if reason is None and any(observable.values()):
        ci, curve_ci = bootstrap(problem, cluster, fit, seed=seed, n_bootstrap=n_bootstrap)

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
    problem: Problem,
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
        reason = Reason(
            "follow_up",
            months=f"{(follow_up or 0) / DAYS_PER_MONTH:.0f}",
            needed=f"{window / DAYS_PER_MONTH:.0f}",
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
            reason = Reason(
                "too_few_applies", participants=n_t_k, others=n_c_k, needed=MIN_GROUP_SIZE
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
            finite(float(rate_t[k] - adjusted.estimate)) if adjusted is not None else None
        ),
        e_value=e,
        unknown_exits=unknown,
    )


def _people(cluster: npt.NDArray[np.int64], rows: BoolArray) -> int:
    """Distinct people among ``rows`` (a person can be a row in several monthly trials);
    ``cluster`` numbers the people 0..k-1, so a count per person does without a sort."""
    return int(np.count_nonzero(np.bincount(cluster[rows], minlength=1)))


def _values_and_mask(problem: Problem, name: str) -> tuple[FloatArray, BoolArray]:
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


def _with_unknown(adjusted: Effect, unknown: UnknownExits) -> tuple[Effect | None, Reason | None]:
    """Both assumptions about exits of unknown kind: one conclusion, or none."""
    a, b = unknown.as_staying, unknown.as_voluntary
    if a is None or b is None:  # pragma: no cover - both come from the same bootstrap
        return None, Reason("unknown_not_assessed")
    if _verdict_sign(a) != _verdict_sign(b):
        return None, Reason(
            "unknown_inconclusive",
            count=unknown.count,
            staying=points(a.estimate),
            staying_low=points(a.ci95[0]),
            staying_high=points(a.ci95[1]),
            voluntary=points(b.estimate),
            voluntary_low=points(b.ci95[0]),
            voluntary_high=points(b.ci95[1]),
        )
    # Same conclusion: report the span of both (the interval covers either assumption).
    return Effect(
        (a.estimate + b.estimate) / 2, (min(a.ci95[0], b.ci95[0]), max(a.ci95[1], b.ci95[1]))
    ), None


def _window(name: str) -> float | None:
    if name in RETENTION_HORIZONS:
        return RETENTION_HORIZONS[name]
    return next((days for suffix, days in _WINDOWS.items() if name.endswith(suffix)), None)
