"""Disclosure control: the one owner of every published figure about a group of people.

Every selector that publishes counts, rates, medians or averages about groups (equity of
access, pipeline, survey results, health by group, outcomes by subgroup, the contribution
record) takes its minimum group size from :func:`min_group_size` and protects its counts with
:func:`protect_linked` / :func:`protect_shared_totals`; figures released periodically are
protected jointly with their previous release (:func:`protect_release`); rates, medians and
means over those counts go through :func:`rate` and :func:`statistic`, a count tied to no
other through :func:`lone_count`; survey-style averages change only in whole blocks
(:func:`block_prefix`). docs/insights-equity.md states the attacker model and the protection
level.
"""

from mentorwise.disclosure.audit import Interval, attacker_intervals
from mentorwise.disclosure.blocks import (
    block_prefix,
    sides_in_blocks,
    union_of_blocks,
    whole_blocks_within,
    whole_quarters,
)
from mentorwise.disclosure.derived import lone_count, rate, statistic
from mentorwise.disclosure.figures import DisclosureInputError, LinkedCounts
from mentorwise.disclosure.floor import MIN_GROUP_SIZE_FLOOR
from mentorwise.disclosure.protect import (
    merge_shared_totals,
    protect_linked,
    protect_shared_totals,
    protect_table,
    sensitive_cells,
)
from mentorwise.disclosure.releases import ReleaseRecord, carried_levels, protect_release
from mentorwise.disclosure.size import min_group_size

__all__ = [
    "MIN_GROUP_SIZE_FLOOR",
    "DisclosureInputError",
    "Interval",
    "LinkedCounts",
    "ReleaseRecord",
    "attacker_intervals",
    "block_prefix",
    "carried_levels",
    "lone_count",
    "merge_shared_totals",
    "min_group_size",
    "protect_linked",
    "protect_release",
    "protect_shared_totals",
    "protect_table",
    "rate",
    "sensitive_cells",
    "sides_in_blocks",
    "statistic",
    "union_of_blocks",
    "whole_blocks_within",
    "whole_quarters",
]
