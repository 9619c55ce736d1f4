"""The outcome estimator recovers planted effects, refuses to guess, and names bad input.

No database: the estimator takes arrays. The coverage test simulates ten cohorts with strong
selection (high-potentials and senior people both join more and stay/get promoted more) and
counts in how many the adjusted 95% interval covers the planted effect.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from mentorwise.insights.outcome_diagnostics import e_value_of_ratio, thin_levels
from mentorwise.insights.outcome_sim import SECOND_YEAR_RETENTION, simulate, simulate_cohort
from mentorwise.insights.outcome_survival import make_survival
from mentorwise.insights.outcomes import (
    Cohort,
    OutcomeEstimate,
    OutcomesInputError,
    as_json,
    estimate_cohort,
    estimate_outcomes,
    weighted_km,
)

RETENTION_EFFECT = 0.05
PROMOTION_EFFECT = 0.08
TRUTH = {
    "retention_12m": RETENTION_EFFECT,
    "retention_24m": RETENTION_EFFECT * SECOND_YEAR_RETENTION,
    "promotion_12m": PROMOTION_EFFECT,
}
SEEDS = range(10)
ALL = ("retention_12m", "retention_24m", "promotion_12m", "internal_move_12m")


def _cohort(n: int = 3000, *, seed: int = 0, selection_bias: float = 1.2) -> Cohort:
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
        exit_days=take(cohort.exit_days),
        exited=take(cohort.exited),
        follow_up_days=cohort.follow_up_days,
    )


@pytest.fixture(scope="module")
def estimates_by_seed() -> list[dict[str, OutcomeEstimate]]:
    return [
        estimate_outcomes(_cohort(seed=seed), ALL, seed=seed, n_bootstrap=150) for seed in SEEDS
    ]


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
        assert estimate.naive is not None
        low, high = estimate.adjusted.ci95
        covered += low <= truth <= high
        naive_errors.append(estimate.naive.estimate - truth)
        adjusted_errors.append(estimate.adjusted.estimate - truth)
    report = (
        f"{outcome}: adjusted 95% CI covered the planted {truth:+.3f} in {covered} of "
        f"{len(SEEDS)} seeds; mean error naive {np.mean(naive_errors):+.4f}, "
        f"adjusted {np.mean(adjusted_errors):+.4f}"
    )
    print(report)  # noqa: T201 - the coverage figures, shown with pytest -s
    assert covered >= 8, report
    # Selection flatters participants: the naive difference overstates the effect.
    assert np.mean(naive_errors) > 0.02, report
    assert abs(np.mean(naive_errors)) > 3 * abs(np.mean(adjusted_errors)), report


def test_no_planted_effect_on_internal_moves_is_found_to_be_none(
    estimates_by_seed: list[dict[str, OutcomeEstimate]],
) -> None:
    covered = 0
    for estimates in estimates_by_seed:
        adjusted = estimates["internal_move_12m"].adjusted
        assert adjusted is not None
        covered += adjusted.ci95[0] <= 0.0 <= adjusted.ci95[1]
    assert covered >= 8


@pytest.mark.filterwarnings("ignore::lifelines.exceptions.StatisticalWarning")
def test_weighted_kaplan_meier_agrees_with_lifelines() -> None:
    from lifelines import KaplanMeierFitter

    cohort = _cohort(n=800, seed=21)
    days = np.asarray(cohort.exit_days, dtype=float)
    exited = np.asarray(cohort.exited, dtype=float)
    survival = make_survival(days, exited, 730.0)
    weights = np.random.default_rng(0).uniform(0.1, 3.0, 800)
    at = np.array([0.0, 90.0, 365.0, 500.0, 730.0])
    for w in (np.ones(800), weights):
        expected = (
            KaplanMeierFitter()
            .fit(days, exited, weights=w)
            .survival_function_at_times(at)
            .to_numpy()
        )
        np.testing.assert_allclose(weighted_km(survival, w, at), expected, rtol=1e-10)


def test_curve_starts_at_one_and_its_bands_hold_the_estimate() -> None:
    result = estimate_cohort(_cohort(n=1500, seed=22), ALL, seed=1, n_bootstrap=40)
    assert [p.month for p in result.curve] == list(range(25))
    assert result.curve[0].participants == 1.0
    for p in result.curve:
        assert p.participants_ci95[0] <= p.participants <= p.participants_ci95[1]
        assert p.comparison_adjusted is not None
        assert p.comparison_adjusted_ci95 is not None
    at_12 = result.curve[12]
    assert at_12.participants == pytest.approx(result.outcomes["retention_12m"].rate_participants)


def test_survival_outcome_beyond_the_follow_up_is_refused_with_a_reason() -> None:
    cohort = replace(_cohort(seed=23), follow_up_days=400.0)
    estimates = estimate_outcomes(cohort, ALL, n_bootstrap=40)
    assert estimates["retention_12m"].adjusted is not None
    assert estimates["retention_24m"].adjusted is None
    assert estimates["retention_24m"].naive is None
    assert "followed for 13 months; 24 are needed" in (estimates["retention_24m"].reason or "")
    assert estimates["promotion_12m"].adjusted is not None
    early = estimate_outcomes(replace(cohort, follow_up_days=200.0), ALL, n_bootstrap=40)
    for estimate in early.values():  # no 12-month window is over yet: no number at all
        assert estimate.naive is None and estimate.adjusted is None
        assert "followed for 7 months" in (estimate.reason or "")


def test_shares_outcome_uses_only_the_people_it_applies_to() -> None:
    cohort = _cohort(n=1500, seed=24)
    treated = np.asarray(cohort.treated)
    share = np.where(np.asarray(cohort.is_manager), np.where(treated, 0.9, 0.8), np.nan)
    estimate = estimate_outcomes(
        replace(cohort, shares={"team_retention_12m": share}),
        ("team_retention_12m",),
        n_bootstrap=40,
    )["team_retention_12m"]
    managers = np.asarray(cohort.is_manager)
    assert estimate.n_participants == int((managers & treated).sum())
    assert estimate.naive is not None
    assert estimate.naive.estimate == pytest.approx(0.1)
    if estimate.adjusted is not None:
        assert estimate.adjusted.estimate == pytest.approx(0.1)


def test_simulation_replays_consistently() -> None:
    sim = simulate(2000, retention_effect=0.05, promotion_effect=0.08, selection_bias=1, seed=4)
    exited = np.asarray(sim.cohort.exited)
    # An observed voluntary exit has a day; an exit for another reason is never voluntary.
    assert np.array_equal(exited, ~np.isnan(sim.exit_day))
    assert not np.any(exited & ~np.isnan(sim.other_exit_day))
    promoted = np.asarray(sim.cohort.outcomes["promotion_12m"])
    assert np.array_equal(promoted, ~np.isnan(sim.promotion_day))
    assert np.nanmax(sim.promotion_day) <= 365


def test_weighting_improves_balance_on_every_covariate_summary(
    estimates_by_seed: list[dict[str, OutcomeEstimate]],
) -> None:
    for estimates in estimates_by_seed:
        balance = estimates["retention_12m"].balance
        checked = [b for b in balance if b.checked]
        worst_before = max(abs(b.smd_before) for b in checked)
        worst_after = max(abs(b.smd_after) for b in checked)
        assert worst_before > 0.3  # strong selection shows up as imbalance
        assert worst_after <= 0.1 < worst_before
        names = {b.covariate for b in balance}
        # Every category level and the interactions the model uses are checked, not a mean.
        assert {
            "high_potential",
            "job_level=1",
            "job_level=3",
            "tenure=2-3",
            "function=Sales",
            "location=Berlin",
            "job_level=3 × high_potential",
            "job_level=4 × is_manager",
        } <= names


def test_groups_sizes_and_effective_n_are_reported(
    estimates_by_seed: list[dict[str, OutcomeEstimate]],
) -> None:
    estimate = estimates_by_seed[0]["promotion_12m"]
    assert estimate.n_participants + estimate.n_comparison == 3000
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
        assert estimate.naive is not None
        assert estimate.naive.ci95[0] < estimate.naive.estimate < estimate.naive.ci95[1]


def test_perfect_separation_gives_no_adjusted_estimate_but_a_reason() -> None:
    cohort = _cohort(n=2000, seed=12)
    separated = replace(cohort, treated=np.asarray(cohort.high_potential))
    estimates = estimate_outcomes(separated, n_bootstrap=50)
    estimate = estimates["retention_12m"]
    assert estimate.adjusted is None
    assert estimate.reason is not None
    assert "differ too much" in estimate.reason
    assert estimate.share_outside_overlap > 0.05


def test_no_overlap_on_level_gives_no_adjusted_estimate_but_a_reason() -> None:
    cohort = _cohort(n=3000, seed=13)
    senior_only = replace(cohort, treated=np.asarray(cohort.job_level) >= 5)
    estimate = estimate_outcomes(senior_only, n_bootstrap=50)["promotion_12m"]
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
    assert np.array_equal(a.outcomes["promotion_12m"], b.outcomes["promotion_12m"])


def test_as_json_has_the_documented_shape() -> None:
    estimates = estimate_outcomes(_cohort(n=1500, seed=15, selection_bias=0.5), n_bootstrap=40)
    payload = json.loads(json.dumps(as_json(estimates)))
    assert set(payload) == {"retention_12m", "promotion_12m"}
    for value in payload.values():
        assert set(value["naive"]) == {"estimate", "ci95"}
        assert len(value["naive"]["ci95"]) == 2
        assert value["adjusted"] is None or len(value["adjusted"]["ci95"]) == 2
        assert isinstance(value["n_participants"], int)
        assert isinstance(value["n_comparison"], int)
        assert {
            "effective_n_comparison",
            "balance",
            "reason",
            "share_outside_overlap",
            "e_value",
            "unknown_exits",
        } <= set(value)


def test_mismatched_lengths_name_the_input() -> None:
    cohort = _cohort(n=200, seed=16)
    short = replace(cohort, tenure_years=np.asarray(cohort.tenure_years)[:-1])
    with pytest.raises(ValueError, match="tenure_years has 199 entries"):
        estimate_outcomes(short)


def test_non_binary_outcome_names_the_input_and_position() -> None:
    cohort = _cohort(n=200, seed=17)
    promoted = np.asarray(cohort.outcomes["promotion_12m"]).astype(int)
    promoted[3] = 2
    bad = replace(cohort, outcomes={**cohort.outcomes, "promotion_12m": promoted})
    with pytest.raises(OutcomesInputError, match=r"outcomes\['promotion_12m'\]\[3\] = 2"):
        estimate_outcomes(bad)


def test_missing_outcome_and_one_sided_cohort_are_refused() -> None:
    cohort = _cohort(n=200, seed=18)
    with pytest.raises(ValueError, match="outcomes\\['left_24m'\\]: not given"):
        estimate_outcomes(cohort, outcomes=("left_24m",))
    nobody = replace(cohort, treated=np.zeros(200, dtype=bool))
    with pytest.raises(ValueError, match="treated: needs at least one participant"):
        estimate_outcomes(nobody)


def test_simulator_refuses_effects_that_would_leave_probability_range() -> None:
    with pytest.raises(ValueError, match=r"retention_effect = 0\.5: must be in \[-0\.55, 0\.12\]"):
        simulate_cohort(10, retention_effect=0.5, promotion_effect=0.0, selection_bias=1, seed=0)
    with pytest.raises(ValueError, match=r"selection_bias = -1"):
        simulate_cohort(10, retention_effect=0.0, promotion_effect=0.0, selection_bias=-1, seed=0)


# ------------------------------------------------------------------------------------------
# Data that cannot support a conclusion, and sensitivity


def test_e_value_matches_vanderweele_and_ding() -> None:
    # Their worked example: RR = 3.9 gives 7.26; the E-value is symmetric around 1.
    assert e_value_of_ratio(3.9) == pytest.approx(7.26, abs=0.01)
    assert e_value_of_ratio(1 / 3.9) == pytest.approx(7.26, abs=0.01)
    assert e_value_of_ratio(1.0) == 1.0


def test_every_adjusted_estimate_carries_an_e_value(
    estimates_by_seed: list[dict[str, OutcomeEstimate]],
) -> None:
    estimate = estimates_by_seed[0]["promotion_12m"]
    assert estimate.adjusted is not None and estimate.e_value is not None
    assert estimate.rate_comparison_adjusted is not None
    ratio = (
        estimate.rate_comparison_adjusted + estimate.adjusted.estimate
    ) / estimate.rate_comparison_adjusted
    assert estimate.e_value.estimate == pytest.approx(e_value_of_ratio(ratio))
    low = estimate.adjusted.ci95[0]
    assert (estimate.e_value.ci == 1.0) == (low <= 0 <= estimate.adjusted.ci95[1])


def test_an_outcome_nobody_has_gives_no_finding_but_a_reason() -> None:
    cohort = _cohort(n=1500, seed=25)
    nobody = np.zeros(1500)
    estimate = estimate_outcomes(
        replace(cohort, outcomes={"promotion_12m": nobody}, exited=nobody),
        ("retention_12m", "promotion_12m"),
        n_bootstrap=40,
    )
    for name in ("retention_12m", "promotion_12m"):
        assert estimate[name].adjusted is None
        assert "no width" in (estimate[name].reason or ""), estimate[name].reason


def test_exits_of_unknown_kind_are_shown_under_both_assumptions() -> None:
    cohort = _cohort(n=3000, seed=26)
    # Everyone who left for another reason left "for an unknown reason" instead, and a third
    # of the voluntary leavers too: the records cannot tell who chose to go.
    exited = np.asarray(cohort.exited, dtype=bool)
    days = np.asarray(cohort.exit_days, dtype=float)
    rng = np.random.default_rng(0)
    hidden = exited & (rng.random(3000) < 0.6)
    unknown = hidden | (~exited & (days < 730))
    estimate = estimate_outcomes(
        replace(cohort, exited=exited & ~hidden, exited_unknown=unknown),
        ("retention_12m",),
        n_bootstrap=60,
    )["retention_12m"]
    assert estimate.unknown_exits is not None
    assert estimate.unknown_exits.count == int((unknown & (days <= 365)).sum())
    staying, voluntary = estimate.unknown_exits.as_staying, estimate.unknown_exits.as_voluntary
    assert staying is not None and voluntary is not None
    if estimate.adjusted is None:
        assert "Inconclusive" in (estimate.reason or "")
        assert f"{estimate.unknown_exits.count} people left" in (estimate.reason or "")
    else:  # same conclusion: the interval spans both assumptions
        assert estimate.adjusted.ci95[0] == min(staying.ci95[0], voluntary.ci95[0])
        assert estimate.adjusted.ci95[1] == max(staying.ci95[1], voluntary.ci95[1])


def test_a_level_whose_non_participants_all_join_soon_is_refused_in_words() -> None:
    cohort = _cohort(n=3000, seed=21)
    assert estimate_outcomes(cohort, n_bootstrap=40)["promotion_12m"].adjusted is not None
    level = np.asarray(cohort.job_level)
    treated = np.asarray(cohort.treated).astype(bool)
    busiest = int(np.bincount(level[treated]).argmax())
    # Everyone at that level who did not join is followed for a month only: they join then.
    censor = np.where(~treated & (level == busiest), 30.0, np.inf)
    estimate = estimate_outcomes(replace(cohort, censor_days=censor), n_bootstrap=40)
    for value in estimate.values():
        assert value.adjusted is None
        assert value.reason is not None
        assert f"job level {busiest}," in value.reason
        assert "stayed out of the program" in value.reason


def test_thin_levels_counts_people_who_stayed_out_per_level() -> None:
    # Level 3: 40 participants, 10 stayed out (1 per 4: enough); level 4: 60 participants and
    # 11 stayed out (fewer than 1 per 5); level 5: 5 participants, 9 stayed out and 30 who
    # joined within the window (not counted). Level 6 holds no participant.
    level = np.repeat([3, 3, 4, 4, 5, 5, 5, 6], [40, 10, 60, 11, 5, 9, 30, 3])
    treated = np.repeat([1, 0, 1, 0, 1, 0, 0, 0], [40, 10, 60, 11, 5, 9, 30, 3]).astype(bool)
    stayed = np.repeat([0, 1, 0, 1, 0, 1, 0, 0], [40, 10, 60, 11, 5, 9, 30, 3]).astype(bool)
    person = np.arange(len(level))
    thin = thin_levels(level, person, treated, stayed)
    assert thin.levels == [4, 5]
    assert thin.share == pytest.approx(65 / 105)
    # A person counted once however many monthly rows they have.
    doubled = thin_levels(
        np.concatenate([level, level]),
        np.concatenate([person, person]),
        np.concatenate([treated, treated]),
        np.concatenate([stayed, stayed]),
    )
    assert doubled == thin
