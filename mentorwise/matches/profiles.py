"""What one participant sees of another on a mentor card, a mentee card or a match offer.

The directory fields (title, function, location: what a company directory shows anyone),
plus what the person chose to share: the skills they gave when enrolling in the program
(offered as a mentor, sponsor or coach; wanted as a mentee), a mentor's expertise (the
enrollment form says mentees see it on the mentor card), and the introduction they wrote on
their profile (`Person.bio`). Never a mentee's development goals (docs/permissions.md: only
they and the program's overseers read them), the job level, email, dates, high-potential
flag or demographics.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from mentorwise.programs.models import Enrollment, Role


@dataclass(frozen=True)
class Profile:
    name: str
    first_name: str
    title: str
    function: str
    location: str
    skills: tuple[str, ...]
    skills_label: str
    about: str
    bio: str

    @property
    def directory_line(self) -> str:
        return " · ".join(v for v in (self.title, self.function, self.location) if v)


def _skill_field(enrollment: Enrollment) -> str:
    return "skills_wanted" if enrollment.role == Role.MENTEE else "skills_offered"


def enrollment_profile(enrollment: Enrollment) -> Profile:
    """The profile of one enrollment's person (reads its skills: prefetch them for lists)."""
    person = enrollment.person
    mentee = enrollment.role == Role.MENTEE
    skills = getattr(enrollment, _skill_field(enrollment)).all()
    return Profile(
        name=person.full_name,
        first_name=person.first_name,
        title=person.title,
        function=person.function,
        location=person.location,
        skills=tuple(sorted(s.name for s in skills)),
        skills_label=_("Wants to develop") if mentee else _("Can help with"),
        about="" if mentee else enrollment.expertise,
        bio=person.bio,
    )


def enrollment_profiles(enrollments: Iterable[Enrollment]) -> dict[int, Profile]:
    """Enrollment id -> profile, in a fixed number of queries for any number of enrollments."""
    items = list(enrollments)
    prefetch_related_objects(items, "person", "skills_wanted", "skills_offered")
    return {e.pk: enrollment_profile(e) for e in items}
