"""From participant tables to scores, hard constraints and plain-language reasons.

Every criterion is written as a low-rank product: a sub-score in [0, 1] equal to
``A_c[i] . B_c[j] + const_c`` (skills: wanted share covered; seniority, location: lookup
tables over levels / places factored as table row x one-hot; function: equality of one-hots;
text: TF-IDF cosine). Stacking the weighted factors gives one matrix product per block of
mentees for the whole weighted score, so 100,000 x 20,000 pairs are scored without ever
holding a dense matrix. Sparse per-pair terms (stated preferences) and hard constraints
(self, management chain, vetoes, previous pairs, admin forbids) are applied per block from
sorted pair keys.

Two numbers exist per pair. The **fit** is the weighted average of the criteria anyone may
read about the pair (page, API, reasons, the minimum score, unmatched reasons). The
**objective** that the solvers maximise is the fit, plus, when the inclusion option is on, a
term built from self-identified group membership: ``(1 - w) * fit + w * flag * senior``. The
inclusion term never enters a fit, so no per-pair number that people read depends on anyone's
demographic data; only the choice of pairs does.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from ..errors import MatchingInputError
from ..explain import UnmatchedReason, classify_unmatched
from ..problem import MatchResult, iter_blocks
from ..words import ENGLISH, Words
from .participants import Participants, ProgramRules

# How a veto reads among the rules that forbid a pair (only ever shown to the person who cast
# it and to the program's managers).
VETOED = "vetoed"
_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class Reason:
    """One criterion's part in a pair's score."""

    criterion: str
    value: float  # sub-score in [0, 1]
    weight: float  # share of the total weight
    contribution: float  # value * weight: its part of the score
    text: str


@dataclass(frozen=True)
class PairExplanation:
    """A pair's score and its top contributing criteria, best first."""

    mentee: int
    mentor: int
    score: float
    reasons: list[Reason]

    def __str__(self) -> str:
        return "; ".join(r.text for r in self.reasons)


@dataclass
class _Factor:
    name: str
    a: np.ndarray  # mentee side (n x d)
    b: np.ndarray  # mentor side (m x d)
    const: float
    lo: float
    hi: float


def _codes(values_a: Sequence[str], values_b: Sequence[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """Integer codes of both sides' values over one sorted vocabulary (missing = "")."""
    values_a = ["" if v is None else str(v) for v in values_a]
    values_b = ["" if v is None else str(v) for v in values_b]
    vocab = {v: k for k, v in enumerate(sorted(set(values_a) | set(values_b)))}
    ca = np.fromiter((vocab[v] for v in values_a), dtype=np.int64, count=len(values_a))
    cb = np.fromiter((vocab[v] for v in values_b), dtype=np.int64, count=len(values_b))
    return ca, cb, len(vocab)


def _onehot(codes: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros((codes.shape[0], size), dtype=np.float32)
    out[np.arange(codes.shape[0]), codes] = 1.0
    return out


def _vocab(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> dict[str, int]:
    """Sorted vocabulary of the items of both sides (sorted: deterministic columns)."""
    items = {x for group in a for x in group} | {x for group in b for x in group}
    return {x: k for k, x in enumerate(sorted(items))}


def _multihot(sets: Sequence[Sequence[str]], vocab: dict[str, int]) -> np.ndarray:
    out = np.zeros((len(sets), len(vocab)), dtype=np.float32)
    rows = [r for r, items in enumerate(sets) for _ in items]
    cols = [vocab[s] for items in sets for s in items]
    out[rows, cols] = 1.0
    return out


def _level_words(gap: int, words: Words) -> str:
    if gap == 0:
        return words.gettext("same level")
    n = abs(gap)
    # English spells small numbers out ("two levels above"); other languages get digits.
    number = _NUMBER_WORDS[n] if words.spelled() and n < len(_NUMBER_WORDS) else str(n)
    if gap > 0:
        text = words.ngettext("%(n)s level above", "%(n)s levels above", n)
    else:
        text = words.ngettext("%(n)s level below", "%(n)s levels below", n)
    return text % {"n": number}


# The text model depends on the corpus alone (every mentee's goals, then every mentor's
# expertise, in pool order) and is deterministic, so a process keeps the last few it fitted,
# keyed by a digest of exactly that input: a page scoring one mentee against the pool of a
# program whose texts did not change reuses it, and any change of a text, of who is in the
# pool or of its order is another key.
# (term names by column, the TF-IDF matrix, the dense factor rows, the factor's lower bound);
# the names are kept with the model, as listing them is a sort of the whole vocabulary.
_TextModel = tuple[np.ndarray, Any, np.ndarray, float]
_TEXT_MODELS: dict[str, _TextModel] = {}
_TEXT_MODELS_KEPT = 8
_TEXT_MODELS_LOCK = threading.Lock()


def _corpus_key(corpus: list[str], n_mentees: int, dims: int) -> str:
    digest = hashlib.sha256(f"{n_mentees}:{dims}".encode())
    for text in corpus:
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _positions(ids: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `values`: whether it is in `ids`, and its index there (the last one, as a
    ``{id: index}`` dict built in order keeps), vectorised for the pool's thousands of rows."""
    ids = np.asarray(ids, dtype=np.int64)
    values = np.asarray(values, dtype=np.int64)
    if not len(ids):
        return np.zeros(len(values), dtype=bool), np.zeros(len(values), dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    slot = np.searchsorted(ordered, values, side="right") - 1
    found = (slot >= 0) & (ordered[np.maximum(slot, 0)] == values)
    return found, order[np.maximum(slot, 0)]


def _tz_closeness(delta_hours: np.ndarray) -> np.ndarray:
    """1 for the same time zone, 0 from 8 hours apart (little shared working day)."""
    d = np.abs(delta_hours) % 24
    d = np.minimum(d, 24 - d)
    overlap: np.ndarray = np.clip(1.0 - d / 8.0, 0.0, 1.0)
    return overlap


class ScoringModel:
    """Scores of all mentee x mentor pairs of one program, block by block, with reasons.

    Implements the :class:`~mentorwise.matching.problem.ScoreOracle` protocol, so
    ``solve(model, capacities)`` matches from features directly. Guarantees: every score is in
    ``score_range()``; a pair violating a hard rule is ``-inf`` in ``block``; blocks are
    deterministic.
    """

    def __init__(
        self,
        mentees: Participants,
        mentors: Participants,
        rules: ProgramRules | None = None,
        block_size: int = 1024,
        text_dims: int = 32,
    ) -> None:
        self.rules = rules or ProgramRules()
        self.rules.validate()
        self.mentees = mentees
        self.mentors = mentors
        self.n_mentees = len(mentees)
        self.n_mentors = len(mentors)
        self.block_size = block_size
        self.text_dims = text_dims
        weights = {k: float(v) for k, v in self.rules.weights.items() if v > 0}
        if self.rules.function_preference == "any":
            weights.pop("function", None)
        if self.rules.department_preference == "any":
            weights.pop("department", None)
        inclusion = weights.pop("inclusion", 0.0)
        if self.rules.inclusion and not inclusion:
            inclusion = 1.0
        if not self.rules.inclusion:
            inclusion = 0.0
        if not weights and not inclusion:
            raise MatchingInputError("weights: no criterion is active for this program")
        fit_total = sum(weights.values())
        # Fit weights add up to 1 on their own, so a pair's fit does not move when the inclusion
        # option is switched on or off; the inclusion term's share of the objective is the
        # share its weight has of all weights.
        self.weights = {k: v / fit_total for k, v in weights.items()}
        self.inclusion_share = inclusion / (fit_total + inclusion)
        self._factors = [self._factor(name) for name in self.weights if name != "preferences"]
        self._inclusion = self._factor("inclusion") if inclusion else None
        self._stack()
        self._build_pair_terms()

    # ------------------------------------------------------------------ criteria as factors

    def _factor(self, name: str) -> _Factor:
        e, r = self.mentees, self.mentors
        n, _m = self.n_mentees, self.n_mentors
        if name == "skills":
            vocab = _vocab(e.skills, r.skills)
            wanted = _multihot(e.skills, vocab)
            count = wanted.sum(axis=1, keepdims=True)
            self._skill_vocab = vocab
            return _Factor(name, wanted / np.maximum(count, 1), _multihot(r.skills, vocab), 0, 0, 1)
        if name == "goals_text":
            return self._text_factor()
        if name == "seniority":
            lo_gap, hi_gap = self.rules.gap_range()
            top = int(max(e.job_level.max(initial=0), r.job_level.max(initial=0))) + 1
            levels = np.arange(top)
            gap = levels[None, :] - levels[:, None]  # mentor level - mentee level
            dist = np.maximum(lo_gap - gap, 0) + np.maximum(gap - hi_gap, 0)
            table = np.clip(1.0 - dist / 3.0, 0.0, 1.0).astype(np.float32)
            return _Factor(name, table[e.job_level], _onehot(r.job_level, top), 0, 0, 1)
        if name in ("function", "department"):
            ca, cb, size = _codes(getattr(e, name), getattr(r, name))
            same = getattr(self.rules, f"{name}_preference") == "same"
            a = _onehot(ca, size)
            return _Factor(name, a if same else -a, _onehot(cb, size), 0 if same else 1, 0, 1)
        if name == "location":
            keys_a = [f"{loc}\x00{tz:g}" for loc, tz in zip(e.location, e.utc_offset, strict=True)]
            keys_b = [f"{loc}\x00{tz:g}" for loc, tz in zip(r.location, r.utc_offset, strict=True)]
            ca, cb, size = _codes(keys_a, keys_b)
            if size <= 256:
                places = sorted(set(keys_a) | set(keys_b))
                loc = np.array([p.split("\x00")[0] for p in places])
                tz = np.array([float(p.split("\x00")[1]) for p in places])
                table = np.where(
                    loc[:, None] == loc[None, :], 1.0, 0.6 * _tz_closeness(tz[:, None] - tz)
                ).astype(np.float32)
            else:  # many places: time-zone closeness only (whole hours), same score otherwise
                ca, cb, size = _codes(
                    [f"{round(t)}" for t in e.utc_offset], [f"{round(t)}" for t in r.utc_offset]
                )
                hours = np.array(sorted({round(t) for t in [*e.utc_offset, *r.utc_offset]}))
                table = _tz_closeness(hours[:, None] - hours[None, :]).astype(np.float32)
            return _Factor(name, table[ca], _onehot(cb, size), 0, 0, 1)
        if name == "language":
            vocab = _vocab(e.languages, r.languages)
            spoken = _multihot(e.languages, vocab)
            count = spoken.sum(axis=1, keepdims=True)
            return _Factor(
                name, spoken / np.maximum(count, 1), _multihot(r.languages, vocab), 0, 0, 1
            )
        if name == "inclusion":
            flag = (
                np.zeros(n, np.float32)
                if e.inclusion_flag is None
                else np.asarray(e.inclusion_flag, dtype=np.float32)
            )
            senior = (r.job_level >= self.rules.inclusion_senior_level).astype(np.float32)
            return _Factor(name, flag[:, None], senior[:, None], 0, 0, 1)
        raise MatchingInputError(f"weights[{name!r}]: unknown criterion")  # pragma: no cover

    def _text_factor(self) -> _Factor:
        e, r = self.mentees, self.mentors
        corpus = [*e.text, *r.text]
        if not any(t.strip() for t in corpus):
            return _Factor(
                "goals_text",
                np.zeros((len(e), 1), np.float32),
                np.zeros((len(r), 1), np.float32),
                0,
                0,
                1,
            )
        key = _corpus_key(corpus, len(e), self.text_dims)
        cached = _TEXT_MODELS.get(key)
        if cached is None:
            cached = self._fit_text(corpus)
            with _TEXT_MODELS_LOCK:
                _TEXT_MODELS[key] = cached
                while len(_TEXT_MODELS) > _TEXT_MODELS_KEPT:
                    del _TEXT_MODELS[next(iter(_TEXT_MODELS))]
        self._terms, self._text_matrix, dense, lo = cached
        return _Factor("goals_text", dense[: len(e)], dense[len(e) :], 0, lo, 1)

    def _fit_text(self, corpus: list[str]) -> _TextModel:
        """TF-IDF of the corpus, projected to `text_dims` (read-only: it is shared, see
        `_TEXT_MODELS`)."""
        tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1)
        matrix = tfidf.fit_transform(corpus).astype(np.float32)
        # The truncated SVD needs more rows and terms than components: small programs (few
        # participants or a small vocabulary) keep the exact TF-IDF vectors instead.
        if min(matrix.shape) <= self.text_dims:
            dense = matrix.toarray()
            lo = 0.0
        else:
            # Latent semantic projection keeps one small product per block; rows are
            # re-normalised so the dot product is a cosine in [-1, 1] (close to the TF-IDF one).
            svd = TruncatedSVD(n_components=self.text_dims, random_state=0, algorithm="arpack")
            dense = svd.fit_transform(matrix).astype(np.float32)
            norms = np.linalg.norm(dense, axis=1, keepdims=True)
            dense = dense / np.maximum(norms, 1e-12)
            lo = -1.0
        dense.setflags(write=False)
        return tfidf.get_feature_names_out(), matrix.tocsr(), dense, lo

    def _stack(self) -> None:
        parts_a, parts_b = [], []
        const = 0.0
        lo = hi = 0.0
        self._slices: dict[str, slice] = {}
        col = 0
        for f in self._factors:
            w = self.weights[f.name]
            parts_a.append((w * f.a).astype(np.float32))
            parts_b.append(f.b.astype(np.float32))
            self._slices[f.name] = slice(col, col + f.a.shape[1])
            col += f.a.shape[1]
            const += w * f.const
            lo += w * f.lo
            hi += w * f.hi
        if "preferences" in self.weights:
            hi += self.weights["preferences"]
        if not parts_a:  # no factor criterion (preferences or inclusion only): a zero column
            parts_a.append(np.zeros((self.n_mentees, 1), np.float32))
            parts_b.append(np.zeros((self.n_mentors, 1), np.float32))
        self._a = np.ascontiguousarray(np.hstack(parts_a), dtype=np.float32)
        self._bt = np.ascontiguousarray(np.hstack(parts_b).T, dtype=np.float32)
        self._const = np.float32(const)
        # float32 products may stray a few ulps outside the exact range.
        self._fit_range = (lo - 1e-5, hi + 1e-5)
        share = self.inclusion_share
        self._range = ((1 - share) * lo - 1e-5, (1 - share) * hi + share + 1e-5)

    # -------------------------------------------------------------- per-pair terms and rules

    def _index(self, side: Participants) -> dict[int, int]:
        return {int(pid): k for k, pid in enumerate(side.ids.tolist())}

    def _build_pair_terms(self) -> None:
        e, r = self.mentees, self.mentors
        m = self.n_mentors
        e_at, r_at = self._index(e), self._index(r)
        forbid: dict[str, list[np.ndarray]] = {}

        def add(
            kind: str, rows: Sequence[int] | np.ndarray, cols: Sequence[int] | np.ndarray
        ) -> None:
            rows = np.asarray(rows, dtype=np.int64)
            cols = np.asarray(cols, dtype=np.int64)
            forbid.setdefault(kind, []).append(rows * m + cols)

        # Self: a person enrolled on both sides.
        common = [(e_at[p], r_at[p]) for p in set(e_at) & set(r_at)]
        if common:
            add("self", [a for a, _ in common], [b for _, b in common])
        depth = self.rules.chain_exclusion_depth
        if depth > 0:
            for side, is_mentee in ((e, True), (r, False)):
                if side.chain is None:  # pragma: no cover - filled in by __post_init__
                    continue
                chain = side.chain[:, :depth]
                owner, level = np.nonzero(chain >= 0)
                found, at = _positions((r if is_mentee else e).ids, chain[owner, level])
                if found.any():
                    own, oth = owner[found], at[found]
                    add("chain", own if is_mentee else oth, oth if is_mentee else own)
        for side, other_at, is_mentee in ((e, r_at, True), (r, e_at, False)):
            if side.vetoed is None:
                continue
            pairs = [
                (k, other_at[p]) for k, ps in enumerate(side.vetoed) for p in ps if p in other_at
            ]
            if pairs:
                own = [a for a, _ in pairs]
                oth = [b for _, b in pairs]
                add("veto", own if is_mentee else oth, oth if is_mentee else own)
        for kind, listed in (
            ("previous", self.rules.previous_pairs),
            ("forbidden", self.rules.forbidden_pairs),
        ):
            pairs = [(e_at[a], r_at[b]) for a, b in listed if a in e_at and b in r_at]
            if pairs:
                add(kind, [a for a, _ in pairs], [b for _, b in pairs])
        self._forbid_kinds = {k: np.unique(np.concatenate(v)) for k, v in forbid.items()}
        all_keys = list(self._forbid_kinds.values())
        self._forbid = np.unique(np.concatenate(all_keys)) if all_keys else np.zeros(0, np.int64)
        self._closed = np.zeros(m, dtype=bool)
        if self.rules.training_required:
            trained = r.training_completed
            self._closed = (
                ~np.asarray(trained, dtype=bool) if trained is not None else ~self._closed
            )
        if self.rules.language_required:
            vocab = _vocab(e.languages, r.languages)
            self._lang_a = _multihot(e.languages, vocab)
            self._lang_bt = np.ascontiguousarray(_multihot(r.languages, vocab).T)
        # Stated preferences: half the criterion from each side that asked for the other.
        pref_keys: list[np.ndarray] = []
        for side, other_at, is_mentee in ((e, r_at, True), (r, e_at, False)):
            if side.preferred is None:
                continue
            pairs = [
                (k, other_at[p]) for k, ps in enumerate(side.preferred) for p in ps if p in other_at
            ]
            if pairs:
                own_ix = np.array([a for a, _ in pairs], dtype=np.int64)
                oth_ix = np.array([b for _, b in pairs], dtype=np.int64)
                side_keys = own_ix * m + oth_ix if is_mentee else oth_ix * m + own_ix
                pref_keys.append(side_keys)
                setattr(
                    self,
                    "_pref_by_mentee" if is_mentee else "_pref_by_mentor",
                    set(side_keys.tolist()),
                )
        if pref_keys and "preferences" in self.weights:
            keys, counts = np.unique(np.concatenate(pref_keys), return_counts=True)
            self._pref_keys = keys
            self._pref_vals = (0.5 * counts * self.weights["preferences"]).astype(np.float32)
        else:
            self._pref_keys = np.zeros(0, np.int64)
            self._pref_vals = np.zeros(0, np.float32)

    # ------------------------------------------------------------------------- the oracle

    def score_range(self) -> tuple[float, float]:
        """Bounds of every finite objective value (what ``block`` returns)."""
        return self._range

    def fit_range(self) -> tuple[float, float]:
        """Bounds of every fit (what ``explain`` and ``raw_block`` return)."""
        return self._fit_range

    def _scores(self, start: int, stop: int) -> np.ndarray:
        """Fits of mentees ``start:stop`` (float32), hard rules not applied."""
        m = self.n_mentors
        s = self._a[start:stop] @ self._bt
        s += self._const
        lo_key, hi_key = start * m, stop * m
        a, b = np.searchsorted(self._pref_keys, [lo_key, hi_key])
        if b > a:
            s.ravel()[self._pref_keys[a:b] - lo_key] += self._pref_vals[a:b]
        return s

    def _objective(self, fit: np.ndarray, start: int, stop: int) -> np.ndarray:
        """What the solvers maximise: the fit, plus the inclusion term when the option is on."""
        if self._inclusion is None:
            return fit
        share = np.float32(self.inclusion_share)
        term = self._inclusion.a[start:stop] @ self._inclusion.b.T
        objective: np.ndarray = (np.float32(1) - share) * fit + share * term
        return objective

    def _forbid_inplace(self, s: np.ndarray, start: int, stop: int, value: float) -> None:
        m = self.n_mentors
        lo_key, hi_key = start * m, stop * m
        a, b = np.searchsorted(self._forbid, [lo_key, hi_key])
        if b > a:
            s.ravel()[self._forbid[a:b] - lo_key] = value
        if self._closed.any():
            s[:, self._closed] = value
        if self.rules.language_required:
            s[(self._lang_a[start:stop] @ self._lang_bt) <= 0] = value
        if self.rules.min_level_gap is not None:
            s[self._level_gap(start, stop) < self.rules.min_level_gap] = value

    def _level_gap(self, start: int, stop: int) -> np.ndarray:
        """Levels the mentor is above the mentee (below, for reverse mentoring)."""
        gap: np.ndarray = self.mentors.job_level[None, :] - self.mentees.job_level[start:stop, None]
        return -gap if self.rules.reverse_mentoring else gap

    def raw_block(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """(fits ignoring hard rules, hard-rule mask) for mentees ``start:stop``."""
        ok = np.ones((stop - start, self.n_mentors), dtype=bool)
        self._forbid_inplace(ok, start, stop, False)
        return self._scores(start, stop), ok

    def block(self, start: int, stop: int) -> np.ndarray:
        """Objective values of mentees ``start:stop`` against all mentors; ``-inf`` where not
        allowed. The minimum score applies to the fit, never to the inclusion term."""
        fit = self._scores(start, stop)
        s = self._objective(fit, start, stop)
        self._forbid_inplace(s, start, stop, -np.inf)
        if self.rules.min_score is not None:
            s[fit < self.rules.min_score] = -np.inf
        return s

    def dense(self) -> np.ndarray:
        """The full score matrix with ``-inf`` for forbidden pairs (small programs only)."""
        return np.vstack([self.block(a, b) for a, b in iter_blocks(self.n_mentees, 4096)])

    def allowed(self) -> np.ndarray:
        """The dense ``allowed`` mask (hard rules and minimum score) for small programs."""
        finite: np.ndarray = np.isfinite(self.dense())
        return finite

    # -------------------------------------------------------------------------- reasons

    def sub_scores(self, i: int, j: int) -> dict[str, float]:
        """Each fit criterion's sub-score in [0, 1] for mentee ``i`` and mentor ``j`` (the
        inclusion term is not a fit criterion and is never reported for a pair)."""
        out: dict[str, float] = {}
        for f in self._factors:
            out[f.name] = float(np.dot(f.a[i].astype(np.float64), f.b[j]) + f.const)
        if "preferences" in self.weights:
            key = i * self.n_mentors + j
            k = np.searchsorted(self._pref_keys, key)
            hit = k < len(self._pref_keys) and self._pref_keys[k] == key
            w = self.weights["preferences"]
            out["preferences"] = float(self._pref_vals[k] / w) if hit else 0.0
        return out

    def explain(
        self, i: int, j: int, limit: int = 4, *, marks: bool = True, words: Words = ENGLISH
    ) -> PairExplanation:
        """The pair's fit and its top ``limit`` contributing criteria in plain words.

        The inclusion term is neither in the fit nor named in the reasons: it rests on
        self-identified data, and a per-pair number that moved with it would disclose the
        mentee's group to whoever reads it (see :meth:`inclusion_summary` for the aggregate).
        With ``marks=False`` the stated preferences ("Ana asked for Marta") are not named
        either (they still count in the fit): a reason shown to both people of a pair must
        not tell one of them what the other marked. ``words``: the language of the reasons.
        """
        subs = self.sub_scores(i, j)
        score = sum(self.weights[k] * v for k, v in subs.items())
        reasons = []
        for name, value in subs.items():
            if name == "preferences" and not marks:
                continue
            w = self.weights[name]
            text = self._reason_text(name, i, j, value, words)
            if text:
                reasons.append(Reason(name, value, w, w * value, text))
        reasons.sort(key=lambda r: (-r.contribution, r.criterion))
        return PairExplanation(i, j, float(score), reasons[:limit])

    @staticmethod
    def _peer_skills_text(
        a: str, b: str, wanted: list[str], shared: list[str], words: Words
    ) -> str:
        """Peers compare the skills both want to work on (a peer offers none)."""
        if not shared:
            return words.gettext("%(a)s and %(b)s want to work on different skills") % {
                "a": a,
                "b": b,
            }
        listed = ", ".join(s.lower() for s in shared[:3]) + (", …" if len(shared) > 3 else "")
        return words.ngettext(
            "both want to work on %(shared)d skill: %(listed)s",
            "both want to work on %(shared)d skills: %(listed)s",
            len(shared),
        ) % {"shared": len(shared), "listed": listed}

    def _reason_text(self, name: str, i: int, j: int, value: float, words: Words) -> str:
        e, r = self.mentees, self.mentors
        mentee, mentor = e.names[i], r.names[j]
        if name == "skills":
            wanted = list(e.skills[i])
            offered = set(r.skills[j])
            shared = [s for s in wanted if s in offered]
            if not wanted:
                return ""
            if self.rules.peer:
                return self._peer_skills_text(mentee, mentor, wanted, shared, words)
            if not shared:
                return words.ngettext(
                    "offers none of the %(wanted)d skill %(mentee)s wants",
                    "offers none of the %(wanted)d skills %(mentee)s wants",
                    len(wanted),
                ) % {"wanted": len(wanted), "mentee": mentee}
            listed = ", ".join(s.lower() for s in shared[:3]) + (", …" if len(shared) > 3 else "")
            return words.ngettext(
                "offers %(shared)d of the %(wanted)d skill %(mentee)s wants: %(listed)s",
                "offers %(shared)d of the %(wanted)d skills %(mentee)s wants: %(listed)s",
                len(wanted),
            ) % {"shared": len(shared), "wanted": len(wanted), "mentee": mentee, "listed": listed}
        if name == "goals_text" and self.rules.peer:
            terms = self._shared_terms(i, j)
            if value <= 0.05 and not terms:
                return words.gettext("%(a)s's and %(b)s's goals have little in common") % {
                    "a": mentee,
                    "b": mentor,
                }
            return words.gettext("similar goals (text similarity %(similarity).2f)%(terms)s") % {
                "similarity": max(value, 0),
                "terms": (": " + ", ".join(terms)) if terms else "",
            }
        if name == "goals_text":
            terms = self._shared_terms(i, j)
            if value <= 0.05 and not terms:
                return words.gettext(
                    "%(mentee)s's goals and %(mentor)s's expertise have little in common"
                ) % {"mentee": mentee, "mentor": mentor}
            similarity = {"similarity": max(value, 0), "terms": ", ".join(terms)}
            if terms:
                return (
                    words.gettext(
                        "goals match the expertise (text similarity %(similarity).2f): %(terms)s"
                    )
                    % similarity
                )
            return (
                words.gettext("goals match the expertise (text similarity %(similarity).2f)")
                % similarity
            )
        if name == "seniority":
            gap = int(r.job_level[j] - e.job_level[i])
            lo, hi = self.rules.gap_range()
            level = _level_words(gap, words)
            if lo <= gap <= hi:
                if self.rules.reverse_mentoring:
                    return words.gettext("%(levels)s (reverse mentoring)") % {"levels": level}
                return level
            return words.gettext("%(levels)s (program prefers %(low)s to %(high)s)") % {
                "levels": level,
                "low": _level_words(lo, words),
                "high": _level_words(hi, words),
            }
        if name in ("function", "department"):
            a, b = getattr(e, name)[i], getattr(r, name)[j]
            if name == "function":
                if a == b:
                    return words.gettext("same function (%(value)s)") % {"value": a}
                return words.gettext("different function (%(a)s → %(b)s)") % {"a": a, "b": b}
            if a == b:
                return words.gettext("same department (%(value)s)") % {"value": a}
            return words.gettext("different department (%(a)s → %(b)s)") % {"a": a, "b": b}
        if name == "location":
            if e.location[i] == r.location[j]:
                return words.gettext("same location (%(location)s)") % {"location": e.location[i]}
            d = abs(float(e.utc_offset[i] - r.utc_offset[j])) % 24
            d = min(d, 24 - d)
            places = {"a": e.location[i], "b": r.location[j], "hours": f"{d:g}"}
            if d == 0:
                return words.gettext("same time zone (%(a)s / %(b)s)") % places
            return (
                words.ngettext(
                    "%(hours)s hour apart (%(a)s / %(b)s)",
                    "%(hours)s hours apart (%(a)s / %(b)s)",
                    1 if d == 1 else 2,
                )
                % places
            )
        if name == "language":
            shared = [x for x in e.languages[i] if x in set(r.languages[j])]
            if not shared:
                return words.gettext("no shared language")
            return words.ngettext(
                "shares %(shared)d of %(mentee)s's %(total)d language: %(languages)s",
                "shares %(shared)d of %(mentee)s's %(total)d languages: %(languages)s",
                len(e.languages[i]),
            ) % {
                "shared": len(shared),
                "mentee": mentee,
                "total": len(e.languages[i]),
                "languages": ", ".join(shared),
            }
        if name == "preferences":
            key = i * self.n_mentors + j
            by_e = key in getattr(self, "_pref_by_mentee", set())
            by_r = key in getattr(self, "_pref_by_mentor", set())
            names = {"mentee": mentee, "mentor": mentor}
            if by_e and by_r:
                return words.gettext("%(mentee)s and %(mentor)s asked for each other") % names
            if by_e:
                return words.gettext("%(mentee)s asked for %(mentor)s") % names
            if by_r:
                return words.gettext("%(mentor)s asked for %(mentee)s") % names
            return ""
        return ""

    def _shared_terms(self, i: int, j: int, limit: int = 3) -> list[str]:
        matrix = getattr(self, "_text_matrix", None)
        if matrix is None:
            return []
        a = matrix[i]
        b = matrix[self.n_mentees + j]
        prod = a.multiply(b).tocoo()
        if prod.nnz == 0:
            return []
        order = np.argsort(-prod.data, kind="stable")[:limit]
        names = self._terms
        return [str(names[prod.col[k]]) for k in order]

    def marks(self, i: int, j: int, *, words: Words = ENGLISH) -> list[str]:
        """The participants' own marks on pair (i, j) in words: who asked for whom, a veto
        (what ``marks=False`` leaves out of :meth:`explain` and :meth:`why_not`)."""
        out = []
        asked = self._reason_text("preferences", i, j, 0.0, words)
        if asked:
            out.append(asked)
        vetoes = self._forbid_kinds.get("veto")
        key = i * self.n_mentors + j
        if vetoes is not None:
            k = np.searchsorted(vetoes, key)
            if k < len(vetoes) and vetoes[k] == key:
                out.append(words.gettext("vetoed"))
        return out

    def why_not(self, i: int, j: int, *, marks: bool = True, words: Words = ENGLISH) -> list[str]:
        """The hard rules that forbid pair (i, j), in words (empty if it is allowed).

        ``marks=False`` leaves out a veto: the words are then fit for both people of the pair.
        """
        m = self.n_mentors
        key = i * m + j
        out = []
        labels = {
            "self": words.gettext("same person"),
            "chain": words.gettext("in each other's management chain"),
            "veto": words.gettext("vetoed"),
            "previous": words.gettext("already paired before"),
            "forbidden": words.gettext("excluded by an administrator"),
        }
        for kind, keys in self._forbid_kinds.items():
            if kind == "veto" and not marks:
                continue
            k = np.searchsorted(keys, key)
            if k < len(keys) and keys[k] == key:
                out.append(labels[kind])
        if self._closed[j]:
            out.append(
                words.gettext("%(name)s has not completed mentor training")
                % {"name": self.mentors.names[j]}
            )
        if self.rules.language_required and not set(self.mentees.languages[i]) & set(
            self.mentors.languages[j]
        ):
            out.append(words.gettext("no shared language"))
        min_gap = self.rules.min_level_gap
        if min_gap is not None and self._level_gap(i, i + 1)[0, j] < min_gap:
            rule = (
                words.gettext("not %(n)d or more levels below (the program requires it)")
                if self.rules.reverse_mentoring
                else words.gettext("not %(n)d or more levels above (the program requires it)")
            )
            out.append(rule % {"n": min_gap})
        return out

    def explain_unmatched(
        self, i: int, result: MatchResult, capacities: np.ndarray
    ) -> UnmatchedReason:
        """Why mentee ``i`` has no mentor in ``result``: no allowed mentor, all allowed mentors
        below the minimum score, or all suitable mentors full."""
        s, ok = self.raw_block(i, i + 1)
        return classify_unmatched(
            i,
            s[0].astype(np.float64),
            ok[0],
            self.rules.min_score,
            result.mentor_load,
            np.asarray(capacities, dtype=np.int64),
            name=self.mentees.names[i],
        )
