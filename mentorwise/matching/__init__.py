"""Mentorwise matching engine: a framework-free library (numpy, scipy, OR-Tools).

``solve`` pairs mentees with mentors (optimal, stable or greedy); ``scoring`` turns
participant tables into scores, hard constraints and plain-language reasons.
"""

from __future__ import annotations

from .errors import MatchingInputError
from .explain import UnmatchedReason, explain_unmatched
from .problem import MatchResult, ScoreOracle
from .scoring import (
    PairExplanation,
    Participants,
    ProgramRules,
    Reason,
    ScoringModel,
    management_chains,
)
from .solvers import solve

__all__ = [
    "MatchResult",
    "MatchingInputError",
    "PairExplanation",
    "Participants",
    "ProgramRules",
    "Reason",
    "ScoreOracle",
    "ScoringModel",
    "UnmatchedReason",
    "explain_unmatched",
    "management_chains",
    "solve",
]
