"""Outcomes against a comparable group: the framework-free estimation core.

Takes arrays for one cohort (everyone eligible at the same time), returns dataclasses, imports
no Django. The adjusted effect is the average effect on participants (ATT) estimated by
propensity-score weighting; the naive difference is reported beside it so a reader sees how
much of the raw gap was selection. When the data cannot support a conclusion, the adjusted
effect is ``None`` and ``reason`` says why in plain language.

Three kinds of outcome:

- **binary** (``Cohort.outcomes``): 0/1 per person over the same follow-up, e.g. promoted
  within 12 months; the rate is a (weighted) mean.
- **shares** (``Cohort.shares``): a fraction in [0, 1] per person, NaN where it does not apply,
  e.g. the share of a manager's team still there a year later.
- **survival** (``Cohort.exit_days`` / ``Cohort.exited``): time to voluntary exit with
  censoring; ``retention_12m`` is the Kaplan–Meier probability of not having left voluntarily
  by day 365 (weighted Kaplan–Meier for the comparison group).

Each effect is a difference in rates: 0.10 means ten percentage points.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DAYS_PER_MONTH = 365.0 / 12  # so that 12 and 24 months are the 365- and 730-day horizons
# Survival outcomes: name -> horizon in days.
RETENTION_HORIZONS = {"retention_12m": 365.0, "retention_24m": 730.0}
# Other outcomes observed over a fixed window after the start: name suffix -> days. A cohort
# followed for less than the window gets no number for them (the window is not over).
_WINDOWS = {"_12m": 365.0, "_24m": 730.0}
DEFAULT_OUTCOMES = ("retention_12m", "promotion_12m")

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

    Example: ``outcomes['promotion_12m'][3] = 2: must be 0 or 1``. It is a ``ValueError`` so
    callers that do not know this module can still catch it.
    """


@dataclass(frozen=True)
class Cohort:
    """One eligible population: one entry per person in every array, in the same order.

    ``treated`` marks participants; ``function`` and ``location`` are categorical (any hashable
    labels); ``outcomes`` maps an outcome name to 0/1 values observed over the same follow-up;
    ``shares`` maps an outcome name to fractions (NaN where it does not apply);
    ``exit_days``/``exited`` give the days from the cohort start to a voluntary exit
    (``exited`` 1) or to censoring (``exited`` 0: still there at the end of follow-up, or gone
    for another reason). ``follow_up_days`` is how long the cohort has been followed; survival
    outcomes beyond it are refused.
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
    ``rate_participants`` / ``rate_comparison`` / ``rate_comparison_adjusted`` are the rates
    the differences are made of (the last ``None`` when there is no adjusted estimate).
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


@dataclass(frozen=True)
class CurvePoint:
    """Kaplan–Meier probability of not having left voluntarily ``month`` months after the start."""

    month: int
    participants: float
    participants_ci95: tuple[float, float]
    comparison: float
    comparison_ci95: tuple[float, float]
    comparison_adjusted: float | None
    comparison_adjusted_ci95: tuple[float, float] | None


@dataclass(frozen=True)
class Estimates:
    """Everything one cohort supports: per-outcome estimates and the retention curves."""

    outcomes: dict[str, OutcomeEstimate]
    curve: list[CurvePoint]
    reason: str | None


# --------------------------------------------------------------------------------------------
# Input checking and the design matrix


@dataclass(frozen=True)
class _Design:
    treated: BoolArray
    x: FloatArray  # standardised numerics + one-hot levels, the propensity model's input
    raw: FloatArray  # the same columns unstandardised, for balance
    names: list[str]


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


def _as_numeric(name: str, values: npt.ArrayLike, n: int, *, allow_nan: bool = False) -> FloatArray:
    array = np.asarray(values)
    if array.ndim != 1 or len(array) != n:
        raise OutcomesInputError(f"{name} has {array.size} entries, treated has {n}")
    try:
        numeric = array.astype(np.float64)
    except (TypeError, ValueError):
        raise OutcomesInputError(f"{name}: must be numbers") from None
    bad_values = np.isinf(numeric) if allow_nan else ~np.isfinite(numeric)
    bad = np.flatnonzero(bad_values)
    if bad.size:
        raise OutcomesInputError(
            f"{name}[{bad[0]}] = {array[bad[0]].item()!r}: must be a finite number"
        )
    return numeric


def _design(cohort: Cohort) -> _Design:
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
    return _Design(treated=treated, x=x, raw=raw, names=names)


# --------------------------------------------------------------------------------------------
# Outcomes: binary and shares as one matrix, survival as a sorted time axis


@dataclass(frozen=True)
class _Means:
    """Binary and share outcomes: values with NaN as 0 and a mask of where they apply."""

    names: list[str]
    values: FloatArray  # people × outcomes
    mask: FloatArray  # people × outcomes, 1 where the outcome applies


@dataclass(frozen=True)
class _Survival:
    """Time to voluntary exit, sorted once so every weighted Kaplan–Meier is a few cumsums."""

    order: npt.NDArray[np.int64]  # people sorted by time
    times: FloatArray  # the distinct times, ascending
    starts: npt.NDArray[np.int64]  # first sorted position of each distinct time
    event_sorted: FloatArray
    follow_up_days: float


def _means(cohort: Cohort, names: list[str], n: int) -> _Means:
    values, masks = [], []
    for name in names:
        if name in cohort.outcomes:
            v = _as_binary(f"outcomes[{name!r}]", cohort.outcomes[name], n)
            m = np.ones(n)
        else:
            v = _as_numeric(f"shares[{name!r}]", cohort.shares[name], n, allow_nan=True)
            bad = np.flatnonzero((v < 0) | (v > 1))
            if bad.size:
                raise OutcomesInputError(
                    f"shares[{name!r}][{bad[0]}] = {v[bad[0]]!r}: must be between 0 and 1"
                )
            m = (~np.isnan(v)).astype(np.float64)
            v = np.nan_to_num(v)
        values.append(v)
        masks.append(m)
    if not names:
        return _Means(names=[], values=np.zeros((n, 0)), mask=np.zeros((n, 0)))
    return _Means(names=names, values=np.column_stack(values), mask=np.column_stack(masks))


def _survival(cohort: Cohort, n: int) -> _Survival | None:
    if cohort.exit_days is None or cohort.exited is None:
        return None
    days = _as_numeric("exit_days", cohort.exit_days, n)
    bad = np.flatnonzero(days < 0)
    if bad.size:
        raise OutcomesInputError(f"exit_days[{bad[0]}] = {days[bad[0]]!r}: must be >= 0")
    event = _as_binary("exited", cohort.exited, n)
    order = np.argsort(days, kind="stable")
    sorted_days = days[order]
    times, starts = np.unique(sorted_days, return_index=True)
    follow_up = float(cohort.follow_up_days) if cohort.follow_up_days is not None else days.max()
    return _Survival(
        order=order,
        times=times,
        starts=starts.astype(np.int64),
        event_sorted=event[order],
        follow_up_days=follow_up,
    )


def weighted_km(survival: _Survival, weights: FloatArray, at: FloatArray) -> FloatArray:
    """Kaplan–Meier survival at the times ``at``, each person counted with ``weights``.

    With weights 1 this is the ordinary estimator (tested against lifelines). People with
    weight 0 simply do not count, which is how a group or a bootstrap resample is selected.
    """
    w = weights[survival.order]
    at_risk = np.cumsum(w[::-1])[::-1][survival.starts]
    deaths = np.add.reduceat(w * survival.event_sorted, survival.starts)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1.0 - deaths / at_risk, 1.0)
    # Products as sums of logs would lose the exact zero when everyone left; cumprod keeps it.
    s = np.cumprod(factor)
    idx = np.searchsorted(survival.times, at, side="right") - 1
    return np.where(idx >= 0, s[np.maximum(idx, 0)], 1.0)


def _greenwood_se(survival: _Survival, weights: FloatArray, at: float) -> float:
    """Greenwood standard error of the (unweighted) Kaplan–Meier estimate at ``at``."""
    w = weights[survival.order]
    at_risk = np.cumsum(w[::-1])[::-1][survival.starts]
    deaths = np.add.reduceat(w * survival.event_sorted, survival.starts)
    keep = (survival.times <= at) & (at_risk > deaths)
    s = float(weighted_km(survival, weights, np.array([at]))[0])
    total = float(np.sum(deaths[keep] / (at_risk[keep] * (at_risk[keep] - deaths[keep]))))
    return s * math.sqrt(total)


# --------------------------------------------------------------------------------------------
# Propensity model and weights


def _propensity_model() -> LogisticRegression:
    # Mild L2 regularisation (C=1 on standardised inputs): keeps estimates finite under
    # near-separation and with sparse category levels, while barely shrinking at cohort sizes.
    return LogisticRegression(C=1.0, max_iter=1000, tol=1e-6, solver="newton-cholesky")


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
        with np.errstate(invalid="ignore"):
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


def _group_rates(
    means: _Means,
    survival: _Survival | None,
    horizons: FloatArray,
    w_t: FloatArray,
    w_c: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Rates of every outcome (means first, then survival horizons) for two weight vectors."""
    wm_t, wm_c = w_t @ means.mask, w_c @ means.mask
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_t = (w_t @ (means.values * means.mask)) / wm_t
        rate_c = (w_c @ (means.values * means.mask)) / wm_c
    if survival is not None and horizons.size:
        rate_t = np.concatenate([rate_t, weighted_km(survival, w_t, horizons)])
        rate_c = np.concatenate([rate_c, weighted_km(survival, w_c, horizons)])
    return rate_t, rate_c


def estimate_outcomes(
    cohort: Cohort,
    outcomes: Iterable[str] = DEFAULT_OUTCOMES,
    seed: int = 0,
    *,
    n_bootstrap: int = 400,
) -> dict[str, OutcomeEstimate]:
    """Naive and propensity-weighted effects of participation on each outcome.

    Guarantees: the same inputs and ``seed`` give the same result; every outcome gets a naive
    effect with a normal-approximation 95% CI (Wald for rates, Greenwood for Kaplan–Meier);
    ``adjusted`` is a number with a bootstrap 95% CI (percentiles of ``n_bootstrap``
    replicates, the propensity model refitted in each) only when both groups have at least 30
    people, the weighted comparison group's effective size is at least 30, at most 5% of
    participants fall outside the comparison group's propensity range and every covariate's
    |SMD| after weighting is at most 0.1 — otherwise ``adjusted`` is ``None`` and ``reason``
    says which failed. A survival outcome beyond the follow-up gets neither number, and a reason.
    Raises ``OutcomesInputError`` (a ``ValueError``) naming the bad input.
    """
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
    """``estimate_outcomes`` plus the retention curves (monthly, up to the follow-up).

    The curve's adjusted comparison series and its pointwise 95% band come from the same
    bootstrap as the effects; the participants' and the unadjusted comparison's bands are
    Greenwood's (log-log, as lifelines draws them).
    """
    if n_bootstrap < 20:
        raise OutcomesInputError(f"n_bootstrap = {n_bootstrap}: must be >= 20")
    design = _design(cohort)
    treated = design.treated
    n = len(treated)
    names = list(outcomes)
    survival_names = [name for name in names if name in RETENTION_HORIZONS]
    mean_names = [name for name in names if name not in RETENTION_HORIZONS]
    for name in mean_names:
        if name not in cohort.outcomes and name not in cohort.shares:
            known = ", ".join(sorted({*cohort.outcomes, *cohort.shares})) or "none"
            raise OutcomesInputError(f"outcomes[{name!r}]: not given (given: {known})")
    survival = _survival(cohort, n)
    if survival_names and survival is None:
        raise OutcomesInputError(
            f"outcomes[{survival_names[0]!r}]: needs exit_days and exited (time to exit)"
        )
    means = _means(cohort, mean_names, n)
    horizons = np.array([RETENTION_HORIZONS[name] for name in survival_names])
    if survival is not None and curve_months is None:
        last = int(survival.follow_up_days * 12 / 365 + 1e-9)
        curve_months = range(0, min(last, 36) + 1)
    months = np.array(list(curve_months or ()), dtype=np.int64)
    grid = months * DAYS_PER_MONTH

    n_treated = int(treated.sum())
    n_comparison = n - n_treated
    model = _propensity_model().fit(design.x, treated)
    propensity = model.predict_proba(design.x)[:, 1]
    weights = _att_weights(propensity, treated)
    w_c = weights[~treated]
    effective_n = float(w_c.sum() ** 2 / (w_c**2).sum())
    p_c, p_t = propensity[~treated], propensity[treated]
    share_outside = float(np.mean((p_t > p_c.max()) | (p_t < p_c.min())))
    smd_before, smd_after = _smd(design.raw, treated, weights)
    balance = [
        Balance(covariate=name, smd_before=float(before), smd_after=float(after))
        for name, before, after in zip(design.names, smd_before, smd_after, strict=True)
    ]
    reason = _insufficiency_reason(n_treated, n_comparison, effective_n, share_outside, balance)

    ones_t = treated.astype(np.float64)
    ones_c = 1.0 - ones_t
    w_adj_c = np.where(treated, 0.0, weights)
    rate_t, rate_c = _group_rates(means, survival, horizons, ones_t, ones_c)
    _, rate_c_adj = _group_rates(means, survival, horizons, ones_t, w_adj_c)

    follow_up = cohort.follow_up_days
    if follow_up is None and survival is not None:
        follow_up = survival.follow_up_days
    horizon_of = {
        name: RETENTION_HORIZONS.get(name) or _window(name) for name in mean_names + survival_names
    }
    observable = [h is None or follow_up is None or follow_up >= h for h in horizon_of.values()]
    ci = curve_ci = None
    if reason is None and any(observable):
        ci, curve_ci = _bootstrap(
            design, means, survival, horizons, grid, model, seed=seed, n_bootstrap=n_bootstrap
        )

    all_names = mean_names + survival_names
    results: dict[str, OutcomeEstimate] = {}
    for k, name in enumerate(all_names):
        mask = means.mask[:, k] > 0 if k < len(mean_names) else np.ones(n, dtype=bool)
        n_t_k = int((mask & treated).sum())
        n_c_k = int((mask & ~treated).sum())
        outcome_reason = reason
        naive: Effect | None
        if k >= len(mean_names):
            horizon = float(horizons[k - len(mean_names)])
            if survival is None:  # pragma: no cover - checked above
                raise OutcomesInputError("exit_days: not given")
            if survival.follow_up_days < horizon:
                outcome_reason = (
                    f"The cohort has been followed for "
                    f"{survival.follow_up_days / DAYS_PER_MONTH:.0f} months; "
                    f"{horizon / DAYS_PER_MONTH:.0f} are needed."
                )
                naive = None
            else:
                se = math.hypot(
                    _greenwood_se(survival, ones_t, horizon),
                    _greenwood_se(survival, ones_c, horizon),
                )
                diff = float(rate_t[k] - rate_c[k])
                naive = Effect(diff, (diff - _Z95 * se, diff + _Z95 * se))
        elif not observable[k]:
            window = horizon_of[name] or 0.0
            outcome_reason = (
                f"The cohort has been followed for {(follow_up or 0) / DAYS_PER_MONTH:.0f} "
                f"months; {window / DAYS_PER_MONTH:.0f} are needed."
            )
            naive = None
        else:
            if outcome_reason is None and min(n_t_k, n_c_k) < MIN_GROUP_SIZE:
                outcome_reason = (
                    f"Too few people to compare: {n_t_k} participants and {n_c_k} "
                    f"non-participants to whom this applies; at least {MIN_GROUP_SIZE} of each "
                    f"are needed."
                )
            naive = _naive_effect(means.values[:, k], means.mask[:, k] > 0, treated, name)
        adjusted = None
        if outcome_reason is None and ci is not None:
            adjusted = Effect(
                estimate=float(rate_t[k] - rate_c_adj[k]),
                ci95=(float(ci[0, k]), float(ci[1, k])),
            )
        shown = naive is not None
        results[name] = OutcomeEstimate(
            outcome=name,
            naive=naive,
            adjusted=adjusted,
            n_participants=n_t_k,
            n_comparison=n_c_k,
            effective_n_comparison=effective_n,
            balance=balance,
            reason=outcome_reason,
            share_outside_overlap=share_outside,
            rate_participants=_finite(rate_t[k]) if shown else None,
            rate_comparison=_finite(rate_c[k]) if shown else None,
            rate_comparison_adjusted=_finite(rate_c_adj[k]) if adjusted is not None else None,
        )

    curve: list[CurvePoint] = []
    if survival is not None and months.size:
        curve = _curve(survival, months, grid, ones_t, ones_c, w_adj_c, curve_ci)
    return Estimates(outcomes=results, curve=curve, reason=reason)


def _window(name: str) -> float | None:
    return next((days for suffix, days in _WINDOWS.items() if name.endswith(suffix)), None)


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _curve(
    survival: _Survival,
    months: npt.NDArray[np.int64],
    grid: FloatArray,
    ones_t: FloatArray,
    ones_c: FloatArray,
    adjusted: FloatArray | None,
    adjusted_ci: FloatArray | None,
) -> list[CurvePoint]:
    """Monthly points of the retention curves, drawn by lifelines' Kaplan–Meier fitter.

    The participants' and the unadjusted comparison's bands are lifelines' (exponential
    Greenwood); the weighted comparison curve is lifelines' weighted fit, its band the
    bootstrap's (Greenwood's formula does not hold for estimated weights).
    """
    from lifelines import KaplanMeierFitter  # a heavy import: only when curves are drawn

    days = np.empty_like(survival.event_sorted)
    days[survival.order] = np.repeat(survival.times, np.diff(np.append(survival.starts, len(days))))
    event = np.empty_like(days)
    event[survival.order] = survival.event_sorted

    def fit(weights: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        keep = weights > 0
        with warnings.catch_warnings():
            # lifelines warns that its band is wrong for propensity weights: we use the
            # bootstrap's band for the weighted curve, as it recommends.
            warnings.simplefilter("ignore")
            kmf = KaplanMeierFitter().fit(days[keep], event[keep], weights=weights[keep])
        s = kmf.survival_function_at_times(grid).to_numpy()
        band = kmf.confidence_interval_survival_function_
        idx = np.searchsorted(band.index.to_numpy(), grid, side="right") - 1
        lo = np.where(idx >= 0, band.iloc[np.maximum(idx, 0), 0].to_numpy(), 1.0)
        hi = np.where(idx >= 0, band.iloc[np.maximum(idx, 0), 1].to_numpy(), 1.0)
        return s, lo, hi

    s_t, lo_t, hi_t = fit(ones_t)
    s_c, lo_c, hi_c = fit(ones_c)
    s_adj = None
    if adjusted is not None and adjusted_ci is not None:
        s_adj = fit(adjusted)[0]
    points = []
    for j, month in enumerate(months.tolist()):
        points.append(
            CurvePoint(
                month=month,
                participants=float(s_t[j]),
                participants_ci95=(float(lo_t[j]), float(hi_t[j])),
                comparison=float(s_c[j]),
                comparison_ci95=(float(lo_c[j]), float(hi_c[j])),
                comparison_adjusted=float(s_adj[j]) if s_adj is not None else None,
                comparison_adjusted_ci95=(float(adjusted_ci[0, j]), float(adjusted_ci[1, j]))
                if s_adj is not None and adjusted_ci is not None
                else None,
            )
        )
    return points


def _naive_effect(y: FloatArray, mask: BoolArray, treated: BoolArray, name: str) -> Effect | None:
    # Difference of two independent means with the Wald (normal-approximation) interval; for
    # 0/1 outcomes the variance is p(1-p), for shares the sample variance.
    y_t, y_c = y[mask & treated], y[mask & ~treated]
    if len(y_t) == 0 or len(y_c) == 0:
        return None
    rate_t, rate_c = float(y_t.mean()), float(y_c.mean())
    se = math.sqrt(y_t.var() / len(y_t) + y_c.var() / len(y_c))
    diff = rate_t - rate_c
    return Effect(estimate=diff, ci95=(diff - _Z95 * se, diff + _Z95 * se))


def _newton_refit(
    x1: FloatArray, y: FloatArray, sample_weight: FloatArray, start: FloatArray, c: float
) -> FloatArray:
    """The propensity model refitted to a resample: coefficients, intercept last.

    Minimises the same penalised log-loss as the full-sample fit (C × weighted log-loss +
    ½‖coef‖², intercept not penalised) by Newton's method started from the full-sample solution,
    which is close, so a few steps reach the optimum. It replaces a library refit only for speed:
    hundreds of refits per estimate, where the library's per-call checks cost more than the maths.
    """
    penalty = np.ones(x1.shape[1])
    penalty[-1] = 0.0
    beta = start.copy()
    for _ in range(8):
        p = _sigmoid(x1 @ beta)
        gradient = c * ((sample_weight * (p - y)) @ x1) + penalty * beta
        # Rows scaled first (contiguous) then one matrix product: several times faster than
        # scaling the transposed view.
        scaled = x1 * (c * sample_weight * p * (1.0 - p))[:, None]
        hessian = scaled.T @ x1 + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-6:
            break
    return beta


def _bootstrap(
    design: _Design,
    means: _Means,
    survival: _Survival | None,
    horizons: FloatArray,
    grid: FloatArray,
    fitted: LogisticRegression,
    *,
    seed: int,
    n_bootstrap: int,
) -> tuple[FloatArray, FloatArray | None]:
    """Percentile 95% bounds (2 × outcomes) of the weighted differences, and of the curve.

    Participants and non-participants are resampled separately (the group sizes are fixed by
    design, not random) and the propensity model is refitted in every replicate, so the interval
    carries the uncertainty of the weights too. A resample is expressed as per-person counts used
    as sample weights: the design matrix is never copied, and every outcome of a replicate is a
    few matrix products and cumulative sums.
    """
    rng = np.random.default_rng(seed)
    treated = design.treated
    idx_t = np.flatnonzero(treated)
    idx_c = np.flatnonzero(~treated)
    n = len(treated)
    x1 = np.column_stack([design.x, np.ones(n)])
    y = treated.astype(np.float64)
    start = np.concatenate([fitted.coef_[0], fitted.intercept_])
    c = float(fitted.C)
    k = means.values.shape[1] + (horizons.size if survival is not None else 0)
    estimates = np.empty((n_bootstrap, k))
    curves = np.empty((n_bootstrap, grid.size)) if survival is not None else None
    # One BLAS thread: the products are small, and threads only contend (measured 2-6x faster).
    with threadpool_limits(limits=1, user_api="blas"):
        for b in range(n_bootstrap):
            counts = np.bincount(idx_t[rng.integers(0, len(idx_t), len(idx_t))], minlength=n)
            counts += np.bincount(idx_c[rng.integers(0, len(idx_c), len(idx_c))], minlength=n)
            counts_f = counts.astype(np.float64)
            beta = _newton_refit(x1, y, counts_f, start, c)
            propensity = _sigmoid(x1 @ beta)
            w = counts_f * _att_weights(propensity, treated)
            w_t, w_c = np.where(treated, w, 0.0), np.where(treated, 0.0, w)
            rate_t, rate_c = _group_rates(means, survival, horizons, w_t, w_c)
            estimates[b] = rate_t - rate_c
            if curves is not None and survival is not None:
                curves[b] = weighted_km(survival, w_c, grid)
    bounds = np.nanquantile(estimates, [0.025, 0.975], axis=0)
    curve_bounds = np.quantile(curves, [0.025, 0.975], axis=0) if curves is not None else None
    return bounds, curve_bounds


# --------------------------------------------------------------------------------------------
# JSON


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _effect_json(effect: Effect | None) -> dict[str, Any] | None:
    if effect is None:
        return None
    return {"estimate": effect.estimate, "ci95": [effect.ci95[0], effect.ci95[1]]}


def balance_json(balance: list[Balance]) -> list[dict[str, Any]]:
    """Balance rows as JSON; an infinite SMD (a covariate that separates the groups) is null."""
    return [
        {
            "covariate": b.covariate,
            "smd_before": _finite_or_none(b.smd_before),
            "smd_after": _finite_or_none(b.smd_after),
        }
        for b in balance
    ]


def as_json(estimates: Mapping[str, OutcomeEstimate]) -> dict[str, dict[str, Any]]:
    """JSON-ready dict keyed by outcome.

    Each value has ``naive`` and ``adjusted`` (``{"estimate", "ci95": [lo, hi]}``, ``null``
    when unsupported), ``n_participants``, ``n_comparison``, ``rate_participants``,
    ``rate_comparison``, ``rate_comparison_adjusted``, ``effective_n_comparison``,
    ``share_outside_overlap``, ``reason`` (``null`` or a sentence) and ``balance`` (a list of
    ``{"covariate", "smd_before", "smd_after"}``).
    """
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
            "balance": balance_json(estimate.balance),
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
# Of those still there after a year, this share is still there after two (for everybody), so
# the planted effect on two-year retention is retention_effect × this.
SECOND_YEAR_RETENTION = 0.85
# Exits for other reasons (involuntary, other) censor the time to voluntary exit; independent
# of everything, at this yearly hazard.
OTHER_EXIT_RATE = 0.05
SIMULATED_FOLLOW_UP_DAYS = 730.0


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


@dataclass(frozen=True)
class SimulatedCohort:
    """A simulated cohort: the estimator's input plus what the database needs to replay it.

    ``exit_day`` is the day of the voluntary exit (NaN: none within the follow-up),
    ``other_exit_day`` of an exit for another reason (NaN: none), ``promotion_day`` of the
    promotion (NaN: none); ``move_day`` of an internal move (NaN: none). ``planted`` holds the
    true effect (ATT) of every outcome.
    """

    cohort: Cohort
    exit_day: FloatArray
    other_exit_day: FloatArray
    promotion_day: FloatArray
    move_day: FloatArray
    planted: dict[str, float]


def simulate_cohort(
    n: int,
    *,
    retention_effect: float,
    promotion_effect: float,
    selection_bias: float,
    seed: int,
) -> Cohort:
    """A realistic eligible population with known effects of participation (see simulate)."""
    return simulate(
        n,
        retention_effect=retention_effect,
        promotion_effect=promotion_effect,
        selection_bias=selection_bias,
        seed=seed,
    ).cohort


def check_simulation_parameters(
    *, n: int, retention_effect: float, promotion_effect: float, selection_bias: float
) -> None:
    """Raise OutcomesInputError naming the first parameter the simulator cannot honour."""
    if n < 1:
        raise OutcomesInputError(f"n = {n}: must be >= 1")
    low, high = -_RETENTION_RANGE[0], round(1 - _RETENTION_RANGE[1], 2)
    if not low <= retention_effect <= high:
        raise OutcomesInputError(
            f"retention_effect = {retention_effect}: must be in [{low}, {high}]"
        )
    low, high = -_PROMOTION_RANGE[0], round(1 - _PROMOTION_RANGE[1], 2)
    if not low <= promotion_effect <= high:
        raise OutcomesInputError(
            f"promotion_effect = {promotion_effect}: must be in [{low}, {high}]"
        )
    if not 0 <= selection_bias <= 5:
        raise OutcomesInputError(f"selection_bias = {selection_bias}: must be in [0, 5]")


def simulate(
    n: int,
    *,
    retention_effect: float,
    promotion_effect: float,
    selection_bias: float,
    seed: int,
) -> SimulatedCohort:
    """A realistic eligible population with known effects of participation.

    High-potentials and people at higher job levels are both more likely to join (the log-odds
    of joining grow with ``selection_bias``; 0 means joining is unrelated to them) and more
    likely to be retained and promoted, so the naive difference is biased upwards. All
    confounders are among the covariates. Participation adds exactly ``retention_effect`` to
    each participant's probability of not leaving voluntarily within 12 months and
    ``promotion_effect`` to their probability of a promotion within 12 months: these are the
    true ATTs (``planted``). Exits for other reasons censor at random. Requires
    ``retention_effect`` in [-0.55, 0.12], ``promotion_effect`` in [-0.04, 0.65] (so that
    probabilities stay in [0, 1]) and ``selection_bias`` in [0, 5].
    """
    check_simulation_parameters(
        n=n,
        retention_effect=retention_effect,
        promotion_effect=promotion_effect,
        selection_bias=selection_bias,
    )
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

    # Latent time to voluntary exit: within year 1 with probability 1 - p_retained, within
    # year 2 with probability (1 - SECOND_YEAR_RETENTION) of the rest, else after follow-up.
    u_first, u_second = rng.random(n), rng.random(n)
    exit_day = np.where(
        u_first >= p_retained,
        rng.integers(1, 366, size=n),
        np.where(u_second >= SECOND_YEAR_RETENTION, rng.integers(366, 731, size=n), np.nan),
    ).astype(np.float64)
    other = np.ceil(rng.exponential(365.0 / OTHER_EXIT_RATE, size=n))
    other_exit_day = np.where(
        (other <= SIMULATED_FOLLOW_UP_DAYS) & ~(exit_day <= other), other, np.nan
    )
    observed_exit = np.where(other_exit_day <= SIMULATED_FOLLOW_UP_DAYS, np.nan, exit_day)
    gone = np.fmin(observed_exit, other_exit_day)
    exit_days = np.where(np.isnan(gone), SIMULATED_FOLLOW_UP_DAYS, gone)
    exited = ~np.isnan(observed_exit)

    # Promotion within 12 months; dated before any exit, so leaving never erases it.
    promoted = rng.random(n) < p_promoted
    last_day = np.fmin(np.nan_to_num(gone, nan=365.0), 365.0)
    promotion_day = np.where(promoted, np.ceil(rng.random(n) * np.maximum(last_day - 1, 1)), np.nan)
    # Internal moves: unrelated to participation (a planted effect of zero).
    moved = rng.random(n) < 0.06 + 0.04 * high_potential
    move_day = np.where(moved, np.ceil(rng.random(n) * np.maximum(last_day - 1, 1)), np.nan)

    cohort = Cohort(
        treated=treated,
        job_level=job_level,
        function=function,
        tenure_years=tenure,
        is_manager=is_manager,
        high_potential=high_potential,
        location=location,
        outcomes={"promotion_12m": promoted, "internal_move_12m": moved},
        exit_days=exit_days,
        exited=exited,
        follow_up_days=SIMULATED_FOLLOW_UP_DAYS,
    )
    return SimulatedCohort(
        cohort=cohort,
        exit_day=observed_exit,
        other_exit_day=other_exit_day,
        promotion_day=promotion_day,
        move_day=move_day,
        planted={
            "retention_12m": retention_effect,
            "retention_24m": retention_effect * SECOND_YEAR_RETENTION,
            "promotion_12m": promotion_effect,
            "internal_move_12m": 0.0,
        },
    )
