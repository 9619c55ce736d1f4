"""The short introduction a person writes about themselves (`Person.bio`).

Only the person edits it, on their profile page, the API or the command line's equivalent;
nobody else, HR admins included (it is theirs to share or not), and imports never touch it.
Match offers and mentor cards show it beside the directory fields.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import actor_person_id
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, Forbidden, InvalidInput
from mentorwise.people.models import Person

BIO_MAX_LENGTH = 600


@transaction.atomic
def person_bio_update(*, actor: Actor, person_id: int, bio: str) -> Person:
    """Set the actor's own bio (blank clears it); Forbidden for anyone else's."""
    if actor_person_id(actor) != person_id:
        raise Forbidden(_("Only the person can write their own introduction."), code="not_own_bio")
    text = "\n".join(line.rstrip() for line in bio.strip().splitlines())
    if len(text) > BIO_MAX_LENGTH:
        raise InvalidInput(
            [
                FieldError(
                    "bio",
                    ngettext(
                        "Keep your introduction under %(limit)s characters (it has %(count)s).",
                        "Keep your introduction under %(limit)s characters (it has %(count)s).",
                        BIO_MAX_LENGTH,
                    )
                    % {"limit": BIO_MAX_LENGTH, "count": len(text)},
                )
            ]
        )
    person = Person.objects.select_for_update().get(pk=person_id)
    # updated_at stays: it dates HRIS changes (and keys the outcome estimates' cache).
    person.bio = text
    person.save(update_fields=["bio"])
    audit_record(actor=actor, action="person.bio_updated", target=person)
    return person
