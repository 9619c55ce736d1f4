"""The outcome estimator's input: the ``Cohort`` arrays, checked, and the outcome arrays read
from them (binary outcomes, shares, times to exit, the censoring by joining).

Framework-free: arrays in, arrays out. ``OutcomesInputError`` names the bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from mentorwise.insights.outcome_censoring import Censoring, censoring, grid_position
from mentorwise.insights.outcome_design import Covariates
from mentorwise.insights.outcome_survival import Survival, make_survival

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


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


def read_covariates(cohort: Cohort) -> tuple[BoolArray, Covariates, npt.NDArray[np.int64]]:
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
class Binary:
    """A binary outcome: values (NaN as 0), where they are known, and where on the censoring
    grid each row's value was settled (for the censoring weights; ``None`` without them)."""

    name: str
    values: FloatArray
    known: BoolArray
    settled_at: npt.NDArray[np.int64] | None


@dataclass(frozen=True)
class Share:
    name: str
    values: FloatArray
    mask: FloatArray


def read_censor_days(cohort: Cohort, n: int) -> FloatArray:
    if cohort.censor_days is None:
        return np.full(n, np.inf)
    return _as_numeric("censor_days", cohort.censor_days, n, allow_inf=True)


def read_binaries(
    cohort: Cohort, names: list[str], n: int, censored: Censoring | None
) -> list[Binary]:
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
        out.append(Binary(name, np.nan_to_num(values), ~np.isnan(values), settled_at))
    return out


def read_censoring(
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


def read_shares(cohort: Cohort, names: list[str], n: int) -> list[Share]:
    out = []
    for name in names:
        v = _as_numeric(f"shares[{name!r}]", cohort.shares[name], n, allow_nan=True)
        if ((v < 0) | (v > 1)).any():
            at = int(np.flatnonzero((v < 0) | (v > 1))[0])
            raise OutcomesInputError(f"shares[{name!r}][{at}] = {v[at]!r}: must be between 0 and 1")
        out.append(Share(name, np.nan_to_num(v), (~np.isnan(v)).astype(np.float64)))
    return out


@dataclass(frozen=True)
class Survivals:
    """Voluntary exits (``main``) and, when some exits are of unknown kind, the same with
    those counted as voluntary (``unknown_as_exit``); ``unknown_day`` NaN where not unknown."""

    main: Survival
    unknown_as_exit: Survival | None
    unknown_day: FloatArray
    # Row-order event indicators of ``main`` and ``unknown_as_exit`` (for the censoring weights).
    events: tuple[FloatArray, FloatArray] = (np.zeros(0), np.zeros(0))


def read_survivals(cohort: Cohort, n: int) -> Survivals | None:
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
    return Survivals(main, alt, unknown_day, (event, np.maximum(event, unknown)))
