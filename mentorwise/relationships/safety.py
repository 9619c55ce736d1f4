"""Who a safety report reaches: the people who oversee the relationship and are not in it.

A report is about the two people of a relationship, so neither of them may receive it,
whatever their other roles (`permissions.can_oversee`). It goes by email to:

1. the program's managers outside the pair;
2. and the HR admins outside the pair, when someone in the pair manages the program or is an
   HR admin (the report may be about one of the program's own overseers, whose fellow
   managers are their peers), or when the program has no manager outside the pair;
3. when nobody in Mentorwise is left (the only manager and the only HR admin are in the
   pair), the installation's safety contact, `MENTORWISE_SAFETY_CONTACT` (an HR or ethics
   mailbox outside Mentorwise's roles).

The report is kept in every case: any HR admin outside the pair reads it, also one named
later. The reporter is told beforehand where it goes (`SafetyRouting.describe`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.models import User
from mentorwise.accounts.roles import hr_admins
from mentorwise.programs.permissions import program_overseers
from mentorwise.relationships.models import Relationship


class Audience(StrEnum):
    MANAGERS = "managers"
    MANAGERS_AND_HR_ADMINS = "managers_and_hr_admins"
    HR_ADMINS = "hr_admins"
    SAFETY_CONTACT = "safety_contact"
    NOBODY = "nobody"


@dataclass(frozen=True)
class SafetyRouting:
    """Where a report about one relationship goes: who, and how to say it to the reporter."""

    audience: Audience
    recipients: tuple[User, ...]
    contact: str
    program_name: str

    @property
    def emails(self) -> list[str]:
        if self.audience == Audience.SAFETY_CONTACT:
            return [self.contact]
        return sorted({user_email(user) for user in self.recipients} - {""})

    def describe(self) -> str:
        """Where the report goes, in the reporter's words (roles, never names)."""
        # Translators: completes "Your report goes to …" and "Your report went to …".
        if self.audience == Audience.MANAGERS:
            return _("the managers of %(program)s") % {"program": self.program_name}
        if self.audience == Audience.MANAGERS_AND_HR_ADMINS:
            return _(
                "the managers of %(program)s who are not in your relationship, and the HR admins"
            ) % {"program": self.program_name}
        if self.audience == Audience.HR_ADMINS:
            return _("the HR admins")
        if self.audience == Audience.SAFETY_CONTACT:
            return _("%(contact)s, the organisation's safety contact") % {"contact": self.contact}
        return _(
            "nobody yet: everyone who oversees this program is in your relationship. "
            "It is kept for the next HR admin; please also contact HR directly"
        )


def user_email(user: User) -> str:
    return user.email or (user.person.email if user.person else "")


def _outside_pair(users: QuerySet[User], relationship: Relationship) -> QuerySet[User]:
    pair = (relationship.mentee.person_id, relationship.mentor.person_id)
    return users.filter(is_active=True).exclude(person_id__in=pair)


def safety_report_routing(relationship: Relationship) -> SafetyRouting:
    """The people a report about `relationship` reaches, by the rule of this module."""
    program = relationship.program
    pair = (relationship.mentee.person_id, relationship.mentor.person_id)
    managers = list(_outside_pair(program.managers.select_related("person"), relationship))
    admins = list(_outside_pair(hr_admins().select_related("person"), relationship))
    overseer_in_pair = program_overseers(program).filter(person_id__in=pair).exists()
    contact = str(getattr(settings, "MENTORWISE_SAFETY_CONTACT", "") or "")
    if managers and admins and overseer_in_pair:
        audience, recipients = Audience.MANAGERS_AND_HR_ADMINS, managers + admins
    elif managers:
        audience, recipients = Audience.MANAGERS, managers
    elif admins:
        audience, recipients = Audience.HR_ADMINS, admins
    elif contact:
        audience, recipients = Audience.SAFETY_CONTACT, []
    else:
        audience, recipients = Audience.NOBODY, []
    return SafetyRouting(
        audience=audience, recipients=tuple(recipients), contact=contact, program_name=program.title
    )
