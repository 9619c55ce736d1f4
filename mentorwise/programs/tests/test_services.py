"""Program and enrollment services: validation, permissions, and nothing half-written."""

from __future__ import annotations

import pytest

from conftest import make_person, make_user
from mentorwise.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from mentorwise.core.models import AuditEntry
from mentorwise.programs import services
from mentorwise.programs.catalog import TEMPLATES
from mentorwise.programs.enrollment_inputs import Withdrawal
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus

pytestmark = pytest.mark.django_db


def answers(skills, **kw) -> services.EnrollmentAnswers:
    base = {
        "development_goals": "Learn to lead",
        "skills_wanted": [skills[0].pk],
        "answers": {"why": "Grow", "commitment": "Yes"},
    }
    base.update(kw)
    return services.EnrollmentAnswers(**base)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_creates_a_complete_draft(hr_admin, key) -> None:
    program = services.program_create_from_template(actor=hr_admin, template_key=key)
    assert program.status == ProgramStatus.DRAFT
    assert program.objective_list and program.eligibility and program.matching["criteria"]
    assert "program_manager" in program.responsibilities
    assert program.end_date > program.start_date
    assert AuditEntry.objects.filter(action="program.created", target_id=str(program.pk)).exists()


def test_only_hr_admins_create_programs(program_manager) -> None:
    with pytest.raises(Forbidden):
        services.program_create_from_template(actor=program_manager, template_key="hipo_leadership")


def test_unknown_template_is_refused(hr_admin) -> None:
    with pytest.raises(InvalidInput, match="unknown program template"):
        services.program_create_from_template(actor=hr_admin, template_key="nope")
    assert not Program.objects.exists()


def test_program_update_validates_everything_and_writes_nothing_on_error(
    program, program_manager
) -> None:
    changes = services.ProgramChanges(
        name="Renamed",
        meeting_cadence_days=0,
        eligibility={"mentee": {"level_min": 99}, "mentor": {}},
        matching={"criteria": {"skills": 11}, "options": {"inclusion": {"enabled": True}}},
    )
    with pytest.raises(InvalidInput) as caught:
        services.program_update(actor=program_manager, program=program, changes=changes)
    fields = {e.field for e in caught.value.errors}
    assert {
        "meeting_cadence_days",
        "eligibility.mentee.level_min",
        "matching.criteria.skills",
        "matching.options.inclusion.justification",
    } <= fields
    program.refresh_from_db()
    assert program.name == "Leadership 2026"


def test_inclusion_option_needs_a_recorded_justification(program, hr_admin) -> None:
    matching = {
        **program.matching,
        "options": {
            **program.matching["options"],
            "inclusion": {
                "enabled": True,
                "justification": "Promotion rates of women at level 6 lag by 9 points.",
                "groups": ["gender:woman"],
            },
        },
    }
    services.program_update(
        actor=hr_admin, program=program, changes=services.ProgramChanges(matching=matching)
    )
    program.refresh_from_db()
    assert program.matching["options"]["inclusion"]["enabled"] is True


def test_manager_of_another_program_cannot_update(program, other_manager) -> None:
    with pytest.raises(Forbidden):
        services.program_update(
            actor=other_manager, program=program, changes=services.ProgramChanges(name="Mine now")
        )


def test_participant_enrolls_themselves(program, skills, outsider) -> None:
    outsider.person.is_high_potential = True
    outsider.person.save()
    enrollment = services.enrollment_create(
        actor=outsider,
        program=program,
        data=services.EnrollmentNew(role="mentee", answers=answers(skills), acknowledged=True),
    )
    assert enrollment.person == outsider.person
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert list(enrollment.skills_wanted.all()) == [skills[0]]


def test_ineligible_enrollment_is_refused_with_the_reason(program, skills, outsider) -> None:
    with pytest.raises(Forbidden, match="identified as high potential"):
        services.enrollment_create(
            actor=outsider,
            program=program,
            data=services.EnrollmentNew(role="mentee", answers=answers(skills), acknowledged=True),
        )
    assert not Enrollment.objects.filter(person=outsider.person).exists()


def test_enrollment_requires_acknowledgement_and_answers(program, skills, outsider) -> None:
    outsider.person.is_high_potential = True
    outsider.person.save()
    with pytest.raises(InvalidInput) as caught:
        services.enrollment_create(
            actor=outsider,
            program=program,
            data=services.EnrollmentNew(
                role="mentee",
                answers=answers(skills, development_goals="", answers={}),
                acknowledged=False,
            ),
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {"development_goals", "acknowledged", "answers.why", "answers.commitment"}
    assert not Enrollment.objects.filter(person=outsider.person).exists()


def test_enrolling_twice_is_a_conflict(program, skills, mentee) -> None:
    with pytest.raises(Conflict):
        services.enrollment_create(
            actor=mentee,
            program=program,
            data=services.EnrollmentNew(role="mentee", answers=answers(skills), acknowledged=True),
        )


def test_draft_program_refuses_enrollment(hr_admin, skills) -> None:
    draft = services.program_create_from_template(actor=hr_admin, template_key="flash_mentoring")
    user = make_user(make_person(job_level=6))
    with pytest.raises(Conflict, match="not open"):
        services.enrollment_create(
            actor=user,
            program=draft,
            data=services.EnrollmentNew(
                role="mentee", answers=answers(skills, answers={}), acknowledged=True
            ),
        )


def test_participant_cannot_change_someone_elses_enrollment(
    program, skills, mentee, other_mentee
) -> None:
    theirs = Enrollment.objects.get(person=other_mentee.person)
    with pytest.raises(NotFound):
        services.enrollment_update(actor=mentee, enrollment=theirs, answers=answers(skills))
    with pytest.raises(NotFound):
        services.enrollment_withdraw(actor=mentee, enrollment=theirs, data=Withdrawal())
    theirs.refresh_from_db()
    assert theirs.status == EnrollmentStatus.ACTIVE


def test_bulk_invite_invites_eligible_people_once(program, program_manager) -> None:
    for level in (3, 5, 7, 8):
        make_person(job_level=level, is_high_potential=True)
    make_person(job_level=5, is_high_potential=False)
    first = services.enrollment_invite_bulk(actor=program_manager, program=program, role="mentee")
    assert (first.invited, first.eligible) == (3, 3)
    again = services.enrollment_invite_bulk(
        actor=program_manager, program=program, role="mentee", filters={"level_min": 5}
    )
    assert (again.invited, again.already_enrolled) == (0, 2)
    assert Enrollment.objects.filter(status=EnrollmentStatus.INVITED).count() == 3


def test_invited_person_accepts_by_enrolling(program, program_manager, skills) -> None:
    user = make_user(make_person(job_level=5, is_high_potential=True))
    services.enrollment_invite_bulk(actor=program_manager, program=program, role="mentee")
    enrollment = services.enrollment_create(
        actor=user,
        program=program,
        data=services.EnrollmentNew(role="mentee", answers=answers(skills), acknowledged=True),
    )
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert Enrollment.objects.filter(person=user.person).count() == 1


def test_other_manager_cannot_invite(program, other_manager) -> None:
    with pytest.raises(Forbidden):
        services.enrollment_invite_bulk(actor=other_manager, program=program, role="mentee")


def test_mentor_pauses_and_changes_capacity(program, mentor) -> None:
    enrollment = Enrollment.objects.get(person=mentor.person)
    services.enrollment_set_availability(
        actor=mentor, enrollment=enrollment, paused=True, capacity=4
    )
    enrollment.refresh_from_db()
    assert (enrollment.is_paused, enrollment.capacity) == (True, 4)


def test_circle_mentors_take_the_circle_size(hr_admin, skills) -> None:
    circles = services.program_create_from_template(actor=hr_admin, template_key="group_circle")
    Program.objects.filter(pk=circles.pk).update(status=ProgramStatus.ENROLLING)
    circles.refresh_from_db()
    mentor = make_user(make_person(job_level=8))
    enrollment = services.enrollment_create(
        actor=mentor,
        program=circles,
        data=services.EnrollmentNew(
            role="mentor",
            acknowledged=True,
            answers=services.EnrollmentAnswers(skills_offered=[skills[0].pk], answers={"why": "x"}),
        ),
    )
    assert enrollment.capacity == 6
