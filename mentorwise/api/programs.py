"""API: program templates, programs, eligibility preview, enrollments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.core.errors import InvalidInput
from mentorwise.programs import selectors, services
from mentorwise.programs.catalog import TEMPLATES
from mentorwise.programs.eligibility import rules_describe, rules_validate
from mentorwise.programs.enrollment_inputs import EnrollmentIn, Withdrawal, WithdrawIn
from mentorwise.programs.inputs import ProgramCreateIn, ProgramPatchIn
from mentorwise.programs.models import Enrollment, Program, objective_lines

router = Router()


class TemplateOut(Schema):
    key: str = Field(description="Identifier to pass when creating a program.")
    name: str
    kind: str
    summary: str
    objectives: list[str]
    eligibility: dict[str, dict[str, Any]] = Field(description="Rules per role.")
    duration_months: int
    meeting_cadence_days: int


class ProgramOut(Schema):
    slug: str
    name: str
    kind: str
    status: str
    language: str = Field(
        description=(
            "The language its texts are written in; translations into other languages are "
            "at /api/translations/program/{slug}/{language}."
        )
    )
    description: str
    objectives: list[str] = Field(description="One entry per objective.")
    responsibilities: dict[str, str] = Field(description="What each role commits to.")
    start_date: dt.date | None
    end_date: dt.date | None
    meeting_cadence_days: int
    eligibility: dict[str, dict[str, Any]]
    eligibility_text: dict[str, list[str]] = Field(description="The rules in plain words.")
    enrollment_questions: list[dict[str, Any]]
    matching: dict[str, Any] = Field(description="Criteria weights and matching options.")
    mentor_training_required: bool
    self_match: bool

    @staticmethod
    def from_program(program: Program) -> ProgramOut:
        return ProgramOut(
            slug=program.slug,
            name=program.name,
            kind=program.kind,
            status=program.status,
            language=program.language,
            description=program.description,
            objectives=objective_lines(program.objectives),
            responsibilities=program.responsibilities,
            start_date=program.start_date,
            end_date=program.end_date,
            meeting_cadence_days=program.meeting_cadence_days,
            eligibility=program.eligibility,
            eligibility_text={r: rules_describe(rules) for r, rules in program.eligibility.items()},
            enrollment_questions=program.enrollment_questions,
            matching=program.matching,
            mentor_training_required=program.mentor_training_required,
            self_match=program.self_match,
        )


class RoleCountOut(Schema):
    role: str
    eligible: int = Field(description="Active people meeting the role's rules.")
    enrolled: int
    invited: int


class EligibilityIn(Schema):
    eligibility: dict[str, dict[str, Any]] = Field(
        description="Rules per role to count (not saved)."
    )


class EnrollmentOut(Schema):
    id: int
    program: str = Field(description="Program slug.")
    person_id: int
    person_name: str
    role: str
    status: str
    development_goals: str
    expertise: str
    skills_wanted: list[str]
    skills_offered: list[str]
    function_preference: str
    prefers_same_location: bool
    languages: list[str]
    capacity: int
    is_paused: bool
    answers: dict[str, str]
    created_at: dt.datetime
    oversees_program: bool = Field(
        description="The person manages this program or is an HR admin: they take part, and "
        "the program's other managers and HR admins oversee their relationships."
    )

    @staticmethod
    def from_enrollment(e: Enrollment, overseers: set[int] | None = None) -> EnrollmentOut:
        """`overseers`: the person ids of the program's overseers, when already read."""
        if overseers is None:
            overseers = selectors.overseer_person_ids(e.program)
        return EnrollmentOut(
            id=e.pk,
            program=e.program.slug,
            person_id=e.person_id,
            person_name=e.person.full_name,
            role=e.role,
            status=e.status,
            development_goals=e.development_goals,
            expertise=e.expertise,
            skills_wanted=[s.name for s in e.skills_wanted.all()],
            skills_offered=[s.name for s in e.skills_offered.all()],
            function_preference=e.function_preference,
            prefers_same_location=e.prefers_same_location,
            languages=e.languages,
            capacity=e.capacity,
            is_paused=e.is_paused,
            answers=e.answers,
            created_at=e.created_at,
            oversees_program=e.person_id in overseers,
        )


class InviteIn(Schema):
    role: str
    filters: dict[str, Any] = Field(
        {}, description="Extra eligibility rules narrowing the invitation."
    )


class InviteOut(Schema):
    invited: int
    already_enrolled: int
    eligible: int


class EnrollmentFilter(Schema):
    role: str | None = None
    status: str | None = None
    q: str = Field("", description="Search in names and emails.")


@router.get(
    "/templates", response={200: list[TemplateOut], **ERRORS}, summary="List program templates"
)
def template_list(request: HttpRequest) -> list[TemplateOut]:
    """Ready-made program designs that encode good practice."""
    return [
        TemplateOut(
            key=t.key,
            name=t.name,
            kind=t.kind,
            summary=t.summary,
            objectives=list(t.objectives),
            eligibility=t.eligibility,
            duration_months=t.duration_months,
            meeting_cadence_days=t.meeting_cadence_days,
        )
        for t in TEMPLATES.values()
    ]


@router.get("/programs", response={200: list[ProgramOut], **ERRORS}, summary="List programs")
def program_list(request: HttpRequest, status: str | None = None) -> list[ProgramOut]:
    """Programs the caller may see (HR admins: all; others: published ones and their own)."""
    return [
        ProgramOut.from_program(p)
        for p in selectors.program_list(actor=request.user, status=status)
    ]


@router.post(
    "/programs",
    response={201: ProgramOut, **WRITE_ERRORS},
    summary="Create a program from a template",
)
def program_create(request: HttpRequest, data: ProgramCreateIn) -> Status[ProgramOut]:
    """HR admins only; the program starts as a draft."""
    program = services.program_create(actor=request.user, data=data.to_input())
    return Status(201, ProgramOut.from_program(program))


@router.get("/programs/{slug}", response={200: ProgramOut, **ERRORS}, summary="Read a program")
def program_get(request: HttpRequest, slug: str) -> ProgramOut:
    return ProgramOut.from_program(selectors.access_program(actor=request.user, slug=slug))


@router.patch(
    "/programs/{slug}", response={200: ProgramOut, **WRITE_ERRORS}, summary="Change a program"
)
def program_patch(request: HttpRequest, slug: str, data: ProgramPatchIn) -> ProgramOut:
    """Program managers of this program and HR admins; every change is validated first."""
    program = selectors.access_managed_program(actor=request.user, slug=slug)
    return ProgramOut.from_program(
        services.program_update(actor=request.user, program=program, changes=data.to_input())
    )


class ManagersIn(Schema):
    emails: list[str] = Field(description="Email addresses of the managers' logins.")


@router.put(
    "/programs/{slug}/managers",
    response={200: list[str], **WRITE_ERRORS},
    summary="Replace a program's managers",
)
def program_managers_put(request: HttpRequest, slug: str, data: ManagersIn) -> list[str]:
    """HR admins only; every unknown address is reported and nothing changes."""
    program = selectors.access_program(actor=request.user, slug=slug)
    program = services.program_managers_set(actor=request.user, program=program, emails=data.emails)
    return sorted(u.email for u in program.managers.all())


@router.get(
    "/programs/{slug}/eligibility",
    response={200: list[RoleCountOut], **ERRORS},
    summary="Eligible and enrolled counts per role",
)
def program_eligibility(request: HttpRequest, slug: str) -> list[RoleCountOut]:
    program = selectors.access_managed_program(actor=request.user, slug=slug)
    return [
        RoleCountOut(role=c.role, eligible=c.eligible, enrolled=c.enrolled, invited=c.invited)
        for c in selectors.program_role_counts(program=program)
    ]


@router.post(
    "/programs/{slug}/eligibility-preview",
    response={200: list[RoleCountOut], **ERRORS},
    summary="Count who would be eligible under other rules",
)
def program_eligibility_preview(
    request: HttpRequest, slug: str, data: EligibilityIn
) -> list[RoleCountOut]:
    """Nothing is saved: use it to try rules before PATCHing them."""
    program = selectors.access_managed_program(actor=request.user, slug=slug)
    errors = []
    clean: dict[str, dict[str, Any]] = {}
    for role, rules in data.eligibility.items():
        try:
            clean[role] = rules_validate(rules, role=role)
        except InvalidInput as error:
            errors.extend(error.errors)
    if errors:
        raise InvalidInput(errors)
    return [
        RoleCountOut(role=c.role, eligible=c.eligible, enrolled=c.enrolled, invited=c.invited)
        for c in selectors.program_role_counts(program=program, eligibility=clean)
    ]


@router.get(
    "/programs/{slug}/enrollments",
    response={200: list[EnrollmentOut], **ERRORS},
    summary="List a program's enrollments",
)
def program_enrollments(
    request: HttpRequest, slug: str, filters: Query[EnrollmentFilter]
) -> list[EnrollmentOut]:
    """Managers see every enrollment; participants see only their own."""
    program = selectors.access_program(actor=request.user, slug=slug)
    enrollments = selectors.enrollment_list(
        actor=request.user,
        program=program,
        role=filters.role,
        status=filters.status,
        search=filters.q,
    ).prefetch_related("skills_wanted", "skills_offered")[:1000]
    overseers = selectors.overseer_person_ids(program)
    return [EnrollmentOut.from_enrollment(e, overseers) for e in enrollments]


@router.post(
    "/programs/{slug}/enrollments",
    response={201: EnrollmentOut, **WRITE_ERRORS},
    summary="Enroll yourself",
)
def enrollment_create(request: HttpRequest, slug: str, data: EnrollmentIn) -> Status[EnrollmentOut]:
    """Enrolls the caller's own person; nobody can enroll someone else (use invitations)."""
    program = selectors.access_program(actor=request.user, slug=slug)
    enrollment = services.enrollment_create(
        actor=request.user, program=program, data=data.to_input()
    )
    return Status(201, EnrollmentOut.from_enrollment(enrollment))


@router.post(
    "/programs/{slug}/invitations",
    response={200: InviteOut, **WRITE_ERRORS},
    summary="Invite eligible people in bulk",
)
def program_invite(request: HttpRequest, slug: str, data: InviteIn) -> InviteOut:
    program = selectors.access_managed_program(actor=request.user, slug=slug)
    result = services.enrollment_invite_bulk(
        actor=request.user, program=program, role=data.role, filters=data.filters
    )
    return InviteOut(
        invited=result.invited, already_enrolled=result.already_enrolled, eligible=result.eligible
    )


@router.get(
    "/enrollments/{enrollment_id}",
    response={200: EnrollmentOut, **ERRORS},
    summary="Read an enrollment",
)
def enrollment_get(request: HttpRequest, enrollment_id: int) -> EnrollmentOut:
    return EnrollmentOut.from_enrollment(
        selectors.access_enrollment(actor=request.user, enrollment_id=enrollment_id)
    )


@router.put(
    "/enrollments/{enrollment_id}",
    response={200: EnrollmentOut, **WRITE_ERRORS},
    summary="Replace your enrollment profile",
)
def enrollment_put(request: HttpRequest, enrollment_id: int, data: EnrollmentIn) -> EnrollmentOut:
    enrollment = selectors.access_enrollment(actor=request.user, enrollment_id=enrollment_id)
    updated = services.enrollment_update(
        actor=request.user, enrollment=enrollment, answers=data.to_answers()
    )
    return EnrollmentOut.from_enrollment(updated)


@router.post(
    "/enrollments/{enrollment_id}/withdraw",
    response={200: EnrollmentOut, **WRITE_ERRORS},
    summary="Withdraw an enrollment",
)
def enrollment_withdraw(
    request: HttpRequest, enrollment_id: int, data: WithdrawIn | None = None
) -> EnrollmentOut:
    """The body is optional: `{"reason": "..."}` is kept in the audit log."""
    enrollment = selectors.access_enrollment(actor=request.user, enrollment_id=enrollment_id)
    withdrawal = data.to_input() if data is not None else Withdrawal()
    return EnrollmentOut.from_enrollment(
        services.enrollment_withdraw(actor=request.user, enrollment=enrollment, data=withdrawal)
    )
