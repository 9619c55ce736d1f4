"""Selectors of the relationship pages: what each page shows, gathered in one call.

`pair_page` is the page of one of the two people (content included), `oversight_page` the
page of a program manager or HR admin (metadata, goal progress, meeting dates, health), and
`program_health_counts` the counters above a program's list, `program_survey_summaries` its
survey aggregates. Views render what these return.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mentorwise.accounts.actors import Actor
from mentorwise.people.models import Person
from mentorwise.programs.models import Program, pair_side_role, role_plural
from mentorwise.relationships import selectors
from mentorwise.relationships.health import Health, HealthResult
from mentorwise.relationships.models import (
    AgreementVersion,
    CheckIn,
    Goal,
    Meeting,
    Relationship,
    RelationshipEvent,
    RelationshipStatus,
    Side,
    SponsorshipAction,
    SurveyKind,
)


def _health(*, actor: Actor, relationship: Relationship) -> HealthResult | None:
    return selectors.health_for_actor(actor=actor, relationships=[relationship]).get(
        relationship.pk
    )


@dataclass(frozen=True)
class OversightPage:
    """A relationship as its program's managers and HR admins see it: no content."""

    relationship: Relationship
    health: HealthResult | None
    agreement: AgreementVersion | None
    goals: list[selectors.GoalProgress]
    meetings: selectors.MeetingFacts
    timeline: list[RelationshipEvent]

    def context(self) -> dict[str, object]:
        """The fields as a template context (the objects themselves, not copies)."""
        return dict(vars(self))


def oversight_page(*, actor: Actor, relationship: Relationship) -> OversightPage:
    return OversightPage(
        relationship=relationship,
        health=_health(actor=actor, relationship=relationship),
        agreement=selectors.agreement_current(relationship=relationship),
        goals=selectors.goal_progress_list(relationship=relationship),
        meetings=selectors.meeting_facts(relationship=relationship),
        timeline=selectors.timeline_newest(relationship=relationship),
    )


@dataclass(frozen=True)
class PairPage:
    """A relationship as one of its two people sees it, content included.

    Each meeting carries `my_private_note`, the reader's own private note on it ("" if none).
    """

    relationship: Relationship
    side: Side
    other: Person
    health: HealthResult | None
    agreement: AgreementVersion | None
    i_confirmed: bool
    versions: list[AgreementVersion]
    goals: list[Goal]
    meetings: list[Meeting]
    check_ins: list[CheckIn]
    actions: list[SponsorshipAction]
    show_sponsorship: bool
    surveys_due: list[str]
    timeline: list[RelationshipEvent]
    is_active: bool

    def context(self) -> dict[str, object]:
        """The fields as a template context (the objects themselves, not copies)."""
        return dict(vars(self))


def pair_page(*, actor: Actor, relationship: Relationship, side: Side) -> PairPage:
    """`side`: the reader's side in the relationship (`permissions.actor_side`)."""
    notes = selectors.private_notes_mine(actor=actor, relationship=relationship)
    meetings = selectors.pair_meetings(relationship=relationship)
    for meeting in meetings:
        # Read by the private-note form of each meeting (`forms.pair_forms`).
        meeting.my_private_note = notes.get(meeting.pk, "")  # type: ignore[attr-defined]
    goals = selectors.pair_goals(relationship=relationship)
    actions = selectors.pair_actions(relationship=relationship)
    agreement = selectors.agreement_current(relationship=relationship)
    confirmed_field = "mentee_confirmed_at" if side == Side.MENTEE else "mentor_confirmed_at"
    return PairPage(
        i_confirmed=agreement is not None and getattr(agreement, confirmed_field) is not None,
        relationship=relationship,
        side=side,
        other=relationship.mentor.person if side == Side.MENTEE else relationship.mentee.person,
        health=_health(actor=actor, relationship=relationship),
        agreement=agreement,
        versions=selectors.agreement_version_list(relationship=relationship),
        goals=goals,
        meetings=meetings,
        check_ins=selectors.pair_check_ins(relationship=relationship),
        actions=actions,
        show_sponsorship=relationship.program.kind == "sponsorship"
        or relationship.mentor.role == "sponsor"
        or bool(actions),
        surveys_due=selectors.survey_due(actor=actor, relationship=relationship),
        timeline=selectors.timeline_newest(relationship=relationship),
        is_active=relationship.status == RelationshipStatus.ACTIVE,
    )


def program_health_counts(*, actor: Actor, program: Program) -> list[tuple[str, int, str]]:
    """(label, count, value) of each health among the program's active relationships the
    actor may see the health of, in the order of `Health`."""
    return health_counts(
        selectors.program_relationships(
            actor=actor, program=program, status=RelationshipStatus.ACTIVE
        )
    )


def health_counts(rows: Iterable[selectors.ProgramRow]) -> list[tuple[str, int, str]]:
    """(label, count, value) of each health among the active relationships of `rows`."""
    counts = dict.fromkeys(Health.values, 0)
    for row in rows:
        if row.health and row.relationship.status == RelationshipStatus.ACTIVE:
            counts[row.health.health] += 1
    return [(str(Health(h).label), n, h) for h, n in counts.items()]


@dataclass(frozen=True)
class SurveyGroup:
    """One survey's aggregates over one group of answers, named for the reader ("mentees")."""

    group: str
    summary: selectors.SurveySummary


def program_survey_summaries(*, actor: Actor, program: Program) -> list[SurveyGroup]:
    """Every survey of the program aggregated per side: the mentees' answers to each kind,
    then the mentors'. In a peer program both sides are peers, so each kind is aggregated
    once, over everybody's answers."""
    sides = [""] if program.is_peer else [Side.MENTEE, Side.MENTOR]
    return [
        SurveyGroup(
            group=role_plural(pair_side_role(program, side or Side.MENTEE)),
            summary=selectors.survey_summary(actor=actor, program=program, kind=kind, side=side),
        )
        for side in sides
        for kind in SurveyKind.values
    ]
