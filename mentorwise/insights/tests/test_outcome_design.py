"""The compact model matrix: the same products as the dense one, to rounding."""

from __future__ import annotations

import numpy as np
import pytest

from mentorwise.insights.outcome_design import (
    Covariates,
    balance_hessian,
    balancing_fit,
    logistic_hessian,
    matrices,
    ridge_logistic,
)
from mentorwise.insights.outcome_diagnostics import balance_table
from mentorwise.insights.outcomes import balance_by_pattern


def _covariates(n: int = 4000, seed: int = 0) -> Covariates:
    rng = np.random.default_rng(seed)
    level = rng.integers(1, 8, n)
    return Covariates(
        job_level=level.astype(np.int64),
        tenure_years=np.round(rng.gamma(1.6, 2.0, n), 2),
        function=rng.choice(np.array(["Sales", "Engineering", "Finance"]), n),
        location=rng.choice(np.array(["London", "Berlin"]), n),
        is_manager=rng.random(n) < 0.1 * level,
        high_potential=rng.random(n) < 0.2,
        trial=rng.integers(0, 4, n).astype(np.int64),
    )


def test_compact_rows_are_the_model_rows() -> None:
    m = matrices(_covariates())
    c = m.compact
    dense = c.patterns[c.code]
    dense[:, c.column] = c.free
    assert np.array_equal(dense, m.model)
    assert c.shape == m.model.shape
    # One pattern per distinct row of the other columns: as few as the categories allow.
    others = np.delete(m.model, c.column, axis=1)
    assert len(c.patterns) == len(np.unique(others, axis=0)) < len(m.model)


def test_compact_products_match_the_dense_ones() -> None:
    m = matrices(_covariates())
    rng = np.random.default_rng(1)
    beta = rng.normal(size=m.model.shape[1])
    r = rng.normal(size=len(m.model))
    assert np.allclose(m.compact.dot(beta), m.model @ beta, rtol=1e-12, atol=1e-12)
    assert np.allclose(m.compact.rdot(r), r @ m.model, rtol=1e-12, atol=1e-9)
    w = rng.random(len(m.model))
    assert np.allclose(m.compact.gram(w), (m.model * w[:, None]).T @ m.model, atol=1e-9)
    index = np.flatnonzero(rng.random(len(m.model)) < 0.6)
    assert np.allclose(m.compact.take(index).dot(beta), m.model[index] @ beta, atol=1e-12)
    keep = np.ones(m.model.shape[1], dtype=bool)
    keep[:5] = False
    assert np.allclose(m.compact.columns(keep).dot(beta[keep]), m.model[:, keep] @ beta[keep])


@pytest.mark.parametrize("fit", ["balancing", "logistic"])
def test_fits_on_the_compact_matrix_match_the_dense_fits(fit: str) -> None:
    cov = _covariates(seed=2)
    m = matrices(cov)
    rng = np.random.default_rng(3)
    treated = rng.random(len(m.model)) < 0.2 + 0.05 * cov.job_level
    weights = rng.integers(0, 3, len(m.model)).astype(np.float64)
    if fit == "balancing":
        dense = balancing_fit(m.model, treated, weights)
        compact = balancing_fit(m.compact, treated, weights)
        h_dense = balance_hessian(m.model, treated, weights, dense)
        h_compact = balance_hessian(m.compact, treated, weights, dense)
    else:
        y = treated.astype(np.float64)
        dense = ridge_logistic(m.model, y, weights)
        compact = ridge_logistic(m.compact, y, weights)
        h_dense = logistic_hessian(m.model, weights, dense)
        h_compact = logistic_hessian(m.compact, weights, dense)
    assert np.allclose(compact, dense, atol=1e-8)
    assert np.allclose(h_compact, h_dense, atol=1e-8)


def test_balance_table_of_grouped_rows_matches_the_rows() -> None:
    cov = _covariates(seed=4)
    m = matrices(cov)
    rng = np.random.default_rng(5)
    treated = rng.random(len(m.model)) < 0.25
    w_t = np.where(treated, (rng.random(len(treated)) < 0.95).astype(np.float64), 0.0)
    w_c = np.where(treated, 0.0, rng.gamma(1.0, 1.0, len(treated)))
    by_row = balance_table(m.balance, m.balance_names, treated, w_t, w_c)
    grouped = balance_by_pattern(m, treated, w_t, w_c)
    assert len(grouped) == len(by_row) == len(m.balance_names)
    for a, b in zip(grouped, by_row, strict=True):
        assert (a.covariate, a.checked) == (b.covariate, b.checked)
        assert a.smd_before == pytest.approx(b.smd_before, abs=1e-12)
        assert a.smd_after == pytest.approx(b.smd_after, abs=1e-12)
