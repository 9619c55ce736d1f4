"""Validated matching problems: candidate graphs, score oracles, quantization and the result.

Everything a solver needs is normalised here once, so the solvers can trust their input:

* a :class:`CandidateGraph` holds the candidate pairs (arcs) sorted by mentee then mentor,
  with float scores and optional mentor-side scores;
* a :class:`ScoreOracle` yields scores of *all* pairs block by block (``-inf`` = not allowed),
  for problems too large to hold densely as a graph;
* a :class:`Quantizer` maps float scores to integers for the min-cost flow, with a documented
  rounding bound;
* :class:`MatchResult` is what every solver returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

from .errors import MatchingInputError

ProgressCallback = Callable[[str, int, int], None]
METHODS = ("optimal", "stable", "greedy")


def _noop_progress(stage: str, done: int, total: int) -> None:
    """Progress sink used when the caller gives none."""


@dataclass(frozen=True)
class MatchResult:
    """The outcome of one matching run.

    Guarantees: ``pairs`` is sorted by mentee; no mentee appears twice; no mentor appears more
    often than its capacity; every pair was allowed. ``total_score`` is the sum of the
    *original* float scores of ``pairs``. ``upper_bound`` (when not ``None``) is a proven upper
    bound on the best total score among maximum-cardinality assignments.
    """

    pairs: np.ndarray
    total_score: float
    unmatched: np.ndarray
    upper_bound: float | None
    method: str
    n_mentees: int
    n_mentors: int
    certified: bool = False
    rounds: int = 0
    n_candidates: int = 0
    score_step: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    history: list[dict[str, float | None]] = field(default_factory=list)

    @property
    def matched(self) -> int:
        """Number of matched mentees."""
        return int(self.pairs.shape[0])

    @property
    def gap(self) -> float | None:
        """Relative gap ``(upper_bound - total) / max(|upper_bound|, 1e-12)``, or None."""
        if self.upper_bound is None:
            return None
        return max(0.0, self.upper_bound - self.total_score) / max(abs(self.upper_bound), 1e-12)

    @property
    def mentor_of(self) -> np.ndarray:
        """Array of length ``n_mentees``: the mentor of each mentee, or -1."""
        out = np.full(self.n_mentees, -1, dtype=np.int64)
        out[self.pairs[:, 0]] = self.pairs[:, 1]
        return out

    @property
    def mentor_load(self) -> np.ndarray:
        """Array of length ``n_mentors``: how many mentees each mentor got."""
        return np.bincount(self.pairs[:, 1], minlength=self.n_mentors).astype(np.int64)


@dataclass
class CandidateGraph:
    """Candidate pairs of one problem, sorted by (mentee, mentor), without duplicates."""

    n_mentees: int
    n_mentors: int
    rows: np.ndarray  # int64 mentee index per arc
    cols: np.ndarray  # int64 mentor index per arc
    scores: np.ndarray  # float64 score per arc
    mentor_scores: np.ndarray | None = None  # float64 mentor-side score per arc

    @property
    def n_arcs(self) -> int:
        return int(self.rows.shape[0])

    def indptr(self) -> np.ndarray:
        """CSR row pointer of the arcs (arcs are sorted by mentee)."""
        return np.searchsorted(self.rows, np.arange(self.n_mentees + 1)).astype(np.int64)

    def subset(self, keep: np.ndarray) -> CandidateGraph:
        """The graph restricted to the arcs where ``keep`` is True (order preserved)."""
        return CandidateGraph(
            self.n_mentees,
            self.n_mentors,
            self.rows[keep],
            self.cols[keep],
            self.scores[keep],
            None if self.mentor_scores is None else self.mentor_scores[keep],
        )


@runtime_checkable
class ScoreOracle(Protocol):
    """Scores of all pairs, produced block by block so no dense matrix is ever held.

    ``block(start, stop)`` returns a float array of shape ``(stop - start, n_mentors)``; a
    forbidden pair is ``-inf``. It must be deterministic: the same block gives bit-identical
    values every time (the column generation relies on it to re-price pairs exactly).
    ``score_range`` bounds every finite score: ``lo <= score <= hi``.
    """

    n_mentees: int
    n_mentors: int
    block_size: int

    def block(self, start: int, stop: int) -> np.ndarray: ...

    def score_range(self) -> tuple[float, float]: ...


def iter_blocks(n: int, size: int) -> Iterator[tuple[int, int]]:
    """Fixed block boundaries ``[start, stop)``; fixed so blocks are recomputed identically."""
    for start in range(0, n, size):
        yield start, min(n, start + size)


class DenseOracle:
    """A :class:`ScoreOracle` over a dense score matrix with an optional mask and minimum."""

    def __init__(
        self,
        scores: np.ndarray,
        allowed: np.ndarray | None,
        min_score: float | None,
        capacities: np.ndarray,
        block_size: int = 1024,
    ) -> None:
        self.scores = scores
        self.allowed = allowed
        self.min_score = min_score
        self.n_mentees, self.n_mentors = scores.shape
        self.block_size = block_size
        self._closed = capacities == 0

    def block(self, start: int, stop: int) -> np.ndarray:
        out = np.array(self.scores[start:stop], dtype=np.float64)
        if self.allowed is not None:
            out[~self.allowed[start:stop]] = -np.inf
        if self.min_score is not None:
            out[out < self.min_score] = -np.inf
        if self._closed.any():
            out[:, self._closed] = -np.inf
        return out

    def score_range(self) -> tuple[float, float]:
        if self.scores.size == 0:
            return 0.0, 0.0
        return float(self.scores.min()), float(self.scores.max())


class Quantizer:
    """Maps float scores to non-negative integers for the exact integer min-cost flow.

    ``q(s) = rint((s - lo) * scale)`` with ``scale = resolution / (hi - lo)``. Shifting every
    score by ``lo`` changes the total of every maximum-cardinality assignment by the same
    constant, so it never changes which one is best. Each quantised score is off by at most
    half a step (``step = 1 / scale``), so the optimum over quantised scores is within
    ``k * step`` of the float optimum (``k`` = matched mentees); ``slack(k)`` reports it.

    The resolution is as fine as the dual bookkeeping allows: dual prices reach about
    ``BIG = (kmax + 1) * resolution`` and sums along shortest paths must stay exact in int64
    and float64 (< 2**53), hence ``resolution <= 2e15 / (kmax + 2)``, and at most 2**40.
    """

    def __init__(self, lo: float, hi: float, kmax: int) -> None:
        self.lo = float(lo)
        self.hi = float(hi)
        self.resolution = int(min(2**40, 2e15 // (kmax + 2)))
        span = self.hi - self.lo
        # With a single score value every pair quantises exactly to 0; any scale will do.
        self.scale = self.resolution / span if span > 0 else float(self.resolution)
        self.step = 1.0 / self.scale
        # One more match must beat any difference in total quantised score (lexicographic).
        self.big = int((kmax + 1) * self.resolution + 1)

    def q(self, scores: np.ndarray) -> np.ndarray:
        """Quantised scores (int64); a deterministic function of the float values."""
        return np.rint((np.asarray(scores, dtype=np.float64) - self.lo) * self.scale).astype(
            np.int64
        )

    def slack(self, k: int) -> float:
        """Largest possible difference between float and quantised totals of ``k`` pairs."""
        return 0.5 * k * self.step


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _first_bad(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(x) for x in np.argwhere(mask)[0])


def _fmt_index(index: tuple[int, ...]) -> str:
    return ", ".join(str(i) for i in index)


def check_capacities(capacities: Any, n_mentors: int) -> np.ndarray:
    """Return capacities as int64; raise :class:`MatchingInputError` naming the bad entry."""
    try:
        arr = np.asarray(capacities)
    except (TypeError, ValueError) as exc:
        raise MatchingInputError(f"capacities could not be read as an array: {exc}") from exc
    if arr.ndim != 1:
        raise MatchingInputError(
            f"capacities must be a 1-D array (one per mentor), got shape {arr.shape}"
        )
    if arr.shape[0] != n_mentors:
        raise MatchingInputError(
            f"capacities has {arr.shape[0]} entries but scores has {n_mentors} mentor columns"
        )
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise MatchingInputError(f"capacities must be integers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise MatchingInputError(f"capacities[{j}] = {arr[j]}: must be an integer")
    if (arr < 0).any():
        j = int(np.flatnonzero(arr < 0)[0])
        raise MatchingInputError(f"capacities[{j}] = {arr[j]:g}: must be >= 0")
    return arr.astype(np.int64)


def _check_finite(
    name: str, values: np.ndarray, shape_index: Callable[[int], tuple[Any, ...]]
) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        flat = int(np.flatnonzero(bad.ravel())[0])
        where = shape_index(flat)
        value = values.ravel()[flat]
        raise MatchingInputError(
            f"{name}[{_fmt_index(where)}] = {value}: scores must be finite (no NaN or infinity)"
        )


def _as_csr(name: str, matrix: Any) -> sp.csr_array:
    csr = sp.csr_array(matrix)
    csr.sum_duplicates()
    csr.sort_indices()
    return csr


def check_scores(name: str, scores: Any) -> np.ndarray | sp.csr_array:
    """Return scores as a float64 dense array or a canonical CSR array, validated."""
    if sp.issparse(scores):
        if scores.ndim != 2:
            raise MatchingInputError(f"{name} must be 2-D (mentees x mentors)")
        csr = _as_csr(name, scores)
        if not np.issubdtype(csr.dtype, np.number) or np.issubdtype(csr.dtype, np.complexfloating):
            raise MatchingInputError(f"{name} must hold real numbers, got dtype {csr.dtype}")
        csr = csr.astype(np.float64)
        data = csr.data
        if not np.isfinite(data).all():
            k = int(np.flatnonzero(~np.isfinite(data))[0])
            row = int(np.searchsorted(csr.indptr, k, side="right") - 1)
            col = int(csr.indices[k])
            raise MatchingInputError(
                f"{name}[{row}, {col}] = {data[k]}: scores must be finite (no NaN or infinity)"
            )
        return csr
    try:
        arr = np.asarray(scores)
    except (TypeError, ValueError) as exc:
        raise MatchingInputError(f"{name} could not be read as an array: {exc}") from exc
    if arr.ndim != 2:
        raise MatchingInputError(
            f"{name} must be a 2-D array (mentees x mentors), got shape {arr.shape}"
        )
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise MatchingInputError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise MatchingInputError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating):
        _check_finite(name, arr, lambda flat: np.unravel_index(flat, arr.shape))
    if arr.dtype != np.float64 and arr.dtype != np.float32:
        arr = arr.astype(np.float64)
    return arr


def check_allowed(allowed: Any, shape: tuple[int, int]) -> np.ndarray | sp.csr_array | None:
    """Return the mask (dense bool, or CSR whose stored non-zeros are the allowed pairs)."""
    if allowed is None:
        return None
    if sp.issparse(allowed):
        if allowed.shape != shape:
            raise MatchingInputError(
                f"allowed has shape {allowed.shape} but scores has shape {shape}"
            )
        return _as_csr("allowed", allowed)
    arr = np.asarray(allowed)
    if arr.shape != shape:
        raise MatchingInputError(f"allowed has shape {arr.shape} but scores has shape {shape}")
    if arr.dtype != bool:
        raise MatchingInputError(
            f"allowed must be a boolean mask (True = allowed), got dtype {arr.dtype}"
        )
    return arr


def check_min_score(min_score: Any) -> float | None:
    if min_score is None:
        return None
    try:
        value = float(min_score)
    except (TypeError, ValueError) as exc:
        raise MatchingInputError(f"min_score = {min_score!r}: must be a number") from exc
    if not np.isfinite(value):
        raise MatchingInputError(f"min_score = {value}: must be finite")
    return value


def graph_from_inputs(
    scores: np.ndarray | sp.csr_array,
    allowed: np.ndarray | sp.csr_array | None,
    min_score: float | None,
    mentor_scores: np.ndarray | sp.csr_array | None,
    capacities: np.ndarray,
) -> CandidateGraph:
    """Build the candidate graph: stored (sparse) or all (dense) pairs, minus forbidden ones.

    Pairs with a mentor of capacity 0, a False ``allowed`` entry, or a score below
    ``min_score`` are dropped; what remains is exactly the set of pairs a solver may use.
    """
    n, m = scores.shape
    if not isinstance(scores, np.ndarray):  # canonical CSR (``check_scores``)
        indptr = scores.indptr
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
        cols = scores.indices.astype(np.int64)
        vals = scores.data.astype(np.float64)
    else:
        keep = np.ones((n, m), dtype=bool) if allowed is None or sp.issparse(allowed) else allowed
        rows, cols = np.nonzero(keep)
        rows = rows.astype(np.int64)
        cols = cols.astype(np.int64)
        vals = np.asarray(scores[rows, cols], dtype=np.float64)
    keep_arc = capacities[cols] > 0
    if allowed is not None:
        if sp.issparse(allowed):
            keep_arc &= _sparse_lookup(allowed, rows, cols) != 0
        elif sp.issparse(scores):
            keep_arc &= allowed[rows, cols]
    if min_score is not None:
        keep_arc &= vals >= min_score
    ms = None
    if mentor_scores is not None:
        if sp.issparse(mentor_scores):
            ms_all = _sparse_lookup(mentor_scores, rows, cols, missing=np.nan)
            missing = np.isnan(ms_all) & keep_arc
            if missing.any():
                k = int(np.flatnonzero(missing)[0])
                raise MatchingInputError(
                    f"mentor_scores has no entry for candidate pair ({rows[k]}, {cols[k]})"
                )
            ms = ms_all
        else:
            ms = np.asarray(mentor_scores[rows, cols], dtype=np.float64)
    graph = CandidateGraph(n, m, rows, cols, vals, ms)
    return graph.subset(keep_arc) if not keep_arc.all() else graph


def _sparse_lookup(
    csr: sp.csr_array, rows: np.ndarray, cols: np.ndarray, missing: float = 0.0
) -> np.ndarray:
    """Values of a canonical CSR matrix at (rows, cols), ``missing`` where nothing is stored."""
    n, m = csr.shape
    keys = np.repeat(np.arange(n, dtype=np.int64), np.diff(csr.indptr)) * m + csr.indices
    want = rows * m + cols
    pos = np.searchsorted(keys, want)
    pos_c = np.minimum(pos, max(len(keys) - 1, 0))
    found = (pos < len(keys)) & (keys[pos_c] == want) if len(keys) else np.zeros(len(want), bool)
    out = np.full(len(want), missing, dtype=np.float64)
    out[found] = csr.data[pos_c[found]]
    return out
