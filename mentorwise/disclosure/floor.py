"""The floor of the minimum group size: a constant, so the pure computations can use it."""

from __future__ import annotations

#: The product never lets the minimum group size go below this (Betterworks and Viva enforce 5).
MIN_GROUP_SIZE_FLOOR = 5
