"""Seed a demo organization: a synthetic workforce, programs from templates, participants.

Everything goes through the same services a real installation uses (the HRIS import,
program creation from templates), so the demo shows the product as it really behaves.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from mentorwise.accounts.models import User
from mentorwise.demo.circles import demo_circles
from mentorwise.demo.communications import demo_communications
from mentorwise.demo.history import demo_past_cohort
from mentorwise.demo.journeys import demo_journeys
from mentorwise.demo.lifecycle import demo_lifecycle
from mentorwise.demo.peer import demo_peer_program
from mentorwise.insights.equity_release import equity_releases_prepare
from mentorwise.insights.program_outcomes import program_outcomes
from mentorwise.matches.models import PreferenceKind
from mentorwise.matches.scores import mentor_cards
from mentorwise.matches.services import preference_set
from mentorwise.notifications.services import nudges_run
from mentorwise.people.generator import SyntheticOrg, generate_org, generate_profiles
from mentorwise.people.models import Person
from mentorwise.people.services import people_import
from mentorwise.programs.eligibility import eligible_people
from mentorwise.programs.enrollment_inputs import EnrollmentAnswers, EnrollmentNew
from mentorwise.programs.models import (
    GIVING_ROLES,
    Enrollment,
    EnrollmentStatus,
    FunctionPreference,
    Program,
    ProgramStatus,
    Role,
    Skill,
)
from mentorwise.programs.services.enrollment import enrollment_create
from mentorwise.programs.services.program_create import program_create_from_template
from mentorwise.programs.services.skills import skills_seed_defaults

Progress = Callable[[str, int, int], None]
DEMO_PASSWORD = "mentorwise-demo"  # noqa: S105 - printed on purpose: demo data only

# (template, slug, status, days since the start, share of eligible mentees enrolled, of
# eligible guides, share invited)
DEMO_PROGRAMS = (
    ("hipo_leadership", "leadership-mentoring", ProgramStatus.ACTIVE, 150, 0.6, 0.45, 0.15),
    ("first_time_manager", "first-time-managers", ProgramStatus.ACTIVE, 120, 0.8, 0.12, 0.1),
    ("sponsorship_underrepresented", "sponsorship", ProgramStatus.ACTIVE, 200, 0.04, 0.5, 0.0),
    ("onboarding_buddy", "onboarding-buddies", ProgramStatus.ACTIVE, 110, 0.8, 0.03, 0.0),
    ("reverse_mentoring", "reverse-mentoring", ProgramStatus.ENROLLING, 20, 0.3, 0.02, 0.0),
    ("group_circle", "leadership-circles", ProgramStatus.DRAFT, 0, 0.0, 0.0, 0.0),
)
# Programs whose matching runs and relationships are played forward to today.
SIMULATED = (
    "hipo_leadership",
    "first_time_manager",
    "sponsorship_underrepresented",
    "onboarding_buddy",
)
# Enough of each side to make a program worth looking at, without flooding large orgs.
MAX_PER_ROLE = 2500


@dataclass
class DemoLogin:
    role: str
    username: str
    name: str
    what: str


@dataclass
class DemoResult:
    people: int
    programs: list[str] = field(default_factory=list)
    enrollments: int = 0
    relationships: int = 0
    states: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def demo_is_seeded() -> bool:
    return Program.objects.filter(slug="leadership-mentoring").exists() and Person.objects.exists()


def _noop(stage: str, done: int, total: int) -> None:
    return None


# The language the demo logins read (see `demo_logins_language`).
DEMO_LANGUAGE = "en"


def demo_seed(
    *,
    people: int,
    seed: int,
    progress: Progress | None = None,
    today: dt.date | None = None,
    language: str = DEMO_LANGUAGE,
) -> DemoResult:
    """Create the demo organization in one transaction (all or nothing). The demo logins
    read it in `language` (see `demo_logins_language`)."""
    progress = progress or _noop
    today = today or timezone.localdate()
    progress("Generating the organization", 0, 1)
    org = generate_org(people, seed, today=today)
    buffer = io.StringIO()
    org.write_csv(buffer)
    progress("Generating the organization", 1, 1)
    with transaction.atomic():
        people_import(
            actor=None,
            data=buffer.getvalue().encode("utf-8"),
            file_name="demo-organization.csv",
            today=today,
            progress=progress,
        )
        skills_seed_defaults(actor=None)
        result = DemoResult(people=org.n)
        pk_of = dict(Person.objects.values_list("employee_id", "pk"))
        index_of = {pk_of[eid]: i for i, eid in enumerate(org.employee_id)}
        skill_pk = dict(Skill.objects.values_list("name", "pk"))
        admin = _login(
            "hr.admin", _pick(org, pk_of, function="People", level=(6, 8)), is_hr_admin=True
        )
        manager = _login(
            "program.manager",
            _pick(org, pk_of, function="People", level=(5, 7), exclude={admin.person_id}),
        )
        executive = _login(
            "executive",
            _pick(org, pk_of, function="Operations", level=(8, 12), exclude={admin.person_id}),
            is_executive=True,
        )
        staff = {admin.person_id, manager.person_id, executive.person_id}
        # First, while the workforce is as imported: the past cohort's history (exits that
        # participation prevented, promotions since) shapes who is active and eligible today.
        past = demo_past_cohort(
            actor=admin, seed=seed, today=today, exclude=staff, progress=progress
        )
        past.managers.add(manager)
        result.programs.append(past.name)
        rng = np.random.default_rng(seed)
        programs: dict[str, Program] = {}
        for n, (key, slug, status, days, mentee_share, guide_share, invited_share) in enumerate(
            DEMO_PROGRAMS
        ):
            progress("Creating programs and enrollments", n, len(DEMO_PROGRAMS))
            program = program_create_from_template(
                actor=admin, template_key=key, slug=slug, start_date=today - dt.timedelta(days=days)
            )
            Program.objects.filter(pk=program.pk).update(status=status)
            program.status = status
            programs[key] = program
            result.programs.append(program.name)
            for role in program.roles:
                share = mentee_share if role == Role.MENTEE else guide_share
                result.enrollments += _enroll_sample(
                    program,
                    role,
                    share,
                    invited_share,
                    org,
                    index_of,
                    skill_pk,
                    rng,
                    seed + n,
                    exclude=staff,
                )
        progress("Creating programs and enrollments", len(DEMO_PROGRAMS), len(DEMO_PROGRAMS))
        for key in ("hipo_leadership", "first_time_manager", "onboarding_buddy"):
            programs[key].managers.add(manager)
        peer = demo_peer_program(
            admin=admin, manager=manager, org=org, index_of=index_of, skill_pk=skill_pk,
            seed=seed, today=today, exclude=staff,
        )  # fmt: skip
        result.programs.append(peer.name)
        history = demo_lifecycle(
            programs=[programs[key] for key in SIMULATED], seed=seed, progress=progress
        )
        result.relationships, result.states = history.relationships, history.states
        circles = demo_circles(admin=admin, manager=manager, seed=seed, exclude=staff, today=today)
        result.programs.append(circles.name)
        # The walkthrough pair and the sponsor get the demo logins (demo_logins lists them).
        _walkthrough_pair(programs["hipo_leadership"], org, index_of, seed, staff)
        _login("sponsor", _enrolled(programs["sponsorship_underrepresented"], Role.SPONSOR))
        demo_communications(program=programs["hipo_leadership"], manager=manager)
        demo_logins_language(language)
        demo_journeys(programs=[past, *programs.values(), peer, circles], seed=seed)
        # Reminders for the seeded history appear in the app; emails wait for send-nudges.
        nudges_run(send=False)
        # The past cohort's estimates (a bootstrap) once now, so its outcomes page opens at once.
        program_outcomes(program=past)
        # This month's equity releases, as the daily cron job would: the equity pages open with
        # figures rather than "being prepared".
        equity_releases_prepare()
        result.logins = demo_logins()
    return result


# (username, role, what they do: {slug} stands for that program's name); the program
# manager's programs are read from the database.
DEMO_ROLES = (
    ("hr.admin", "HR admin", "imports people, designs programs, sees everything"),
    ("program.manager", "Program manager", ""),
    ("mentor", "Mentor", "mentor in {leadership-mentoring}"),
    ("mentee", "Mentee", "mentee in {leadership-mentoring}"),
    ("sponsor", "Sponsor", "sponsor in {sponsorship}"),
    ("executive", "Executive", "reads every program's insights and the pipeline, in aggregate"),
)


def demo_logins() -> list[DemoLogin]:
    """Every demo login with its role, read from the database: the same list on every run."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[r[0] for r in DEMO_ROLES]).select_related(
            "person"
        )
    }
    names = dict(Program.objects.values_list("slug", "name"))
    logins = []
    for username, role, what in DEMO_ROLES:
        user = users.get(username)
        if user is None:
            continue
        if not what:  # the program manager: the programs they run, the closed ones last
            programs = list(user.managed_programs.order_by("pk"))
            running = [p.name for p in programs if p.status != ProgramStatus.CLOSED]
            closed = [p.name for p in programs if p.status == ProgramStatus.CLOSED]
            what = "runs " + ", ".join(running)
            if closed:
                what += f" and the closed {', '.join(closed)} (see its outcomes)"
        logins.append(DemoLogin(role, username, _name(user), what.format_map(names)))
    return logins


def _name(user: User) -> str:
    return user.person.full_name if user.person else user.username


def demo_logins_language(language: str) -> int:
    """Sets the language of every demo login: a code, or "" for automatic (each person's
    HRIS record, e.g. Japanese for an HR admin in Tokyo). The demo defaults to English so
    that a first look reads in the README's language; the picker changes it."""
    return User.objects.filter(username__in=[r[0] for r in DEMO_ROLES]).update(language=language)


def _login(username: str, person: Person, **flags: Any) -> User:
    """A demo login for `person` (their existing login is renamed if they have one)."""
    user = User.objects.filter(person=person).first() or User(person=person)
    user.username, user.email = username, person.email
    for name, value in flags.items():
        setattr(user, name, value)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _walkthrough_pair(
    program: Program, org: SyntheticOrg, index_of: dict[int, int], seed: int, staff: set[int | None]
) -> tuple[User, User]:
    """A mentee who enrolls after the last run and the mentor who fits her best.

    She enrolls through the enrollment service, as herself; the mentor is the top allowed
    recommendation on her "find a mentor" page, and both mark each other as preferred, so the
    program manager's next run proposes exactly this pair for the walkthrough.
    """
    taken = set(Enrollment.objects.filter(program=program).values_list("person_id", flat=True))
    rules = program.eligibility.get(Role.MENTEE, {})
    candidates = (
        eligible_people(rules)
        .exclude(pk__in=taken | staff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    person = Person.objects.get(pk=candidates[0])
    mentee = _login("mentee", person)
    profile = generate_profiles(org, [index_of[person.pk]], Role.MENTEE, seed)
    skills = dict(Skill.objects.values_list("name", "pk"))
    enrollment = enrollment_create(
        actor=mentee,
        program=program,
        data=EnrollmentNew(
            role=Role.MENTEE,
            acknowledged=True,
            answers=EnrollmentAnswers(
                development_goals=profile.development_goals[0],
                skills_wanted=[skills[s] for s in profile.skills_wanted[0] if s in skills],
                function_preference=FunctionPreference.DIFFERENT,
                languages=person.languages,
                answers={"why": profile.development_goals[0].split(".")[0], "commitment": "Yes"},
            ),
        ),
    )
    cards = mentor_cards(actor=mentee, program=program)
    best = next(card for card in cards if card.allowed)
    mentor = _login("mentor", best.enrollment.person)
    preference_set(
        actor=mentee, enrollment=enrollment, other_id=best.enrollment.pk, kind=PreferenceKind.PREFER
    )
    preference_set(
        actor=mentor, enrollment=best.enrollment, other_id=enrollment.pk, kind=PreferenceKind.PREFER
    )
    return mentee, mentor


def _pick(
    org: SyntheticOrg,
    pk_of: dict[str, int],
    *,
    function: str,
    level: tuple[int, int],
    exclude: set[int | None] | None = None,
) -> Person:
    """The first active person in `function` within `level` (any function if none)."""
    exclude = exclude or set()
    active = org.is_active
    for wanted in (function, None):
        for i in range(org.n):
            if (
                active[i]
                and level[0] <= org.job_level[i] <= level[1]
                and (wanted is None or org.function[i] == wanted)
                and pk_of[org.employee_id[i]] not in exclude
            ):
                return Person.objects.get(pk=pk_of[org.employee_id[i]])
    person = Person.objects.exclude(pk__in=[pk for pk in exclude if pk is not None]).first()
    if person is None:
        raise RuntimeError("The demo organization has nobody left to pick.")
    return person


def _enrolled(program: Program, role: str) -> Person:
    enrollment = (
        Enrollment.objects.filter(program=program, role=role, status=EnrollmentStatus.ACTIVE)
        .select_related("person")
        .order_by("id")
        .first()
    )
    if enrollment is None:
        raise RuntimeError(
            f"The demo organization is too small: nobody enrolled as {role} in {program}."
        )
    return enrollment.person


def _enroll_sample(
    program: Program,
    role: str,
    share: float,
    invited_share: float,
    org: SyntheticOrg,
    index_of: dict[int, int],
    skill_pk: dict[str, int],
    rng: np.random.Generator,
    seed: int,
    exclude: set[int | None],
) -> int:
    """Enroll a random share of the eligible people (and invite some more), with profiles."""
    if share <= 0:
        return 0
    eligible_pks = eligible_people(program.eligibility.get(role, {})).values_list("pk", flat=True)
    eligible = np.array(sorted(set(eligible_pks) - exclude), dtype=np.int64)
    if eligible.size == 0:
        return 0
    k = min(MAX_PER_ROLE, max(1, round(eligible.size * share)))
    chosen = rng.choice(eligible, size=k, replace=False)
    rest = np.setdiff1d(eligible, chosen)
    invited = rng.choice(rest, size=min(rest.size, round(rest.size * invited_share)), replace=False)
    profiles = generate_profiles(org, [index_of[int(pk)] for pk in chosen], role, seed)
    now = timezone.now()
    # People enrolled in the weeks before the program started (the history is back-dated).
    opened = timezone.make_aware(dt.datetime.combine(program.start_date or now.date(), dt.time(9)))
    enrolled_at = [
        min(now, opened - dt.timedelta(days=int(d), hours=int(h)))
        for d, h in zip(
            rng.integers(1, 28, size=len(chosen)),
            rng.integers(0, 10, size=len(chosen)),
            strict=True,
        )
    ]
    giving = role in GIVING_ROLES
    enrollments = []
    for r, pk in enumerate(chosen.tolist()):
        goals = profiles.development_goals[r] if not giving else ""
        answers = {}
        for question in program.enrollment_questions:
            answers[question["key"]] = {
                "why": (goals or profiles.expertise[r]).split(".")[0][:300],
                "commitment": "Yes",
                "aspiration": "A broader leadership role within two years",
                "team_size": str(int(org.direct_reports[index_of[pk]])),
            }.get(question["key"], "Yes")
        enrollments.append(
            Enrollment(
                program=program,
                person_id=pk,
                role=role,
                status=EnrollmentStatus.ACTIVE,
                development_goals=goals,
                expertise=profiles.expertise[r] if giving else "",
                capacity=int(profiles.capacity[r]) if giving else 1,
                languages=org.languages[index_of[pk]],
                answers=answers,
                acknowledged_at=enrolled_at[r],
                created_at=enrolled_at[r],
                updated_at=enrolled_at[r],
            )
        )
    enrollments += [
        Enrollment(
            program=program,
            person_id=int(pk),
            role=role,
            status=EnrollmentStatus.INVITED,
            created_at=now,
            updated_at=now,
        )
        for pk in invited.tolist()
    ]
    created = Enrollment.objects.bulk_create(enrollments, batch_size=1000)
    wanted = Enrollment.skills_wanted.through
    offered = Enrollment.skills_offered.through
    links_wanted, links_offered = [], []
    for r, enrollment in enumerate(created[: len(chosen)]):
        if giving:
            links_offered += [
                offered(enrollment_id=enrollment.pk, skill_id=skill_pk[s])
                for s in profiles.skills_offered[r]
                if s in skill_pk
            ]
        else:
            links_wanted += [
                wanted(enrollment_id=enrollment.pk, skill_id=skill_pk[s])
                for s in profiles.skills_wanted[r]
                if s in skill_pk
            ]
    wanted.objects.bulk_create(links_wanted, batch_size=2000)
    offered.objects.bulk_create(links_offered, batch_size=2000)
    return len(chosen)
