"""The matching pool read as plain rows, and the matching page's long lists built as HTML.

The pool reads its mentees with `values_list` (thousands of rows: no Enrollment or Person
objects) and the mentors as objects (their cards show them); both must give the engine
exactly the columns it got from the objects before.
"""

from __future__ import annotations

import numpy as np
import pytest
from django.test import Client

from conftest import _enroll, make_person
from mentorwise.matches import scores, services
from mentorwise.matches.problem import Member, _member, _mentee_members, program_pool
from mentorwise.people.models import Person, path_token
from mentorwise.programs.models import Enrollment, Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool_program(
    program: Program, program_manager, mentee, other_mentee, mentor, skills
) -> Program:
    """Ana and Omar (mentees), Marta (mentor), plus a mentee with languages on the enrollment,
    one with a manager chain and no languages anywhere, and a name that needs escaping."""
    Program.objects.filter(pk=program.pk).update(mentor_training_required=False)
    boss = make_person(first_name="Bea", last_name="Boss", languages=["de"])
    Person.objects.filter(pk=boss.pk).update(path=path_token(boss.pk))
    report = make_person(first_name="Rui", last_name="<Report>", languages=[])
    Person.objects.filter(pk=report.pk).update(
        manager=boss, path=path_token(boss.pk) + path_token(report.pk)
    )
    _enroll(program, report, "mentee", skills, languages=["pt", "en"])
    _enroll(program, boss, "mentee", skills, development_goals="")
    program.refresh_from_db()
    return program


def _as_objects(program: Program) -> list[Member]:
    enrollments = Enrollment.objects.filter(program=program, role="mentee").select_related("person")
    return [_member(e, "development_goals") for e in enrollments.order_by("pk")]


def test_mentee_rows_equal_what_the_objects_give(pool_program: Program) -> None:
    rows = _mentee_members(Enrollment.objects.filter(program=pool_program, role="mentee"))
    assert rows == _as_objects(pool_program)
    by_name = {m.first_name: m for m in rows}
    assert by_name["Rui"].languages == ["pt", "en"]  # the enrollment's own languages first
    assert by_name["Bea"].languages == ["de"]  # else the person's
    assert by_name["Rui"].ancestor_ids == [by_name["Bea"].person_id]
    assert by_name["Ana"].ancestor_ids == []


def test_pool_participants_follow_the_rows(pool_program: Program) -> None:
    pool = program_pool(pool_program)
    assert pool.mentees is not None and pool.mentors is not None
    members = pool.mentee_members
    assert [m.first_name for m in members] == list(pool.mentees.names)
    assert pool.mentees.ids.tolist() == [m.person_id for m in members]
    rui = [m.first_name for m in members].index("Rui")
    bea = next(m for m in members if m.first_name == "Bea")
    assert pool.mentees.chain is not None
    assert pool.mentees.chain[rui, 0] == bea.person_id
    assert np.all(pool.mentees.chain[rui, 1:] == -1)
    assert [e.person.first_name for e in pool.mentor_enrollments] == ["Marta"]


def test_a_run_stores_the_pool_rows_enrollments(pool_program: Program, program_manager) -> None:
    run = services.run_create(actor=program_manager, program=pool_program, method="optimal")
    services.run_dispatch(run)
    run.refresh_from_db()
    paired = set(run.matches.values_list("mentee__person__first_name", flat=True))
    unmatched = set(run.unmatched.values_list("mentee__person__first_name", flat=True))
    assert paired | unmatched == {"Ana", "Omar", "Rui", "Bea"}
    assert run.n_mentees == 4


def test_mentee_cards_are_built_from_the_rows(pool_program: Program, mentor) -> None:
    Program.objects.filter(pk=pool_program.pk).update(
        matching={
            **pool_program.matching,
            "options": {**pool_program.matching.get("options", {}), "mentor_preferences": True},
        }
    )
    pool_program.refresh_from_db()
    cards = scores.mentee_cards(actor=mentor, program=pool_program)
    assert sorted(c.enrollment.person.first_name for c in cards) == ["Ana", "Bea", "Omar", "Rui"]
    assert all(c.score is not None and c.reasons for c in cards)


def test_matching_page_lists_every_mentee_escaped(pool_program: Program, program_manager) -> None:
    client = Client()
    client.force_login(program_manager)
    run = services.run_create(actor=program_manager, program=pool_program, method="optimal")
    services.run_dispatch(run)
    page = client.get(f"/matching/programs/{pool_program.slug}/").content.decode()
    rui = Enrollment.objects.get(program=pool_program, person__first_name="Rui")
    assert f'<option value="{rui.pk}">Rui &lt;Report&gt; (Analyst)</option>' in page
    assert "<Report>" not in page
    marta = Enrollment.objects.get(program=pool_program, person__first_name="Marta")
    assert f'<option value="{marta.pk}">Marta Mentor (Analyst)</option>' in page
    for name, reason in run.unmatched.values_list("mentee__person__first_name", "reason"):
        assert name in page and reason.replace("'", "&#x27;") in page
