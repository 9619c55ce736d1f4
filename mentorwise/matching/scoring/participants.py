"""Participant tables and program rules: plain columnar data, no ORM objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import MatchingInputError

CRITERIA = (
    "skills",
    "goals_text",
    "seniority",
    "function",
    "department",
    "location",
    "language",
    "preferences",
    "inclusion",
)
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 3,
    "goals_text": 2,
    "seniority": 2,
    "function": 1,
    "location": 1,
    "language": 1,
    "preferences": 1,
}


@dataclass
class Participants:
    """One side of a program (mentees or mentors), one entry per participant.

    ``skills`` are the skills wanted (mentees) or offered (mentors); ``text`` the free-text
    development goals (mentees) or expertise (mentors). ``chain`` holds, per participant, the
    person ids of their managers from the direct manager upwards (-1 padded), so management
    chain checks are vectorised; build it with :func:`management_chains`. ``preferred`` and
    ``vetoed`` are person ids on the other side. ``inclusion_flag`` may only carry
    self-identified data of people who consented to its use for matching (None = not used).
    """

    ids: np.ndarray
    names: Sequence[str]
    job_level: np.ndarray
    function: Sequence[str]
    department: Sequence[str]
    location: Sequence[str]
    utc_offset: np.ndarray
    languages: Sequence[Sequence[str]]
    skills: Sequence[Sequence[str]]
    text: Sequence[str]
    chain: np.ndarray | None = None
    preferred: Sequence[Sequence[int]] | None = None
    vetoed: Sequence[Sequence[int]] | None = None
    training_completed: np.ndarray | None = None
    inclusion_flag: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.ids = np.asarray(self.ids, dtype=np.int64)
        n = self.ids.shape[0]
        self.job_level = np.asarray(self.job_level, dtype=np.int64)
        self.utc_offset = np.asarray(self.utc_offset, dtype=np.float64)
        for name in (
            "names",
            "job_level",
            "function",
            "department",
            "location",
            "utc_offset",
            "languages",
            "skills",
            "text",
            "preferred",
            "vetoed",
            "training_completed",
            "inclusion_flag",
        ):
            value = getattr(self, name)
            if value is not None and len(value) != n:
                raise MatchingInputError(f"{name} has {len(value)} entries but ids has {n}")
        if (self.job_level < 0).any():
            k = int(np.flatnonzero(self.job_level < 0)[0])
            raise MatchingInputError(f"job_level[{k}] = {self.job_level[k]}: must be >= 0")
        if not np.isfinite(self.utc_offset).all():
            k = int(np.flatnonzero(~np.isfinite(self.utc_offset))[0])
            raise MatchingInputError(f"utc_offset[{k}] = {self.utc_offset[k]}: must be finite")
        if self.chain is None:
            self.chain = np.full((n, 0), -1, dtype=np.int64)
        self.chain = np.asarray(self.chain, dtype=np.int64).reshape(n, -1)
        if len(np.unique(self.ids)) != n:
            raise MatchingInputError("ids must be unique within one side")

    def __len__(self) -> int:
        return int(self.ids.shape[0])


def management_chains(manager_index: np.ndarray, members: np.ndarray, depth: int) -> np.ndarray:
    """Managers of ``members`` (row positions in an org with ``manager_index``), depth levels up.

    Returns an int64 array ``(len(members), depth)`` of org positions (-1 above the top).
    Vectorised: one gather per level.
    """
    manager_index = np.asarray(manager_index, dtype=np.int64)
    out = np.full((len(members), depth), -1, dtype=np.int64)
    current = np.asarray(members, dtype=np.int64)
    for level in range(depth):
        valid = current >= 0
        nxt = np.full_like(current, -1)
        nxt[valid] = manager_index[current[valid]]
        out[:, level] = nxt
        current = nxt
    return out


@dataclass
class ProgramRules:
    """Options a program sets; every field has the safe default.

    * ``seniority_gap``: preferred (min, max) of mentor level minus mentee level; with
      ``reverse_mentoring`` the range is mirrored (the mentor is junior).
    * ``function_preference`` / ``department_preference``: "same", "different" or "any".
    * ``language_required``: a pair must share a language (hard constraint).
    * ``chain_exclusion_depth``: no pair where one is within this many levels above the other
      in the management chain (0 = off).
    * ``training_required``: mentors who have not completed training take nobody.
    * ``min_score``: pairs scoring below it are not allowed.
    * ``inclusion``: favour senior mentors for mentees with the consented inclusion flag; off
      by default and refused without a recorded ``inclusion_justification``.
    """

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    seniority_gap: tuple[int, int] = (1, 3)
    reverse_mentoring: bool = False
    function_preference: str = "different"
    department_preference: str = "any"
    language_required: bool = False
    min_level_gap: int | None = None
    chain_exclusion_depth: int = 2
    training_required: bool = False
    min_score: float | None = None
    inclusion: bool = False
    inclusion_justification: str = ""
    inclusion_senior_level: int = 7
    previous_pairs: Sequence[tuple[int, int]] = ()
    forbidden_pairs: Sequence[tuple[int, int]] = ()
    # A peer program: both sides are peers, reasons compare goals with goals and wanted
    # skills with wanted skills.
    peer: bool = False

    def validate(self) -> None:
        """Raise :class:`MatchingInputError` naming the first bad option."""
        for name, weight in self.weights.items():
            if name not in CRITERIA:
                raise MatchingInputError(
                    f"weights[{name!r}]: unknown criterion (known: {', '.join(CRITERIA)})"
                )
            if not np.isfinite(weight) or weight < 0:
                raise MatchingInputError(f"weights[{name!r}] = {weight}: must be >= 0")
        if sum(self.weights.values()) <= 0:
            raise MatchingInputError("weights: at least one criterion needs a positive weight")
        lo, hi = self.seniority_gap
        if lo > hi:
            raise MatchingInputError(f"seniority_gap = {self.seniority_gap}: min exceeds max")
        for name in ("function_preference", "department_preference"):
            if getattr(self, name) not in ("same", "different", "any"):
                raise MatchingInputError(
                    f"{name} = {getattr(self, name)!r}: must be 'same', 'different' or 'any'"
                )
        if self.min_level_gap is not None and self.min_level_gap < 0:
            raise MatchingInputError(f"min_level_gap = {self.min_level_gap}: must be >= 0")
        if self.chain_exclusion_depth < 0:
            raise MatchingInputError(
                f"chain_exclusion_depth = {self.chain_exclusion_depth}: must be >= 0"
            )
        if self.min_score is not None and not np.isfinite(self.min_score):
            raise MatchingInputError(f"min_score = {self.min_score}: must be finite")
        if self.inclusion and not self.inclusion_justification.strip():
            raise MatchingInputError(
                "inclusion: enabling the inclusion option needs a recorded justification"
            )
        if not self.inclusion and self.weights.get("inclusion", 0) > 0:
            raise MatchingInputError(
                "weights['inclusion'] > 0 but the inclusion option is not enabled"
            )

    def gap_range(self) -> tuple[int, int]:
        """Preferred (min, max) of mentor level minus mentee level, after any inversion."""
        lo, hi = self.seniority_gap
        return (-hi, -lo) if self.reverse_mentoring else (lo, hi)
