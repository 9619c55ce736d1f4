"""Mentorwise matching engine: a framework-free library (numpy, scipy, OR-Tools).

``solve`` pairs mentees with mentors (optimal, stable or greedy); ``scoring`` turns
participant tables into scores, hard constraints and plain-language reasons.
"""

from __future__ import annotations

from .errors import MatchingInputError
from .problem import MatchResult, ScoreOracle
from .solvers import solve

__all__ = ["MatchResult", "MatchingInputError", "ScoreOracle", "solve"]
