"""Access for the API's relationship content endpoints: the pair reads, overseers get 403."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from mentorwise.core.errors import Forbidden
from mentorwise.relationships import selectors
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.permissions import actor_side


def pair_relationship(request: HttpRequest, relationship_id: int) -> Relationship:
    """The relationship for one of its two people: 403 for overseers, 404 for others."""
    relationship = selectors.access_relationship(
        actor=request.user, relationship_id=relationship_id
    )
    if actor_side(request.user, relationship) is None:
        raise Forbidden(_("Only the two people in this relationship may read this."))
    return relationship
