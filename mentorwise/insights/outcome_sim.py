"""Simulated cohorts with planted effects, to check the outcome estimator (``simulate-outcomes``).

High potentials and senior people are both more likely to join and more likely to stay and be
promoted, so a naive comparison overstates the effect. All relationships start on the cohort's
start date. ``bench/outcomes_validation.py`` holds harder processes written apart from this one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mentorwise.insights.outcomes import Cohort, FloatArray, OutcomesInputError

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
