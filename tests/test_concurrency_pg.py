"""Real concurrent transactions against the same objects: no lost write, capacity holds, no 500.

Each test starts its threads at a barrier, so that their transactions overlap; every thread
has its own database connection. They run on PostgreSQL (the second leg of .ci/run): the
in-memory SQLite test database (shared cache) answers "database table is locked" at once
instead of waiting, which hides the real behaviour. On a file SQLite database the
IMMEDIATE transactions of settings.py serialise writers.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from conftest import make_person, make_user
from mentorwise.accounts.models import TokenScope
from mentorwise.accounts.services import api_token_create
from mentorwise.core.audit import AuditEntry
from mentorwise.core.errors import Conflict
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.matches.services import match_approve
from mentorwise.people.models import Person
from mentorwise.people.services import people_import
from mentorwise.programs.enrollment_inputs import EnrollmentNew
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program
from mentorwise.programs.services import EnrollmentAnswers, enrollment_create
from mentorwise.relationships.inputs import MatchAnswer
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.services import match_respond
from mentorwise.relationships.tests.factories import enrollment_of, requested_match

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrent transactions need PostgreSQL (the in-memory SQLite test "
        "database has table locks that ignore the busy timeout)",
    ),
    pytest.mark.django_db(transaction=True),
]


def in_parallel(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread and connection.

    Returns each call's result, or the exception it raised.
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=20)
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    return results


def _kinds(results: list[Any]) -> Counter[str]:
    return Counter(
        "ok" if not isinstance(r, Exception) else getattr(r, "code", type(r).__name__)
        for r in results
    )


def _proposal(mentee: Any, mentor: Any) -> Match:
    mentee_e, mentor_e = enrollment_of(mentee), enrollment_of(mentor)
    return Match.objects.create(
        program=mentee_e.program, mentee=mentee_e, mentor=mentor_e, status=MatchStatus.PROPOSED
    )


def test_two_admins_approving_the_same_match_approve_it_once(
    hr_admin: Any, program_manager: Any, mentee: Any, mentor: Any
) -> None:
    match = _proposal(mentee, mentor)
    results = in_parallel(
        lambda: match_approve(actor=hr_admin, match=match),
        lambda: match_approve(actor=program_manager, match=match),
    )
    assert _kinds(results) == {"ok": 2}  # the second sees it approved: nothing to do
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert AuditEntry.objects.filter(action="match.approved").count() == 1


def test_parallel_approvals_for_one_mentor_never_exceed_capacity(
    hr_admin: Any, program_manager: Any, mentee: Any, other_mentee: Any, mentor: Any
) -> None:
    Enrollment.objects.filter(pk=enrollment_of(mentor).pk).update(capacity=1)
    first, second = _proposal(mentee, mentor), _proposal(other_mentee, mentor)
    results = in_parallel(
        lambda: match_approve(actor=hr_admin, match=first),
        lambda: match_approve(actor=program_manager, match=second),
    )
    assert _kinds(results) == {"ok": 1, "mentor_full": 1}
    assert Match.objects.filter(status=MatchStatus.APPROVED).count() == 1


def test_parallel_approvals_through_the_api_answer_200_or_409_never_500(
    hr_admin: Any, program_manager: Any, mentee: Any, other_mentee: Any, mentor: Any
) -> None:
    Enrollment.objects.filter(pk=enrollment_of(mentor).pk).update(capacity=1)
    matches = [_proposal(mentee, mentor), _proposal(other_mentee, mentor)]
    tokens = [
        api_token_create(actor=user, name="t", scope=TokenScope.ADMIN)[1]
        for user in (hr_admin, program_manager)
    ]

    def approve(match: Match, token: str) -> int:
        client = Client(headers={"Authorization": f"Bearer {token}"})
        return client.post(f"/api/matches/{match.pk}/approve").status_code

    statuses = in_parallel(
        *(lambda m=m, t=t: approve(m, t) for m in matches for t in tokens),
    )
    assert sorted(statuses) in ([200, 200, 409, 409], [200, 200, 200, 409])
    assert Match.objects.filter(status=MatchStatus.APPROVED).count() == 1


def test_a_double_submitted_acceptance_starts_one_relationship(mentee: Any, mentor: Any) -> None:
    match = requested_match(mentee, mentor)
    results = in_parallel(
        lambda: match_respond(actor=mentor, match=match, data=MatchAnswer(accept=True)),
        lambda: match_respond(actor=mentor, match=match, data=MatchAnswer(accept=True)),
    )
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)]
    assert Relationship.objects.filter(match=match).count() == 1
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED


def test_many_acceptances_at_once_fill_the_capacity_exactly(
    program: Program, mentee: Any, other_mentee: Any, mentor: Any, skills: Any
) -> None:
    Enrollment.objects.filter(pk=enrollment_of(mentor).pk).update(capacity=2)
    mentees = [mentee, other_mentee]
    for i in range(2):
        person = make_person(first_name=f"Extra{i}", is_high_potential=True)
        Enrollment.objects.create(
            program=program, person=person, role="mentee", status=EnrollmentStatus.ACTIVE
        )
        mentees.append(make_user(person))
    matches = [requested_match(m, mentor) for m in mentees]
    results = in_parallel(
        *(
            lambda m=m: match_respond(actor=mentor, match=m, data=MatchAnswer(accept=True))
            for m in matches
        )
    )
    assert _kinds(results)["ok"] == 2
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))
    assert Relationship.objects.filter(mentor=enrollment_of(mentor)).count() == 2
    assert Match.objects.filter(status=MatchStatus.ACCEPTED).count() == 2


def test_the_same_file_imported_twice_at_once_creates_everyone_once(hr_admin: Any) -> None:
    lines = ["employee_id,first_name,last_name,email,manager_id,job_level"]
    lines += [f"P{i},Pat{i},Lee,pat{i}@example.com,{'P0' if i else ''},4" for i in range(50)]
    data = "\n".join(lines).encode()
    before = Person.objects.count()
    results = in_parallel(
        *(lambda: people_import(actor=hr_admin, data=data, file_name="hris.csv") for _ in "ab")
    )
    assert _kinds(results) == {"ok": 2}
    assert sorted(r.created for r in results) == [0, 50]
    assert Person.objects.count() == before + 50
    assert Person.objects.get(employee_id="P7").manager.employee_id == "P0"


def test_two_files_changing_one_person_at_once_leave_one_of_them_whole(hr_admin: Any) -> None:
    make_person(employee_id="X1", email="x1@example.com", title="Analyst", department="Sales")
    header = "employee_id,first_name,last_name,email,title,department"
    file_a = f"{header}\nX1,Xen,Ray,x1@example.com,Lead,Sales\n".encode()
    file_b = f"{header}\nX1,Xen,Ray,x1@example.com,Analyst,Finance\n".encode()
    results = in_parallel(
        lambda: people_import(actor=hr_admin, data=file_a, file_name="a.csv"),
        lambda: people_import(actor=hr_admin, data=file_b, file_name="b.csv"),
    )
    assert _kinds(results) == {"ok": 2}
    person = Person.objects.get(employee_id="X1")
    # Serialised: the later file wins as a whole, never a mix of half of each.
    assert (person.title, person.department) in (("Lead", "Sales"), ("Analyst", "Finance"))
    assert Person.objects.filter(employee_id="X1").count() == 1


def test_a_double_submitted_enrollment_enrolls_once(program: Program, skills: Any) -> None:
    Program.objects.filter(pk=program.pk).update(eligibility={}, enrollment_questions=[])
    program.refresh_from_db()
    user = make_user(make_person(first_name="Nia", is_high_potential=True))
    answers = EnrollmentAnswers(development_goals="Grow", skills_wanted=[skills[0].pk])

    def enroll() -> Enrollment:
        return enrollment_create(
            actor=user,
            program=program,
            data=EnrollmentNew(role="mentee", answers=answers, acknowledged=True),
        )

    results = in_parallel(enroll, enroll, enroll)
    assert _kinds(results) == {"ok": 1, "already_enrolled": 2}
    assert Enrollment.objects.filter(program=program, person=user.person).count() == 1
