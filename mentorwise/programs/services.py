"""Program and enrollment use cases: each one a transaction with its audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from mentorwise.accounts.models import User
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from mentorwise.core.lookups import lower_equals
from mentorwise.people.models import Person
from mentorwise.programs.catalog import DEFAULT_CRITERIA, template_get
from mentorwise.programs.eligibility import eligible_people, ineligibility_reason, rules_validate
from mentorwise.programs.inclusion import inclusion_of, inclusion_validate
from mentorwise.programs.models import (
    GIVING_ROLES,
    Enrollment,
    EnrollmentStatus,
    FunctionPreference,
    Program,
    ProgramKind,
    ProgramStatus,
    Role,
    Skill,
)
from mentorwise.programs.permissions import can_manage_program

CRITERIA = tuple(DEFAULT_CRITERIA)
OPTION_KEYS = {
    "seniority_gap",
    "reverse",
    "function_preference",
    "chain_exclusion_depth",
    "min_score",
    "min_level_gap",
    "language_required",
    "inclusion",
    "circle_size",
    "mentor_preferences",
}
MAX_CAPACITY = 50


# Programs -------------------------------------------------------------------------------


def _require_hr_admin(actor: Any) -> None:
    if not is_hr_admin(actor):
        raise Forbidden("Only HR admins may do this.")


def _require_manager(actor: Any, program: Program) -> None:
    if not can_manage_program(actor, program):
        raise Forbidden("Only this program's managers and HR admins may do this.")


def program_name_problem(name: str, *, exclude: Program | None = None) -> FieldError | None:
    """A name another program already has (upper and lower case alike), said plainly."""
    others = Program.objects.filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if name and others.exists():
        return FieldError(
            "name",
            f"Another program is already called “{name}”; choose a name people can tell apart.",
            value=name,
        )
    return None


def _unique_name(base: str) -> str:
    """`base`, or "base (2)", "base (3)"... when a program already has it (template defaults)."""
    candidate, n = base, 2
    while program_name_problem(candidate) is not None:
        suffix = f" ({n})"
        candidate, n = base[: 200 - len(suffix)] + suffix, n + 1
    return candidate


def _unique_slug(base: str) -> str:
    slug = slugify(base)[:70] or "program"
    candidate, n = slug, 2
    while Program.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def matching_config_validate(config: dict[str, Any]) -> dict[str, Any]:
    """Check criteria weights (whole numbers 0–10) and options; raise InvalidInput otherwise."""
    errors: list[FieldError] = []
    if not isinstance(config, dict):
        raise InvalidInput([FieldError("matching", "must be an object")])
    criteria = config.get("criteria", {})
    options = config.get("options", {})
    clean_criteria: dict[str, int] = {}
    if not isinstance(criteria, dict):
        errors.append(FieldError("matching.criteria", "must be an object of weights"))
        criteria = {}
    for name, weight in criteria.items():
        if name not in CRITERIA:
            errors.append(
                FieldError(
                    f"matching.criteria.{name}",
                    f"unknown criterion; use one of {', '.join(CRITERIA)}",
                )
            )
        elif isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 10:
            errors.append(
                FieldError(
                    f"matching.criteria.{name}",
                    "weight must be a whole number from 0 to 10",
                    value=str(weight),
                )
            )
        else:
            clean_criteria[name] = weight
    if not isinstance(options, dict):
        errors.append(FieldError("matching.options", "must be an object"))
        options = {}
    for name in options:
        if name not in OPTION_KEYS:
            errors.append(FieldError(f"matching.options.{name}", "unknown option"))
    gap = options.get("seniority_gap")
    if gap is not None and not (
        isinstance(gap, list)
        and len(gap) == 2
        and all(isinstance(g, int) and not isinstance(g, bool) for g in gap)
        and gap[0] <= gap[1]
    ):
        errors.append(
            FieldError(
                "matching.options.seniority_gap",
                "must be [low, high] levels with low <= high",
                value=str(gap),
            )
        )
    pref = options.get("function_preference", "any")
    if pref not in FunctionPreference.values:
        errors.append(
            FieldError(
                "matching.options.function_preference",
                f"must be one of {', '.join(FunctionPreference.values)}",
                value=str(pref),
            )
        )
    min_score = options.get("min_score")
    if min_score is not None and (
        isinstance(min_score, bool)
        or not isinstance(min_score, int | float)
        or not 0 <= min_score <= 1
    ):
        errors.append(
            FieldError(
                "matching.options.min_score", "must be a number from 0 to 1", value=str(min_score)
            )
        )
    depth = options.get("chain_exclusion_depth")
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 0):
        errors.append(
            FieldError(
                "matching.options.chain_exclusion_depth",
                "must be empty (whole chain) or a whole number >= 0",
                value=str(depth),
            )
        )
    clean_options = dict(options)
    if "inclusion" in options:
        try:
            clean_options["inclusion"] = inclusion_validate(options["inclusion"]).as_config()
        except InvalidInput as error:
            errors.extend(error.errors)
    if errors:
        raise InvalidInput(errors)
    return {"criteria": clean_criteria, "options": clean_options}


def _matching_with_inclusion(*, actor: Any, program: Program, matching: dict[str, Any]) -> bool:
    """Carry the program's inclusion option into a validated `matching` that leaves it out, or
    check that the actor may change it (HR admins only); True when it changes."""
    stored = program.matching.get("options", {})
    if "inclusion" not in matching["options"]:
        if "inclusion" in stored:
            matching["options"]["inclusion"] = stored["inclusion"]
        return False
    if inclusion_of(matching) == inclusion_of(program.matching):
        return False
    if not is_hr_admin(actor):
        # A manager who could choose the groups could compare any outcome before and after
        # and learn who belongs to them: the option is HR-admin configuration.
        raise Forbidden(
            "Only HR admins may change the inclusion option; leave it out to keep it as it is.",
            code="inclusion_hr_only",
        )
    return True


@transaction.atomic
def program_create_from_template(
    *,
    actor: Any,
    template_key: str,
    name: str = "",
    slug: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Program:
    """Create a draft program with every field filled from the template (HR admins only)."""
    _require_hr_admin(actor)
    template = template_get(template_key)
    if template is None:
        raise InvalidInput([FieldError("template", "unknown program template", value=template_key)])
    if name.strip():
        name = name.strip()[:200]
        if problem := program_name_problem(name):
            raise InvalidInput([problem])
    else:  # the template's name, numbered if a program already has it
        name = _unique_name(template.name[:200])
    if slug:
        if slugify(slug) != slug:
            raise InvalidInput(
                [FieldError("slug", "use lowercase letters, digits and hyphens", value=slug)]
            )
        if Program.objects.filter(slug=slug).exists():
            raise InvalidInput(
                [FieldError("slug", "is already used by another program", value=slug)]
            )
    start = start_date or timezone.localdate()
    end = end_date or (start + dt.timedelta(days=int(template.duration_months * 30.4)))
    if end <= start:
        raise InvalidInput([FieldError("end_date", "must be after the start date", value=str(end))])
    program = Program.objects.create(
        slug=slug or _unique_slug(name),
        name=name,
        start_date=start,
        end_date=end,
        **template.fields(),
    )
    audit_record(
        actor=actor, action="program.created", target=program, data={"template": template_key}
    )
    return program


@dataclass
class ProgramChanges:
    """Fields an admin or program manager may change; None means unchanged. The inclusion
    option inside `matching` is HR admins' alone (left out of `matching`, it is kept)."""

    name: str | None = None
    description: str | None = None
    objectives: str | None = None
    responsibilities: dict[str, str] | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    meeting_cadence_days: int | None = None
    eligibility: dict[str, dict[str, Any]] | None = None
    enrollment_questions: list[dict[str, Any]] | None = None
    matching: dict[str, Any] | None = None
    mentor_training_required: bool | None = None
    self_match: bool | None = None
    status: str | None = None
    kind: str | None = None


def _validate_questions(questions: Any) -> list[dict[str, Any]]:
    errors: list[FieldError] = []
    clean: list[dict[str, Any]] = []
    if not isinstance(questions, list):
        raise InvalidInput([FieldError("enrollment_questions", "must be a list")])
    keys: set[str] = set()
    for i, q in enumerate(questions):
        where = f"enrollment_questions[{i}]"
        if not isinstance(q, dict) or not str(q.get("label", "")).strip():
            errors.append(FieldError(where, "each question needs a label"))
            continue
        key = slugify(str(q.get("key") or q["label"]))[:40].replace("-", "_") or f"q{i}"
        if key in keys:
            errors.append(FieldError(where + ".key", "is used twice", value=key))
            continue
        keys.add(key)
        item: dict[str, Any] = {
            "key": key,
            "label": str(q["label"]).strip()[:300],
            "required": bool(q.get("required")),
        }
        if q.get("choices"):
            item["choices"] = [str(c)[:100] for c in q["choices"]]
        clean.append(item)
    if errors:
        raise InvalidInput(errors)
    return clean


@transaction.atomic
def program_update(*, actor: Any, program: Program, changes: ProgramChanges) -> Program:
    """Apply `changes` after validating all of them; nothing is saved if one is wrong."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _require_manager(actor, program)
    errors: list[FieldError] = []
    updated: dict[str, Any] = {}
    if changes.name is not None:
        if not changes.name.strip():
            errors.append(FieldError("name", "is required"))
        updated["name"] = changes.name.strip()[:200]
        if problem := program_name_problem(updated["name"], exclude=program):
            errors.append(problem)
    if changes.objectives is not None:
        if not changes.objectives.strip():
            errors.append(FieldError("objectives", "write at least one objective"))
        updated["objectives"] = changes.objectives.strip()
    for simple in (
        "description",
        "start_date",
        "end_date",
        "mentor_training_required",
        "self_match",
    ):
        value = getattr(changes, simple)
        if value is not None:
            updated[simple] = value.strip() if isinstance(value, str) else value
    if changes.responsibilities is not None:
        bad = [k for k in changes.responsibilities if k not in [*Role.values, "program_manager"]]
        if bad:
            errors.append(FieldError("responsibilities", f"unknown role {bad[0]!r}"))
        updated["responsibilities"] = {
            k: str(v).strip() for k, v in changes.responsibilities.items()
        }
    if changes.meeting_cadence_days is not None:
        if not 1 <= changes.meeting_cadence_days <= 365:
            errors.append(
                FieldError(
                    "meeting_cadence_days",
                    "must be from 1 to 365 days",
                    value=str(changes.meeting_cadence_days),
                )
            )
        updated["meeting_cadence_days"] = changes.meeting_cadence_days
    if changes.status is not None:
        if changes.status not in ProgramStatus.values:
            errors.append(
                FieldError(
                    "status",
                    f"must be one of {', '.join(ProgramStatus.values)}",
                    value=changes.status,
                )
            )
        updated["status"] = changes.status
    if changes.kind is not None:
        if changes.kind not in ProgramKind.values:
            errors.append(
                FieldError(
                    "kind", f"must be one of {', '.join(ProgramKind.values)}", value=changes.kind
                )
            )
        updated["kind"] = changes.kind
    if changes.eligibility is not None:
        clean_eligibility: dict[str, dict[str, Any]] = {}
        if not isinstance(changes.eligibility, dict):
            errors.append(FieldError("eligibility", "must be an object per role"))
        else:
            for role, rules in changes.eligibility.items():
                if role not in Role.values:
                    errors.append(FieldError(f"eligibility.{role}", "unknown role"))
                    continue
                try:
                    clean_eligibility[role] = rules_validate(rules, role=role)
                except InvalidInput as error:
                    errors.extend(error.errors)
            if Role.MENTEE not in clean_eligibility or not set(GIVING_ROLES) & set(
                clean_eligibility
            ):
                errors.append(
                    FieldError(
                        "eligibility",
                        "a program needs a mentee role and a mentor, sponsor or coach role",
                    )
                )
        updated["eligibility"] = clean_eligibility
    if changes.enrollment_questions is not None:
        try:
            updated["enrollment_questions"] = _validate_questions(changes.enrollment_questions)
        except InvalidInput as error:
            errors.extend(error.errors)
    inclusion_changed = False
    if changes.matching is not None:
        try:
            matching = matching_config_validate(changes.matching)
        except InvalidInput as error:
            errors.extend(error.errors)
        else:
            inclusion_changed = _matching_with_inclusion(
                actor=actor, program=program, matching=matching
            )
            updated["matching"] = matching
    start = updated.get("start_date", program.start_date)
    end = updated.get("end_date", program.end_date)
    if start and end and end <= start:
        errors.append(FieldError("end_date", "must be after the start date", value=str(end)))
    if errors:
        raise InvalidInput(errors)
    before = {k: getattr(program, k) for k in updated}
    for key, value in updated.items():
        setattr(program, key, value)
    program.updated_at = timezone.now()
    program.save(update_fields=[*updated, "updated_at"])
    changed = sorted(k for k in updated if before[k] != updated[k])
    audit_record(actor=actor, action="program.updated", target=program, data={"fields": changed})
    if inclusion_changed:
        audit_record(
            actor=actor,
            action="program.inclusion_set",
            target=program,
            data=inclusion_of(program.matching).as_config(),
        )
    return program


@transaction.atomic
def program_managers_set(*, actor: Any, program: Program, emails: list[str]) -> Program:
    """Replace the program's managers, named by email (HR admins only); every unknown
    address is reported, and nothing changes unless all are valid.

    A current participant may be named (as a participant may enrol in a program they
    manage): the audit entry lists them, and the program's page shows the conflict.
    """
    _require_hr_admin(actor)
    wanted = [e.strip().lower() for e in emails if e.strip()]
    # Addresses match whatever their case, as the HRIS may have stored "Ada@Example.com".
    named = models.Q(pk__in=[])
    for email in wanted:
        named |= models.Q(lower_equals("person__email", email))
        named |= models.Q(lower_equals("email", email))
    users = {
        (u.person.email if u.person else u.email).lower(): u
        for u in User.objects.filter(is_active=True).filter(named).select_related("person")
    }
    errors = [
        FieldError("managers", "no active login has this email", value=email)
        for email in wanted
        if email not in users
    ]
    if errors:
        raise InvalidInput(errors)
    program.managers.set([users[e] for e in wanted])
    taking_part = set(
        Enrollment.objects.filter(
            program=program,
            status=EnrollmentStatus.ACTIVE,
            person__in=[u.person_id for u in users.values() if u.person_id],
        ).values_list("person_id", flat=True)
    )
    audit_record(
        actor=actor,
        action="program.managers_set",
        target=program,
        data={
            "managers": sorted(wanted),
            "taking_part": sorted(e for e in wanted if users[e].person_id in taking_part),
        },
    )
    return program


# Enrollment -----------------------------------------------------------------------------


@dataclass
class EnrollmentAnswers:
    """What a participant tells the program about themselves when enrolling."""

    development_goals: str = ""
    expertise: str = ""
    skills_wanted: list[int] = field(default_factory=list)
    skills_offered: list[int] = field(default_factory=list)
    function_preference: str = FunctionPreference.ANY
    prefers_same_location: bool = False
    languages: list[str] = field(default_factory=list)
    capacity: int = 1
    availability: str = ""
    answers: dict[str, str] = field(default_factory=dict)


def _validate_answers(program: Program, role: str, answers: EnrollmentAnswers) -> list[FieldError]:
    errors: list[FieldError] = []
    giving = role in GIVING_ROLES
    if role == Role.MENTEE and not answers.development_goals.strip():
        errors.append(FieldError("development_goals", "Tell your mentor what you want to develop."))
    if role == Role.MENTEE and not answers.skills_wanted:
        errors.append(FieldError("skills_wanted", "Pick at least one skill you want to develop."))
    if giving and not answers.skills_offered:
        errors.append(FieldError("skills_offered", "Pick at least one skill you can help with."))
    if giving and not 1 <= answers.capacity <= MAX_CAPACITY:
        errors.append(
            FieldError("capacity", f"must be from 1 to {MAX_CAPACITY}", value=str(answers.capacity))
        )
    if answers.function_preference not in FunctionPreference.values:
        errors.append(
            FieldError("function_preference", "unknown choice", value=answers.function_preference)
        )
    wanted = set(answers.skills_wanted) | set(answers.skills_offered)
    if wanted:
        known = set(
            Skill.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True)
        )
        for skill_id in sorted(wanted - known):
            errors.append(FieldError("skills", "unknown skill", value=str(skill_id)))
    for question in program.enrollment_questions:
        value = str(answers.answers.get(question["key"], "")).strip()
        if question.get("required") and not value:
            errors.append(
                FieldError(f"answers.{question['key']}", f"Please answer: {question['label']}")
            )
        if value and question.get("choices") and value not in question["choices"]:
            errors.append(
                FieldError(f"answers.{question['key']}", "not one of the choices", value=value)
            )
    return errors


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
    enrollment.availability = answers.availability.strip()[:200]
    keys = {q["key"] for q in program.enrollment_questions}
    enrollment.answers = {k: str(v).strip()[:2000] for k, v in answers.answers.items() if k in keys}


@transaction.atomic
def enrollment_create(
    *,
    actor: Any,
    program: Program,
    role: str,
    answers: EnrollmentAnswers,
    acknowledged: bool,
) -> Enrollment:
    """Enroll the actor's own person in `program` as `role` (or accept an invitation).

    Refused with the reason when the program is closed, the role is unknown, the person is
    ineligible, the responsibilities were not acknowledged, or the answers are incomplete.
    A manager of the program (or an HR admin) may take part: managers often also mentor.
    The audit entry says so, the program's page shows it to its other overseers, and they
    alone oversee the relationships this person will be in (`relationships.permissions`).
    """
    person_id = getattr(actor, "person_id", None)
    if person_id is None:
        raise Forbidden("Your login is not linked to an employee record, so you cannot enroll.")
    person = Person.objects.get(pk=person_id)
    if role not in program.roles:
        raise InvalidInput([FieldError("role", "this program has no such role", value=role)])
    if not program.is_open_for_enrollment:
        raise Conflict("This program is not open for enrollment.", code="program_closed")
    if reason := ineligibility_reason(program.eligibility.get(role, {}), person):
        raise Forbidden(reason, code="ineligible")
    errors = _validate_answers(program, role, answers)
    if not acknowledged:
        errors.append(
            FieldError(
                "acknowledged", "Please confirm that you accept your role's responsibilities."
            )
        )
    if errors:
        raise InvalidInput(errors)
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(program=program, person=person, role=role)
        .first()
    )
    if enrollment is not None and enrollment.status == EnrollmentStatus.ACTIVE:
        raise Conflict("You are already enrolled in this role.", code="already_enrolled")
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
        raise Conflict("You are already enrolled in this role.", code="already_enrolled") from None
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
    return enrollment


@transaction.atomic
def enrollment_update(
    *, actor: Any, enrollment: Enrollment, answers: EnrollmentAnswers
) -> Enrollment:
    """Change one's own enrollment profile (only the enrolled person may)."""
    enrollment = (
        Enrollment.objects.select_for_update().select_related("program").get(pk=enrollment.pk)
    )
    if enrollment.person_id != getattr(actor, "person_id", None):
        # The program's managers read the enrollment, so it exists for them: 403, not 404.
        if can_manage_program(actor, enrollment.program):
            raise Forbidden("Only the enrolled person changes their answers.")
        raise NotFound("No such enrollment.")
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise Conflict("Only an active enrollment can be changed.", code="not_active")
    errors = _validate_answers(enrollment.program, enrollment.role, answers)
    if errors:
        raise InvalidInput(errors)
    _apply_answers(enrollment, enrollment.role, answers, enrollment.program)
    enrollment.updated_at = timezone.now()
    enrollment.save()
    enrollment.skills_wanted.set(answers.skills_wanted)
    enrollment.skills_offered.set(answers.skills_offered)
    audit_record(actor=actor, action="enrollment.updated", target=enrollment)
    return enrollment


@transaction.atomic
def enrollment_set_availability(
    *, actor: Any, enrollment: Enrollment, paused: bool, capacity: int | None = None
) -> Enrollment:
    """A mentor pauses or resumes taking mentees, or changes capacity."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.person_id != getattr(actor, "person_id", None):
        raise NotFound("No such enrollment.")
    if enrollment.role not in GIVING_ROLES:
        raise Conflict(
            "Only mentors, sponsors and coaches have availability.", code="not_giving_role"
        )
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(
            [FieldError("capacity", f"must be from 1 to {MAX_CAPACITY}", value=str(capacity))]
        )
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
def enrollment_withdraw(*, actor: Any, enrollment: Enrollment, reason: str = "") -> Enrollment:
    """Withdraw: the person themselves, or a manager of the program."""
    enrollment = (
        Enrollment.objects.select_for_update().select_related("program").get(pk=enrollment.pk)
    )
    own = enrollment.person_id == getattr(actor, "person_id", None)
    if not own and not can_manage_program(actor, enrollment.program):
        raise NotFound("No such enrollment.")
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        raise Conflict("This enrollment was already withdrawn.", code="already_withdrawn")
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.updated_at = timezone.now()
    enrollment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="enrollment.withdrawn", target=enrollment, data={"reason": reason[:500]}
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
    actor: Any,
    program: Program,
    role: str,
    filters: dict[str, Any] | None = None,
) -> InviteResult:
    """Invite every eligible person (narrowed by optional extra rules) not yet in the role."""
    _require_manager(actor, program)
    if role not in program.roles:
        raise InvalidInput([FieldError("role", "this program has no such role", value=role)])
    if not program.is_open_for_enrollment:
        raise Conflict(
            "Open the program for enrollment before inviting people.", code="program_closed"
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
            invited_by=actor,
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


# Skills taxonomy -------------------------------------------------------------------------


@transaction.atomic
def skills_seed_defaults(*, actor: Any) -> int:
    """Add the default skills taxonomy, keeping skills already there; return how many were added."""
    from mentorwise.people.generator import SKILLS

    existing = {name.lower() for name in Skill.objects.values_list("name", flat=True)}
    new = [
        Skill(name=name, category=category)
        for category, names in SKILLS.items()
        for name in names
        if name.lower() not in existing
    ]
    Skill.objects.bulk_create(new)
    if new:
        audit_record(actor=actor, action="skill.defaults_loaded", data={"added": len(new)})
    return len(new)


@transaction.atomic
def skill_create(*, actor: Any, name: str, category: str) -> Skill:
    _require_hr_admin(actor)
    name, category = name.strip(), category.strip()
    errors = []
    if not name:
        errors.append(FieldError("name", "is required"))
    if not category:
        errors.append(FieldError("category", "is required"))
    if name and Skill.objects.filter(name__iexact=name).exists():
        errors.append(FieldError("name", "already exists", value=name))
    if errors:
        raise InvalidInput(errors)
    skill = Skill.objects.create(name=name[:80], category=category[:60])
    audit_record(actor=actor, action="skill.created", target=skill)
    return skill


@transaction.atomic
def skill_set_active(*, actor: Any, skill_id: int, active: bool) -> Skill:
    _require_hr_admin(actor)
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise NotFound("No such skill.")
    skill.is_active = active
    skill.save(update_fields=["is_active"])
    audit_record(actor=actor, action="skill.activated" if active else "skill.retired", target=skill)
    return skill
