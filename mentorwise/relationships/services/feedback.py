"""Check-ins, surveys and sponsorship actions."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.content import shipped_translations_store
from mentorwise.core.errors import Conflict, FieldError, Forbidden, InvalidInput
from mentorwise.core.languages import SHIPPED
from mentorwise.programs.models import Program
from mentorwise.programs.permissions import can_manage_program
from mentorwise.relationships.content import survey_units
from mentorwise.relationships.inputs.feedback import (
    CheckInNew,
    SponsorshipNew,
    SponsorshipResult,
    check_in_validate,
    sponsorship_result_validate,
    sponsorship_validate,
)
from mentorwise.relationships.inputs.surveys import (
    SurveyAnswers,
    SurveyQuestion,
    SurveyQuestions,
    survey_answers_validate,
    survey_questions_validate,
)
from mentorwise.relationships.models import (
    CheckIn,
    EventKind,
    Relationship,
    SponsorshipAction,
    SponsorshipOutcome,
    Survey,
    SurveyKind,
    SurveyResponse,
)
from mentorwise.relationships.permissions import (
    require_active,
    require_member,
    require_sponsor,
)
from mentorwise.relationships.services.common import event_record

# Check-ins ------------------------------------------------------------------------------


@transaction.atomic
def check_in_create(*, actor: Actor, relationship: Relationship, data: CheckInNew) -> CheckIn:
    """Record the actor's pulse (1–5) on how the relationship is going."""
    user, side = require_member(actor, relationship)
    require_active(relationship)
    data = check_in_validate(data)
    check_in = CheckIn.objects.create(
        relationship=relationship, author=user, side=side, pulse=data.pulse, comment=data.comment
    )
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.CHECK_IN,
        message="checked_in",
    )
    audit_record(actor=actor, action="check_in.created", target=check_in)
    return check_in


# Surveys --------------------------------------------------------------------------------


# Written in English and marked for the catalogs: a survey created with them starts with
# their translations into every shipped language (survey_for).
DEFAULT_QUESTIONS: list[SurveyQuestion] = [
    {
        "key": "satisfaction",
        "label": gettext_noop("How satisfied are you with this relationship?"),
        "type": "scale",
        "min": 1,
        "max": 5,
    },
    {
        "key": "recommend",
        "label": gettext_noop("How likely are you to recommend the program to a colleague?"),
        "type": "scale",
        "min": 0,
        "max": 10,
    },
    {
        "key": "goal_attainment",
        "label": gettext_noop("How far have the goals been reached?"),
        "type": "scale",
        "min": 1,
        "max": 5,
    },
    {
        "key": "growth",
        "label": gettext_noop("How much have the mentee's competencies grown?"),
        "type": "scale",
        "min": 1,
        "max": 5,
    },
    {"key": "comments", "label": gettext_noop("Anything else you want to say?"), "type": "text"},
]
# In a peer program nobody is the mentee: each peer grows, so the growth question asks about
# both (same key, so the answers aggregate as the mentoring programs' do).
PEER_GROWTH_LABEL = gettext_noop("How much have your competencies and your peer's grown?")


def default_questions(program: Program) -> list[SurveyQuestion]:
    """The questions a program's survey starts with, worded for its pairs."""
    if not program.is_peer:
        return DEFAULT_QUESTIONS
    questions = [q.copy() for q in DEFAULT_QUESTIONS]
    for q in questions:
        if q["key"] == "growth":
            q["label"] = PEER_GROWTH_LABEL
    return questions


def survey_for(*, program: Program, kind: str) -> Survey:
    """The program's survey of this kind, created with the default questions on first use."""
    if kind not in SurveyKind.values:
        raise InvalidInput([FieldError("kind", _("must be midpoint or closing"), value=kind)])
    survey, created = Survey.objects.get_or_create(
        program=program, kind=kind, defaults={"questions": default_questions(program)}
    )
    if created:
        shipped_translations_store(
            survey, survey_units(survey), program.language, [x.code for x in SHIPPED]
        )
    return survey


@transaction.atomic
def survey_configure(*, actor: Actor, program: Program, kind: str, data: SurveyQuestions) -> Survey:
    """Set a program's survey questions (managers; not once answers exist)."""
    if not can_manage_program(actor, program):
        raise Forbidden(_("Only this program's managers and HR admins may do this."))
    clean = survey_questions_validate(data)
    survey = survey_for(program=program, kind=kind)
    if survey.responses.exists():
        raise Conflict(_("This survey already has answers; its questions are fixed."))
    survey.questions, survey.updated_at = clean, timezone.now()
    survey.save(update_fields=["questions", "updated_at"])
    audit_record(actor=actor, action="survey.configured", target=survey)
    return survey


@transaction.atomic
def survey_respond(
    *, actor: Actor, relationship: Relationship, kind: str, data: SurveyAnswers
) -> SurveyResponse:
    """Answer the midpoint survey (active relationships) or the closing one (any time)."""
    user, side = require_member(actor, relationship)
    if kind == SurveyKind.MIDPOINT:
        require_active(relationship)
    survey = survey_for(program=relationship.program, kind=kind)
    clean = survey_answers_validate(data, questions=survey.questions)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, relationship=relationship, respondent=user, side=side, answers=clean
            )
    except IntegrityError:
        raise Conflict(
            _("You have already answered this survey."), code="already_answered"
        ) from None
    if not relationship.program.surveys_confidential:
        # A confidential survey leaves no trace on the timeline, which the program's managers
        # read: who answered when, beside the averages, would undo the confidentiality.
        event_record(
            actor=actor,
            relationship=relationship,
            kind=EventKind.SURVEY,
            message="survey_answered",
            values={"survey": survey.kind},
        )
    audit_record(actor=actor, action="survey.answered", target=response)
    return response


# Sponsorship ----------------------------------------------------------------------------


@transaction.atomic
def sponsorship_action_record(
    *, actor: Actor, relationship: Relationship, data: SponsorshipNew
) -> SponsorshipAction:
    """The sponsor (the mentor side) records advocacy done for the protégé."""
    user = require_sponsor(actor, relationship)
    require_active(relationship)
    data = sponsorship_validate(data)
    action = SponsorshipAction.objects.create(
        relationship=relationship, recorded_by=user, kind=data.kind, description=data.description
    )
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.SPONSORSHIP,
        message="sponsorship_recorded",
        values={"kind": action.kind},
    )
    audit_record(actor=actor, action="sponsorship.recorded", target=action)
    return action


@transaction.atomic
def sponsorship_outcome_set(
    *, actor: Actor, action: SponsorshipAction, data: SponsorshipResult
) -> SponsorshipAction:
    """Record how a sponsorship action turned out (pending, succeeded, did not succeed)."""
    relationship = action.relationship
    require_sponsor(actor, relationship)
    data = sponsorship_result_validate(data)
    action.outcome = data.outcome
    action.outcome_on = (
        None
        if data.outcome == SponsorshipOutcome.PENDING
        else data.outcome_on or timezone.localdate()
    )
    action.save(update_fields=["outcome", "outcome_on"])
    event_record(
        actor=actor,
        relationship=relationship,
        kind=EventKind.SPONSORSHIP,
        message="sponsorship_outcome",
        values={"outcome": action.outcome},
    )
    audit_record(
        actor=actor, action="sponsorship.outcome", target=action, data={"outcome": data.outcome}
    )
    return action
