"""Enrollment use cases: enrol, change answers and availability, withdraw, invite in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from mentorwise.core.languages import speaking_to
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.services import notify
from mentorwise.messaging.texts import program_text, programs_with_text
from mentorwise.people.models import Person
from mentorwise.programs.eligibility import eligible_people, ineligibility_reason, rules_validate
from mentorwise.programs.enrollment_inputs import (
    EnrollmentAnswers,
    EnrollmentNew,
    Withdrawal,
    capacity_problem,
    enrollment_answers_validate,
    enrollment_new_validate,
    role_problem,
    withdrawal_validate,
)
from mentorwise.programs.models import (
    GIVING_ROLES,
    Enrollment,
    EnrollmentStatus,
    Program,
    ProgramKind,
)
from mentorwise.programs.permissions import can_manage_program
from mentorwise.programs.services.guards import require_manager


def _apply_answers(
    enrollment: Enrollment, role: str, answers: EnrollmentAnswers, program: Program
) -> None:
    enrollment.development_goals = answers.development_goals.strip()
    enrollment.expertise = answers.expertise.strip()
    enrollment.function_preference = answers.function_preference
    enrollment.prefers_same_location = answers.prefers_same_location
    enrollment.languages = sorted({lang.strip() for lang in answers.languages if lang.strip()})
    enrollment.capacity = answers.capacity if role in GIVING_ROLES else 1
    if program.kind == ProgramKind.GROUP and role in GIVING_ROLES and answers.capacity <= 1:
        # A circle's mentor takes the program's circle size unless they chose otherwise.
        enrollment.capacity = int(program.matching.get("options", {}).get("circle_size", 6))
    enrollment.availability = answers.availability.strip()  # at most AVAILABILITY_MAX
    keys = {q["key"] for q in program.enrollment_questions}
    enrollment.answers = {k: str(v).strip()[:2000] for k, v in answers.answers.items() if k in keys}


@transaction.atomic
def enrollment_create(*, actor: Actor, program: Program, data: EnrollmentNew) -> Enrollment:
    """Enroll the actor's own person in `program` as `role` (or accept an invitation).

    Refused with the reason when the program is closed, the role is unknown, the person is
    ineligible, the responsibilities were not acknowledged, or the answers are incomplete.
    A manager of the program (or an HR admin) may take part: managers often also mentor.
    The audit entry says so, the program's page shows it to its other overseers, and they
    alone oversee the relationships this person will be in (`relationships.permissions`).
    """
    person_id = getattr(actor, "person_id", None)
    if person_id is None:
        raise Forbidden(_("Your login is not linked to an employee record, so you cannot enroll."))
    person = Person.objects.get(pk=person_id)
    role, answers = data.role, data.answers
    if problem := role_problem(program, role):
        raise InvalidInput([problem])
    if not program.is_open_for_enrollment:
        raise Conflict(_("This program is not open for enrollment."), code="program_closed")
    if reason := ineligibility_reason(program.eligibility.get(role, {}), person):
        raise Forbidden(reason, code="ineligible")
    enrollment_new_validate(data, program=program)
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(program=program, person=person, role=role)
        .first()
    )
    if enrollment is not None and enrollment.status == EnrollmentStatus.ACTIVE:
        raise Conflict(_("You are already enrolled in this role."), code="already_enrolled")
    was_invited = enrollment is not None and enrollment.status == EnrollmentStatus.INVITED
    if enrollment is None:
        enrollment = Enrollment(program=program, person=person, role=role)
    enrollment.status = EnrollmentStatus.ACTIVE
    enrollment.acknowledged_at = timezone.now()
    enrollment.updated_at = timezone.now()
    _apply_answers(enrollment, role, answers, program)
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError:
        raise Conflict(
            _("You are already enrolled in this role."), code="already_enrolled"
        ) from None
    enrollment.skills_wanted.set(answers.skills_wanted)
    enrollment.skills_offered.set(answers.skills_offered)
    audit_record(
        actor=actor,
        action="enrollment.accepted_invitation" if was_invited else "enrollment.created",
        target=enrollment,
        data={
            "program": program.slug,
            "role": role,
            "oversees_program": can_manage_program(actor, program),
        },
    )
    _welcome(enrollment)
    return enrollment


def _welcome(enrollment: Enrollment) -> None:
    """The program's welcome, sent on enrolling when its managers wrote one (communications);
    without one nobody is sent anything, as before."""
    program = enrollment.program
    if program.pk not in programs_with_text("welcome"):
        return
    person = enrollment.person
    with speaking_to(person):
        text = program_text(
            program_id=program.pk,
            key="welcome",
            person_id=person.pk,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            values={},
        )
    if text is None:
        return
    subject, body = text
    notify(
        person=person,
        kind=Kind.PROGRAM,
        subject=subject,
        body=body,
        url=settings.MENTORWISE_BASE_URL.rstrip("/")
        + reverse("programs:detail", args=[program.slug]),
        program=program,
    )


@transaction.atomic
def enrollment_update(
    *, actor: Actor, enrollment: Enrollment, answers: EnrollmentAnswers
) -> Enrollment:
    """Change one's own enrollment profile (only the enrolled person may)."""
    enrollment = (
        Enrollment.objects.select_for_update().select_related("program").get(pk=enrollment.pk)
    )
    if enrollment.person_id != getattr(actor, "person_id", None):
        # The program's managers read the enrollment, so it exists for them: 403, not 404.
        if can_manage_program(actor, enrollment.program):
            raise Forbidden(_("Only the enrolled person changes their answers."))
        raise NotFound(_("No such enrollment."))
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise Conflict(_("Only an active enrollment can be changed."), code="not_active")
    enrollment_answers_validate(answers, program=enrollment.program, role=enrollment.role)
    _apply_answers(enrollment, enrollment.role, answers, enrollment.program)
    enrollment.updated_at = timezone.now()
    enrollment.save()
    enrollment.skills_wanted.set(answers.skills_wanted)
    enrollment.skills_offered.set(answers.skills_offered)
    audit_record(actor=actor, action="enrollment.updated", target=enrollment)
    return enrollment


@transaction.atomic
def enrollment_set_availability(
    *, actor: Actor, enrollment: Enrollment, paused: bool, capacity: int | None = None
) -> Enrollment:
    """A mentor pauses or resumes taking mentees, or changes capacity."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.person_id != getattr(actor, "person_id", None):
        raise NotFound(_("No such enrollment."))
    if enrollment.role not in GIVING_ROLES:
        raise Conflict(
            _("Only mentors, sponsors and coaches have availability."), code="not_giving_role"
        )
    if capacity is not None and (problem := capacity_problem(capacity)):
        raise InvalidInput([problem])
    enrollment.is_paused = paused
    if capacity is not None:
        enrollment.capacity = capacity
    enrollment.updated_at = timezone.now()
    enrollment.save(update_fields=["is_paused", "capacity", "updated_at"])
    audit_record(
        actor=actor,
        action="enrollment.availability_set",
        target=enrollment,
        data={"paused": paused, "capacity": enrollment.capacity},
    )
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, actor: Actor, enrollment: Enrollment, data: Withdrawal) -> Enrollment:
    """Withdraw: the person themselves, or a manager of the program."""
    enrollment = (
        Enrollment.objects.select_for_update().select_related("program").get(pk=enrollment.pk)
    )
    own = enrollment.person_id == getattr(actor, "person_id", None)
    if not own and not can_manage_program(actor, enrollment.program):
        raise NotFound(_("No such enrollment."))
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        raise Conflict(_("This enrollment was already withdrawn."), code="already_withdrawn")
    data = withdrawal_validate(data)
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.updated_at = timezone.now()
    enrollment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="enrollment.withdrawn", target=enrollment, data={"reason": data.reason}
    )
    return enrollment


@dataclass(frozen=True)
class InviteResult:
    invited: int
    already_enrolled: int
    eligible: int


@transaction.atomic
def enrollment_invite_bulk(
    *,
    actor: Actor,
    program: Program,
    role: str,
    filters: dict[str, Any] | None = None,
) -> InviteResult:
    """Invite every eligible person (narrowed by optional extra rules) not yet in the role."""
    require_manager(actor, program)
    if problem := role_problem(program, role):
        raise InvalidInput([problem])
    if not program.is_open_for_enrollment:
        raise Conflict(
            _("Open the program for enrollment before inviting people."), code="program_closed"
        )
    extra = rules_validate(filters or {}, role="filters")
    rules = {**program.eligibility.get(role, {}), **extra}
    eligible_ids = set(eligible_people(rules).values_list("pk", flat=True))
    existing = set(
        Enrollment.objects.filter(
            program=program, role=role, person_id__in=eligible_ids
        ).values_list("person_id", flat=True)
    )
    now = timezone.now()
    new = [
        Enrollment(
            program=program,
            person_id=pid,
            role=role,
            status=EnrollmentStatus.INVITED,
            invited_by=actor if isinstance(actor, User) else None,
            created_at=now,
            updated_at=now,
        )
        for pid in sorted(eligible_ids - existing)
    ]
    Enrollment.objects.bulk_create(new, batch_size=1000)
    audit_record(
        actor=actor,
        action="enrollment.invited_bulk",
        target=program,
        data={"role": role, "invited": len(new), "filters": extra},
    )
    return InviteResult(
        invited=len(new), already_enrolled=len(existing), eligible=len(eligible_ids)
    )
