"""Root fixtures: people in each role, and who may see what.

hr_admin          sees and manages everything, except private notes
program_manager   manages `program` only; reads its enrollments, not other programs'
other_manager     manages `other_program`; must get 404 on `program`'s management pages
mentee            enrolled in `program` as mentee; sees only their own enrollment
other_mentee      enrolled in `program` as mentee; must never see `mentee`'s answers
mentor            enrolled in `program` as mentor
sponsor           a senior leader (level 9), not enrolled
executive         aggregate dashboards only
outsider          an employee with a login and no role anywhere
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from mentorwise.accounts.models import User
from mentorwise.accounts.tests.factories import UserFactory
from mentorwise.people.models import Person
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus, Skill

_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run inline, so tests see their effects (and their errors).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # One cache per test process (the file cache would be shared by parallel workers).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def make_person(**fields: Any) -> Person:
    """A person with plausible defaults; any field can be overridden."""
    n = next(_ids)
    defaults: dict[str, Any] = {
        "employee_id": f"E{n:05d}",
        "first_name": f"First{n}",
        "last_name": f"Last{n}",
        "email": f"person{n}@example.com",
        "title": "Analyst",
        "job_level": 4,
        "department": "Finance",
        "function": "Finance",
        "location": "Berlin",
        "time_zone": "Europe/Berlin",
        "languages": ["English"],
        "hire_date": dt.date(2018, 1, 15),
    }
    defaults.update(fields)
    return Person.objects.create(**defaults)


def make_user(person: Person | None = None, **fields: Any) -> User:
    return UserFactory(person=person, **fields)


@pytest.fixture
def skills(db: None) -> list[Skill]:
    names = [
        ("Negotiation", "Leadership"),
        ("Strategic thinking", "Strategy"),
        ("Public speaking", "Communication"),
        ("Data analysis", "Technical"),
    ]
    return [Skill.objects.create(name=n, category=c) for n, c in names]


@pytest.fixture
def hr_admin(db: None) -> User:
    return make_user(
        make_person(first_name="Hana", last_name="Admin", job_level=7), is_hr_admin=True
    )


@pytest.fixture
def executive(db: None) -> User:
    return make_user(
        make_person(first_name="Eve", last_name="Exec", job_level=10), is_executive=True
    )


@pytest.fixture
def program(hr_admin: User, program_manager_user: User) -> Program:
    from mentorwise.programs.services import program_create_from_template

    program = program_create_from_template(
        actor=hr_admin,
        template_key="hipo_leadership",
        name="Leadership 2026",
        slug="leadership-2026",
    )
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ENROLLING)
    program.refresh_from_db()
    program.managers.add(program_manager_user)
    return program


@pytest.fixture
def other_program(hr_admin: User, other_manager: User) -> Program:
    from mentorwise.programs.services import program_create_from_template

    program = program_create_from_template(
        actor=hr_admin, template_key="onboarding_buddy", name="Buddies", slug="buddies"
    )
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ENROLLING)
    program.refresh_from_db()
    program.managers.add(other_manager)
    return program


@pytest.fixture
def program_manager_user(db: None) -> User:
    return make_user(make_person(first_name="Paula", last_name="Manager", job_level=6))


@pytest.fixture
def program_manager(program: Program, program_manager_user: User) -> User:
    return program_manager_user


@pytest.fixture
def other_manager(db: None) -> User:
    return make_user(make_person(first_name="Otto", last_name="Manager", job_level=6))


def _enroll(
    program: Program, person: Person, role: str, skills: list[Skill], **fields: Any
) -> Enrollment:
    enrollment = Enrollment.objects.create(
        program=program,
        person=person,
        role=role,
        status=EnrollmentStatus.ACTIVE,
        development_goals=fields.pop("development_goals", "Lead a larger team"),
        **fields,
    )
    if role == "mentee":
        enrollment.skills_wanted.set(skills[:2])
    else:
        enrollment.skills_offered.set(skills)
    return enrollment


@pytest.fixture
def mentee(program: Program, skills: list[Skill]) -> User:
    person = make_person(first_name="Ana", last_name="Mentee", job_level=4, is_high_potential=True)
    _enroll(program, person, "mentee", skills, development_goals="Ana's private career goals")
    return make_user(person)


@pytest.fixture
def other_mentee(program: Program, skills: list[Skill]) -> User:
    person = make_person(first_name="Omar", last_name="Mentee", job_level=5, is_high_potential=True)
    _enroll(program, person, "mentee", skills, development_goals="Omar's private career goals")
    return make_user(person)


@pytest.fixture
def mentor(program: Program, skills: list[Skill]) -> User:
    person = make_person(
        first_name="Marta",
        last_name="Mentor",
        job_level=8,
        function="Sales",
        hire_date=dt.date(2010, 3, 1),
    )
    _enroll(program, person, "mentor", skills, capacity=2, expertise="Scaling sales teams")
    return make_user(person)


@pytest.fixture
def sponsor(db: None) -> User:
    return make_user(make_person(first_name="Sam", last_name="Sponsor", job_level=9))


@pytest.fixture
def outsider(db: None) -> User:
    return make_user(make_person(first_name="Olga", last_name="Outsider", job_level=4))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (never a downloaded browser build).

    Skipped where Chromium is missing, except in CI, which must run the browser tests.
    """
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail("CI must run the browser tests: install Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in this thread; the test's own database calls
    # are still plain synchronous code, so Django's async-safety guard does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


def page_client(user: User) -> Client:
    """A test client signed in as `user` (browser session)."""
    client = Client()
    client.force_login(user)
    return client


def query_plan(sql: str, params: list[Any]) -> str:
    """The database's plan for a query, as one line of text (which indexes it reads)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        # A handful of rows: the planner would rightly read them all; ask for its indexes.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(row[0] for row in cursor.fetchall())


def api_client(user: User, scope: str = "read") -> Client:
    """A test client sending a new personal API token of `user`."""
    from mentorwise.accounts.services import api_token_create

    _, raw = api_token_create(actor=user, name="t", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
