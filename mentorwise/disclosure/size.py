"""The minimum group size k: one setting, never below the floor."""

from __future__ import annotations

from django.conf import settings

#: The product never lets the minimum group size go below this (Betterworks and Viva enforce 5).
MIN_GROUP_SIZE_FLOOR = 5


def min_group_size() -> int:
    """``MENTORWISE_MIN_GROUP_SIZE``, raised to the floor of 5 when set lower."""
    return max(MIN_GROUP_SIZE_FLOOR, int(getattr(settings, "MENTORWISE_MIN_GROUP_SIZE", 5)))
