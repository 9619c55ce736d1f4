"""The outcome estimator recovers planted effects, refuses to guess, and names bad input.

No database: the estimator takes arrays. The coverage test simulates eight cohorts with strong
selection (high-potentials and senior people both join more and stay/get promoted more).
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from mentorwise.insights.outcomes import (
    Cohort,
    OutcomeEstimate,
    OutcomesInputError,
    as_json,
    estimate_outcomes,
    simulate_cohort,
)

RETENTION_EFFECT = 0.05
PROMOTION_EFFECT = 0.08
TRUTH = {"retained_12m": RETENTION_EFFECT, "promoted_12m": PROMOTION_EFFECT}
SEEDS = range(8)


def _cohort(n: int = 4000, *, seed: int = 0, selection_bias: float = 1.2) -> Cohort:
    return simulate_cohort(
        n,
        retention_effect=RETENTION_EFFECT,
        promotion_effect=PROMOTION_EFFECT,
        selection_bias=selection_bias,
        seed=seed,
    )


def _subset(cohort: Cohort, keep: np.ndarray) -> Cohort:
    def take(values: object) -> np.ndarray:
        return np.asarray(values)[keep]

    return Cohort(
        treated=take(cohort.treated),
        job_level=take(cohort.job_level),
        function=take(cohort.function),
        tenure_years=take(cohort.tenure_years),
        is_manager=take(cohort.is_manager),
        high_potential=take(cohort.high_potential),
        location=take(cohort.location),
        outcomes={name: take(values) for name, values in cohort.outcomes.items()},
    )


@pytest.fixture(scope="module")
def estimates_by_seed() -> list[dict[str, OutcomeEstimate]]:
    return [estimate_outcomes(_cohort(seed=seed), seed=seed, n_bootstrap=200) for seed in SEEDS]


@pytest.mark.parametrize("outcome", sorted(TRUTH))
def test_adjusted_interval_covers_planted_effect_while_naive_is_biased(
    estimates_by_seed: list[dict[str, OutcomeEstimate]], outcome: str
) -> None:
    truth = TRUTH[outcome]
    covered = 0
    naive_errors, adjusted_errors = [], []
    for estimates in estimates_by_seed:
        estimate = estimates[outcome]
        assert estimate.adjusted is not None, estimate.reason
        low, high = estimate.adjusted.ci95
        covered += low <= truth <= high
        naive_errors.append(estimate.naive.estimate - truth)
        adjusted_errors.append(estimate.adjusted.estimate - truth)
    assert covered >= 7, f"{outcome}: covered in {covered} of {len(SEEDS)} seeds"
    # Selection flatters participants: the naive difference overstates the effect.
    assert np.mean(naive_errors) > 0.02
    assert abs(np.mean(naive_errors)) > 3 * abs(np.mean(adjusted_errors))


def test_weighting_improves_balance_on_every_covariate_summary(
    estimates_by_seed: list[dict[str, OutcomeEstimate]],
) -> None:
    for estimates in estimates_by_seed:
        balance = estimates["retained_12m"].balance
        worst_before = max(abs(b.smd_before) for b in balance)
        worst_after = max(abs(b.smd_after) for b in balance)
        assert worst_before > 0.3  # strong selection shows up as imbalance
        assert worst_after <= 0.1 < worst_before
        names = {b.covariate for b in balance}
        assert {"high_potential", "job_level", "function=Sales", "location=Berlin"} <= names


def test_groups_sizes_and_effective_n_are_reported(
    estimates_by_seed: list[dict[str, OutcomeEstimate]],
) -> None:
    estimate = estimates_by_seed[0]["promoted_12m"]
    assert estimate.n_participants + estimate.n_comparison == 4000
    assert 30 <= estimate.effective_n_comparison <= estimate.n_comparison
    assert estimate.reason is None


def test_too_few_participants_gives_no_adjusted_estimate_but_a_reason() -> None:
    cohort = _cohort(seed=11)
    treated = np.asarray(cohort.treated)
    keep = ~treated
    keep[np.flatnonzero(treated)[:20]] = True
    estimates = estimate_outcomes(_subset(cohort, keep), n_bootstrap=50)
    for estimate in estimates.values():
        assert estimate.n_participants == 20
        assert estimate.adjusted is None
        assert estimate.reason is not None
        assert "Too few people" in estimate.reason
        assert estimate.naive.ci95[0] < estimate.naive.estimate < estimate.naive.ci95[1]


def test_perfect_separation_gives_no_adjusted_estimate_but_a_reason() -> None:
    cohort = _cohort(n=2000, seed=12)
    separated = replace(cohort, treated=np.asarray(cohort.high_potential))
    estimates = estimate_outcomes(separated, n_bootstrap=50)
    estimate = estimates["retained_12m"]
    assert estimate.adjusted is None
    assert estimate.reason is not None
    assert "differ too much" in estimate.reason
    assert estimate.share_outside_overlap > 0.05


def test_no_overlap_on_level_gives_no_adjusted_estimate_but_a_reason() -> None:
    cohort = _cohort(n=3000, seed=13)
    senior_only = replace(cohort, treated=np.asarray(cohort.job_level) >= 5)
    estimate = estimate_outcomes(senior_only, n_bootstrap=50)["promoted_12m"]
    assert estimate.adjusted is None
    assert estimate.reason is not None


def test_same_seed_gives_the_same_result() -> None:
    cohort = _cohort(n=1500, seed=14, selection_bias=0.5)
    first = estimate_outcomes(cohort, seed=3, n_bootstrap=40)
    again = estimate_outcomes(cohort, seed=3, n_bootstrap=40)
    assert first == again
    assert as_json(first) == as_json(again)
    a, b = _cohort(n=500, seed=5), _cohort(n=500, seed=5)
    assert np.array_equal(a.treated, b.treated)
    assert np.array_equal(a.outcomes["promoted_12m"], b.outcomes["promoted_12m"])


def test_as_json_has_the_documented_shape() -> None:
    estimates = estimate_outcomes(_cohort(n=1500, seed=15, selection_bias=0.5), n_bootstrap=40)
    payload = json.loads(json.dumps(as_json(estimates)))
    assert set(payload) == {"retained_12m", "promoted_12m"}
    for value in payload.values():
        assert set(value["naive"]) == {"estimate", "ci95"}
        assert len(value["naive"]["ci95"]) == 2
        assert value["adjusted"] is None or len(value["adjusted"]["ci95"]) == 2
        assert isinstance(value["n_participants"], int)
        assert isinstance(value["n_comparison"], int)
        assert {"effective_n_comparison", "balance", "reason", "share_outside_overlap"} <= set(
            value
        )


def test_mismatched_lengths_name_the_input() -> None:
    cohort = _cohort(n=200, seed=16)
    short = replace(cohort, tenure_years=np.asarray(cohort.tenure_years)[:-1])
    with pytest.raises(ValueError, match="tenure_years has 199 entries"):
        estimate_outcomes(short)


def test_non_binary_outcome_names_the_input_and_position() -> None:
    cohort = _cohort(n=200, seed=17)
    retained = np.asarray(cohort.outcomes["retained_12m"]).astype(int)
    retained[3] = 2
    bad = replace(cohort, outcomes={**cohort.outcomes, "retained_12m": retained})
    with pytest.raises(OutcomesInputError, match=r"outcomes\['retained_12m'\]\[3\] = 2"):
        estimate_outcomes(bad)


def test_missing_outcome_and_one_sided_cohort_are_refused() -> None:
    cohort = _cohort(n=200, seed=18)
    with pytest.raises(ValueError, match="outcomes\\['left_24m'\\]: not given"):
        estimate_outcomes(cohort, outcomes=("left_24m",))
    nobody = replace(cohort, treated=np.zeros(200, dtype=bool))
    with pytest.raises(ValueError, match="treated: needs at least one participant"):
        estimate_outcomes(nobody)


def test_simulator_refuses_effects_that_would_leave_probability_range() -> None:
    with pytest.raises(ValueError, match=r"retention_effect = 0\.5"):
        simulate_cohort(10, retention_effect=0.5, promotion_effect=0.0, selection_bias=1, seed=0)
