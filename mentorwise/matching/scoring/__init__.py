"""Scoring: participant tables and program rules in, scores, constraints and reasons out."""

from __future__ import annotations

from .model import PairExplanation, Reason, ScoringModel
from .participants import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    Participants,
    ProgramRules,
    management_chains,
)

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "PairExplanation",
    "Participants",
    "ProgramRules",
    "Reason",
    "ScoringModel",
    "management_chains",
]
