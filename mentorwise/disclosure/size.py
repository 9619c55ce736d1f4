"""The minimum group size k: one setting, never below the floor."""

from __future__ import annotations

from django.conf import settings

from mentorwise.disclosure.floor import MIN_GROUP_SIZE_FLOOR


def min_group_size() -> int:
    """``MENTORWISE_MIN_GROUP_SIZE``, raised to the floor of 5 when set lower."""
    return max(MIN_GROUP_SIZE_FLOOR, int(getattr(settings, "MENTORWISE_MIN_GROUP_SIZE", 5)))
