"""What pages say about programs: ended ones, completed participations, unique names, plurals."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from conftest import page_client
from mentorwise.core.errors import InvalidInput
from mentorwise.core.text import count
from mentorwise.programs.models import Program, ProgramStatus
from mentorwise.programs.services import (
    ProgramChanges,
    program_create_from_template,
    program_update,
)

pytestmark = pytest.mark.django_db


def ended(program: Program, status: str = ProgramStatus.ACTIVE) -> Program:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Program.objects.filter(pk=program.pk).update(
        status=status, start_date=yesterday - dt.timedelta(days=300), end_date=yesterday
    )
    program.refresh_from_db()
    return program


def test_a_program_past_its_end_date_is_not_shown_as_active(program, hr_admin):
    ended(program)
    assert program.display_status == "Ended, to be closed" and program.status_tone == "warn"
    client = page_client(hr_admin)
    for url in ("/programs/", f"/programs/{program.slug}/"):
        html = client.get(url).content.decode()
        assert "Ended, to be closed" in html, url
        assert '">Active</span>' not in html, url


def test_status_labels_of_programs_that_have_not_ended():
    today = timezone.localdate()
    for status, label, tone in [
        (ProgramStatus.DRAFT, "Draft", "warn"),
        (ProgramStatus.ENROLLING, "Enrolling", "ok"),
        (ProgramStatus.ACTIVE, "Active", "ok"),
        (ProgramStatus.CLOSED, "Closed", ""),
    ]:
        program = Program(name="P", status=status, end_date=today)  # ends today: not yet over
        assert (program.display_status, program.status_tone) == (label, tone)
    assert Program(name="P", status=ProgramStatus.ACTIVE, end_date=None).display_status == "Active"


def test_a_closed_program_is_a_completed_participation_not_enrolled(program, mentee):
    ended(program, ProgramStatus.CLOSED)
    html = page_client(mentee).get("/programs/enrollments/").content.decode()
    assert "Completed" in html and ">Enrolled<" not in html
    assert "this is a past participation" in html
    assert "Withdraw" not in html and "Edit profile" not in html


def test_a_current_enrollment_still_reads_enrolled(program, mentee):
    html = page_client(mentee).get("/programs/enrollments/").content.decode()
    assert ">Enrolled<" in html and "Withdraw" in html


def test_the_contribution_record_is_offered_to_mentors_not_mentees(mentor, mentee, sponsor):
    assert "My contribution record" in page_client(mentor).get("/relationships/").content.decode()
    assert "My contribution record" not in (
        page_client(mentee).get("/relationships/").content.decode()
    )
    # A sponsor enrolled nowhere has no record either.
    assert "My contribution record" not in (
        page_client(sponsor).get("/relationships/").content.decode()
    )


def test_a_duplicate_program_name_is_refused_with_a_clear_message(program, hr_admin):
    before = Program.objects.count()
    with pytest.raises(InvalidInput) as caught:
        program_create_from_template(
            actor=hr_admin, template_key="onboarding_buddy", name="  leadership 2026 "
        )
    error = caught.value.errors[0]
    assert error.field == "name" and "Another program is already called" in error.message
    assert Program.objects.count() == before


def test_renaming_to_another_programs_name_is_refused(program, other_program, hr_admin):
    with pytest.raises(InvalidInput) as caught:
        program_update(
            actor=hr_admin, program=other_program, changes=ProgramChanges(name="LEADERSHIP 2026")
        )
    assert caught.value.errors[0].field == "name"
    other_program.refresh_from_db()
    assert other_program.name == "Buddies"
    # Keeping one's own name (in another case) is fine.
    program_update(actor=hr_admin, program=program, changes=ProgramChanges(name="leadership 2026"))


def test_the_create_page_says_the_name_is_taken(program, hr_admin):
    response = page_client(hr_admin).post(
        "/programs/new/", {"template": "hipo_leadership", "name": "Leadership 2026"}, follow=True
    )
    assert "Another program is already called" in response.content.decode()
    assert Program.objects.filter(name__iexact="Leadership 2026").count() == 1


def test_a_template_default_name_is_numbered_instead_of_duplicated(hr_admin):
    first = program_create_from_template(actor=hr_admin, template_key="onboarding_buddy")
    second = program_create_from_template(actor=hr_admin, template_key="onboarding_buddy")
    assert second.name == f"{first.name} (2)"


def test_the_database_refuses_duplicate_names_too(program):
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.create(slug="x", name="LEADERSHIP 2026", kind="mentoring", objectives="o")


def test_the_migration_tells_existing_duplicates_apart():
    migration = importlib.import_module("mentorwise.programs.migrations.0003_program_name_unique")
    saved: list[str] = []

    def program(pk: int, name: str) -> SimpleNamespace:
        p = SimpleNamespace(pk=pk, name=name)
        p.save = lambda update_fields: saved.append(p.name)
        return p

    programs = [
        program(1, "Flash"),
        program(2, "flash"),
        program(3, "Flash (2)"),
        program(4, "Flash"),
    ]
    manager = SimpleNamespace(order_by=lambda *fields: programs)
    apps = SimpleNamespace(get_model=lambda *a: SimpleNamespace(objects=manager))
    migration.tell_duplicates_apart(apps, None)
    names = [p.name for p in programs]
    assert names == ["Flash", "flash (3)", "Flash (2)", "Flash (4)"]
    assert saved == [names[1], names[3]]  # only the later duplicates were renamed


def test_counted_nouns_agree_with_their_number():
    assert count(1, "day") == "1 day" and count(3, "day") == "3 days"
    assert count(0, "month") == "0 months" and count(1, "person") == "1 person"
    assert count(1200, "person", grouped=True) == "1,200 people"


def test_pages_say_1_day_not_1_days(program, hr_admin):
    Program.objects.filter(pk=program.pk).update(meeting_cadence_days=1)
    html = page_client(hr_admin).get(f"/programs/{program.slug}/").content.decode()
    assert "every 1 day" in html and "1 days" not in html
    templates = page_client(hr_admin).get("/programs/templates/").content.decode()
    assert '<span class="badge">First-time manager</span>' in templates
    assert '<span class="badge">first_time_manager' not in templates
