"""`{{ enrollment.role|role_noun }}`: a role as a word inside a sentence, in the reader's
language ("mentor"; "Mentor" in German, which capitalises nouns: never `label|lower`).

`{{ relationship|side_label:"mentee" }}`, `{{ program|side_label:"mentor" }}`: what one side of
a pair (or of a program's pairs) is called for the reader, by `pair_side_role` — "Peer" on both
sides of a peer program. `side_noun` and `side_plural` are the same inside a sentence.
"""

from __future__ import annotations

from typing import Protocol

from django import template

from mentorwise.programs.models import Program, Role, pair_side_role
from mentorwise.programs.models import role_noun as _role_noun
from mentorwise.programs.models import role_plural as _role_plural

register = template.Library()


class Pair(Protocol):
    """A pair that names its sides (a relationship): `side_role` applies `pair_side_role`."""

    def side_role(self, side: str) -> Role: ...


def _side_role(pair: Program | Pair, side: str) -> Role:
    if isinstance(pair, Program):
        return pair_side_role(pair, side)
    return pair.side_role(side)


@register.filter
def role_noun(role: str) -> str:
    return _role_noun(role)


@register.filter
def side_label(pair: Program | Pair, side: str) -> str:
    """The side's name as a label or heading ("Mentee", "Sponsor", "Peer")."""
    return str(_side_role(pair, side).label)


@register.filter
def side_noun(pair: Program | Pair, side: str) -> str:
    """The side's name inside a sentence ("mentee", "peer")."""
    return _role_noun(_side_role(pair, side))


@register.filter
def side_plural(pair: Program | Pair, side: str) -> str:
    """The side's plural inside a sentence ("mentees", "peers")."""
    return _role_plural(_side_role(pair, side))
