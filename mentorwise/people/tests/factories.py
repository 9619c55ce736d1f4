"""Factories for people; `PersonFactory(manager=boss)` keeps the materialized path right."""

from __future__ import annotations

import datetime as dt

import factory

from mentorwise.people.models import Demographics, Person, path_token


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    employee_id = factory.Sequence(lambda n: f"P{n:05d}")
    first_name = factory.Sequence(lambda n: f"Ada{n}")
    last_name = "Lovelace"
    email = factory.LazyAttribute(lambda p: f"{p.employee_id.lower()}@example.com")
    title = "Analyst"
    job_level = 3
    department = "Platform"
    function = "Engineering"
    location = "London"
    time_zone = "Europe/London"
    languages = factory.LazyFunction(lambda: ["en"])
    hire_date = dt.date(2020, 1, 6)

    @factory.post_generation
    def _path(obj: Person, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        parent = obj.manager.path if obj.manager_id else ""
        obj.path = parent + path_token(obj.pk)
        obj.depth = obj.path.count("/") - 1
        obj.save(update_fields=["path", "depth"])


class DemographicsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demographics

    person = factory.SubFactory(PersonFactory)
    gender = "woman"
    ethnicity = ""
