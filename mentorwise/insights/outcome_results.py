"""What the outcome estimator returns (effects, estimates, diagnostics) and its JSON form.

Framework-free.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mentorwise.insights.outcome_diagnostics import Balance, Continuous, EValue
from mentorwise.insights.outcome_survival import CurvePoint


@dataclass(frozen=True)
class Effect:
    """A difference in rates (participants − comparison) with its 95% confidence interval."""

    estimate: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class UnknownExits:
    """Retention when some exits are of unknown kind: ``count`` people (within the horizon),
    and the adjusted effect counting them as voluntary exits and as staying."""

    count: int
    as_voluntary: Effect | None
    as_staying: Effect | None


@dataclass(frozen=True)
class Diagnostics:
    """What the design's checks found; ``reason`` is the first failure in words (or None)."""

    n_trimmed: int
    share_outside_overlap: float
    effective_n_participants: float
    effective_n_comparison: float
    balance: list[Balance]
    continuous: list[Continuous]
    reason: str | None
    thin_levels: list[int] = field(default_factory=list)
    share_in_thin_levels: float = 0.0


@dataclass(frozen=True)
class OutcomeEstimate:
    """Naive and adjusted effect of participation on one outcome, with the diagnostics behind it.

    ``adjusted`` is ``None`` exactly when ``reason`` is not ``None``.
    """

    outcome: str
    naive: Effect | None
    adjusted: Effect | None
    n_participants: int
    n_comparison: int
    effective_n_comparison: float
    balance: list[Balance]
    reason: str | None
    share_outside_overlap: float = 0.0
    rate_participants: float | None = None
    rate_comparison: float | None = None
    rate_comparison_adjusted: float | None = None
    e_value: EValue | None = None
    unknown_exits: UnknownExits | None = None


@dataclass(frozen=True)
class Estimates:
    """Everything one design supports: per-outcome estimates, retention curves, diagnostics."""

    outcomes: dict[str, OutcomeEstimate]
    curve: list[CurvePoint]
    reason: str | None
    diagnostics: Diagnostics | None = None


# --------------------------------------------------------------------------------------------
# JSON


def _effect_json(effect: Effect | None) -> dict[str, Any] | None:
    if effect is None:
        return None
    return {"estimate": effect.estimate, "ci95": [effect.ci95[0], effect.ci95[1]]}


def e_value_json(value: EValue | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"estimate": finite(value.estimate), "ci": finite(value.ci)}


def unknown_exits_json(value: UnknownExits | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "count": value.count,
        "as_staying": _effect_json(value.as_staying),
        "as_voluntary": _effect_json(value.as_voluntary),
    }


def balance_json(balance: list[Balance]) -> list[dict[str, Any]]:
    """Balance rows as JSON; an infinite SMD (a covariate that separates the groups) is null."""
    return [
        {
            "covariate": b.covariate,
            "smd_before": finite(b.smd_before),
            "smd_after": finite(b.smd_after),
            "checked": b.checked,
        }
        for b in balance
    ]


def as_json(estimates: Mapping[str, OutcomeEstimate]) -> dict[str, dict[str, Any]]:
    """JSON-ready dict keyed by outcome (``naive``/``adjusted`` as ``{estimate, ci95}``)."""
    return {
        name: {
            "naive": _effect_json(estimate.naive),
            "adjusted": _effect_json(estimate.adjusted),
            "n_participants": estimate.n_participants,
            "n_comparison": estimate.n_comparison,
            "rate_participants": estimate.rate_participants,
            "rate_comparison": estimate.rate_comparison,
            "rate_comparison_adjusted": estimate.rate_comparison_adjusted,
            "effective_n_comparison": estimate.effective_n_comparison,
            "share_outside_overlap": estimate.share_outside_overlap,
            "reason": estimate.reason,
            "e_value": e_value_json(estimate.e_value),
            "unknown_exits": unknown_exits_json(estimate.unknown_exits),
            "balance": balance_json(estimate.balance),
        }
        for name, estimate in estimates.items()
    }


def finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
