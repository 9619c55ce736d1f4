"""Every relationship state the data model allows renders, on the pages and in the API.

The states are built straight in the database (not through the services, which only make
the states they intend): each dimension below lists what the model allows — statuses and
closure kinds with or without a closing date, an agreement missing, without versions or in
every confirmation state, goals and meetings in every status, each giving role, people with
sparse, terminated or erased records or no login, feedback of every kind, every program
kind and status, planned ends missing, past or ahead. STATES covers every value of every
dimension at least once. For each state, the mentee, the mentor (when they can sign in), the
program's manager and an HR admin open every page about the relationship, its lists and
every API read operation whose parameters the state fills; none may answer a server error,
and the relationship page, the lists and the API's relationship list answer 200.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from itertools import product
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.accounts.models import User
from mentorwise.matches.models import Match, MatchStatus, Response
from mentorwise.people.models import Person
from mentorwise.privacy.erasure import person_erase
from mentorwise.programs.models import (
    GIVING_ROLES,
    Enrollment,
    Program,
    ProgramKind,
    ProgramStatus,
    Role,
)
from mentorwise.relationships.models import (
    Agreement,
    AgreementVersion,
    CheckIn,
    ClosureKind,
    EventKind,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Milestone,
    PrivateNote,
    Relationship,
    RelationshipEvent,
    RelationshipStatus,
    SafetyReport,
    SafetyReportNote,
    SafetyStatus,
    Side,
    SponsorshipAction,
    SponsorshipOutcome,
    Survey,
    SurveyKind,
    SurveyResponse,
)
from mentorwise.relationships.services.feedback import DEFAULT_QUESTIONS
from tests.crawl import Visit, crawl_api, fetch, route_of

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = dt.timedelta(days=1)

# (status, closure kind, closed_at set): the model constrains none of them against another.
LIFECYCLES = list(product(RelationshipStatus.values, ["", *ClosureKind.values], [False, True]))
AGREEMENTS = ["none", "no_versions", "unconfirmed", "mentee_only", "mentor_only", "both", "revised"]
PEOPLE = [
    "complete",
    "sparse",
    "mentee_terminated",
    "mentee_erased",
    "mentor_erased",
    "mentor_without_login",
]
DIMENSIONS: dict[str, list[Any]] = {
    "lifecycle": LIFECYCLES,
    "agreement": AGREEMENTS,
    "goals": ["none", "every_status"],
    "meetings": ["none", "every_status"],
    "mentor_role": list(GIVING_ROLES),
    "people": PEOPLE,
    "feedback": ["none", "every_kind"],
    "program_kind": ProgramKind.values,
    "program_status": ProgramStatus.values,
    "planned_end": ["none", "past", "ahead"],
}


@dataclass(frozen=True)
class State:
    lifecycle: tuple[str, str, bool]
    agreement: str
    goals: str
    meetings: str
    mentor_role: str
    people: str
    feedback: str
    program_kind: str
    program_status: str
    planned_end: str

    def __str__(self) -> str:
        status, kind, closed = self.lifecycle
        head = f"{status}-{kind or 'nokind'}-{'dated' if closed else 'undated'}"
        rest = [str(getattr(self, f.name)) for f in fields(self)[1:]]
        return "-".join([head, *rest])


def _states() -> list[State]:
    """Every value of every dimension at least once; dimensions of the same length are
    shifted against each other so that their values meet in different combinations."""
    n = max(len(values) for values in DIMENSIONS.values())
    states = []
    for i in range(n):
        chosen = {
            name: values[(i + i // len(values) * k) % len(values)]
            for k, (name, values) in enumerate(DIMENSIONS.items())
        }
        states.append(State(**chosen))
    for name, values in DIMENSIONS.items():
        seen = {getattr(s, name) for s in states}
        assert seen == set(values), f"{name}: {set(values) - seen} never built"
    return states


STATES = _states()


@dataclass
class Built:
    relationship: Relationship
    program: Program
    mentee: User | None  # None: cannot sign in (erased)
    mentor: User | None  # None: erased, or has no login
    meetings: list[Meeting]
    reports: list[SafetyReport]


def _person(state: State, first: str) -> Person:
    if state.people == "sparse":
        return make_person(
            first_name=first,
            title="",
            department="",
            function="",
            location="",
            time_zone="",
            languages=[],
            hire_date=None,
            job_level=None,
        )
    return make_person(first_name=first)


def build(state: State, program: Program, hr_admin: User) -> Built:
    """The relationship of `state` in `program`, with everything the state says it has."""
    status, closure_kind, dated = state.lifecycle
    Program.objects.filter(pk=program.pk).update(
        kind=state.program_kind,
        status=state.program_status,
        end_date=None if state.planned_end == "none" else NOW.date() - 10 * DAY,
    )
    program.refresh_from_db()
    mentee_person, mentor_person = _person(state, "Mia"), _person(state, "Milo")
    mentee_user = make_user(mentee_person)
    mentor_user = None if state.people == "mentor_without_login" else make_user(mentor_person)
    mentee_e = Enrollment.objects.create(program=program, person=mentee_person, role=Role.MENTEE)
    mentor_e = Enrollment.objects.create(
        program=program, person=mentor_person, role=state.mentor_role, capacity=3
    )
    match = Match.objects.create(
        program=program,
        mentee=mentee_e,
        mentor=mentor_e,
        status=MatchStatus.ACCEPTED if status == RelationshipStatus.ACTIVE else MatchStatus.ENDED,
        mentee_response=Response.ACCEPTED,
        mentor_response=Response.ACCEPTED,
    )
    started = NOW - 120 * DAY
    rel = Relationship.objects.create(
        match=match,
        program=program,
        mentee=mentee_e,
        mentor=mentor_e,
        status=status,
        started_at=started,
        planned_end_date={
            "none": None,
            "past": (NOW - 10 * DAY).date(),
            "ahead": (NOW + 60 * DAY).date(),
        }[state.planned_end],
        last_meeting_at=NOW - 20 * DAY if state.meetings != "none" else None,
        closed_at=NOW - 5 * DAY if dated else None,
        closed_by=mentee_user if dated else None,
        closure_kind=closure_kind,
        closure_reason="Schedules no longer fit." if closure_kind == ClosureKind.EARLY else "",
        rematch_requested=closure_kind == ClosureKind.EARLY,
    )
    _agreement(state, rel, mentee_user)
    _goals(state, rel, mentee_user)
    meetings = _meetings(state, rel, mentee_user)
    reports = _feedback(state, rel, program, mentee_user, mentor_user, hr_admin)
    RelationshipEvent.objects.create(
        relationship=rel, actor=None, kind=EventKind.REMINDER, text="A reminder was sent."
    )
    if state.people == "mentee_terminated":
        Person.objects.filter(pk=mentee_person.pk).update(
            termination_date=(NOW - 30 * DAY).date(), termination_kind="voluntary"
        )
    viewers: dict[str, User | None] = {"mentee": mentee_user, "mentor": mentor_user}
    if state.people == "mentee_terminated":
        viewers["mentee"] = None  # a terminated person's login no longer signs in
    for side, person in (("mentee", mentee_person), ("mentor", mentor_person)):
        if state.people == f"{side}_erased":
            person_erase(actor=hr_admin, person=person, confirm=person.employee_id)
            viewers[side] = None
    rel = Relationship.objects.get(pk=rel.pk)
    return Built(rel, program, viewers["mentee"], viewers["mentor"], meetings, reports)


def _agreement(state: State, rel: Relationship, author: User) -> None:
    if state.agreement == "none":
        return
    agreement = Agreement.objects.create(relationship=rel)
    if state.agreement == "no_versions":
        return
    confirmed = {
        "unconfirmed": (None, None),
        "mentee_only": (NOW, None),
        "mentor_only": (None, NOW),
        "both": (NOW, NOW),
        "revised": (NOW, NOW),
    }[state.agreement]
    AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        program_objectives="Grow as a leader",
        meeting_cadence_days=30,
        mentee_confirmed_at=confirmed[0],
        mentor_confirmed_at=confirmed[1],
    )
    if state.agreement == "revised":
        AgreementVersion.objects.create(
            agreement=agreement,
            number=2,
            program_objectives="",
            pair_objectives="Our own words",
            meeting_cadence_days=14,
            created_by=author,
        )


def _goals(state: State, rel: Relationship, author: User) -> None:
    if state.goals == "none":
        return
    for n, goal_status in enumerate(GoalStatus.values):
        goal = Goal.objects.create(
            relationship=rel,
            title=f"Goal {n}",
            status=goal_status,
            progress=100 if goal_status == GoalStatus.ACHIEVED else 40,
            achieved_at=NOW if goal_status == GoalStatus.ACHIEVED else None,
            target_date=None if n == 0 else (NOW + 30 * DAY).date(),
            created_by=author if n else None,
        )
        Milestone.objects.create(goal=goal, title="Step", due_date=None)
        Milestone.objects.create(goal=goal, title="Done step", done_at=NOW)


def _meetings(state: State, rel: Relationship, author: User) -> list[Meeting]:
    if state.meetings == "none":
        return []
    meetings = [
        Meeting.objects.create(
            relationship=rel,
            status=meeting_status,
            starts_at=when,
            location="" if n else "Room 4",
            created_by=author if n else None,
            logged_at=NOW if meeting_status == MeetingStatus.HELD else None,
        )
        for n, (meeting_status, when) in enumerate(
            [
                (MeetingStatus.SCHEDULED, NOW + 7 * DAY),
                (MeetingStatus.SCHEDULED, NOW - 7 * DAY),  # never logged
                (MeetingStatus.HELD, NOW - 20 * DAY),
                (MeetingStatus.CANCELLED, NOW - 30 * DAY),
            ]
        )
    ]
    PrivateNote.objects.create(author=author, meeting=meetings[2], text="Only mine.")
    return meetings


def _feedback(
    state: State,
    rel: Relationship,
    program: Program,
    mentee: User,
    mentor: User | None,
    hr_admin: User,
) -> list[SafetyReport]:
    if state.feedback == "none":
        return []
    for side, author, pulse in ((Side.MENTEE, mentee, 2), (Side.MENTOR, mentor, 5)):
        CheckIn.objects.create(relationship=rel, author=author, side=side, pulse=pulse)
        for kind in SurveyKind.values:
            survey, _ = Survey.objects.get_or_create(
                program=program, kind=kind, defaults={"questions": DEFAULT_QUESTIONS}
            )
            SurveyResponse.objects.create(
                survey=survey, relationship=rel, respondent=author, side=side, answers={}
            )
    for outcome in SponsorshipOutcome.values:
        SponsorshipAction.objects.create(
            relationship=rel,
            recorded_by=mentor,
            kind="other",
            description="Named them for the staffing meeting.",
            outcome=outcome,
            outcome_on=None if outcome == SponsorshipOutcome.PENDING else NOW.date(),
        )
    reports = []
    for report_status in SafetyStatus.values:
        report = SafetyReport.objects.create(
            relationship=rel,
            reporter=mentee if report_status != SafetyStatus.RESOLVED else None,
            category="other",
            description="Something to look at.",
            status=report_status,
            resolved_at=NOW if report_status == SafetyStatus.RESOLVED else None,
        )
        SafetyReportNote.objects.create(report=report, author=hr_admin, status=report_status)
        reports.append(report)
    return reports


def _pages(built: Built, viewer: str) -> list[str]:
    rel, slug = built.relationship, built.program.slug
    pages = ["/", "/relationships/", f"/relationships/{rel.pk}/"]
    if viewer in ("mentee", "mentor"):
        pages += [f"/relationships/{rel.pk}/surveys/{kind}/" for kind in SurveyKind.values]
        pages += [f"/relationships/{rel.pk}/report/", "/programs/enrollments/"]
        pages += [f"/relationships/meetings/{m.pk}/meeting.ics" for m in built.meetings]
        pages += ["/relationships/recognition/", "/privacy/"]
    else:
        pages += [
            f"/relationships/program/{slug}/",
            f"/relationships/program/{slug}/?status=closed",
            f"/relationships/program/{slug}/?status=active",
            f"/relationships/program/{slug}/surveys/",
            f"/relationships/program/{slug}/safety/",
            f"/insights/programs/{slug}/",
        ]
        pages += [f"/relationships/safety/{r.pk}/" for r in built.reports]
    if viewer == "hr":
        for person_id in (rel.mentee.person_id, rel.mentor.person_id):
            pages += [
                f"/people/{person_id}/",
                f"/privacy/people/{person_id}/",
                f"/privacy/people/{person_id}/export.json",
                f"/relationships/recognition/{person_id}/",
                f"/relationships/recognition/{person_id}/contribution.csv",
            ]
    return pages


# Answered 200 to everyone who may see the relationship, in every state.
MUST_ANSWER = ("/relationships/", "/api/relationships")


def _about_the_relationship(path: str) -> bool:
    """API reads of one relationship, its parts, its program's relationships, and the list."""
    return (
        path == "/api/relationships"
        or any(
            f"{{{name}}}" in path
            for name in ("relationship_id", "meeting_id", "goal_id", "report_id", "action_id")
        )
        or path.startswith("/api/programs/{slug}/relationships")
    )


@pytest.mark.parametrize("state", STATES, ids=str)
def test_every_relationship_state_renders_for_each_side_and_its_overseers(
    state: State, program: Program, hr_admin: User, program_manager: User
) -> None:
    built = build(state, program, hr_admin)
    rel = built.relationship
    viewers = {"mentee": built.mentee, "mentor": built.mentor, "pm": program_manager}
    viewers["hr"] = hr_admin
    visits: list[Visit] = []
    for viewer, user in viewers.items():
        if user is None:
            continue  # erased or without a login: nobody to sign in as
        client = Client(raise_request_exception=False)
        client.force_login(user)
        pages = []
        for url in _pages(built, viewer):
            response, seconds, error = fetch(client, url)
            resolved = route_of(url)
            pages.append(
                Visit(
                    role=viewer,
                    url=url,
                    route=resolved[0] if resolved else "",
                    status=response.status_code,
                    content_type=response.get("Content-Type", ""),
                    seconds=seconds,
                    error=error,
                )
            )
        known = {
            "relationship_id": [rel.pk],
            "slug": [built.program.slug],
            "meeting_id": [m.pk for m in built.meetings],
            "goal_id": list(rel.goals.values_list("pk", flat=True)),
            "report_id": [r.pk for r in built.reports],
            "action_id": list(rel.sponsorship_actions.values_list("pk", flat=True)),
            "kind": SurveyKind.values,
        }
        api = crawl_api(
            client,
            viewer,
            [],
            per_operation=10,
            operations=_about_the_relationship,
            values=known,
        )
        visits += pages + api
        detail = next(v for v in pages if v.url == f"/relationships/{rel.pk}/")
        assert detail.status == 200, (viewer, detail)
        for visit in (*pages, *api):
            if visit.url in MUST_ANSWER or visit.url.startswith("/relationships/program/"):
                assert visit.status == 200, (viewer, visit)
        listed = next(v for v in api if v.url == "/api/relationships")
        assert listed.status == 200
    errors = [v for v in visits if v.is_server_error]
    assert errors == [], "\n".join(f"{v.role} {v.url}: {v.status} {v.error}" for v in errors)
    # Every operation about the relationship was called with the state's values.
    called = {v.route for v in visits if v.route.startswith("/api/")}
    assert "/api/relationships/{relationship_id}" in called
    assert "/api/relationships/{relationship_id}/agreement" in called
