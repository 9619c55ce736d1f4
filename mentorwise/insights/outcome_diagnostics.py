"""Checks that can fail: balance per category level and interaction, variance ratios,
distribution distances, effective sample sizes; and the E-value of an estimate.

Thresholds are the conventional ones: |standardised difference| ≤ 0.1 (Austin 2009), variance
ratio within [0.5, 2] (Rubin 2001), a weighted Kolmogorov–Smirnov distance ≤ 0.1 for continuous
covariates, an effective comparison group of at least 30 people. Overlap by job level: every
level that holds participants needs at least 10 non-participants who stayed out of the program
through the outcome window, and at least one for every 5 participants there.

Framework-free: arrays in, dataclasses out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mentorwise.insights.outcome_reasons import Reason

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MAX_ABS_SMD_AFTER = 0.1
VARIANCE_RATIO_RANGE = (0.5, 2.0)
MAX_KS_AFTER = 0.1
MIN_EFFECTIVE_N = 30.0
# A category level or interaction held by fewer participants than this is too rare for its
# standardised difference to mean anything: it is shown, but does not decide a refusal.
MIN_TREATED_FOR_CHECK = 10
# Overlap by job level. Weighting can only stand non-participants in for participants of the same
# level; where a level's participants rest on a handful of people who stayed out (the others
# joined within weeks and are censored then), the comparison there is a guess, whatever the
# overall effective size says. The same floor as above (10), and a ratio so that a large level
# cannot rest on ten people either.
MIN_STAYED_OUT_PER_LEVEL = 10
MAX_PARTICIPANTS_PER_STAYED_OUT = 5


@dataclass(frozen=True)
class Balance:
    """Standardised mean difference of one covariate column before/after weighting.

    Both over the same unweighted pooled standard deviation, so they are comparable.
    ``checked`` is False for a level too rare among participants to decide a refusal.
    """

    covariate: str
    smd_before: float
    smd_after: float
    checked: bool = True


@dataclass(frozen=True)
class Continuous:
    """Variance ratio (participants / comparison) and weighted Kolmogorov–Smirnov distance of a
    continuous covariate, before and after weighting."""

    covariate: str
    variance_ratio_before: float
    variance_ratio_after: float
    ks_before: float
    ks_after: float


def _wmean(x: FloatArray, w: FloatArray) -> FloatArray:
    # A group without weight has no mean (NaN), and the checks that read it refuse.
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray((w @ x) / w.sum(), dtype=np.float64)


def _wvar(x: FloatArray, w: FloatArray) -> FloatArray:
    mean = _wmean(x, w)
    return np.asarray((w @ (x - mean) ** 2) / w.sum(), dtype=np.float64)


def balance_table(
    raw: FloatArray,
    names: list[str],
    treated: BoolArray,
    w_t: FloatArray,
    w_c: FloatArray,
    *,
    rows: FloatArray | None = None,
    positive: FloatArray | None = None,
) -> list[Balance]:
    """SMD of every column: participants (weights ``w_t``) against the comparison group
    unweighted (before) and with ``w_c`` (after).

    ``raw`` may hold one line per group of identical rows: ``rows`` then counts the rows of
    each line (the unweighted comparison's weights), ``positive`` the participant rows with a
    weight above zero, and ``w_t``/``w_c`` are the group's summed weights. The figures are
    those of the rows, to rounding."""
    ones = np.ones(len(treated)) if rows is None else rows
    positive = (w_t > 0).astype(np.float64) if positive is None else positive
    xt, xc = raw[treated], raw[~treated]
    wt, wc = w_t[treated], w_c[~treated]
    mean_t = _wmean(xt, wt)
    pooled = np.sqrt((_wvar(xt, wt) + _wvar(xc, ones[~treated])) / 2.0)
    before = mean_t - _wmean(xc, ones[~treated])
    after = mean_t - _wmean(xc, wc)
    n_with = positive[treated] @ (xt > 0)

    def scaled(diff: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            out: FloatArray = diff / pooled
        zero = pooled == 0
        # A difference where nobody varies: none when the means agree, else infinitely large.
        out[zero] = np.where(np.abs(diff[zero]) < 1e-12, 0.0, np.copysign(np.inf, diff[zero]))
        return out

    sb, sa = scaled(before), scaled(after)
    return [
        Balance(name, float(b), float(a), bool(k >= MIN_TREATED_FOR_CHECK))
        for name, b, a, k in zip(names, sb, sa, n_with, strict=True)
    ]


def _weighted_ks(x_t: FloatArray, w_t: FloatArray, x_c: FloatArray, w_c: FloatArray) -> float:
    grid = np.unique(np.concatenate([x_t, x_c]))

    def cdf(x: FloatArray, w: FloatArray) -> FloatArray:
        order = np.argsort(x, kind="stable")
        with np.errstate(divide="ignore", invalid="ignore"):  # no weight: NaN, refused
            cum = np.cumsum(w[order]) / w.sum()
        idx = np.searchsorted(x[order], grid, side="right") - 1
        return np.where(idx >= 0, cum[np.maximum(idx, 0)], 0.0)

    return float(np.max(np.abs(cdf(x_t, w_t) - cdf(x_c, w_c))))


def continuous_checks(
    continuous: dict[str, FloatArray], treated: BoolArray, w_t: FloatArray, w_c: FloatArray
) -> list[Continuous]:
    out = []
    ones = np.ones(int((~treated).sum()))
    for name, values in continuous.items():
        xt, xc = values[treated], values[~treated]
        wt, wc = w_t[treated], w_c[~treated]
        var_t = float(_wvar(xt[:, None], wt)[0])

        def ratio(var_c: float, var_t: float = var_t) -> float:
            return var_t / var_c if var_c > 0 else (1.0 if var_t == 0 else math.inf)

        out.append(
            Continuous(
                covariate=name,
                variance_ratio_before=ratio(float(xc.var())),
                variance_ratio_after=ratio(float(_wvar(xc[:, None], wc)[0])),
                ks_before=_weighted_ks(xt, wt, xc, ones),
                ks_after=_weighted_ks(xt, wt, xc, wc),
            )
        )
    return out


@dataclass(frozen=True)
class ThinLevels:
    """Job levels whose participants have too few non-participants who stayed out of the
    program (see ``thin_levels``), and the share of participants at those levels."""

    levels: list[int]
    share: float


def thin_levels(
    job_level: npt.NDArray[np.int64],
    person: npt.NDArray[np.int64],
    treated: BoolArray,
    stayed_out: BoolArray,
) -> ThinLevels:
    """Levels (of the rows' time zero) where fewer than ``MIN_STAYED_OUT_PER_LEVEL`` distinct
    non-participants ``stayed_out``, or fewer than one for every
    ``MAX_PARTICIPANTS_PER_STAYED_OUT`` participants; counted in distinct people."""
    participants = np.unique(person[treated]).size
    thin: list[int] = []
    at_thin = 0
    for level in np.unique(job_level[treated]).tolist():
        here = job_level == level
        n_t = np.unique(person[here & treated]).size
        n_out = np.unique(person[here & ~treated & stayed_out]).size
        if n_out < MIN_STAYED_OUT_PER_LEVEL or n_out * MAX_PARTICIPANTS_PER_STAYED_OUT < n_t:
            thin.append(int(level))
            at_thin += n_t
    return ThinLevels(levels=thin, share=at_thin / participants if participants else 0.0)


def effective_n(weights: FloatArray) -> float:
    """Kish's effective sample size of positive weights."""
    w = weights[weights > 0]
    return float(w.sum() ** 2 / (w**2).sum()) if w.size else 0.0


def failed_check(balance: list[Balance], continuous: list[Continuous]) -> Reason | None:
    """The first failed diagnostic in plain words, or None when all pass."""
    checked = [b for b in balance if b.checked]
    if checked:
        worst = max(checked, key=lambda b: abs(b.smd_after))
        if not abs(worst.smd_after) <= MAX_ABS_SMD_AFTER:
            return Reason(
                "imbalance",
                covariate=worst.covariate,
                smd=f"{abs(worst.smd_after):.2f}",
                limit=MAX_ABS_SMD_AFTER,
            )
    low, high = VARIANCE_RATIO_RANGE
    for c in continuous:
        if not low <= c.variance_ratio_after <= high:
            return Reason(
                "variance_ratio",
                covariate=c.covariate,
                ratio=f"{c.variance_ratio_after:.2f}",
                low=low,
                high=high,
            )
        if not c.ks_after <= MAX_KS_AFTER:
            return Reason(
                "distribution",
                covariate=c.covariate,
                distance=f"{c.ks_after:.2f}",
                limit=MAX_KS_AFTER,
            )
    return None


# --------------------------------------------------------------------------------------------
# Sensitivity


def e_value_of_ratio(ratio: float) -> float:
    """VanderWeele & Ding's E-value of a risk ratio (symmetric around 1)."""
    if not math.isfinite(ratio) or ratio <= 0:
        return math.inf
    rr = ratio if ratio >= 1 else 1.0 / ratio
    return rr + math.sqrt(rr * (rr - 1.0))


@dataclass(frozen=True)
class EValue:
    """How strongly (as a risk ratio with both joining and the outcome) an unmeasured factor
    would have to be associated to explain the estimate away (``estimate``), or to move the
    95% interval to include no difference (``ci``: 1 when it already does)."""

    estimate: float
    ci: float


def e_value(rate_treated: float, effect: float, ci95: tuple[float, float]) -> EValue | None:
    """E-values of a difference in rates, read as the ratio rate_treated / rate_comparison."""
    comparison = rate_treated - effect
    if not (comparison > 0 and rate_treated > 0):
        return None
    point = e_value_of_ratio(rate_treated / comparison)
    lo, hi = ci95
    if lo <= 0 <= hi:
        bound = 1.0
    else:
        nearest = lo if lo > 0 else hi
        denominator = rate_treated - nearest
        bound = e_value_of_ratio(rate_treated / denominator) if denominator > 0 else math.inf
    return EValue(estimate=point, ci=bound)
