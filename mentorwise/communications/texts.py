"""What each recipient reads: a program's texts chosen by language, filled with their values.

A message's wording is looked up in the recipient's language, then in the program's own
language, then the built-in default (catalog.STANDARD) translated into the recipient's
language. Values are plain strings from the records (placeholders.py puts them in as text).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mentorwise.communications import catalog, placeholders
from mentorwise.communications.models import MessageTemplate
from mentorwise.core.languages import language_of
from mentorwise.people.models import Person
from mentorwise.programs.models import Enrollment, Program, Role, role_noun
from mentorwise.relationships.models import Relationship, RelationshipStatus

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "mentorwise.communications.unsubscribe"

# (subject, body) of one language version.
Version = tuple[str, str]


def absolute(path: str) -> str:
    base: str = getattr(settings, "MENTORWISE_BASE_URL", "")
    return base.rstrip("/") + path


def program_url(program: Program) -> str:
    return absolute(reverse("programs:detail", args=[program.slug]))


def unsubscribe_token(person_id: int, program_id: int) -> str:
    """A signed token naming the person and the program (no login needed to use it)."""
    return signing.dumps({"p": person_id, "g": program_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, int] | None:
    """(person id, program id) of a token this site signed; None for anything else."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "pg"):
        return None
    return data["p"], data["g"]


def unsubscribe_url(person_id: int, program_id: int) -> str:
    return absolute(
        reverse("communications:unsubscribe", args=[unsubscribe_token(person_id, program_id)])
    )


def program_versions(program: Program, key: str) -> dict[str, Version]:
    """The program's own wording of message `key`, by language."""
    return {
        t.language: (t.subject, t.body)
        for t in MessageTemplate.objects.filter(program=program, key=key)
    }


def choose(versions: dict[str, Version], language: str, program: Program) -> Version | None:
    """The version for a reader of `language`: theirs, else the program's language's."""
    return versions.get(language) or versions.get(program.language)


def default_version(key: str, language: str) -> Version:
    """The built-in wording of a standard message in `language`."""
    standard = catalog.STANDARD[key]
    with translation.override(language):
        return str(standard.subject), str(standard.body)


@dataclass
class Recipient:
    """What the values of one person are computed from."""

    person: Person
    roles: list[str]
    relationship: Relationship | None


def manager_name(program: Program) -> str:
    manager = program.managers.select_related("person").order_by("pk").first()
    if manager is None:
        return ""
    person = getattr(manager, "person", None)
    return person.full_name if person is not None else manager.get_full_name() or ""


def recipients_of(program: Program, person_ids: Iterable[int]) -> dict[int, Recipient]:
    """Each person's roles in the program and their relationship there (the active one,
    else the latest), in three queries."""
    ids = list(person_ids)
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("user")}
    roles: dict[int, list[str]] = {pk: [] for pk in people}
    for person_id, role in Enrollment.objects.filter(
        program=program, person_id__in=ids
    ).values_list("person_id", "role"):
        if person_id in roles:
            roles[person_id].append(role)
    pairs: dict[int, Relationship] = {}
    relationships = (
        Relationship.objects.filter(program=program)
        .filter(Q(mentee__person_id__in=ids) | Q(mentor__person_id__in=ids))
        .select_related("mentee__person", "mentor__person")
        .order_by("started_at", "pk")
    )
    for rel in relationships:
        for person_id in (rel.mentee.person_id, rel.mentor.person_id):
            current = pairs.get(person_id)
            if current is None or current.status != RelationshipStatus.ACTIVE:
                pairs[person_id] = rel  # the active one wins; else the latest
    return {
        pk: Recipient(
            person=person,
            roles=sorted(roles[pk], key=list(Role.values).index),
            relationship=pairs.get(pk),
        )
        for pk, person in people.items()
    }


def values_for(program: Program, recipient: Recipient, manager: str) -> dict[str, str]:
    """The free-form variables of one recipient, in the active language."""
    person = recipient.person
    rel = recipient.relationship
    values = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": person.full_name,
        "role": _(" and ").join(role_noun(r) for r in recipient.roles),
        "program_name": str(program.title),
        "program_url": program_url(program),
        "manager_name": manager,
        "mentor_first_name": "",
        "mentor_name": "",
        "mentee_first_name": "",
        "mentee_name": "",
        "relationship_url": "",
    }
    if rel is not None:
        values["relationship_url"] = absolute(reverse("relationships:detail", args=[rel.pk]))
        if rel.mentee.person_id == person.pk:
            values["mentor_first_name"] = rel.mentor.person.first_name
            values["mentor_name"] = rel.mentor.person.full_name
        else:
            values["mentee_first_name"] = rel.mentee.person.first_name
            values["mentee_name"] = rel.mentee.person.full_name
    return values


def sample_values(key: str) -> dict[str, str]:
    """Every variable of message `key` with its sample value (a preview without anyone)."""
    return {v.name: v.sample for v in catalog.variables_of(key)}


def render_for(version: Version, values: dict[str, str], *, language: str) -> tuple[str, str]:
    """(subject, body) of a checked version, in `language` where the values are words."""
    with translation.override(language):
        return (
            placeholders.render_subject(version[0], values),
            placeholders.render(version[1], values),
        )


def footer(program: Program, person_id: int, *, essential: bool) -> str:
    """The last lines of a program message: why it came, and how to stop it (non-essential)."""
    if essential:
        return "\n\n-- \n" + _(
            "This is an essential message of %(program)s: it goes to every participant."
        ) % {"program": program.title}
    return "\n\n-- \n" + _(
        "You receive this as a participant of %(program)s. To receive no more of these "
        "messages from it: %(url)s"
    ) % {"program": program.title, "url": unsubscribe_url(person_id, program.pk)}


def language_for(person: Person) -> str:
    return language_of(person)


def programs_with_own_text(key: str) -> set[int]:
    """The programs that wrote their own wording (in any language) of standard message `key`."""
    return set(MessageTemplate.objects.filter(key=key).values_list("program_id", flat=True))


def standard_text(
    program_id: int, key: str, person_id: int, language: str, extra: Mapping[str, str]
) -> tuple[str, str] | None:
    """The program's own wording of standard message `key` for one reader (registered with
    messaging.texts): their language's version, else the program's; None when the program
    has none (the sender keeps its built-in text). `extra` holds the message's own values
    (match_name...); the recipient's and the program's are computed here."""
    if key not in catalog.STANDARD:
        return None
    versions = {
        t.language: (t.subject, t.body)
        for t in MessageTemplate.objects.filter(program_id=program_id, key=key)
    }
    if not versions:
        return None
    program = Program.objects.get(pk=program_id)
    version = choose(versions, language, program)
    if version is None:
        return None
    recipient = recipients_of(program, [person_id]).get(person_id)
    if recipient is None:
        return None
    with translation.override(language):
        values = values_for(program, recipient, manager_name(program))
    values.update({v.name: "" for v in catalog.STANDARD[key].variables if v.name not in values})
    values.update({k: v for k, v in extra.items() if k in values})
    try:
        return render_for(version, values, language=language)
    except placeholders.TemplateError:  # saved before a variable was withdrawn: built-in text
        logger.warning("program %s: message %s no longer renders", program_id, key)
        return None
