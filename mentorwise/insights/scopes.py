"""What a reader's permissions change in a cached insight (`core.aggregates` scopes).

Insight figures leave out safety reports and survey answers about the relationships their
reader is in; two readers in the same relationships (most often none) read the same
figures, so the scope of a cached figure is the set of those relationships, not the user.
"""

from __future__ import annotations

from mentorwise.accounts.actors import Actor
from mentorwise.relationships.permissions import relationships_in


def reader_relationships(actor: Actor) -> tuple[int, ...]:
    """Ids of the relationships the reader is in, sorted (one query; none without a person)."""
    return tuple(sorted(relationships_in(actor).values_list("pk", flat=True)))
