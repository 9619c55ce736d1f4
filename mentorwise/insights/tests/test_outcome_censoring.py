"""Censoring weights for comparison rows cut short by joining.

No database: arrays in, arrays out. The informative-censoring tests plant a covariate that
drives both joining later and leaving, so a comparison group followed only until its members
join drifts towards the people who leave more; the weighted estimates must not.
"""

from __future__ import annotations

import numpy as np

from mentorwise.insights.outcome_censoring import (
    at_days,
    censoring,
    grid_position,
    settled_weights,
    still_followed,
    strata,
    weighted_km_ipcw,
)
from mentorwise.insights.outcome_survival import make_survival, weighted_km
from mentorwise.insights.outcomes import Cohort, estimate_cohort

YEAR = 365.0


def _informative(n: int, seed: int) -> dict[str, np.ndarray]:
    """Comparison rows only: ``z`` = 1 join fast and rarely leave, ``z`` = 0 the reverse."""
    rng = np.random.default_rng(seed)
    z = rng.random(n) < 0.5
    leave = rng.exponential(YEAR / np.where(z, 0.1, 0.6))
    join = rng.exponential(YEAR / np.where(z, 2.0, 0.1))
    end = np.ceil(np.minimum.reduce([leave, join, np.full(n, 730.0)]))
    return {
        "z": z,
        "end": end,
        "left": (leave <= join) & (leave <= 730.0),
        "joined": (join < leave) & (join <= 730.0),
        "censor": np.where(join <= 730.0, np.ceil(join), np.inf),
    }


def test_without_joiners_the_weighted_curve_is_the_plain_weighted_kaplan_meier() -> None:
    rng = np.random.default_rng(3)
    n = 500
    end = np.ceil(rng.uniform(0, 700, n))
    event = (rng.random(n) < 0.4).astype(np.float64)
    treated = rng.random(n) < 0.2
    weights = rng.uniform(0.2, 3.0, n)
    c = censoring(end, np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64), treated)
    stratum, n_strata = strata(c, rng.random(n), np.ones(n))
    still = still_followed(c, stratum, n_strata, np.ones(n))
    got = at_days(c, weighted_km_ipcw(c, still, n_strata, weights, event), c.grid)
    expected = weighted_km(make_survival(end, event, 700.0), weights, c.grid)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert not c.active


def test_still_followed_is_the_kaplan_meier_of_joining_and_settled_rows_count_its_inverse() -> None:
    # One stratum of four comparison rows: one joins on day 10, one leaves on day 20.
    end = np.array([10.0, 20.0, 30.0, 30.0])
    joined = np.array([True, False, False, False])
    c = censoring(end, joined, np.zeros(4, dtype=np.int64), np.zeros(4, dtype=bool))
    stratum, n_strata = strata(c, np.zeros(4), np.ones(4))
    still = still_followed(c, stratum, n_strata, np.ones(4))
    s = int(stratum[0])
    np.testing.assert_allclose(still.through[s], [0.75, 0.75, 0.75])
    np.testing.assert_allclose(still.before[s], [1.0, 0.75, 0.75])
    weights = settled_weights(still, grid_position(c, np.array([5.0, 9.0, 10.0, 25.0])))
    np.testing.assert_allclose(weights, [1.0, 1.0, 4 / 3, 4 / 3])
    # A bootstrap draw that leaves the joiner out sees nobody join.
    counts = np.array([0.0, 2.0, 1.0, 1.0])
    stratum, n_strata = strata(c, np.zeros(4), counts)
    assert np.all(still_followed(c, stratum, n_strata, counts).through[s] == 1.0)


def test_informative_joining_biases_the_plain_curve_and_the_weights_remove_it() -> None:
    n = 20000
    d = _informative(n, seed=5)
    truth = float(np.mean(np.exp(-np.where(d["z"], 0.1, 0.6))))  # no exit within a year
    event = d["left"].astype(np.float64)
    plain = float(weighted_km(make_survival(d["end"], event, 730.0), np.ones(n), [YEAR])[0])
    c = censoring(d["end"], d["joined"], np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool))
    stratum, n_strata = strata(c, d["z"].astype(np.float64), np.ones(n))
    still = still_followed(c, stratum, n_strata, np.ones(n))
    km = weighted_km_ipcw(c, still, n_strata, np.ones(n), event)
    weighted = float(at_days(c, km, np.array([YEAR]))[0])
    assert plain - truth < -0.05  # those still followed are mostly the z = 0 who leave
    assert abs(weighted - truth) < 0.01


def test_estimator_recovers_a_null_effect_when_the_comparison_joins_informatively() -> None:
    rng = np.random.default_rng(8)
    n = 6000
    z = rng.random(n) < 0.5
    treated = rng.random(n) < np.where(z, 0.35, 0.08)
    leave = rng.exponential(YEAR / np.where(z, 0.1, 0.6))
    join = np.where(treated, np.inf, rng.exponential(YEAR / np.where(z, 2.0, 0.1)))
    end = np.ceil(np.minimum.reduce([leave, join, np.full(n, 730.0)]))
    left = (leave <= join) & (leave <= 730.0)
    censor = np.where(join <= 730.0, np.ceil(join), np.inf)
    cohort = Cohort(
        treated=treated,
        job_level=rng.integers(2, 6, n),
        function=np.where(rng.random(n) < 0.5, "Sales", "Finance"),
        tenure_years=rng.uniform(1, 10, n).round(1),
        is_manager=np.zeros(n, dtype=bool),
        high_potential=z,
        location=np.full(n, "London"),
        exit_days=end,
        exited=left,
        censor_days=censor,
        follow_up_days=730.0,
    )
    result = estimate_cohort(cohort, ("retention_12m",), seed=2, n_bootstrap=60)
    adjusted = result.outcomes["retention_12m"].adjusted
    assert adjusted is not None, result.outcomes["retention_12m"].reason
    assert abs(adjusted.estimate) < 0.02
    assert adjusted.ci95[0] <= 0.0 <= adjusted.ci95[1]
