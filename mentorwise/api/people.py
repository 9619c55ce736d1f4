"""API: people (read only, filtered by what the caller may see; never demographics).

Lists show directory fields only (`PersonListOut`, people.permissions.DIRECTORY_FIELDS); the
whole profile is read one person at a time (`GET /api/people/{id}`), and that read is audited.
The list and the people page use one selector (`people.selectors.person_list`).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from mentorwise.accounts.roles import actor_person_id
from mentorwise.api.errors import ERRORS, MAX_INT, WRITE_ERRORS
from mentorwise.people import selectors
from mentorwise.people.bio import person_bio_update
from mentorwise.people.models import Person
from mentorwise.people.permissions import person_list_read, person_profile_read
from mentorwise.programs.roles import can_read_directory

router = Router()


class PersonListOut(Schema):
    """A person as lists show them: what a company directory shows anyone."""

    id: int = Field(description="Read the whole profile at GET /api/people/{id}.")
    employee_id: str = Field(description="The HRIS id.")
    first_name: str
    last_name: str
    title: str = Field(description="Job title.")
    department: str
    function: str
    location: str
    manager_id: int | None = Field(description="Id of the person's manager.")
    is_active: bool = Field(description="Employed today (a termination date not yet passed).")


class PersonOut(Schema):
    """A person's whole profile (never demographics); every read of another's is audited."""

    id: int
    employee_id: str = Field(description="The HRIS id.")
    first_name: str
    last_name: str
    email: str
    title: str = Field(description="Job title.")
    job_level: int | None = Field(description="1 (entry) to 10 (chief executive).")
    department: str
    function: str
    location: str
    time_zone: str = Field(description="IANA time zone, e.g. Europe/Paris.")
    languages: list[str]
    manager_id: int | None = Field(description="Id of the person's manager.")
    hire_date: dt.date | None
    manager_since: dt.date | None = Field(description="When the person first managed people.")
    is_high_potential: bool
    termination_date: dt.date | None
    bio: str = Field(
        description="The introduction the person wrote about themselves (match offers and "
        "mentor cards show it); only they change it (PUT /api/people/me/bio)."
    )


class BioIn(Schema):
    bio: str = Field(
        description="Your introduction, up to 600 characters; empty clears it.", max_length=5000
    )


class BioOut(Schema):
    bio: str = Field(description="Your introduction as saved.")


class PersonFilter(Schema):
    q: str = Field(
        "",
        description="Search, as on the People page: every word (the first five count) must "
        "be part of a first or last name, or a whole email address or employee id; case is "
        "ignored.",
    )
    department: str | None = None
    function: str | None = None
    location: str | None = None
    level: int | None = Field(
        None,
        ge=1,
        le=10,
        description="One job level, as the People page's level filter. A profile filter: the "
        "call is audited.",
    )
    level_min: int | None = Field(
        None, ge=1, le=10, description="A profile filter: the call is audited."
    )
    level_max: int | None = Field(
        None, ge=1, le=10, description="A profile filter: the call is audited."
    )
    high_potential: bool | None = Field(None, description="A profile filter: the call is audited.")
    active: bool | None = Field(None, description="true: current employees; false: terminated.")
    limit: int = Field(100, ge=1, le=1000)
    # offset + limit must stay a 64-bit integer: the database compares them.
    offset: int = Field(0, ge=0, le=MAX_INT - 1000)

    def as_filters(self) -> selectors.PersonFilters:
        status = "" if self.active is None else "active" if self.active else "terminated"
        return {
            "q": self.q,
            "department": self.department or "",
            "function": self.function or "",
            "location": self.location or "",
            "level": self.level,
            "level_min": self.level_min,
            "level_max": self.level_max,
            "high_potential": self.high_potential,
            "status": status,
        }


@router.get(
    "",
    response={200: list[PersonListOut], **ERRORS},
    summary="List people (directory fields)",
)
def person_list(request: HttpRequest, filters: Query[PersonFilter]) -> list[Person]:
    """HR admins and program managers see the workforce; others only themselves.

    Directory fields only: the email, job level, dates and high-potential flag are in the
    profile, read one person at a time (GET /api/people/{id}, audited as `person.viewed`).
    A call that filters on a profile field (`level`, `level_min`, `level_max`, `high_potential`)
    reveals it for everyone returned, so it is audited too (`people.listed`, naming them).
    """
    wanted = filters.as_filters()
    people = selectors.person_list(
        actor=request.user, directory=can_read_directory(request.user), filters=wanted, order="id"
    )
    page = list(people[filters.offset : filters.offset + filters.limit])
    person_list_read(actor=request.user, filters=wanted, people=page)
    return page


@router.put("/me/bio", response={200: BioOut, **WRITE_ERRORS}, summary="Write my introduction")
def bio_put(request: HttpRequest, data: BioIn) -> BioOut:
    """The signed-in person's own introduction (a login without a person: 403)."""
    person = person_bio_update(
        actor=request.user, person_id=actor_person_id(request.user) or 0, bio=data.bio
    )
    return BioOut(bio=person.bio)


@router.get("/{person_id}", response={200: PersonOut, **ERRORS}, summary="Read a person")
def person_get(request: HttpRequest, person_id: int) -> Person:
    """A person's whole profile; reading someone else's is audited (`person.viewed`)."""
    return person_profile_read(
        actor=request.user, person_id=person_id, directory=can_read_directory(request.user)
    )
