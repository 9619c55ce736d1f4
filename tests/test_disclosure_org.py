"""An organisation with deliberately rare groups, attacked through everything published.

For the equity endpoints (CSV and API) and every role that may read them (HR admin, the
program's manager, an executive), `tests.attacker` collects the published figures of a side
and solves for each hidden count; then the differencing attacks of issue 13 are replayed:
an eligibility edit (draft and active programs), one enrollment, a survey average before
and after one answer beside the relationship timeline, all sides minus one side, and two
contribution-record windows one answer apart. Every finding is counted; none may remain.

Against the code before `mentorwise.disclosure` (the same file run on that checkout): the
equity endpoints gave no interval finding on this organisation, and the differencing attacks
found 58 leaks — eligibility edit on a draft 22, one withdrawal 16, one enrollment 13, survey
before/after one answer 2, the timeline naming who answered 1, all sides minus one side 2,
two date windows 2. Now: 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.accounts.services import api_token_create
from mentorwise.insights import equity_counts, equity_groups
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.people.models import Demographics
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus, Role
from mentorwise.relationships.inputs import SurveyAnswers
from mentorwise.relationships.models import Relationship, SurveyResponse
from tests.attacker import Findings, difference, equity_attack_model, intervals, judge

pytestmark = pytest.mark.django_db

K = 5
# (count, gender, level, function, location, enrolled, matched)
COHORTS = (
    (30, "woman", 4, "Engineering", "Berlin", 20, 10),
    (25, "man", 5, "Sales", "Berlin", 12, 6),
    (2, "non_binary", 4, "Engineering", "Oslo", 2, 1),
    (1, "man", 9, "Legal", "Berlin", 1, 0),
    (3, "woman", 6, "Engineering", "Oslo", 3, 0),
)
QUESTIONS = ("satisfaction", "recommend")


def _api(user: Any) -> Client:
    _, raw = api_token_create(actor=user, name="attack", scope="read")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _page(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _people(n: int, gender: str, **fields: Any) -> list:
    people = [make_person(**fields) for _ in range(n)]
    for person in people:
        Demographics.objects.create(person=person, gender=gender)
    return people


def _relate(program: Program, mentee: Enrollment, mentor: Enrollment, started: dt.datetime):
    match = Match.objects.create(
        program=program, mentee=mentee, mentor=mentor, status=MatchStatus.ACCEPTED
    )
    return Relationship.objects.create(
        match=match, program=program, mentee=mentee, mentor=mentor, started_at=started
    )


def _seed(status: str = ProgramStatus.ACTIVE, slug: str = "rare") -> dict[str, Any]:
    program = Program.objects.create(
        slug=slug,
        name=f"Rare groups {slug}",
        kind="mentoring",
        objectives="x",
        status=status,
        start_date=timezone.localdate() - dt.timedelta(days=200),
        eligibility={Role.MENTEE: {"level_max": 9}, Role.MENTOR: {"level_min": 8}},
    )
    at = timezone.now() - dt.timedelta(days=150)
    mentors = [
        Enrollment.objects.create(
            program=program,
            person=make_person(function="Sales", job_level=8, location="Berlin"),
            role=Role.MENTOR,
            status=EnrollmentStatus.ACTIVE,
            created_at=at,
        )
        for _ in range(6)
    ]
    relationships: list[Relationship] = []
    oslo: list = []
    for count, gender, level, function, location, enrolled, matched in COHORTS:
        people = _people(count, gender, job_level=level, function=function, location=location)
        if location == "Oslo":
            oslo += people
        if level == 9:
            senior = people[0]
        for i, person in enumerate(people[:enrolled]):
            enrollment = Enrollment.objects.create(
                program=program,
                person=person,
                role=Role.MENTEE,
                status=EnrollmentStatus.ACTIVE,
                created_at=at,
            )
            if i < matched:
                mentor = mentors[len(relationships) % len(mentors)]
                relationships.append(
                    _relate(program, enrollment, mentor, at + dt.timedelta(days=5 + i))
                )
    manager = make_user(make_person(job_level=7))
    program.managers.add(manager)
    return {
        "program": program,
        "relationships": relationships,
        "mentors": mentors,
        "manager": manager,
        "oslo": oslo,
        "senior": senior,
    }


def _truth(program: Program, side: str) -> dict[str, int]:
    """The true counts behind a side's figures, named as the attacker names them."""
    today = timezone.localdate()
    eligible = equity_counts.eligible_q(program, side, today)
    since = program.start_date or timezone.localdate(program.created_at)
    people = equity_counts.enrolled_people(program, side, eligible, since, today)
    counts = equity_counts.eligible_counts(eligible)
    columns = {
        "N": "population",
        "E": "enrolled",
        "NE": "not_enrolled",
        "M": "matched",
        "EM": "unmatched",
        "A": "sponsored",
        "MA": "matched_not_sponsored",
        "P": "promoted",
        "EP": "not_promoted",
        "R": "still_employed",
        "ER": "left",
    }
    truth: dict[str, int] = {}
    for dimension in equity_groups.DIMENSIONS:
        raw = equity_counts.raw_counts(dimension, counts[dimension], people, side)
        for g in range(len(raw.keys) + 1):
            group = (
                "All" if g == len(raw.keys) else equity_groups.group_label(dimension, raw.keys[g])
            )
            for q, column in columns.items():
                name = f"*:{column}" if group == "All" else f"{dimension}:{group}:{column}"
                truth[name] = int(raw.counts[q][g])
    return truth


def _csv_rows(client: Client, slug: str) -> list[dict[str, str]]:
    answer = client.get(f"/insights/programs/{slug}/equity.csv")
    assert answer.status_code == 200
    return list(csv.DictReader(io.StringIO(answer.content.decode())))


def _api_rows(client: Client, slug: str, side: str) -> list[dict[str, Any]]:
    answer = client.get(f"/api/insights/programs/{slug}/equity?side={side}")
    assert answer.status_code == 200, answer.content
    rows = []
    for breakdown in answer.json()["breakdowns"]:
        for group in [*breakdown["groups"], {**breakdown["total"], "label": "All"}]:
            rows.append({**group, "dimension": breakdown["dimension"], "group": group["label"]})
    return rows


def _readers(seeded: dict[str, Any], hr_admin: Any, executive: Any) -> Iterator[tuple[str, Any]]:
    yield "hr admin", hr_admin
    yield "program manager", seeded["manager"]
    yield "executive", executive


def _figures(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str], Any]:
    columns = ("population", "enrolled", "matched", "sponsored", "promoted", "still_employed")
    return {
        (str(r.get("side", "")), r["dimension"], r["group"]): tuple(r.get(c) for c in columns)
        for r in rows
    }


def _differenced(before: dict, after: dict) -> int:
    leaks = 0
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            continue
        for a, b in zip(old, new, strict=True):
            a = None if a in ("", None) else int(float(a))
            b = None if b in ("", None) else int(float(b))
            leaks += difference(a, b, K)
    return leaks


def test_every_reader_of_every_equity_endpoint_learns_nothing_small(hr_admin, executive) -> None:
    seeded = _seed()
    program = seeded["program"]
    findings = Findings()
    attacked: set[str] = set()
    for _, reader in _readers(seeded, hr_admin, executive):
        rows = _csv_rows(_page(reader), program.slug)
        for side in ("mentee", "mentor"):
            published_rows = [r for r in rows if r["side"] == side]
            published_rows += _api_rows(_api(reader), program.slug, side)
            published, sums = equity_attack_model(published_rows)
            seen = repr(sorted(published.items(), key=lambda item: item[0]))
            if seen in attacked:  # another role read exactly the same figures
                continue
            attacked.add(seen)
            truth = _truth(program, side)
            found = intervals(published, sums)
            findings.add(judge(found, truth, K, sums))
    assert (len(findings.recovered), len(findings.narrowed), len(findings.proved_non_empty)) == (
        0,
        0,
        0,
    ), findings


def test_differencing_attacks_find_nothing(hr_admin) -> None:
    leaks: dict[str, int] = {}
    # 1. Edit a draft program's eligibility so that two populations differ by one person.
    draft = _seed(ProgramStatus.DRAFT, slug="draft")
    admin = _page(hr_admin)
    before = _figures(_csv_rows(admin, "draft"))
    one = draft["senior"]  # the only person at level 9
    draft["program"].eligibility = {Role.MENTEE: {"level_max": 8}, Role.MENTOR: {"level_min": 8}}
    draft["program"].save(update_fields=["eligibility"])
    Enrollment.objects.filter(program=draft["program"], person=one).delete()
    leaks["eligibility edit (draft)"] = _differenced(before, _figures(_csv_rows(admin, "draft")))
    # 2. The same on an active program, and 3. waiting for one enrollment.
    active = _seed()
    before = _figures(_csv_rows(admin, "rare"))
    person = active["oslo"][-1]
    Enrollment.objects.filter(program=active["program"], person=person).delete()
    leaks["one withdrawal (active)"] = _differenced(before, _figures(_csv_rows(admin, "rare")))
    Enrollment.objects.create(
        program=active["program"],
        person=make_person(job_level=4, location="Oslo", function="Engineering"),
        role=Role.MENTEE,
        status=EnrollmentStatus.ACTIVE,
    )
    leaks["one enrollment (active)"] = _differenced(before, _figures(_csv_rows(admin, "rare")))

    # 4. A survey average before and after one answer, beside the timeline.
    program, manager = active["program"], active["manager"]
    reader = _api(manager)
    relationships = active["relationships"]
    start = timezone.now() - dt.timedelta(days=40)
    for i, rel in enumerate(relationships[:7]):
        SurveyResponse.objects.create(
            survey=_survey(program),
            relationship=rel,
            respondent=None,
            side="mentee",
            answers={"satisfaction": 4, "recommend": 8},
            submitted_at=start + dt.timedelta(days=i),
        )
    url = f"/api/programs/{program.slug}/surveys/midpoint/summary"
    old = reader.get(url + "?side=mentee").json()
    last = relationships[7]
    from mentorwise.relationships.services import survey_respond

    survey_respond(
        actor=make_user(last.mentee.person),
        relationship=last,
        kind="midpoint",
        data=SurveyAnswers({"satisfaction": 1, "recommend": 0, "goal_attainment": 1, "growth": 1}),
    )
    new = reader.get(url + "?side=mentee").json()
    changed = [
        q["key"]
        for q, p in zip(old["questions"], new["questions"], strict=True)
        if q["mean"] is not None and p["mean"] is not None and q["mean"] != p["mean"]
    ]
    leaks["survey before/after one answer"] = len(changed)
    timeline = reader.get(f"/api/relationships/{last.pk}/timeline").json()
    leaks["timeline names who answered"] = sum(e["kind"] == "survey" for e in timeline)
    # 5. All sides minus the mentee side, with 2 mentor answers.
    for rel in relationships[:2]:
        SurveyResponse.objects.create(
            survey=_survey(program),
            relationship=rel,
            side="mentor",
            answers={"satisfaction": 2, "recommend": 3},
        )
    both = reader.get(url).json()
    mentees = reader.get(url + "?side=mentee").json()
    leaks["all sides minus one side"] = sum(
        a["mean"] is not None and b["mean"] is not None and a["n"] != b["n"]
        for a, b in zip(both["questions"], mentees["questions"], strict=True)
    )
    # 6. Two contribution-record windows one answer apart: six mentee answers about one
    # mentor, on six days; the windows end on the fifth and on the sixth day.
    mentor = relationships[0].mentor
    theirs = [r for r in relationships if r.mentor_id == mentor.pk]
    SurveyResponse.objects.filter(relationship__in=theirs).delete()
    first_day = timezone.now() - dt.timedelta(days=30)
    n = 0
    for kind in ("midpoint", "closing"):
        for rel in theirs:
            SurveyResponse.objects.create(
                survey=_survey(program, kind),
                relationship=rel,
                side="mentee",
                answers={"satisfaction": 5 if n < 5 else 1, "recommend": 10 if n < 5 else 0},
                submitted_at=first_day + dt.timedelta(days=n),
            )
            n += 1
    days = [timezone.localdate(first_day + dt.timedelta(days=i)) for i in range(n)]
    admin_api = _api(hr_admin)
    window = f"/api/contributions/{mentor.person_id}?start={days[0] - dt.timedelta(days=1)}"
    first = admin_api.get(f"{window}&end={days[-2]}").json()
    second = admin_api.get(f"{window}&end={days[-1]}").json()
    leaks["two date windows"] = sum(
        first[q] is not None and second[q] is not None and first[q] != second[q] for q in QUESTIONS
    )
    assert leaks == dict.fromkeys(leaks, 0), leaks


def _survey(program: Program, kind: str = "midpoint"):
    from mentorwise.relationships.services.feedback import survey_for

    return survey_for(program=program, kind=kind)
