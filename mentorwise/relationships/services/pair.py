"""The pair's agreement (versioned, confirmed by both) and goals with milestones."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict
from mentorwise.core.languages import language_of
from mentorwise.relationships.inputs.pair import (
    AgreementTerms,
    GoalFields,
    GoalProgressChange,
    MilestoneNew,
    agreement_terms_validate,
    goal_fields_validate,
    goal_progress_validate,
    milestone_validate,
)
from mentorwise.relationships.models import (
    Agreement,
    AgreementVersion,
    EventKind,
    Goal,
    GoalStatus,
    Milestone,
    Relationship,
    Side,
)
from mentorwise.relationships.permissions import require_active, require_member, require_side
from mentorwise.relationships.services.common import (
    event_record,
)

# Agreement ------------------------------------------------------------------------------

DEFAULT_CONFIDENTIALITY = gettext_lazy(
    "What we discuss stays between us unless we both agree otherwise. Neither of us shares "
    "the other's personal or career information without consent. Private notes are read by "
    "their author only. Concerns about conduct go to the program manager."
)


def agreement_language(relationship: Relationship) -> str:
    """The language a pair's agreement starts in: the one both people read, when they read
    the same; else the program's own."""
    mentee = language_of(relationship.mentee.person)
    mentor = language_of(relationship.mentor.person)
    return mentee if mentee == mentor else relationship.program.language


def agreement_from_program(*, relationship: Relationship) -> AgreementVersion:
    """The program's terms for this pair in the pair's language (translated where the program
    has a current translation), unsaved: what version 1 of an agreement starts from."""
    program = relationship.program
    language = agreement_language(relationship)
    # Each side's terms are those of the role that names it: a peer's on both sides of a
    # peer pair; the mentor's where a program wrote none for its sponsors or coaches.
    mentee_role, mentor_role = relationship.mentee_role, relationship.mentor_role
    mentor_terms = program.responsibilities_of(mentor_role, language)
    if not program.responsibilities.get(mentor_role):
        mentor_terms = program.responsibilities_of("mentor", language)
    with translation.override(language):
        confidentiality = str(DEFAULT_CONFIDENTIALITY)
    return AgreementVersion(
        number=0,
        language=language,
        program_objectives=program.text("objectives", program.objectives, language),
        mentee_responsibilities=program.responsibilities_of(mentee_role, language),
        mentor_responsibilities=mentor_terms,
        meeting_cadence_days=program.meeting_cadence_days,
        confidentiality=confidentiality,
    )


def agreement_open(*, relationship: Relationship) -> AgreementVersion:
    """Write version 1 of a new relationship's agreement from its program's terms."""
    start = agreement_from_program(relationship=relationship)
    start.agreement = Agreement.objects.create(relationship=relationship)
    start.number = 1
    start.save()
    return start


@transaction.atomic
def agreement_update(
    *, actor: Actor, relationship: Relationship, data: AgreementTerms
) -> AgreementVersion:
    """Save the pair's terms as a new version; both confirmations start over."""
    user, _side = require_member(actor, relationship)
    require_active(relationship)
    data = agreement_terms_validate(data)
    # A relationship recorded without an agreement (history from before Mentorwise) gets its
    # first one here, starting from the program's terms.
    agreement, _created = Agreement.objects.get_or_create(relationship=relationship)
    current = agreement.current
    terms = (data.pair_objectives, data.meeting_cadence_days, data.confidentiality)
    if current is not None and terms == (
        current.pair_objectives,
        current.meeting_cadence_days,
        current.confidentiality,
    ):
        return current
    if current is None:
        current = agreement_from_program(relationship=relationship)
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=current.number + 1,
        language=current.language,
        program_objectives=current.program_objectives,
        mentee_responsibilities=current.mentee_responsibilities,
        mentor_responsibilities=current.mentor_responsibilities,
        pair_objectives=terms[0],
        meeting_cadence_days=terms[1],
        confidentiality=terms[2],
        created_by=user,
    )
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.AGREEMENT_CHANGED,
        message="agreement_changed",
        values={"number": version.number},
    )
    audit_record(
        actor=actor, action="agreement.changed", target=version, data={"number": version.number}
    )
    return version


@transaction.atomic
def agreement_confirm(
    *, actor: Actor, relationship: Relationship, version: int
) -> AgreementVersion:
    """Confirm the current version for the actor's side; `version` guards against a change
    made meanwhile by the other person."""
    side = require_side(actor, relationship)
    require_active(relationship)
    current = (
        AgreementVersion.objects.select_for_update()
        .filter(agreement__relationship=relationship)
        .order_by("-number")
        .first()
    )
    if current is None:
        raise Conflict(
            _(
                "No agreement has been written for this relationship yet: "
                "write it, then confirm it."
            ),
            code="no_agreement",
        )
    if current.number != version:
        raise Conflict(
            _("The agreement changed meanwhile: read version %(number)s, then confirm it.")
            % {"number": current.number},
            code="agreement_changed",
        )
    field = "mentee_confirmed_at" if side == Side.MENTEE else "mentor_confirmed_at"
    if getattr(current, field) is not None:
        raise Conflict(_("You have already confirmed this version."), code="already_confirmed")
    setattr(current, field, timezone.now())
    current.save(update_fields=[field])
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.AGREEMENT_CONFIRMED,
        message="agreement_confirmed",
        values={"number": current.number, "both": current.is_confirmed},
    )
    audit_record(actor=actor, action="agreement.confirmed", target=current, data={"side": side})
    return current


# Goals ----------------------------------------------------------------------------------


@transaction.atomic
def goal_create(*, actor: Actor, relationship: Relationship, fields: GoalFields) -> Goal:
    """Add a SMART goal to the relationship."""
    user, _side = require_member(actor, relationship)
    require_active(relationship)
    fields = goal_fields_validate(fields)
    goal = Goal.objects.create(relationship=relationship, created_by=user, **vars(fields))
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.GOAL_ADDED,
        message="goal_added",
    )
    audit_record(actor=actor, action="goal.created", target=goal)
    return goal


@transaction.atomic
def goal_update(*, actor: Actor, goal: Goal, fields: GoalFields) -> Goal:
    """Change a goal's SMART description."""
    relationship = goal.relationship
    require_side(actor, relationship)
    require_active(relationship)
    fields = goal_fields_validate(fields)
    for name, value in vars(fields).items():
        setattr(goal, name, value)
    goal.updated_at = timezone.now()
    goal.save(update_fields=[*vars(fields), "updated_at"])
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.GOAL_CHANGED,
        message="goal_described",
    )
    audit_record(actor=actor, action="goal.changed", target=goal)
    return goal


@transaction.atomic
def goal_progress_set(*, actor: Actor, goal: Goal, data: GoalProgressChange) -> Goal:
    """Record progress (0–100) and optionally the status; achieved means 100 %."""
    relationship = goal.relationship
    require_side(actor, relationship)
    require_active(relationship)
    data = goal_progress_validate(data)
    progress = data.progress
    status = data.status or goal.status
    if status == GoalStatus.ACHIEVED:
        progress = 100
    goal.progress, goal.status = progress, status
    goal.achieved_at = (
        (goal.achieved_at or timezone.now()) if status == GoalStatus.ACHIEVED else None
    )
    goal.updated_at = timezone.now()
    goal.save(update_fields=["progress", "status", "achieved_at", "updated_at"])
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.GOAL_CHANGED,
        message="goal_progress",
        values={"progress": progress, "status": status},
    )
    audit_record(
        actor=actor,
        action="goal.progress",
        target=goal,
        data={"progress": progress, "status": status},
    )
    return goal


@transaction.atomic
def milestone_add(*, actor: Actor, goal: Goal, data: MilestoneNew) -> Milestone:
    """Add a step towards a goal."""
    require_side(actor, goal.relationship)
    require_active(goal.relationship)
    data = milestone_validate(data)
    milestone = Milestone.objects.create(goal=goal, title=data.title, due_date=data.due_date)
    event_record(
        actor=actor,
        relationship=goal.relationship,
        kind=EventKind.MILESTONE,
        message="milestone_added",
    )
    audit_record(actor=actor, action="milestone.created", target=milestone)
    return milestone


@transaction.atomic
def milestone_set_done(*, actor: Actor, milestone: Milestone, done: bool) -> Milestone:
    """Mark a milestone done or not done."""
    relationship = milestone.goal.relationship
    require_side(actor, relationship)
    require_active(relationship)
    milestone.done_at = (milestone.done_at or timezone.now()) if done else None
    milestone.save(update_fields=["done_at"])
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.MILESTONE,
        message="milestone_done" if done else "milestone_undone",
    )
    audit_record(actor=actor, action="milestone.done", target=milestone, data={"done": done})
    return milestone
