"""The world the permissions matrix runs in, and the requests that probe each row.

One organisation with every role of docs/permissions.md:

- `program` (leadership-2026), managed by `pm`; relationship `rel` between the mentee Ana
  and the mentor Marta with an agreement, a goal, a held meeting with shared notes, a private
  note of each of them, a check-in, a midpoint survey answer and a sponsorship action;
  Ana has demographics on file.
- A second relationship `rel2` in the same program (Omar and Mikel: "mentee/mentor of
  another relationship"), and `other_program` (buddies) managed by `pm2`.
- `sponsor` (a senior leader in no program), `executive`, and API tokens of Ana (read and
  admin scope) and a SCIM token of the HR admin.
- Vetoes in `other_program` (buddies, self-match, mentors may mark mentees), where Ana and
  Omar are also mentees and Marta and Mikel mentors, none matched: Mikel vetoed Omar and Ana
  vetoed Marta. A veto is shown only to the person who cast it (and to the program's
  managers when they pair by hand): Omar and Marta must never read it.

Each row id of the matrix maps to a Probe: the web requests and the API requests that
exercise that operation. Markers are unique strings planted in the world: a read is
allowed when its marker is in the response.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.accounts.models import TokenScope, User
from mentorwise.accounts.services import api_token_create
from mentorwise.channels.models import WebhookEndpoint
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.people.models import Demographics, ImportRun
from mentorwise.programs.enrollment_inputs import Withdrawal
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus, Skill
from mentorwise.relationships import inputs
from mentorwise.relationships import services as rs
from mentorwise.relationships.inputs import SurveyAnswers
from mentorwise.relationships.tests.factories import started_relationship
from tests.permissions_circles import CIRCLE_MARK, build_circles

ROLES = [
    "hr",
    "pm",
    "pm2",
    "mentor",
    "mentee",
    "mentor2",
    "mentee2",
    "sponsor",
    "exec",
    "anon",
    "tok_read",
    "tok_admin",
    "scim",
]
TOKEN_ROLES = {"tok_read": "mentee", "tok_admin": "mentee", "scim": "hr"}

MARK = {
    "person": "anastasia.zyx@example.com",
    "agreement": "AGREEMENT-OBJECTIVES-MARK",
    "goal": "GOAL-TITLE-MARK",
    "goal_text": "GOAL-SPECIFIC-MARK",
    "shared_note": "SHARED-NOTE-MARK",
    "private_ana": "ANA-PRIVATE-NOTE-MARK",
    "private_marta": "MARTA-PRIVATE-NOTE-MARK",
    "check_in": "CHECK-IN-COMMENT-MARK",
    "survey": "SURVEY-COMMENT-MARK",
    "sponsorship": "SPONSORSHIP-DESCRIPTION-MARK",
    "program": "Leadership Matrix 2026",
    "dev_goals": "ANA-DEVELOPMENT-GOALS-MARK",
    "milestone": "MILESTONE-TITLE-MARK",
    "broadcast": "BROADCAST-SUBJECT-MARK",
    # A step of the program's journey (program content: every pair of the program reads it).
    "journey": "JOURNEY-STEP-MARK",
    # How a veto reads on a card or in a pair preview (the word the vetoed person must never
    # see: other pages only say "veto"/"vetoes").
    "veto": "vetoed",
    **CIRCLE_MARK,
}
# Demographic values of Ana: never in any response, to anyone.
DEMOGRAPHIC_MARKS = ("middle_eastern", "Middle Eastern or North African", "non_binary")


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]
    ids: dict[str, Any]
    # A signed-in web client per role with a login (set by the `matrix_world` fixture).
    clients: dict[str, Any] = field(default_factory=dict)


def _enroll(program: Program, person: Any, role: str, skills: list[Skill], **extra: Any) -> None:
    enrollment = Enrollment.objects.create(
        program=program,
        person=person,
        role=role,
        status=EnrollmentStatus.ACTIVE,
        development_goals=extra.pop("development_goals", "Grow"),
        **extra,
    )
    if role == "mentee":
        enrollment.skills_wanted.set(skills[:2])
    else:
        enrollment.skills_offered.set(skills)


def build_world() -> World:
    from mentorwise.programs.services import program_create_from_template

    skills = [Skill.objects.create(name=f"Matrix skill {n}", category="Leadership") for n in "ab"]
    hr = make_user(make_person(first_name="Hana", last_name="Admin"), is_hr_admin=True)
    pm = make_user(make_person(first_name="Paula", last_name="Manager"))
    pm2 = make_user(make_person(first_name="Otto", last_name="Manager"))
    executive = make_user(make_person(first_name="Eve", last_name="Exec"), is_executive=True)
    sponsor = make_user(make_person(first_name="Sam", last_name="Sponsor", job_level=9))

    def program_of(template: str, name: str, slug: str, manager: User) -> Program:
        program = program_create_from_template(
            actor=hr, template_key=template, name=name, slug=slug
        )
        Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ENROLLING)
        program.refresh_from_db()
        program.managers.add(manager)
        return program

    program = program_of("hipo_leadership", MARK["program"], "leadership-matrix", pm)
    other_program = program_of("onboarding_buddy", "Buddies Matrix", "buddies-matrix", pm2)

    ana_person = make_person(
        first_name="Anastasia", last_name="Zyx", email=MARK["person"], job_level=4
    )
    Demographics.objects.create(person=ana_person, gender="non_binary", ethnicity="middle_eastern")
    people = {
        "mentee": ana_person,
        "mentor": make_person(first_name="Marta", last_name="Mentor", job_level=8),
        "mentee2": make_person(first_name="Omar", last_name="Other", job_level=4),
        "mentor2": make_person(first_name="Mikel", last_name="Other", job_level=8),
    }
    nia = make_person(first_name="Nia", last_name="Proposed", job_level=4)
    _enroll(program, nia, "mentee", skills)
    _enroll(program, people["mentee"], "mentee", skills, development_goals=MARK["dev_goals"])
    _enroll(program, people["mentor"], "mentor", skills, capacity=2)
    _enroll(program, people["mentee2"], "mentee", skills)
    _enroll(program, people["mentor2"], "mentor", skills, capacity=2)
    users = {role: make_user(person) for role, person in people.items()}
    users.update(hr=hr, pm=pm, pm2=pm2, exec=executive, sponsor=sponsor)

    rel = started_relationship(users["mentee"], users["mentor"])
    proposal = Match.objects.create(
        program=program,
        mentee=Enrollment.objects.get(program=program, person=nia),
        mentor=Enrollment.objects.get(program=program, person=people["mentor"]),
        status=MatchStatus.PROPOSED,
    )
    rel2 = started_relationship(users["mentee2"], users["mentor2"])
    ana, marta = users["mentee"], users["mentor"]
    rs.agreement_update(
        actor=ana,
        relationship=rel,
        data=inputs.AgreementTerms(
            pair_objectives=MARK["agreement"], meeting_cadence_days=14, confidentiality="Between us"
        ),
    )
    goal = rs.goal_create(
        actor=ana,
        relationship=rel,
        fields=rs.GoalFields(title=MARK["goal"], specific=MARK["goal_text"]),
    )
    meeting = rs.meeting_log(
        actor=ana,
        relationship=rel,
        log=rs.MeetingLog(
            held_at=timezone.now() - dt.timedelta(days=2),
            topics="Quarterly plan",
            shared_notes=MARK["shared_note"],
            private_note=MARK["private_ana"],
        ),
    )
    scheduled = rs.meeting_schedule(
        actor=ana,
        relationship=rel,
        data=inputs.MeetingSchedule(starts_at=timezone.now() + dt.timedelta(days=7)),
    )
    rs.milestone_add(actor=ana, goal=goal, data=inputs.MilestoneNew(title=MARK["milestone"]))
    rs.private_note_write(actor=marta, meeting=meeting, text=MARK["private_marta"])
    rs.check_in_create(
        actor=ana,
        relationship=rel,
        data=inputs.CheckInNew(pulse=4, comment=MARK["check_in"]),
    )
    rs.survey_respond(
        actor=ana,
        relationship=rel,
        kind="midpoint",
        data=SurveyAnswers(
            {
                "satisfaction": 4,
                "recommend": 9,
                "goal_attainment": 3,
                "growth": 4,
                "comments": MARK["survey"],
            }
        ),
    )
    action = rs.sponsorship_action_record(
        actor=marta,
        relationship=rel,
        data=inputs.SponsorshipNew(kind="introduction", description=MARK["sponsorship"]),
    )
    journey_step = _journey(program, hr)
    read_token, read_raw = api_token_create(actor=ana, name="read", scope=TokenScope.READ)
    tokens = {
        "tok_read": read_raw,
        "tok_admin": api_token_create(actor=ana, name="admin", scope=TokenScope.ADMIN)[1],
        "scim": api_token_create(actor=hr, name="scim", scope=TokenScope.SCIM)[1],
    }
    vetoes = _vetoes(other_program, people, users, skills)
    webhook = WebhookEndpoint.objects.create(
        name="Matrix hook",
        url="https://hooks.example.test/in",
        kinds=["match.published"],
        secret_sealed="x",
    )
    import_run = ImportRun.objects.create(
        actor=hr, source="page", file_name="matrix.csv", outcome="imported", rows=1
    )
    connector = _connector()
    circles = build_circles(hr, pm, users)
    broadcast, broadcast_count = _broadcast(program, pm)
    enrollment = Enrollment.objects.get(program=program, person=ana_person)
    mentor_enrollment = Enrollment.objects.get(program=program, person=people["mentor"])
    ids = {
        "slug": program.slug,
        "slug2": other_program.slug,
        "person": ana_person.pk,
        "rel": rel.pk,
        "rel2": rel2.pk,
        "goal": goal.pk,
        "meeting": meeting.pk,
        "action": action.pk,
        "enrollment": enrollment.pk,
        "mentor_enrollment": mentor_enrollment.pk,
        "mentor_person": people["mentor"].pk,
        "match": proposal.pk,
        "scheduled": scheduled.pk,
        "skill": skills[0].pk,
        "milestone": goal.milestones.get().pk,
        "step": journey_step.pk,
        "token": read_token.pk,
        "import_run": import_run.pk,
        "webhook": webhook.pk,
        "connector": connector.pk,
        "broadcast": broadcast,
        "broadcast_count": broadcast_count,
        **vetoes,
        **circles,
        "version": rel.agreement.current.number,
        "now": (timezone.now() + dt.timedelta(days=3)).isoformat(),
        "past": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
    }
    return World(users=users, tokens=tokens, ids=ids)


def _vetoes(program: Program, people: dict[str, Any], users: dict[str, User], skills: list[Skill]):  # type: ignore[no-untyped-def]
    """Ana and Omar as mentees, Marta and Mikel as mentors of `program`, none matched; Mikel
    vetoes Omar (a mentor's veto) and Ana vetoes Marta (a mentee's veto)."""
    from mentorwise.matches.services import preference_set

    options = {**program.matching.get("options", {}), "mentor_preferences": True}
    Program.objects.filter(pk=program.pk).update(
        self_match=True, matching={**program.matching, "options": options}
    )
    program.refresh_from_db()
    mine = {}
    for role in ("mentee", "mentee2", "mentor", "mentor2"):
        side = "mentee" if role.startswith("mentee") else "mentor"
        _enroll(program, people[role], side, skills, capacity=2)
        mine[role] = Enrollment.objects.get(program=program, person=people[role])
    for caster, vetoed in (("mentor2", "mentee2"), ("mentee", "mentor")):
        preference_set(
            actor=users[caster], enrollment=mine[caster], other_id=mine[vetoed].pk, kind="veto"
        )
    return {
        "veto_mentee": mine["mentee2"].pk,  # Omar, vetoed by Mikel
        "veto_mentor": mine["mentor2"].pk,  # Mikel
    }


def _broadcast(program: Program, pm: User) -> tuple[int, int]:
    """A past broadcast of `program` (its subject is a mark), and how many people the
    mentees' segment reaches now (what a send must confirm)."""
    from mentorwise.communications.models import Broadcast
    from mentorwise.communications.segments import Segment, segment_audience

    broadcast = Broadcast.objects.create(
        program=program, subject=MARK["broadcast"], body="Hello", created_by=pm, status="sent"
    )
    count = segment_audience(program=program, segment=Segment(roles=("mentee",)), essential=False)
    return broadcast.pk, count.count


def _journey(program: Program, hr: User) -> Any:
    """The program's journey (copied from its template) with a guide due in month three:
    ahead of `rel` (a month in), so it applies to the pair."""
    from mentorwise.journeys.inputs import StepInput
    from mentorwise.journeys.services import journey_step_add, program_journey

    program_journey(program)
    return journey_step_add(
        actor=hr,
        program=program,
        data=StepInput(
            kind="guide",
            offset_value=3,
            offset_unit="months",
            title=MARK["journey"],
            guide_type="sponsoring",
            questions=("Who decides your next role?",),
        ),
    )


def _connector() -> Any:
    """An HR connector (SFTP) whose server refuses at once: a test or a run reaches the
    services and fails fast, without retries or any network beyond 127.0.0.1."""
    from mentorwise.connectors.services import connector_create

    return connector_create(
        actor=None,
        values={
            "name": "Matrix SFTP",
            "kind": "sftp",
            "base_url": "127.0.0.1",
            "port": 9,
            "username": "hris",
            "path": "out",
            "host_key": "SHA256:" + "A" * 43,
        },
        secret="matrix-connector-secret",
    )


# Probes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Req:
    method: str
    url: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Probe:
    """The requests of one matrix row.

    kind: "list" (allowed = the marker is listed by at least one request), "read" (allowed
    = every request answers 200 with the marker, or 200 when there is no marker) or "write"
    (allowed = the request succeeds and an audit entry is recorded).
    """

    kind: str
    web: tuple[Req, ...] = ()
    api: tuple[Req, ...] = ()
    marker: str = ""


def fill(value: Any, ids: dict[str, Any]) -> Any:
    """A probe's URL or data with the world's ids put in ("{rel}" -> 12)."""
    if isinstance(value, str):
        text = value.format(**ids)
        return int(text) if value.startswith("{") and text.isdigit() else text
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def _get(url: str) -> tuple[Req, ...]:
    return (Req("get", url),)


REL = "/relationships/{rel}/"
COMMS = "/communications/programs/{slug}/"
TEMPLATE = {"subject": "Matrix subject", "body": "Matrix body"}
BROADCAST = {
    "roles": "mentee",
    "enrollment_statuses": "active",
    "subject": "Matrix news",
    "body": "Hello",
}
BROADCAST_API = {"subject": "Matrix news", "body": "Hello", "segment": {"roles": ["mentee"]}}
API_REL = "/api/relationships/{rel}"
CADENCE = {"meeting_cadence_days": "21"}
GOAL = {"title": "A new goal", "specific": "s", "measurable": "m"}
JOURNEY_STEP = {
    "kind": "task",
    "offset_value": "6",
    "offset_unit": "weeks",
    "title": "A step by the matrix",
}
JOURNEY_STEP_API = {"kind": "task", "offset_value": 6, "offset_unit": "weeks", "title": "By API"}
VETOED_PAIR_WEB = {"mentee": "{veto_mentee}", "mentor": "{veto_mentor}"}
VETOED_PAIR_API = {"mentee_enrollment_id": "{veto_mentee}", "mentor_enrollment_id": "{veto_mentor}"}

PROBES: dict[str, Probe] = {
    # People and demographics
    # Lists show directory fields only (no email): Ana's last name marks her row.
    "person.list": Probe("list", _get("/people/?q=zyx"), _get("/api/people?q=zyx"), "Zyx"),
    "person.read": Probe(
        "read", _get("/people/{person}/"), _get("/api/people/{person}"), MARK["person"]
    ),
    # The import page holds the import history; the template file is beside it.
    "person.import": Probe(
        "read", (*_get("/people/import/"), *_get("/people/import/template.csv"))
    ),
    "person.import_run": Probe("read", _get("/people/import/runs/{import_run}/")),
    "person.login": Probe("read", _get("/people/{person}/login/")),
    # HR connectors: the pages (list, one connector, its forms) and the API list.
    "connector.manage": Probe(
        "read",
        _get("/people/connectors/")
        + _get("/people/connectors/{connector}/")
        + _get("/people/connectors/{connector}/edit/")
        + _get("/people/connectors/new/"),
        _get("/api/connectors"),
    ),
    "connector.run": Probe(
        "write",
        (Req("post", "/people/connectors/{connector}/test/"),),
        (Req("post", "/api/connectors/{connector}/test"),),
    ),
    "demographics.read": Probe(
        "read",
        _get("/people/{person}/"),
        _get("/api/people/{person}"),
        DEMOGRAPHIC_MARKS[0],
    ),
    # Journeys
    "journey.read": Probe(
        "read",
        _get("/programs/{slug}/journey/") + _get("/programs/{slug}/journey/steps/{step}/"),
        _get("/api/programs/{slug}/journey"),
        MARK["journey"],
    ),
    "journey.change": Probe(
        "write",
        (
            Req("post", "/programs/{slug}/journey/steps/", JOURNEY_STEP),
            Req("post", "/programs/{slug}/journey/steps/{step}/", JOURNEY_STEP),
            Req("post", "/programs/{slug}/journey/steps/{step}/move/", {"position": "1"}),
            Req("post", "/programs/{slug}/journey/steps/{step}/remove/"),
        ),
        (
            Req("post", "/api/programs/{slug}/journey/steps", JOURNEY_STEP_API),
            Req("put", "/api/programs/{slug}/journey/steps/{step}", JOURNEY_STEP_API),
            Req("post", "/api/programs/{slug}/journey/steps/{step}/move", {"position": 1}),
            Req("delete", "/api/programs/{slug}/journey/steps/{step}"),
        ),
    ),
    "journey.pair.read": Probe(
        "read",
        _get(REL + "journey/") + _get(REL + "journey/{step}/"),
        _get(API_REL + "/journey"),
        MARK["journey"],
    ),
    "journey.pair.mark": Probe(
        "write",
        (Req("post", REL + "journey/{step}/done/", {"done": "1"}),),
        (Req("post", API_REL + "/journey/steps/{step}/done", {"done": True}),),
    ),
    # Programs and enrollments
    "program.list": Probe("list", _get("/programs/"), _get("/api/programs"), MARK["program"]),
    "program.read": Probe(
        "read", _get("/programs/{slug}/"), _get("/api/programs/{slug}"), MARK["program"]
    ),
    "program.create": Probe(
        "write",
        api=(Req("post", "/api/programs", {"template": "onboarding_buddy", "slug": "made-here"}),),
    ),
    "program.change": Probe(
        "write",
        api=(Req("patch", "/api/programs/{slug}", {"description": "Changed by the matrix"}),),
    ),
    "translation.read": Probe(
        "read",
        _get("/translations/program/{slug}/de/") + _get("/translations/program/{slug}/de.po"),
        _get("/api/translations/program/{slug}/de"),
    ),
    "translation.change": Probe(
        "write",
        (Req("post", "/translations/program/{slug}/de/", {"program/description": "Auf Deutsch"}),),
        (
            Req(
                "put",
                "/api/translations/program/{slug}/de",
                {"texts": {"program/description": "Auf Deutsch"}},
            ),
        ),
    ),
    "translation.module": Probe(
        "write",
        (
            Req("get", "/translations/module/what-is-mentoring/de/"),
            Req("post", "/translations/module/what-is-mentoring/de/", {"module/title": "Titel"}),
        ),
        (
            Req(
                "put",
                "/api/translations/module/what-is-mentoring/de",
                {"texts": {"module/title": "Titel"}},
            ),
        ),
    ),
    "enrollment.list": Probe(
        "list",
        _get("/programs/{slug}/participants/"),
        _get("/api/programs/{slug}/enrollments"),
        MARK["dev_goals"],
    ),
    "enrollment.read": Probe("read", api=_get("/api/enrollments/{enrollment}")),
    "enrollment.change": Probe(
        "write",
        (Req("get", "/programs/enrollments/{enrollment}/"),),
        (
            Req(
                "put",
                "/api/enrollments/{enrollment}",
                {
                    "role": "mentee",
                    "acknowledged": True,
                    "development_goals": "New goals",
                    "skills_wanted": ["{skill}"],
                    "answers": {"why": "To grow", "commitment": "Yes"},
                },
            ),
        ),
    ),
    "enrollment.withdraw": Probe(
        "write",
        (Req("post", "/programs/enrollments/{enrollment}/withdraw/", {"confirmed": "yes"}),),
        (Req("post", "/api/enrollments/{enrollment}/withdraw"),),
    ),
    # Matches
    "match.list": Probe(
        "list",
        _get("/matching/programs/{slug}/"),
        _get("/api/programs/{slug}/matches"),
        "Anastasia",
    ),
    "match.approve": Probe(
        "write",
        (Req("post", "/matching/{match}/approve/"),),
        (Req("post", "/api/matches/{match}/approve"),),
    ),
    # Relationship
    "relationship.list": Probe(
        "list",
        (Req("get", "/relationships/"), Req("get", "/relationships/program/{slug}/")),
        _get("/api/relationships"),
        "Anastasia",
    ),
    "relationship.read": Probe("read", _get(REL), _get(API_REL), "Anastasia"),
    "relationship.timeline": Probe("read", api=_get(API_REL + "/timeline")),
    "relationship.close": Probe(
        "write",
        (Req("post", REL + "close/", {"kind": "early", "reason": "Matrix"}),),
        (Req("post", API_REL + "/close", {"kind": "early", "reason": "Matrix"}),),
    ),
    # Agreement
    "agreement.read": Probe("read", _get(REL), _get(API_REL + "/agreement"), MARK["agreement"]),
    "agreement.change": Probe(
        "write",
        (Req("post", REL + "agreement/", {"pair_objectives": "New", **CADENCE}),),
        (Req("put", API_REL + "/agreement", {"pair_objectives": "x", "meeting_cadence_days": 7}),),
    ),
    "agreement.confirm": Probe(
        "write",
        (Req("post", REL + "agreement/confirm/", {"version": "{version}"}),),
        (Req("post", API_REL + "/agreement/confirm", {"version": "{version}"}),),
    ),
    # Goals
    "goal.read": Probe("read", _get(REL), _get(API_REL + "/goals"), MARK["goal_text"]),
    "goal.progress.read": Probe("read", api=_get(API_REL + "/goal-progress")),
    "goal.create": Probe(
        "write",
        (Req("post", REL + "goals/", GOAL),),
        (Req("post", API_REL + "/goals", GOAL),),
    ),
    "goal.change": Probe(
        "write",
        (Req("post", "/relationships/goals/{goal}/progress/", {"progress": "50"}),),
        (Req("put", "/api/goals/{goal}", {"title": "Renamed goal"}),),
    ),
    # Meetings and notes
    "meeting.read": Probe("read", api=_get(API_REL + "/meeting-dates")),
    "meeting.ics": Probe(
        "read",
        _get("/relationships/meetings/{meeting}/meeting.ics"),
        _get("/api/meetings/{meeting}/ics"),
    ),
    "meeting.suggest": Probe(
        "read", _get(REL + "suggested-times/"), _get(API_REL + "/suggested-times")
    ),
    "meeting.create": Probe(
        "write",
        api=(Req("post", API_REL + "/meetings", {"starts_at": "{now}"}),),
    ),
    "meeting.log": Probe(
        "write",
        api=(Req("post", API_REL + "/meetings/log", {"held_at": "{past}", "topics": "t"}),),
    ),
    "meeting.cancel": Probe(
        "write",
        (Req("post", "/relationships/meetings/{scheduled}/cancel/"),),
        (Req("post", "/api/meetings/{scheduled}/cancel"),),
    ),
    "shared_note.read": Probe("read", _get(REL), _get(API_REL + "/meetings"), MARK["shared_note"]),
    "private_note.read": Probe(
        "read", _get(REL), _get("/api/meetings/{meeting}/private-note"), MARK["private_ana"]
    ),
    "private_note.write": Probe(
        "write",
        (Req("post", "/relationships/meetings/{meeting}/private-note/", {"text": "Mine"}),),
        (Req("put", "/api/meetings/{meeting}/private-note", {"text": "Mine"}),),
    ),
    # One's own notification preferences (every login with an employee record)
    "notification_preferences.read": Probe(
        "read",
        _get("/account/notifications/"),
        _get("/api/me/notification-preferences"),
    ),
    "notification_preferences.change": Probe(
        "write",
        (
            Req(
                "post",
                "/account/notifications/",
                {
                    f"channels-{kind}": "email"
                    for kind in ("nudge", "match_offer", "meeting", "relationship")
                },
            ),
        ),
        (Req("put", "/api/me/notification-preferences", {"channels": {"nudge": ["email"]}}),),
    ),
    # Check-ins, surveys, sponsorship
    "check_in.read": Probe("read", _get(REL), _get(API_REL + "/check-ins"), MARK["check_in"]),
    "check_in.create": Probe(
        "write",
        (Req("post", REL + "check-ins/", {"pulse": "5", "comment": "Good"}),),
        (Req("post", API_REL + "/check-ins", {"pulse": 5}),),
    ),
    "survey_response.read": Probe(
        "read",
        _get("/relationships/program/{slug}/surveys/"),
        _get("/api/programs/{slug}/surveys/midpoint/summary"),
        MARK["survey"],
    ),
    "survey_response.create": Probe(
        "write",
        (
            Req(
                "post",
                REL + "surveys/closing/",
                {"satisfaction": "4", "recommend": "8", "goal_attainment": "4", "growth": "4"},
            ),
        ),
        (
            Req(
                "post",
                API_REL + "/surveys/closing",
                {"answers": {"satisfaction": 4, "recommend": 8, "goal_attainment": 4, "growth": 4}},
            ),
        ),
    ),
    "sponsorship.read": Probe(
        "read", _get(REL), _get(API_REL + "/sponsorship-actions"), MARK["sponsorship"]
    ),
    "sponsorship.create": Probe(
        "write",
        (Req("post", REL + "sponsorship/", {"kind": "promotion", "description": "Nominated"}),),
        (
            Req(
                "post",
                API_REL + "/sponsorship-actions",
                {"kind": "promotion", "description": "Nominated"},
            ),
        ),
    ),
    "sponsorship.outcome": Probe(
        "write",
        (Req("post", "/relationships/sponsorship/{action}/outcome/", {"outcome": "succeeded"}),),
        (Req("post", "/api/sponsorship-actions/{action}/outcome", {"outcome": "succeeded"}),),
    ),
    # Insights and exports
    "insight.read": Probe(
        "read", _get("/insights/programs/{slug}/"), _get("/api/insights/programs/{slug}/health")
    ),
    "export.program_health": Probe("read", _get("/insights/programs/{slug}/health.csv")),
    "insight.equity": Probe(
        "read",
        _get("/insights/programs/{slug}/equity/?by=level"),
        _get("/api/insights/programs/{slug}/equity?dimension=level"),
    ),
    "insight.demographics": Probe(
        "read",
        _get("/insights/programs/{slug}/equity/?by=gender"),
        _get("/api/insights/programs/{slug}/equity?dimension=gender"),
    ),
    "insight.outcomes": Probe(
        "read",
        _get("/insights/programs/{slug}/outcomes/"),
        _get("/api/insights/programs/{slug}/outcomes"),
    ),
    "insight.pipeline": Probe("read", _get("/insights/pipeline/"), _get("/api/insights/pipeline")),
    "export.report": Probe("read", _get("/insights/programs/{slug}/report.pdf")),
    "privacy.export": Probe(
        "read", _get("/privacy/people/{person}/") + _get("/privacy/people/{person}/export.json")
    ),
    "export.contribution": Probe(
        "read", _get("/relationships/recognition/{mentor_person}/contribution.csv")
    ),
    # Preferences and vetoes (in buddies: Mikel vetoed Omar, Ana vetoed Marta)
    "veto.read": Probe(
        "list",
        (
            Req("get", "/matching/programs/{slug2}/find/"),
            Req("get", "/matching/programs/{slug2}/mentees/"),
            Req("post", "/matching/programs/{slug2}/manual/preview/", VETOED_PAIR_WEB),
        ),
        (
            Req("get", "/api/programs/{slug2}/mentors"),
            Req("post", "/api/programs/{slug2}/pair-preview", VETOED_PAIR_API),
        ),
        MARK["veto"],
    ),
    # Circles (tests/permissions_circles.py: mentor facilitates circle A, mentee and mentor2
    # are members of A, mentor2 facilitates circle B, mentee2 is in B only)
    "circle.list": Probe(
        "list",
        _get("/circles/") + _get("/circles/program/{circle_slug}/"),
        _get("/api/circles") + _get("/api/circles/programs/{circle_slug}"),
        MARK["circle"],
    ),
    "circle.read": Probe(
        "read", _get("/circles/{circle}/"), _get("/api/circles/{circle}"), MARK["circle"]
    ),
    "circle.content": Probe(
        "read",
        _get("/circles/{circle}/"),
        _get("/api/circles/{circle}/agreement"),
        MARK["circle_agreement"],
    ),
    "circle.ics": Probe(
        "read",
        _get("/circles/meetings/{circle_meeting}/meeting.ics"),
        _get("/api/circles/meetings/{circle_meeting}/ics"),
    ),
    "circle.agreement_change": Probe(
        "write",
        (Req("post", "/circles/{circle}/agreement/", {"agreement": "New", **CADENCE}),),
        (Req("put", "/api/circles/{circle}/agreement", {"text": "New"}),),
    ),
    "circle.meeting_create": Probe(
        "write",
        (Req("post", "/circles/{circle}/meetings/", {"starts_at": "{now}"}),),
        (Req("post", "/api/circles/{circle}/meetings", {"starts_at": "{now}"}),),
    ),
    "circle.suggest": Probe(
        "read",
        _get("/circles/{circle}/suggested-times/"),
        _get("/api/circles/{circle}/suggested-times"),
    ),
    "circle_check_in.read": Probe(
        "read",
        _get("/circles/{circle}/"),
        _get("/api/circles/{circle}/check-ins"),
        MARK["circle_check_in"],
    ),
    "circle_check_in.create": Probe(
        "write",
        (Req("post", "/circles/{circle}/check-ins/", {"pulse": "4"}),),
        (Req("post", "/api/circles/{circle}/check-ins", {"pulse": 4}),),
    ),
    "circle_private_note.read": Probe(
        "read",
        _get("/circles/{circle}/"),
        _get("/api/circles/meetings/{circle_meeting}/private-note"),
        MARK["circle_private"],
    ),
    "circle_private_note.write": Probe(
        "write",
        (Req("post", "/circles/meetings/{circle_meeting}/private-note/", {"text": "Mine"}),),
        (Req("put", "/api/circles/meetings/{circle_meeting}/private-note", {"text": "Mine"}),),
    ),
    "circle.close": Probe(
        "write",
        (Req("post", "/circles/{circle}/close/", {"reason": "Matrix"}),),
        (Req("post", "/api/circles/{circle}/close", {"reason": "Matrix"}),),
    ),
    "circle.intervene": Probe(
        "write",
        (Req("post", "/circles/{circle}/facilitators/", {"facilitators": "{circle_lead}"}),),
        (Req("put", "/api/circles/{circle}/facilitators", {"enrollment_ids": ["{circle_lead}"]}),),
    ),
    "circle.run": Probe(
        "write",
        (Req("post", "/circles/program/{circle_slug}/runs/"),),
        (Req("post", "/api/circles/programs/{circle_slug}/runs"),),
    ),
    "circle.run_read": Probe(
        "read",
        _get("/circles/runs/{circle_run}/") + _get("/circles/program/{circle_slug}/runs/latest/"),
        _get("/api/circles/runs/{circle_run}"),
    ),
    # Audit
    "audit.list": Probe("read", _get("/audit/"), _get("/api/audit")),
    "audit.export": Probe("read", _get("/audit/export.csv")),
    "sso.saml_settings": Probe("read", _get("/account/sso/saml/settings/")),
    "calendar.own": Probe("read", _get("/account/calendar/")),
    "calendar.organisation": Probe("read", _get("/people/calendars/")),
    "webhook.read": Probe("read", (*_get("/webhooks/"), *_get("/webhooks/{webhook}/"))),
    # Program communications
    "message_template.read": Probe(
        "read",
        _get(COMMS) + _get(COMMS + "templates/welcome/en/"),
        _get("/api/programs/{slug}/templates") + _get("/api/programs/{slug}/templates/welcome/en"),
    ),
    "message_template.preview": Probe(
        "read",
        (
            Req("post", COMMS + "templates/welcome/en/", {**TEMPLATE, "action": "preview"}),
            Req("post", COMMS + "broadcasts/new/", {**BROADCAST, "action": "preview"}),
        ),
        (
            Req("post", "/api/programs/{slug}/templates/welcome/en/preview", TEMPLATE),
            Req("post", "/api/programs/{slug}/broadcasts/preview", BROADCAST_API),
        ),
    ),
    "message_template.change": Probe(
        "write",
        (
            Req("post", COMMS + "templates/welcome/de/", TEMPLATE),
            Req("post", COMMS + "templates/welcome/en/", {**TEMPLATE, "action": "test"}),
        ),
        (
            Req("put", "/api/programs/{slug}/templates/welcome/fr", TEMPLATE),
            Req("post", "/api/programs/{slug}/templates/welcome/en/test", TEMPLATE),
        ),
    ),
    "broadcast.read": Probe(
        "read",
        _get(COMMS + "broadcasts/{broadcast}/"),
        _get("/api/programs/{slug}/broadcasts")
        + _get("/api/programs/{slug}/broadcasts/{broadcast}"),
        MARK["broadcast"],
    ),
    "broadcast.send": Probe(
        "write",
        (
            Req(
                "post",
                COMMS + "broadcasts/new/",
                {
                    **BROADCAST,
                    "action": "send",
                    "confirmed": "yes",
                    "expected": "{broadcast_count}",
                },
            ),
        ),
        (
            Req(
                "post",
                "/api/programs/{slug}/broadcasts",
                {**BROADCAST_API, "expected_count": "{broadcast_count}"},
            ),
        ),
    ),
    "chat.settings": Probe("read", (*_get("/people/slack/"), *_get("/people/teams/"))),
}


# The same rows against the services and selectors directly (ASVS 8.3.1: enforced at the
# service layer, not only in views). Each returns what was read (reads) or None (writes).


def _service_calls() -> dict[str, Any]:
    from mentorwise.content.access import access_target
    from mentorwise.content.services import translations_save
    from mentorwise.matches import services as ms
    from mentorwise.matches.selectors import access_managed_match
    from mentorwise.people.permissions import access_person
    from mentorwise.programs import services as ps
    from mentorwise.programs.roles import can_read_directory
    from mentorwise.programs.selectors import access_enrollment, access_managed_program
    from mentorwise.relationships import selectors as sel

    def rel(w: World, u: Any) -> Any:
        return sel.access_relationship(actor=u, relationship_id=w.ids["rel"])

    def meeting(w: World, u: Any, key: str = "meeting") -> Any:
        return sel.access_meeting(actor=u, meeting_id=w.ids[key])

    answers = ps.EnrollmentAnswers(
        development_goals="New",
        skills_wanted=[0],
        answers={"why": "To grow", "commitment": "Yes"},
    )

    def enrollment_change(w: World, u: Any) -> None:
        answers.skills_wanted[0] = w.ids["skill"]
        enrollment = access_enrollment(actor=u, enrollment_id=w.ids["enrollment"])
        ps.enrollment_update(actor=u, enrollment=enrollment, answers=answers)

    def private_note_read(w: World, u: Any) -> str:
        note = sel.private_note_get(actor=u, meeting=meeting(w, u))
        return note.text if note else ""

    def connector_test_call(w: World, u: Any) -> None:
        from mentorwise.connectors.permissions import access_connector
        from mentorwise.connectors.services import connector_test

        connector_test(
            actor=u, connector=access_connector(actor=u, connector_id=w.ids["connector"])
        )

    from mentorwise.circles import inputs as ci
    from mentorwise.circles import oversight as co
    from mentorwise.circles import selectors as cs
    from mentorwise.circles import services as csv

    def circle(w: World, u: Any) -> Any:
        return cs.access_circle(actor=u, circle_id=w.ids["circle"])

    def circle_note(w: World, u: Any) -> str:
        meeting = cs.access_meeting(actor=u, meeting_id=w.ids["circle_meeting"])
        note = cs.private_note_get(actor=u, meeting=meeting)
        return note.text if note else ""

    circle_calls = {
        "circle.read": lambda w, u: str(circle(w, u).name),
        "circle_private_note.read": circle_note,
        "circle.agreement_change": lambda w, u: (
            csv.agreement_update(actor=u, circle=circle(w, u), data=ci.AgreementText(text="New"))
            and None
        ),
        "circle_check_in.create": lambda w, u: (
            csv.check_in_create(actor=u, circle=circle(w, u), data=ci.CheckInNew(pulse=4)) and None
        ),
        "circle.intervene": lambda w, u: (
            co.facilitators_set(actor=u, circle=circle(w, u), enrollment_ids=[w.ids["circle_lead"]])
            and None
        ),
    }

    def template_change(w: World, u: Any) -> None:
        from mentorwise.communications.inputs import TemplateInput
        from mentorwise.communications.permissions import access_program_messages
        from mentorwise.communications.services import template_save

        program = access_program_messages(actor=u, slug=w.ids["slug"])
        template_save(
            actor=u,
            program=program,
            data=TemplateInput(key="welcome", language="de", subject="S", body="B"),
        )

    def broadcast_send_call(w: World, u: Any) -> None:
        from mentorwise.communications.inputs import BroadcastInput
        from mentorwise.communications.permissions import access_program_messages
        from mentorwise.communications.segments import Segment
        from mentorwise.communications.services import broadcast_send

        program = access_program_messages(actor=u, slug=w.ids["slug"])
        data = BroadcastInput(subject="S", body="B", segment=Segment(roles=("mentee",)))
        broadcast_send(actor=u, program=program, data=data)

    def journey_change(w: World, u: Any) -> None:
        from mentorwise.journeys.inputs import StepInput
        from mentorwise.journeys.permissions import access_journey_step
        from mentorwise.journeys.services import journey_step_update

        step = access_journey_step(actor=u, step_id=w.ids["step"])
        journey_step_update(
            actor=u,
            step=step,
            data=StepInput(kind="task", offset_value=3, offset_unit="months", title="Renamed"),
        )

    def journey_mark(w: World, u: Any) -> None:
        from mentorwise.journeys.services import journey_step_mark, relationship_step

        relationship = rel(w, u)
        step = relationship_step(relationship=relationship, step_id=w.ids["step"])
        journey_step_mark(actor=u, relationship=relationship, step=step, done=True)

    return {
        **circle_calls,
        "message_template.change": template_change,
        "broadcast.send": broadcast_send_call,
        "connector.run": connector_test_call,
        "journey.change": journey_change,
        "journey.pair.mark": journey_mark,
        "person.read": lambda w, u: str(
            access_person(actor=u, person_id=w.ids["person"], directory=can_read_directory(u)).email
        ),
        "program.create": lambda w, u: (
            ps.program_create_from_template(
                actor=u, template_key="onboarding_buddy", slug="made-by-service"
            )
            and None
        ),
        "program.change": lambda w, u: (
            ps.program_update(
                actor=u,
                program=access_managed_program(actor=u, slug=w.ids["slug"]),
                changes=ps.ProgramChanges(description="Changed"),
            )
            and None
        ),
        "translation.change": lambda w, u: (
            translations_save(
                actor=u,
                target=access_target(actor=u, kind="program", slug=w.ids["slug"]),
                language="de",
                texts={"program/description": "Auf Deutsch"},
            )
            and None
        ),
        "translation.module": lambda w, u: (
            translations_save(
                actor=u,
                target=access_target(actor=u, kind="module", slug="what-is-mentoring"),
                language="de",
                texts={"module/title": "Titel"},
            )
            and None
        ),
        "enrollment.change": enrollment_change,
        "enrollment.withdraw": lambda w, u: (
            ps.enrollment_withdraw(
                actor=u,
                enrollment=access_enrollment(actor=u, enrollment_id=w.ids["enrollment"]),
                data=Withdrawal(),
            )
            and None
        ),
        "match.approve": lambda w, u: (
            ms.match_approve(actor=u, match=access_managed_match(actor=u, match_id=w.ids["match"]))
            and None
        ),
        "relationship.read": lambda w, u: str(rel(w, u).mentee.person.first_name),
        "relationship.close": lambda w, u: (
            rs.relationship_close(
                actor=u,
                relationship=rel(w, u),
                data=inputs.Closure(kind="early", reason="Service"),
            )
            and None
        ),
        "agreement.change": lambda w, u: (
            rs.agreement_update(
                actor=u,
                relationship=rel(w, u),
                data=inputs.AgreementTerms(
                    pair_objectives="New", meeting_cadence_days=21, confidentiality=""
                ),
            )
            and None
        ),
        "agreement.confirm": lambda w, u: (
            rs.agreement_confirm(actor=u, relationship=rel(w, u), version=w.ids["version"]) and None
        ),
        "goal.create": lambda w, u: (
            rs.goal_create(
                actor=u, relationship=rel(w, u), fields=rs.GoalFields(title="By service")
            )
            and None
        ),
        "goal.change": lambda w, u: (
            rs.goal_update(
                actor=u,
                goal=sel.access_goal(actor=u, goal_id=w.ids["goal"]),
                fields=rs.GoalFields(title="Renamed"),
            )
            and None
        ),
        "meeting.create": lambda w, u: (
            rs.meeting_schedule(
                actor=u,
                relationship=rel(w, u),
                data=inputs.MeetingSchedule(starts_at=timezone.now() + dt.timedelta(days=3)),
            )
            and None
        ),
        "meeting.cancel": lambda w, u: (
            rs.meeting_cancel(actor=u, meeting=meeting(w, u, "scheduled")) and None
        ),
        "private_note.read": private_note_read,
        "private_note.write": lambda w, u: (
            rs.private_note_write(actor=u, meeting=meeting(w, u), text="Mine") and None
        ),
        "check_in.create": lambda w, u: (
            rs.check_in_create(actor=u, relationship=rel(w, u), data=inputs.CheckInNew(pulse=5))
            and None
        ),
        "sponsorship.create": lambda w, u: (
            rs.sponsorship_action_record(
                actor=u,
                relationship=rel(w, u),
                data=inputs.SponsorshipNew(kind="promotion", description="Nominated"),
            )
            and None
        ),
        "sponsorship.outcome": lambda w, u: (
            rs.sponsorship_outcome_set(
                actor=u,
                action=sel.access_sponsorship_action(actor=u, action_id=w.ids["action"]),
                data=inputs.SponsorshipResult(outcome="succeeded"),
            )
            and None
        ),
    }


SERVICE_CALLS = _service_calls()
SERVICE_MARKERS = {
    "person.read": MARK["person"],
    "relationship.read": "Anastasia",
    "private_note.read": MARK["private_ana"],
    "circle.read": MARK["circle"],
    "circle_private_note.read": MARK["circle_private"],
}


# The matrix of docs/permissions.md, and which marks each role may read --------------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"


def parse_matrix(text: str) -> dict[str, dict[str, str]]:
    """The matrix table: {row id: {role: cell}}; rows are the lines starting with | `id`."""
    header: list[str] | None = None
    rows: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| Row ") and header is None:
            header = cells
            continue
        match = re.fullmatch(r"`([a-z_.]+)`", cells[0]) if line.startswith("| `") else None
        if match is None or header is None:
            continue
        by_role = dict(zip(header[2:], cells[2:], strict=True))
        rows[match.group(1)] = by_role
    return rows


MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"))

# The matrix rows that decide who may read each mark: a role may read it when its cell is
# ✓ in one of them. Derived, not listed per role, so the document stays the single source.
MARK_ROWS: dict[str, tuple[str, ...]] = {
    # Ana's e-mail: her profile, and the pair's meeting invitation (both are attendees).
    "person": ("person.read", "person.list", "meeting.ics", "circle.ics"),
    "dev_goals": ("enrollment.list", "enrollment.read"),
    "agreement": ("agreement.read",),
    "goal": ("goal.read",),
    "goal_text": ("goal.read",),
    "milestone": ("goal.read",),
    "shared_note": ("shared_note.read",),
    "private_ana": ("private_note.read",),
    "check_in": ("check_in.read",),
    "survey": ("survey_response.read",),
    "sponsorship": ("sponsorship.read",),
    "veto": ("veto.read",),
    "circle_agreement": ("circle.content",),
    "circle_check_in": ("circle_check_in.read",),
    "circle_private": ("circle_private_note.read",),
    "broadcast": ("broadcast.read",),
}
# Marta's private note is Ana's seen from the other side of the pair: its row read with the
# two sides swapped (a token acts as its owner).
MIRRORED = {"private_marta": "private_ana"}
_MIRROR = {"mentee": "mentor", "mentor": "mentee", "mentee2": "mentor2", "mentor2": "mentee2"}
# Marks nobody reads one by one (the program's name is public: not a mark to check).
NEVER_READ = {f"demographic_{n}": mark for n, mark in enumerate(DEMOGRAPHIC_MARKS)}


def unreadable_marks(
    role: str, *, data_subject: bool = False, demographic_groups: bool = False
) -> dict[str, str]:
    """The marks `role` may not read, by name: none of them may be in a response to it.

    `data_subject`: the response is a data-subject export of Ana (the privacy pages), which
    holds all her data, demographics included, for whoever may read that row, but never the
    text of a private note (not even hers, for an HR admin). `demographic_groups`: the
    response is a breakdown by gender or ethnicity, whose group labels are the breakdown
    itself, for whoever may read those aggregates (the equity tests pin that a group as
    small as Ana's carries no number).
    """
    if data_subject and MATRIX["privacy.export"].get(role) == "✓":
        return {k: MARK[k] for k in ("private_ana", "private_marta")}
    out = {}
    if not (demographic_groups and MATRIX["insight.demographics"].get(role) == "✓"):
        out.update(NEVER_READ)
    for name, rows in MARK_ROWS.items():
        if not any(MATRIX[row].get(role) == "✓" for row in rows):
            out[name] = MARK[name]
    for name, source in MIRRORED.items():
        mirrored = _MIRROR.get(TOKEN_ROLES.get(role, role), role)
        if not any(MATRIX[row].get(mirrored) == "✓" for row in MARK_ROWS[source]):
            out[name] = MARK[name]
    return out
