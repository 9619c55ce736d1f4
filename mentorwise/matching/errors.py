"""The one error the matching engine raises for bad input."""

from __future__ import annotations


class MatchingInputError(ValueError):
    """Input the engine cannot use; the message names the input, the position and the rule.

    Example: ``capacities[17] = -1: must be >= 0``. It is a ``ValueError`` so callers that
    do not know the engine can still catch it.
    """
