"""Outcomes against a comparable group: the framework-free estimation core.

Takes arrays for one cohort (everyone eligible at the same time, full follow-up), returns
dataclasses, imports no Django. The adjusted effect is the average effect on participants (ATT)
estimated by propensity-score weighting; the naive difference is reported beside it so a reader
sees how much of the raw gap was selection. When the data cannot support a conclusion, the
adjusted effect is ``None`` and ``reason`` says why in plain language.

Each effect is a difference in rates: 0.10 means ten percentage points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DEFAULT_OUTCOMES = ("retained_12m", "promoted_12m")

# Thresholds under which we refuse to give an adjusted number. They are the conventional ones:
# 30 people per group for any interval to mean much, |SMD| <= 0.1 for "balanced" (Austin 2009),
# and at most 5% of participants outside the range of propensities seen among non-participants
# (beyond it the comparison group has nobody like them, so the weights extrapolate).
MIN_GROUP_SIZE = 30
MIN_EFFECTIVE_N = 30.0
MAX_ABS_SMD_AFTER = 0.1
MAX_SHARE_OUTSIDE_OVERLAP = 0.05

_Z95 = 1.959963984540054
_NUMERIC = ("job_level", "tenure_years", "is_manager", "high_potential")
_CATEGORICAL = ("function", "location")


class OutcomesInputError(ValueError):
    """Input the estimator cannot use; the message names the input, the position and the rule.

    Example: ``outcomes['retained_12m'][3] = 2: must be 0 or 1``. It is a ``ValueError`` so
    callers that do not know this module can still catch it.
    """


@dataclass(frozen=True)
class Cohort:
    """One eligible population: one entry per person in every array, in the same order.

    ``treated`` marks participants; ``function`` and ``location`` are categorical (any hashable
    labels); ``outcomes`` maps an outcome name to 0/1 values observed over the same follow-up.
    """

    treated: npt.ArrayLike
    job_level: npt.ArrayLike
    function: npt.ArrayLike
    tenure_years: npt.ArrayLike
    is_manager: npt.ArrayLike
    high_potential: npt.ArrayLike
    location: npt.ArrayLike
    outcomes: Mapping[str, npt.ArrayLike] = field(default_factory=dict)


@dataclass(frozen=True)
class Effect:
    """A difference in rates (participants − comparison) with its 95% confidence interval."""

    estimate: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class Balance:
    """Standardised mean difference of one covariate (or one category level) before/after weighting.

    Both use the same unweighted pooled standard deviation as denominator, so they are comparable.
    """

    covariate: str
    smd_before: float
    smd_after: float


@dataclass(frozen=True)
class OutcomeEstimate:
    """Naive and adjusted effect of participation on one outcome, with the diagnostics behind it.

    ``adjusted`` is ``None`` exactly when ``reason`` is not ``None``. ``effective_n_comparison``
    is Kish's effective sample size of the weighted comparison group; ``share_outside_overlap``
    the share of participants whose propensity lies outside the comparison group's range.
    """

    outcome: str
    naive: Effect
    adjusted: Effect | None
    n_participants: int
    n_comparison: int
    effective_n_comparison: float
    balance: list[Balance]
    reason: str | None
    share_outside_overlap: float = 0.0


# --------------------------------------------------------------------------------------------
# Input checking and the design matrix


@dataclass(frozen=True)
class _Design:
    treated: BoolArray
    x: FloatArray  # standardised numerics + one-hot levels, the propensity model's input
    raw: FloatArray  # the same columns unstandardised, for balance
    names: list[str]
    outcomes: dict[str, FloatArray]


def _as_binary(name: str, values: npt.ArrayLike, n: int | None) -> FloatArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise OutcomesInputError(f"{name}: must be one-dimensional, got shape {array.shape}")
    if n is not None and len(array) != n:
        raise OutcomesInputError(f"{name} has {len(array)} entries, treated has {n}")
    if array.dtype == np.bool_:
        return array.astype(np.float64)
    try:
        numeric = array.astype(np.float64)
    except (TypeError, ValueError):
        raise OutcomesInputError(f"{name}: must be 0 or 1 (or booleans)") from None
    bad = np.flatnonzero((numeric != 0) & (numeric != 1))
    if bad.size:
        raise OutcomesInputError(f"{name}[{bad[0]}] = {array[bad[0]].item()!r}: must be 0 or 1")
    return numeric


def _as_numeric(name: str, values: npt.ArrayLike, n: int) -> FloatArray:
    array = np.asarray(values)
    if array.ndim != 1 or len(array) != n:
        raise OutcomesInputError(f"{name} has {array.size} entries, treated has {n}")
    try:
        numeric = array.astype(np.float64)
    except (TypeError, ValueError):
        raise OutcomesInputError(f"{name}: must be numbers") from None
    bad = np.flatnonzero(~np.isfinite(numeric))
    if bad.size:
        raise OutcomesInputError(
            f"{name}[{bad[0]}] = {array[bad[0]].item()!r}: must be a finite number"
        )
    return numeric


def _design(cohort: Cohort, outcomes: Iterable[str]) -> _Design:
    treated = _as_binary("treated", cohort.treated, None).astype(bool)
    n = len(treated)
    n_treated = int(treated.sum())
    if n_treated == 0 or n_treated == n:
        raise OutcomesInputError(
            "treated: needs at least one participant and one non-participant to compare"
        )
    columns: list[FloatArray] = []
    names: list[str] = []
    for name in _NUMERIC:
        values = getattr(cohort, name)
        columns.append(
            _as_binary(name, values, n)
            if name in ("is_manager", "high_potential")
            else _as_numeric(name, values, n)
        )
        names.append(name)
    n_numeric = len(columns)
    for name in _CATEGORICAL:
        labels = np.asarray(getattr(cohort, name)).astype(str)
        if labels.ndim != 1 or len(labels) != n:
            raise OutcomesInputError(f"{name} has {labels.size} entries, treated has {n}")
        # One column per level, none dropped: the L2 penalty makes the model identifiable, and a
        # full set of levels lets balance be reported for every level.
        for level in np.unique(labels):
            columns.append((labels == level).astype(np.float64))
            names.append(f"{name}={level}")
    raw = np.column_stack(columns)
    # Standardise numerics so one penalty strength means the same for tenure (years) and level.
    x = raw.copy()
    mean = x[:, :n_numeric].mean(axis=0)
    sd = x[:, :n_numeric].std(axis=0)
    x[:, :n_numeric] = (x[:, :n_numeric] - mean) / np.where(sd > 0, sd, 1.0)
    outcome_values: dict[str, FloatArray] = {}
    for outcome in outcomes:
        if outcome not in cohort.outcomes:
            known = ", ".join(sorted(cohort.outcomes)) or "none"
            raise OutcomesInputError(f"outcomes[{outcome!r}]: not given (given: {known})")
        outcome_values[outcome] = _as_binary(f"outcomes[{outcome!r}]", cohort.outcomes[outcome], n)
    return _Design(treated=treated, x=x, raw=raw, names=names, outcomes=outcome_values)


# --------------------------------------------------------------------------------------------
# Propensity model and weights


def _propensity_model() -> LogisticRegression:
    # Mild L2 regularisation (C=1 on standardised inputs): keeps estimates finite under
    # near-separation and with sparse category levels, while barely shrinking at cohort sizes.
    return LogisticRegression(C=1.0, max_iter=1000, tol=1e-6)


def _att_weights(propensity: FloatArray, treated: BoolArray) -> FloatArray:
    """ATT weights: participants 1, comparison p/(1-p) (the odds of participating)."""
    p = np.clip(propensity, 1e-12, 1 - 1e-12)
    return np.where(treated, 1.0, p / (1.0 - p))


def _smd(raw: FloatArray, treated: BoolArray, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    x_t, x_c, w_c = raw[treated], raw[~treated], weights[~treated]
    mean_t = x_t.mean(axis=0)
    # Unweighted pooled SD for both columns, so "after" differs from "before" only by the weights.
    pooled = np.sqrt((x_t.var(axis=0) + x_c.var(axis=0)) / 2.0)
    diff_before = mean_t - x_c.mean(axis=0)
    diff_after = mean_t - (w_c @ x_c) / w_c.sum()

    def scaled(diff: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = diff / pooled
        # A column constant in both groups: no difference unless the groups differ entirely.
        zero = pooled == 0
        out[zero] = np.where(np.abs(diff[zero]) < 1e-12, 0.0, np.sign(diff[zero]) * np.inf)
        return out

    return scaled(diff_before), scaled(diff_after)


def _insufficiency_reason(
    n_treated: int,
    n_comparison: int,
    effective_n: float,
    share_outside: float,
    balance: list[Balance],
) -> str | None:
    if n_treated < MIN_GROUP_SIZE or n_comparison < MIN_GROUP_SIZE:
        return (
            f"Too few people to compare: {n_treated} participants and {n_comparison} "
            f"non-participants; at least {MIN_GROUP_SIZE} of each are needed."
        )
    if share_outside > MAX_SHARE_OUTSIDE_OVERLAP:
        return (
            f"Participants and non-participants differ too much to compare: "
            f"{share_outside:.0%} of participants have no comparable non-participant "
            f"(more than {MAX_SHARE_OUTSIDE_OVERLAP:.0%})."
        )
    if effective_n < MIN_EFFECTIVE_N:
        return (
            f"The comparison rests on too few non-participants: after weighting they count "
            f"as {effective_n:.0f} people; at least {MIN_EFFECTIVE_N:.0f} are needed."
        )
    worst = max(balance, key=lambda b: abs(b.smd_after))
    if not abs(worst.smd_after) <= MAX_ABS_SMD_AFTER:
        return (
            f"The comparison group could not be made similar enough: after weighting, "
            f"{worst.covariate} still differs by {abs(worst.smd_after):.2f} standard deviations "
            f"(at most {MAX_ABS_SMD_AFTER} is acceptable)."
        )
    return None


# --------------------------------------------------------------------------------------------
# Estimation


def estimate_outcomes(
    cohort: Cohort,
    outcomes: Iterable[str] = DEFAULT_OUTCOMES,
    seed: int = 0,
    *,
    n_bootstrap: int = 400,
) -> dict[str, OutcomeEstimate]:
    """Naive and propensity-weighted effects of participation on each outcome.

    Guarantees: the same inputs and ``seed`` give the same result; every outcome gets a naive
    effect with a normal-approximation 95% CI; ``adjusted`` is a number with a bootstrap 95% CI
    (percentiles of ``n_bootstrap`` replicates) only when both groups have at least 30 people,
    the weighted comparison group's effective size is at least 30, at most 5% of participants
    fall outside the comparison group's propensity range and every covariate's |SMD| after
    weighting is at most 0.1 — otherwise ``adjusted`` is ``None`` and ``reason`` says which
    failed. Raises ``OutcomesInputError`` (a ``ValueError``) naming the bad input.
    """
    if n_bootstrap < 20:
        raise OutcomesInputError(f"n_bootstrap = {n_bootstrap}: must be >= 20")
    design = _design(cohort, outcomes)
    treated = design.treated
    n_treated = int(treated.sum())
    n_comparison = len(treated) - n_treated

    model = _propensity_model().fit(design.x, treated)
    propensity = model.predict_proba(design.x)[:, 1]
    weights = _att_weights(propensity, treated)
    w_c = weights[~treated]
    effective_n = float(w_c.sum() ** 2 / (w_c**2).sum())
    p_c = propensity[~treated]
    p_t = propensity[treated]
    share_outside = float(np.mean((p_t > p_c.max()) | (p_t < p_c.min())))
    smd_before, smd_after = _smd(design.raw, treated, weights)
    balance = [
        Balance(covariate=name, smd_before=float(before), smd_after=float(after))
        for name, before, after in zip(design.names, smd_before, smd_after, strict=True)
    ]
    reason = _insufficiency_reason(n_treated, n_comparison, effective_n, share_outside, balance)

    names = list(design.outcomes)
    y = np.column_stack([design.outcomes[name] for name in names])  # people × outcomes
    adjusted_point = y[treated].mean(axis=0) - (w_c @ y[~treated]) / w_c.sum()
    adjusted_ci = (
        _bootstrap_ci(design, y, model, seed=seed, n_bootstrap=n_bootstrap)
        if reason is None
        else None
    )

    results: dict[str, OutcomeEstimate] = {}
    for k, name in enumerate(names):
        adjusted = None
        if adjusted_ci is not None:
            adjusted = Effect(
                estimate=float(adjusted_point[k]),
                ci95=(float(adjusted_ci[0, k]), float(adjusted_ci[1, k])),
            )
        results[name] = OutcomeEstimate(
            outcome=name,
            naive=_naive_effect(y[:, k], treated),
            adjusted=adjusted,
            n_participants=n_treated,
            n_comparison=n_comparison,
            effective_n_comparison=effective_n,
            balance=balance,
            reason=reason,
            share_outside_overlap=share_outside,
        )
    return results


def _naive_effect(y: FloatArray, treated: BoolArray) -> Effect:
    # Difference of two independent proportions with the Wald (normal-approximation) interval.
    y_t, y_c = y[treated], y[~treated]
    rate_t, rate_c = float(y_t.mean()), float(y_c.mean())
    se = math.sqrt(rate_t * (1 - rate_t) / len(y_t) + rate_c * (1 - rate_c) / len(y_c))
    diff = rate_t - rate_c
    return Effect(estimate=diff, ci95=(diff - _Z95 * se, diff + _Z95 * se))


def _bootstrap_ci(
    design: _Design,
    y: FloatArray,
    fitted: LogisticRegression,
    *,
    seed: int,
    n_bootstrap: int,
) -> FloatArray:
    """2 × outcomes array of percentile 95% bounds for the weighted difference.

    Participants and non-participants are resampled separately (the group sizes are fixed by
    design, not random) and the propensity model is refitted in every replicate, so the interval
    carries the uncertainty of the weights too. A resample is expressed as per-person counts used
    as sample weights: the design matrix is never copied, and the outcome arithmetic for all
    outcomes is one matrix product per replicate.
    """
    rng = np.random.default_rng(seed)
    treated = design.treated
    idx_t = np.flatnonzero(treated)
    idx_c = np.flatnonzero(~treated)
    n = len(treated)
    model = _propensity_model()
    model.set_params(warm_start=True)
    estimates = np.empty((n_bootstrap, y.shape[1]))
    for b in range(n_bootstrap):
        counts = np.bincount(idx_t[rng.integers(0, len(idx_t), len(idx_t))], minlength=n)
        counts += np.bincount(idx_c[rng.integers(0, len(idx_c), len(idx_c))], minlength=n)
        counts_f = counts.astype(np.float64)
        # Start each refit from the full-sample solution: same optimum, far fewer iterations.
        model.coef_ = fitted.coef_.copy()
        model.intercept_ = fitted.intercept_.copy()
        with np.errstate(all="ignore"):
            model.fit(design.x, treated, sample_weight=counts_f)
        propensity = model.predict_proba(design.x)[:, 1]
        w = counts_f * _att_weights(propensity, treated)
        w_t, w_c = np.where(treated, w, 0.0), np.where(treated, 0.0, w)
        estimates[b] = (w_t @ y) / w_t.sum() - (w_c @ y) / w_c.sum()
    return np.quantile(estimates, [0.025, 0.975], axis=0)


# --------------------------------------------------------------------------------------------
# JSON


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _effect_json(effect: Effect | None) -> dict[str, Any] | None:
    if effect is None:
        return None
    return {"estimate": effect.estimate, "ci95": [effect.ci95[0], effect.ci95[1]]}


def as_json(estimates: Mapping[str, OutcomeEstimate]) -> dict[str, dict[str, Any]]:
    """JSON-ready dict keyed by outcome.

    Each value has ``naive`` and ``adjusted`` (``{"estimate", "ci95": [lo, hi]}``, ``adjusted``
    ``null`` when unsupported), ``n_participants``, ``n_comparison``,
    ``effective_n_comparison``, ``share_outside_overlap``, ``reason`` (``null`` or a sentence)
    and ``balance`` (a list of ``{"covariate", "smd_before", "smd_after"}``; an infinite SMD,
    from a covariate that separates the groups completely, is ``null``).
    """
    return {
        name: {
            "naive": _effect_json(estimate.naive),
            "adjusted": _effect_json(estimate.adjusted),
            "n_participants": estimate.n_participants,
            "n_comparison": estimate.n_comparison,
            "effective_n_comparison": estimate.effective_n_comparison,
            "share_outside_overlap": estimate.share_outside_overlap,
            "reason": estimate.reason,
            "balance": [
                {
                    "covariate": b.covariate,
                    "smd_before": _finite_or_none(b.smd_before),
                    "smd_after": _finite_or_none(b.smd_after),
                }
                for b in estimate.balance
            ],
        }
        for name, estimate in estimates.items()
    }


# --------------------------------------------------------------------------------------------
# Simulation with planted effects

_FUNCTIONS = ("Engineering", "Sales", "Operations", "Finance", "People", "Marketing")
_LOCATIONS = ("London", "New York", "Singapore", "Berlin")
# Untreated outcome probabilities are squeezed into these ranges, so that adding the planted
# effect for participants never leaves [0, 1] and the planted ATT is exact, not clipped.
_RETENTION_RANGE = (0.55, 0.88)
_PROMOTION_RANGE = (0.04, 0.35)


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


def simulate_cohort(
    n: int,
    *,
    retention_effect: float,
    promotion_effect: float,
    selection_bias: float,
    seed: int,
) -> Cohort:
    """A realistic eligible population with known effects of participation.

    High-potentials and people at higher job levels are both more likely to join (the log-odds
    of joining grow with ``selection_bias``; 0 means joining is unrelated to them) and more
    likely to be retained and promoted, so the naive difference is biased upwards. All
    confounders are among the covariates. Participation adds exactly ``retention_effect`` and
    ``promotion_effect`` to each participant's probability of ``retained_12m`` /
    ``promoted_12m``: these are the true ATTs. Requires ``retention_effect`` in [-0.55, 0.12]
    and ``promotion_effect`` in [-0.04, 0.65] so that probabilities stay in [0, 1].
    """
    if n < 1:
        raise OutcomesInputError(f"n = {n}: must be >= 1")
    if not -_RETENTION_RANGE[0] <= retention_effect <= 1 - _RETENTION_RANGE[1]:
        raise OutcomesInputError(f"retention_effect = {retention_effect}: must be in [-0.55, 0.12]")
    if not -_PROMOTION_RANGE[0] <= promotion_effect <= 1 - _PROMOTION_RANGE[1]:
        raise OutcomesInputError(f"promotion_effect = {promotion_effect}: must be in [-0.04, 0.65]")
    if selection_bias < 0:
        raise OutcomesInputError(f"selection_bias = {selection_bias}: must be >= 0")
    rng = np.random.default_rng(seed)

    # A pyramid: most people at the lower levels.
    job_level = rng.choice(np.arange(1, 7), size=n, p=[0.28, 0.26, 0.2, 0.14, 0.08, 0.04])
    function = rng.choice(np.array(_FUNCTIONS), size=n, p=[0.3, 0.2, 0.2, 0.1, 0.1, 0.1])
    location = rng.choice(np.array(_LOCATIONS), size=n, p=[0.4, 0.3, 0.15, 0.15])
    tenure = np.round(rng.gamma(2.0, 1.2 + 0.6 * job_level), 1).clip(0.1, 40.0)
    is_manager = rng.random(n) < _sigmoid(-3.2 + 0.85 * job_level)
    high_potential = rng.random(n) < _sigmoid(-2.4 + 0.25 * (job_level - 2) + 0.05 * tenure)

    level_c = job_level - 3.0
    sales = (function == "Sales").astype(np.float64)
    join_logit = (
        -1.7
        + selection_bias * (1.3 * high_potential + 0.45 * level_c)
        + 0.3 * sales
        - 0.2 * (location == "Singapore")
    )
    treated = rng.random(n) < _sigmoid(join_logit)

    retention_lin = (
        (-0.2 + 1.3 * high_potential + 0.35 * level_c + 0.08 * np.minimum(tenure, 10.0))
        + 0.3 * is_manager
        - 0.4 * sales
    )
    promotion_lin = (
        -0.9 + 1.5 * high_potential + 0.25 * level_c - 0.04 * tenure + 0.2 * (location == "London")
    )
    lo, hi = _RETENTION_RANGE
    p_retained = lo + (hi - lo) * _sigmoid(retention_lin) + retention_effect * treated
    lo, hi = _PROMOTION_RANGE
    p_promoted = lo + (hi - lo) * _sigmoid(promotion_lin) + promotion_effect * treated

    return Cohort(
        treated=treated,
        job_level=job_level,
        function=function,
        tenure_years=tenure,
        is_manager=is_manager,
        high_potential=high_potential,
        location=location,
        outcomes={
            "retained_12m": rng.random(n) < p_retained,
            "promoted_12m": rng.random(n) < p_promoted,
        },
    )
