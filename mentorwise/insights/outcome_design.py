"""The covariates as the outcome estimator uses them, and the two fits made on them.

- ``matrices``: the model and balance matrices;
- ``balancing_fit``: the propensity model, logistic in form (the odds of joining are
  ``exp(xβ)``) but fitted by the covariate-balancing loss for the effect on participants, so
  that the weighted comparison rows match the participants on every column of the model
  (Zhao 2019, "Covariate balancing propensity score by tailored loss functions"; the same
  dual as entropy balancing);
- ``ridge_logistic``: the outcome models of the doubly robust estimate;
- ``Compact``: the same model matrix stored as its distinct category patterns plus the one
  continuous column, for the products the bootstrap repeats (see ``Compact``).

No straight lines are assumed: job level, tenure band, function, location and the trial (the
calendar month of time zero) enter as one indicator per category, with the interactions that
matter for who joins a program (level × high potential, level × manager, tenure band × high
potential, function × high potential) and smooth linear terms for level and tenure on top. The
balance matrix holds every category level and every interaction the model uses, so a
diagnostic can fail where the model is wrong, plus the continuous covariates (for variance
ratios and distribution checks).

Framework-free: arrays in, arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

# Upper bounds (years) of the tenure bands: yearly to five years, [0, 1), …, [4, 5), then
# [5, 8), [8, 12), [12, 20), [20, ∞). Fine where turnover and promotion change fastest, coarse
# later (a band of [3, 5) hid a joining and leaving peak inside it: measured, the null's
# retention estimate went from −0.010 to −0.005 with yearly bands and function × high potential).
TENURE_BOUNDS = (1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 12.0, 20.0)


def tenure_band(years: FloatArray) -> npt.NDArray[np.str_]:
    """The tenure band label of each value ("0-1", "1-2", …, "20+")."""
    edges = (0.0, *TENURE_BOUNDS)
    labels = [f"{int(lo)}-{int(hi)}" for lo, hi in zip(edges, TENURE_BOUNDS, strict=False)]
    labels.append(f"{int(TENURE_BOUNDS[-1])}+")
    index = np.searchsorted(np.asarray(TENURE_BOUNDS), years, side="right")
    return np.asarray(labels)[index]


@dataclass(frozen=True)
class Covariates:
    """One row per (person, trial), all arrays the same length."""

    job_level: npt.NDArray[np.int64]
    tenure_years: FloatArray
    function: npt.NDArray[np.str_]
    location: npt.NDArray[np.str_]
    is_manager: BoolArray
    high_potential: BoolArray
    trial: npt.NDArray[np.int64]


@dataclass(frozen=True)
class Compact:
    """A model matrix ``x`` as ``patterns[code]`` plus one continuous column: row ``i`` of
    ``x`` is ``patterns[code[i]]`` with ``free[i]`` in column ``column`` (zero in ``patterns``).

    Every column of the model but log tenure is a function of the categories (level, tenure
    band, function, location, manager, high potential, trial), which take a few thousand
    combinations among hundreds of thousands of rows. So ``x @ β`` is a product with the
    patterns, read back per row, and ``r @ x`` sums ``r`` per pattern (``np.bincount``) before
    the product: a pass over the rows costs a gather or a bincount instead of a multiplication
    by every column. The results are those of the dense products, to rounding.
    """

    code: IntArray
    patterns: FloatArray
    free: FloatArray
    column: int

    def dot(self, beta: FloatArray) -> FloatArray:
        """``x @ beta``."""
        return np.asarray((self.patterns @ beta)[self.code] + self.free * beta[self.column])

    def rdot(self, r: FloatArray) -> FloatArray:
        """``r @ x``."""
        sums = np.bincount(self.code, weights=r, minlength=len(self.patterns))
        out = np.asarray(sums @ self.patterns, dtype=np.float64)
        out[self.column] += r @ self.free
        return out

    def gram(self, w: FloatArray) -> FloatArray:
        """``(x * w[:, None]).T @ x``."""
        k = len(self.patterns)
        out = np.asarray(
            (self.patterns * np.bincount(self.code, weights=w, minlength=k)[:, None]).T
            @ self.patterns,
            dtype=np.float64,
        )
        cross = np.bincount(self.code, weights=w * self.free, minlength=k) @ self.patterns
        out[self.column, :] += cross
        out[:, self.column] += cross
        out[self.column, self.column] += w @ np.square(self.free)
        return out

    def take(self, index: IntArray) -> Compact:
        """The rows ``index`` (the patterns are shared)."""
        return Compact(self.code[index], self.patterns, self.free[index], self.column)

    def columns(self, keep: BoolArray) -> Compact:
        """The columns ``keep`` (which must include the continuous one)."""
        column = int(np.sum(keep[: self.column]))
        return Compact(self.code, self.patterns[:, keep], self.free, column)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.code), self.patterns.shape[1])


Design = FloatArray | Compact


def _dot(x: Design, beta: FloatArray) -> FloatArray:
    return x.dot(beta) if isinstance(x, Compact) else np.asarray(x @ beta, dtype=np.float64)


def _rdot(r: FloatArray, x: Design) -> FloatArray:
    return x.rdot(r) if isinstance(x, Compact) else np.asarray(r @ x, dtype=np.float64)


def _gram(x: Design, w: FloatArray) -> FloatArray:
    if isinstance(x, Compact):
        return x.gram(w)
    return np.asarray((x * w[:, None]).T @ x, dtype=np.float64)


@dataclass(frozen=True)
class Matrices:
    """``compact``: the propensity/outcome models' input (intercept last; ``model`` is it as a
    dense array); its first columns are those checked for balance (names in
    ``balance_names``; ``balance``: as a dense array); ``continuous``: name -> values."""

    model_names: list[str]
    balance_names: list[str]
    continuous: dict[str, FloatArray]
    compact: Compact

    @property
    def model(self) -> FloatArray:
        c = self.compact
        dense = c.patterns[c.code]
        dense[:, c.column] = c.free
        return dense

    @property
    def balance_patterns(self) -> FloatArray:
        """The balance columns of each pattern (row ``i`` has those of ``compact.code[i]``)."""
        return self.compact.patterns[:, : len(self.balance_names)]

    @property
    def balance(self) -> FloatArray:
        return self.balance_patterns[self.compact.code]


def _indicators(name: str, labels: npt.NDArray[np.str_]) -> tuple[list[FloatArray], list[str]]:
    columns, names = [], []
    for level in np.unique(labels):
        columns.append((labels == level).astype(np.float64))
        names.append(f"{name}={level}")
    return columns, names


def _patterns(cov: Covariates) -> tuple[IntArray, IntArray]:
    """Each row's combination of categories (level, tenure band, function, location, manager,
    high potential, trial) as 0..k-1, and the first row of each combination."""
    code = np.zeros(len(cov.job_level), dtype=np.int64)
    for values in (
        cov.job_level,
        np.searchsorted(np.asarray(TENURE_BOUNDS), cov.tenure_years, side="right"),
        cov.function,
        cov.location,
        cov.is_manager,
        cov.high_potential,
        cov.trial,
    ):
        _, index = np.unique(values, return_inverse=True)
        code = code * (int(index.max()) + 1 if len(index) else 1) + index
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return inverse.astype(np.int64), first.astype(np.int64)


def _take(cov: Covariates, rows: IntArray) -> Covariates:
    return Covariates(
        job_level=cov.job_level[rows],
        tenure_years=cov.tenure_years[rows],
        function=cov.function[rows],
        location=cov.location[rows],
        is_manager=cov.is_manager[rows],
        high_potential=cov.high_potential[rows],
        trial=cov.trial[rows],
    )


def matrices(cov: Covariates) -> Matrices:
    """The model and balance matrices of ``cov`` (see the module docstring).

    Every column but log tenure is built once per combination of categories (``_patterns``)
    and read back per row: the same values as building each column over every row."""
    code, first = _patterns(cov)
    one = _take(cov, first)  # one row of each combination
    level_labels = one.job_level.astype(str)
    band = tenure_band(one.tenure_years)
    hipo = one.high_potential.astype(np.float64)
    manager = one.is_manager.astype(np.float64)

    columns: list[FloatArray] = []
    names: list[str] = []
    for name, labels in (
        ("job_level", level_labels),
        ("tenure", band),
        ("function", one.function.astype(str)),
        ("location", one.location.astype(str)),
    ):
        c, n = _indicators(name, labels)
        columns += c
        names += n
    columns += [manager, hipo]
    names += ["is_manager", "high_potential"]
    level_c, level_n = _indicators("job_level", level_labels)
    band_c, band_n = _indicators("tenure", band)
    for col, label in zip(level_c, level_n, strict=True):
        columns.append(col * hipo)
        names.append(f"{label} × high_potential")
        columns.append(col * manager)
        names.append(f"{label} × is_manager")
    for col, label in zip(band_c, band_n, strict=True):
        columns.append(col * hipo)
        names.append(f"{label} × high_potential")
    function_c, function_n = _indicators("function", one.function.astype(str))
    for col, label in zip(function_c, function_n, strict=True):
        columns.append(col * hipo)
        names.append(f"{label} × high_potential")
    trials = np.unique(one.trial)
    if len(trials) > 1:
        c, n = _indicators("trial", one.trial.astype(str))
        columns += c
        names += n
    patterns = np.column_stack(columns)
    # Drop interaction columns that are all zero (e.g. no high potential at level 9): they carry
    # nothing and would only inflate the balance table. (Every combination has a row, so a
    # column is zero in every row exactly when it is zero in every combination.)
    keep: BoolArray = np.asarray(patterns.any(axis=0), dtype=bool)
    patterns = patterns[:, keep]
    kept_flags: list[bool] = [bool(k) for k in keep]
    balance_names = [n for n, k in zip(names, kept_flags, strict=True) if k]

    level = cov.job_level.astype(np.float64)
    tenure = cov.tenure_years.astype(np.float64)
    smooth = []
    for values in (level, np.log1p(tenure)):
        sd = values.std()
        smooth.append((values - values.mean()) / (sd if sd > 0 else 1.0))
    # The model's columns: the balance columns, level (linear), log tenure (linear; the
    # continuous column, zero in the patterns), the intercept.
    model_patterns = np.column_stack(
        [patterns, smooth[0][first], np.zeros(len(first)), np.ones(len(first))]
    )
    column = model_patterns.shape[1] - 2
    return Matrices(
        model_names=[*balance_names, "job_level (linear)", "log tenure (linear)", "intercept"],
        balance_names=balance_names,
        continuous={"job_level": level, "tenure_years": tenure},
        compact=Compact(code, np.ascontiguousarray(model_patterns), smooth[1], column),
    )


# --------------------------------------------------------------------------------------------
# Ridge-penalised logistic regression (Newton's method)

RIDGE = 1.0  # penalty on every coefficient but the intercept (inputs are 0/1 or standardised)


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0))), dtype=np.float64)


def _loss(x: Design, y: FloatArray, w: FloatArray, beta: FloatArray, pen: FloatArray) -> float:
    z = _dot(x, beta)
    # log(1 + e^z) - y z, computed without overflow.
    ll = np.logaddexp(0.0, z) - y * z
    return float(w @ ll + 0.5 * (pen * beta) @ beta)


def ridge_logistic(
    x: Design,
    y: FloatArray,
    weights: FloatArray,
    *,
    start: FloatArray | None = None,
    steps: int = 50,
    ridge: float = RIDGE,
) -> FloatArray:
    """Coefficients minimising Σ wᵢ·logloss + ½·ridge·‖β‖² (the last column, the intercept,
    unpenalised) by damped Newton steps. ``steps`` bounds the iterations: the bootstrap takes
    two from the full-sample solution, which is close (the resample moves it by O(1/√n))."""
    pen = np.full(x.shape[1], ridge)
    pen[-1] = 0.0
    beta = np.zeros(x.shape[1]) if start is None else start.copy()
    current = _loss(x, y, weights, beta, pen)
    for _ in range(steps):
        p = _sigmoid(_dot(x, beta))
        gradient = _rdot(weights * (p - y), x) + pen * beta
        hessian = _gram(x, weights * p * (1.0 - p)) + np.diag(pen + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while True:
            candidate = beta - scale * step
            value = _loss(x, y, weights, candidate, pen)
            if value <= current + 1e-12 or scale < 1e-4:
                break
            scale /= 2.0
        beta, improvement, current = candidate, current - value, value
        if np.max(np.abs(scale * step)) < 1e-7 or improvement < 1e-10:
            break
    return beta


def predict(x: Design, beta: FloatArray) -> FloatArray:
    return _sigmoid(_dot(x, beta))


def _penalty(beta: FloatArray, ridge: float) -> FloatArray:
    pen = np.full(len(beta), ridge)
    pen[-1] = 0.0
    return pen


def logistic_gradient(
    x: Design, y: FloatArray, w: FloatArray, beta: FloatArray, ridge: float = RIDGE
) -> FloatArray:
    return _rdot(w * (predict(x, beta) - y), x) + _penalty(beta, ridge) * beta


def logistic_hessian(
    x: Design, w: FloatArray, beta: FloatArray, ridge: float = RIDGE
) -> FloatArray:
    p = predict(x, beta)
    return _gram(x, w * p * (1 - p)) + np.diag(_penalty(beta, ridge) + 1e-9)


def balance_gradient(
    x: Design, treated: BoolArray, w: FloatArray, beta: FloatArray, ridge: float = 0.01
) -> FloatArray:
    odds = np.exp(np.clip(_dot(x, beta), -30.0, 30.0)) * w * ~treated
    # One pass over x for both sums (the bootstrap calls this 600 times on every row).
    return _rdot(odds - w * treated, x) + _penalty(beta, ridge) * beta


def balance_hessian(
    x: Design, treated: BoolArray, w: FloatArray, beta: FloatArray, ridge: float = 0.01
) -> FloatArray:
    odds = np.exp(np.clip(_dot(x, beta), -30.0, 30.0)) * w * ~treated
    return _gram(x, odds) + np.diag(_penalty(beta, ridge) + 1e-9)


BALANCE_RIDGE = 0.01  # small: exact balance where the data allow it, finite where they do not


def _balance_loss(
    x: Design, sign: FloatArray, w: FloatArray, beta: FloatArray, pen: FloatArray
) -> float:
    z = np.clip(_dot(x, beta), -30.0, 30.0)
    # Comparison rows: exp(z); participant rows: -z.
    return float(w @ np.where(sign > 0, -z, np.exp(z)) + 0.5 * (pen * beta) @ beta)


def balancing_fit(
    x: Design,
    treated: BoolArray,
    weights: FloatArray,
    *,
    start: FloatArray | None = None,
    steps: int = 50,
    ridge: float = BALANCE_RIDGE,
) -> FloatArray:
    """Coefficients β of the odds of joining, ``exp(xβ)``, minimising
    Σ_comparison wᵢ·exp(xᵢβ) − Σ_participants wᵢ·xᵢβ + ½·ridge·‖β‖² (intercept unpenalised).

    At the minimum the comparison rows weighted by ``exp(xβ)`` have the participants' totals on
    every column (ATT balance), up to the small ridge term. Damped Newton steps.
    """
    pen = np.full(x.shape[1], ridge)
    pen[-1] = 0.0
    sign = treated.astype(np.float64)
    control = (1.0 - sign) * weights
    target = _rdot(sign * weights, x)
    beta = np.zeros(x.shape[1]) if start is None else start.copy()
    current = _balance_loss(x, sign, weights, beta, pen)
    for _ in range(steps):
        odds = np.exp(np.clip(_dot(x, beta), -30.0, 30.0)) * control
        gradient = _rdot(odds, x) - target + pen * beta
        hessian = _gram(x, odds) + np.diag(pen + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while True:
            candidate = beta - scale * step
            value = _balance_loss(x, sign, weights, candidate, pen)
            if value <= current + 1e-12 or scale < 1e-4:
                break
            scale /= 2.0
        beta, improvement, current = candidate, current - value, value
        if np.max(np.abs(scale * step)) < 1e-7 or improvement < 1e-10:
            break
    return beta
