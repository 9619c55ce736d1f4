"""Kaplan–Meier pieces of the outcome estimator: weighted survival at horizons, Greenwood's
standard error and the monthly retention curves.

Framework-free: arrays in, arrays out.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CurvePoint:
    """Kaplan–Meier probability of not having left voluntarily ``month`` months after time zero."""

    month: int
    participants: float
    participants_ci95: tuple[float, float]
    comparison: float
    comparison_ci95: tuple[float, float]
    comparison_adjusted: float | None
    comparison_adjusted_ci95: tuple[float, float] | None


@dataclass(frozen=True)
class Survival:
    """Time to voluntary exit, sorted once so every weighted Kaplan–Meier is a few cumsums."""

    order: npt.NDArray[np.int64]  # people sorted by time
    times: FloatArray  # the distinct times, ascending
    starts: npt.NDArray[np.int64]  # first sorted position of each distinct time
    event_sorted: FloatArray
    follow_up_days: float


def weighted_km(survival: Survival, weights: FloatArray, at: FloatArray) -> FloatArray:
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


def greenwood_se(survival: Survival, weights: FloatArray, at: float) -> float:
    """Greenwood standard error of the (unweighted) Kaplan–Meier estimate at ``at``."""
    w = weights[survival.order]
    at_risk = np.cumsum(w[::-1])[::-1][survival.starts]
    deaths = np.add.reduceat(w * survival.event_sorted, survival.starts)
    keep = (survival.times <= at) & (at_risk > deaths)
    s = float(weighted_km(survival, weights, np.array([at]))[0])
    total = float(np.sum(deaths[keep] / (at_risk[keep] * (at_risk[keep] - deaths[keep]))))
    return s * math.sqrt(total)


def curve_points(
    survival: Survival,
    months: npt.NDArray[np.int64],
    grid: FloatArray,
    ones_t: FloatArray,
    ones_c: FloatArray,
    adjusted: FloatArray | None,
    adjusted_ci: FloatArray | None,
) -> list[CurvePoint]:
    """Monthly points of the retention curves, drawn by lifelines' Kaplan–Meier fitter.

    The participants' and the unadjusted comparison's bands are lifelines' (exponential
    Greenwood). ``adjusted``: the weighted comparison curve at ``grid``, as the estimator
    computed it (propensity and censoring weights), its band the bootstrap's (Greenwood's
    formula does not hold for estimated weights).
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
    s_adj = adjusted if adjusted_ci is not None else None
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


def make_survival(days: FloatArray, event: FloatArray, follow_up_days: float) -> Survival:
    """Sort once: ``days`` to the event (``event`` 1) or to censoring (0)."""
    order = np.argsort(days, kind="stable")
    times, starts = np.unique(days[order], return_index=True)
    return Survival(
        order=order,
        times=times,
        starts=starts.astype(np.int64),
        event_sorted=event[order],
        follow_up_days=follow_up_days,
    )
