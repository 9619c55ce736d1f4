"""API: people (read only, filtered by what the caller may see; never demographics)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from mentorwise.api.errors import ERRORS
from mentorwise.people.models import Person
from mentorwise.people.permissions import people_visible_to, person_profile_read

router = Router()


class PersonOut(Schema):
    id: int
    employee_id: str
    first_name: str
    last_name: str
    email: str
    title: str
    job_level: int | None
    department: str
    function: str
    location: str
    time_zone: str
    languages: list[str]
    manager_id: int | None = Field(description="Id of the person's manager.")
    hire_date: dt.date | None
    manager_since: dt.date | None = Field(description="When the person first managed people.")
    is_high_potential: bool
    termination_date: dt.date | None


class PersonFilter(Schema):
    q: str = Field("", description="Search in names, email and employee id.")
    department: str | None = None
    function: str | None = None
    location: str | None = None
    level_min: int | None = Field(None, ge=1, le=10)
    level_max: int | None = Field(None, ge=1, le=10)
    active: bool | None = Field(None, description="true: current employees; false: terminated.")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


@router.get("", response={200: list[PersonOut], **ERRORS}, summary="List people")
def person_list(request: HttpRequest, filters: Query[PersonFilter]) -> list[Person]:
    """HR admins and program managers see the workforce; others only themselves."""
    people = people_visible_to(request.user)
    if filters.q:
        people = people.filter(
            Q(first_name__icontains=filters.q)
            | Q(last_name__icontains=filters.q)
            | Q(email__icontains=filters.q)
            | Q(employee_id__iexact=filters.q)
        )
    for name in ("department", "function", "location"):
        if value := getattr(filters, name):
            people = people.filter(**{name: value})
    if filters.level_min is not None:
        people = people.filter(job_level__gte=filters.level_min)
    if filters.level_max is not None:
        people = people.filter(job_level__lte=filters.level_max)
    if filters.active is not None:
        active = Q(termination_date__isnull=True) | Q(termination_date__gt=timezone.localdate())
        people = people.filter(active if filters.active else ~active)
    return list(people.order_by("id")[filters.offset : filters.offset + filters.limit])


@router.get("/{person_id}", response={200: PersonOut, **ERRORS}, summary="Read a person")
def person_get(request: HttpRequest, person_id: int) -> Person:
    return person_profile_read(actor=request.user, person_id=person_id)
