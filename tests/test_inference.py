"""Inference tests: no setting a program manager may change lets anyone read a person's
self-identified gender or ethnicity out of what matching shows them.

The harness builds, for several seeds, a program whose mentees self-identified their gender and
ethnicity and consented to its use in matching. It then plays the attacker of issue 10: as the
program's manager it tries every setting a manager can reach (the inclusion option itself, the
criteria weights, the matching options, eligibility, self-match, forbidden pairs, the three
methods), through the API and the program editor, and after each one reads every number,
ordering, flag and reason on offer to the manager (program settings, pair previews through the
API and the page, runs, proposals, unmatched reasons, totals and bounds, published matches and
their e-mails) and to the participants (mentors scored for each mentee, mentees scored for each
mentor). It does all of this in two worlds that differ in one field of one mentee (gender, or
ethnicity), each world inside a savepoint rolled back afterwards, and compares.

- With the inclusion option off, the two worlds must look the same in every respect, whatever
  the manager did: the HR-only settings are refused, the rest cannot reach demographic data.
- With the option on (switched on by an HR admin, for a group that the flipped field enters or
  leaves), the choice of pairs may differ: that is the option's purpose, documented in
  docs/matching.md. Everything else must not: every fit, reason, warning and ordering read
  outside a run's choice is the same, and what a run shows is a function of the pairs it chose
  (each proposal shows the fit that the pair preview shows in either world, the total is the
  sum of the proposals' fits, no bound, and two runs that chose the same pairs look the same).

Non-vacuity: each case checks that the flip does reach the engine (the solver's objective for
the mentee differs between the worlds once the option is on), so the comparisons are not
trivially equal; and :func:`test_harness_detects_a_per_pair_number_that_includes_the_term`
shows that the same comparison catches a number built the way per-pair scores were built before
(fit plus inclusion term).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from conftest import api_client, make_person, make_user, page_client
from mentorwise.accounts.models import User
from mentorwise.matches.problem import program_pool
from mentorwise.matching.scoring import ScoringModel
from mentorwise.people.models import Demographics
from mentorwise.programs.inclusion import inclusion_of
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus, Skill
from mentorwise.programs.services import program_create_from_template

pytestmark = pytest.mark.django_db

SKILLS = ["Negotiation", "Public speaking", "Data analysis", "Delegation", "Hiring"]
WORDS = [
    "negotiation customers strategy",
    "public speaking board presentations",
    "data analysis forecasting",
    "delegation leading larger teams",
    "hiring and coaching engineers",
    "stakeholder management",
]
FUNCTIONS = ["Sales", "Finance", "Engineering"]
LOCATIONS = [("Berlin", "Europe/Berlin"), ("London", "Europe/London"), ("Boston", "US/Eastern")]
GENDERS = ["woman", "man", "non_binary"]
ETHNICITIES = ["asian", "black", "hispanic_latino", "white"]
JUSTIFICATION = "Promotion rates of under-represented groups at level 5 lag by 9 points."
# CSRF tokens are masked afresh on every response.
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*"')


@dataclass
class World:
    """One program and the people in it; `target` is the mentee whose field is flipped."""

    program: Program
    hr_admin: User
    manager: User
    mentees: list[User]
    mentors: list[User]
    mentee_ids: list[int]  # enrollment ids
    mentor_ids: list[int]
    target: User
    clients: dict[str, Client] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.program.slug


def build_world(seed: int) -> World:
    """Four mentees with random profiles and self-identified demographics (all consented to
    matching use), three mentors of whom at least one is senior (level 7 or above)."""
    rng = random.Random(seed)
    hr_admin = make_user(make_person(job_level=8), is_hr_admin=True)
    manager = make_user(make_person(job_level=6))
    program = program_create_from_template(
        actor=hr_admin, template_key="hipo_leadership", slug=f"inference-{seed}"
    )
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.ENROLLING, mentor_training_required=False, self_match=True
    )
    program.refresh_from_db()
    program.managers.add(manager)
    skills = [Skill.objects.get_or_create(name=n, defaults={"category": "Core"})[0] for n in SKILLS]

    def person(level: int) -> Any:
        location, zone = rng.choice(LOCATIONS)
        return make_person(
            job_level=level,
            function=rng.choice(FUNCTIONS),
            location=location,
            time_zone=zone,
            is_high_potential=True,
        )

    mentees, mentee_ids = [], []
    for _ in range(4):
        p = person(rng.randint(3, 5))
        Demographics.objects.create(
            person=p,
            gender=rng.choice(GENDERS),
            ethnicity=rng.choice(ETHNICITIES),
            consent_matching_use=True,
        )
        e = Enrollment.objects.create(
            program=program,
            person=p,
            role="mentee",
            status=EnrollmentStatus.ACTIVE,
            development_goals=" and ".join(rng.sample(WORDS, 2)),
        )
        e.skills_wanted.set(rng.sample(skills, rng.randint(1, 3)))
        mentees.append(make_user(p))
        mentee_ids.append(e.pk)
    mentors, mentor_ids = [], []
    for level in (rng.randint(7, 9), rng.randint(5, 6), rng.randint(5, 9)):
        p = person(level)
        e = Enrollment.objects.create(
            program=program,
            person=p,
            role="mentor",
            status=EnrollmentStatus.ACTIVE,
            capacity=rng.randint(1, 2),
            expertise=" and ".join(rng.sample(WORDS, 2)),
        )
        e.skills_offered.set(rng.sample(skills, rng.randint(2, 4)))
        mentors.append(make_user(p))
        mentor_ids.append(e.pk)
    world = World(program, hr_admin, manager, mentees, mentors, mentee_ids, mentor_ids, mentees[0])
    # Clients are made before any world is entered: their tokens and sessions are not rolled
    # back with a world.
    world.clients["hr_api"] = api_client(hr_admin, scope="admin")
    world.clients["api"] = api_client(manager, scope="admin")
    world.clients["page"] = page_client(manager)
    hr_page = page_client(hr_admin)
    world.clients["hr_page"] = hr_page
    for k, user in enumerate(mentees):
        world.clients[f"mentee{k}"] = api_client(user)
    for k, user in enumerate(mentors):
        world.clients[f"mentor{k}"] = page_client(user)
    return world


def hr_enable_inclusion(world: World, group: str) -> None:
    """An HR admin switches the option on for `group` (the legitimate configuration)."""
    options = {**world.program.matching["options"]}
    options["inclusion"] = {
        "enabled": True,
        "justification": JUSTIFICATION,
        "groups": [group],
        "senior_level": 7,
        "weight": 3,
    }
    response = world.clients["hr_api"].patch(
        f"/api/programs/{world.slug}",
        {"matching": {**world.program.matching, "options": options}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    world.program.refresh_from_db()


# The attacker's settings ----------------------------------------------------------------

Attempt = Callable[[World], int]


def _patch(world: World, body: dict[str, Any]) -> int:
    response = world.clients["api"].patch(
        f"/api/programs/{world.slug}", body, content_type="application/json"
    )
    return response.status_code


def _matching(world: World, *, criteria: Any = None, **options: Any) -> dict[str, Any]:
    stored = world.program.matching
    return {
        "matching": {
            "criteria": stored["criteria"] if criteria is None else criteria,
            "options": {**stored["options"], **options},
        }
    }


def _inclusion(world: World, **changes: Any) -> dict[str, Any]:
    current = {
        "enabled": False,
        "justification": "",
        "groups": [],
        "senior_level": 7,
        "weight": 1,
        **(world.program.matching["options"].get("inclusion") or {}),
    }
    return _matching(world, inclusion={**current, **changes})


def _edit_form_with_inclusion(world: World) -> int:
    """The program editor, posted with the inclusion fields an HR admin's form has."""
    data = {
        "name": world.program.name,
        "status": world.program.status,
        "objectives": world.program.objectives,
        "meeting_cadence_days": world.program.meeting_cadence_days,
        "function_preference": "different",
        "inclusion_enabled": "on",
        "inclusion_justification": JUSTIFICATION,
        "inclusion_groups": ["gender:woman", "ethnicity:black"],
        "inclusion_senior_level": 1,
        "inclusion_weight": 10,
        **{f"weight__{k}": v for k, v in world.program.matching["criteria"].items()},
    }
    response = world.clients["page"].post(f"/programs/{world.slug}/edit/", data)
    return response.status_code


# (name, attempt, whether only an HR admin may make it)
ATTEMPTS: list[tuple[str, Attempt, bool]] = [
    ("nothing", lambda w: 200, False),
    (
        "inclusion on for women",
        lambda w: _patch(
            w, _inclusion(w, enabled=True, justification=JUSTIFICATION, groups=["gender:woman"])
        ),
        True,
    ),
    (
        "inclusion on for men",
        lambda w: _patch(
            w, _inclusion(w, enabled=True, justification=JUSTIFICATION, groups=["gender:man"])
        ),
        True,
    ),
    (
        "inclusion on for Black mentees",
        lambda w: _patch(
            w, _inclusion(w, enabled=True, justification=JUSTIFICATION, groups=["ethnicity:black"])
        ),
        True,
    ),
    ("inclusion off", lambda w: _patch(w, _inclusion(w, enabled=False)), True),
    (
        "inclusion weight, senior level and justification",
        lambda w: _patch(
            w, _inclusion(w, weight=10, senior_level=1, justification=JUSTIFICATION + " Revised.")
        ),
        True,
    ),
    ("inclusion in the program editor", _edit_form_with_inclusion, True),
    # What a manager may change: it must not open a way to anyone's demographic data.
    (
        "fit is flat (language only)",
        lambda w: _patch(w, _matching(w, criteria={"language": 1})),
        False,
    ),
    (
        "seniority dominates",
        lambda w: _patch(w, _matching(w, criteria={"seniority": 10, "skills": 1})),
        False,
    ),
    ("high minimum score", lambda w: _patch(w, _matching(w, min_score=0.45)), False),
    (
        "other options",
        lambda w: _patch(
            w,
            _matching(
                w,
                seniority_gap=[1, 6],
                function_preference="same",
                chain_exclusion_depth=0,
                language_required=True,
            ),
        ),
        False,
    ),
    (
        "eligibility and self-match",
        lambda w: _patch(
            w,
            {
                "eligibility": {"mentee": {"level_min": 1}, "mentor": {"level_min": 1}},
                "self_match": False,
            },
        ),
        False,
    ),
    (
        "forbid the mentee with the senior mentor",
        lambda w: (
            w.clients["api"]
            .post(
                f"/api/programs/{w.slug}/forbidden-pairs",
                {"mentee_enrollment_id": w.mentee_ids[0], "mentor_enrollment_id": w.mentor_ids[0]},
                content_type="application/json",
            )
            .status_code
        ),
        False,
    ),
]


# What the actors read -------------------------------------------------------------------


def _json(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return response.json()


def _page(response: Any) -> str:
    assert response.status_code in (200, 302), response.status_code
    return CSRF.sub(r"\1", response.content.decode())


def read_before_runs(world: World) -> dict[str, Any]:
    """Everything readable that does not depend on a run's choice of pairs."""
    api, page = world.clients["api"], world.clients["page"]
    seen: dict[str, Any] = {"program": _json(api.get(f"/api/programs/{world.slug}"))}
    for a in world.mentee_ids:
        for b in world.mentor_ids:
            pair = {"mentee_enrollment_id": a, "mentor_enrollment_id": b}
            seen[f"preview {a}-{b}"] = _json(
                api.post(
                    f"/api/programs/{world.slug}/pair-preview",
                    pair,
                    content_type="application/json",
                )
            )
    # The page renders the same preview service: the target with the senior mentor.
    seen["preview page"] = _page(
        page.post(
            f"/matching/programs/{world.slug}/manual/preview/",
            {"mentee": world.mentee_ids[0], "mentor": world.mentor_ids[0]},
        )
    )
    for k in range(len(world.mentees)):
        response = world.clients[f"mentee{k}"].get(f"/api/programs/{world.slug}/mentors")
        seen[f"mentors for mentee{k}"] = (
            response.json() if response.status_code == 200 else (response.status_code)
        )
    for k in range(len(world.mentors)):
        seen[f"mentees for mentor{k}"] = _page(
            world.clients[f"mentor{k}"].get(f"/matching/programs/{world.slug}/mentees/")
        )
    return seen


def _without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Drop ids and times that differ between worlds for reasons of their own (a rolled-back
    sequence on PostgreSQL, the clock)."""
    return {k: v for k, v in row.items() if k not in keys}


def read_runs(world: World) -> dict[str, Any]:
    """Run each method as the manager and read what the run shows; then publish the last run
    and read what the participants are sent and shown."""
    api = world.clients["api"]
    runs: dict[str, Any] = {}
    for method in ("optimal", "stable", "greedy"):
        created = api.post(
            f"/api/programs/{world.slug}/runs", {"method": method}, content_type="application/json"
        )
        assert created.status_code == 201, created.content
        run = created.json()
        proposals = _json(api.get(f"/api/programs/{world.slug}/matches?status=proposed"))
        unmatched = _json(api.get(f"/api/runs/{run['id']}/unmatched"))
        runs[method] = {
            "run": _without(run, "id", "created_at", "finished_at"),
            "proposals": [_without(m, "id", "expires_at") for m in proposals],
            "unmatched": unmatched,
        }
    mail.outbox.clear()
    page = world.clients["page"]
    assert page.post(f"/matching/programs/{world.slug}/approve-all/").status_code == 302
    assert api.post(f"/api/programs/{world.slug}/publish").status_code == 200
    runs["published"] = {
        "mails": sorted((m.to[0], m.subject, m.body) for m in mail.outbox),
        "open": {
            k: [
                _without(m, "id", "expires_at")
                for m in _json(world.clients[f"mentee{k}"].get("/api/me/open-matches"))
            ]
            for k in range(len(world.mentees))
        },
    }
    return runs


def pairs_of(run_view: dict[str, Any]) -> set[tuple[int, int]]:
    return {(m["mentee_enrollment_id"], m["mentor_enrollment_id"]) for m in run_view["proposals"]}


# Two worlds -----------------------------------------------------------------------------


@contextmanager
def world_with(world: World, field_name: str, value: str) -> Iterator[None]:
    """The world where the target's `field_name` is `value`; rolled back on leaving."""
    with transaction.atomic():
        Demographics.objects.filter(person_id=world.target.person_id).update(**{field_name: value})
        try:
            yield
        finally:
            transaction.set_rollback(True)
            # A flash message waiting in a client's cookie belongs to the world that set it.
            for client in world.clients.values():
                client.cookies.pop("messages", None)


@dataclass
class Observation:
    status: int
    inclusion_after: Any
    before_runs: dict[str, Any]
    runs: dict[str, Any]
    objective_row: list[float] | None


def observe(world: World, field_name: str, value: str, attempt: Attempt) -> Observation:
    with world_with(world, field_name, value):
        status = attempt(world)
        world.program.refresh_from_db()
        inclusion_after = world.program.matching["options"].get("inclusion")
        before = read_before_runs(world)
        objective = objective_row(world)
        runs = read_runs(world)
    world.program.refresh_from_db()
    return Observation(status, inclusion_after, before, runs, objective)


def objective_row(world: World) -> list[float] | None:
    """What the solver maximises for the target mentee (never shown to anyone): used only to
    prove that the flip reaches the engine."""
    pool = program_pool(world.program)
    if pool.mentees is None or pool.mentors is None:
        return None
    model = ScoringModel(pool.mentees, pool.mentors, pool.rules)
    row = [m.enrollment_id for m in pool.mentee_members].index(world.mentee_ids[0])
    return [float(x) for x in model.block(row, row + 1)[0]]


def assert_same_run_view(a: dict[str, Any], b: dict[str, Any], seen_a: dict[str, Any]) -> None:
    """Runs may choose other pairs when the inclusion option is on; all they show must follow
    from the pairs they chose and the per-pair numbers that are the same in both worlds."""
    for method in ("optimal", "stable", "greedy"):
        view_a, view_b = a[method], b[method]
        if pairs_of(view_a) == pairs_of(view_b):
            assert view_a == view_b, method
        for view in (view_a, view_b):
            for m in view["proposals"]:
                preview = seen_a[f"preview {m['mentee_enrollment_id']}-{m['mentor_enrollment_id']}"]
                assert (m["score"], m["reasons"]) == (preview["score"], preview["reasons"])
            total = sum(m["score"] for m in view["proposals"])
            assert view["run"]["total_score"] == pytest.approx(total, abs=1e-3)
            assert view["run"]["upper_bound"] is None
    # The optimal method matches as many mentees as possible before any fit: that number
    # cannot depend on anyone's group.
    assert a["optimal"]["run"]["n_matched"] == b["optimal"]["run"]["n_matched"]
    if pairs_of(a["greedy"]) == pairs_of(b["greedy"]):
        assert a["published"] == b["published"]


CASES = [
    pytest.param(seed, field_name, values, hr_on, id=f"seed{seed}-{field_name}-{label}")
    for seed, field_name, values, hr_on, label in (
        (0, "gender", ("woman", "man"), False, "inclusion-off"),
        (1, "ethnicity", ("black", "white"), False, "inclusion-off"),
        (1, "gender", ("woman", "man"), True, "inclusion-on-by-hr"),
        (2, "ethnicity", ("black", "white"), True, "inclusion-on-by-hr"),
    )
]


@pytest.mark.parametrize(("seed", "field_name", "values", "hr_on"), CASES)
def test_no_manager_setting_reveals_one_mentees_demographics(
    seed: int, field_name: str, values: tuple[str, str], hr_on: bool
) -> None:
    world = build_world(seed)
    group = f"{field_name}:{values[0]}"
    if hr_on:
        hr_enable_inclusion(world, group)
    refused: list[str] = []
    before = inclusion_of(world.program.matching)
    for name, attempt, hr_only in ATTEMPTS:
        a = observe(world, field_name, values[0], attempt)
        b = observe(world, field_name, values[1], attempt)
        assert a.status == b.status, name
        assert a.before_runs == b.before_runs, f"{name}: a per-pair number moved with {field_name}"
        if hr_on:
            assert_same_run_view(a.runs, b.runs, a.before_runs)
        else:
            assert a.runs == b.runs, f"{name}: a run moved with {field_name}"
        if hr_only:
            # Refused (the API answers 403; the editor has no such fields for a manager), or a
            # no-op (switching off what is off): either way the option is as it was.
            assert inclusion_of({"options": {"inclusion": a.inclusion_after}}) == before, name
            if a.status == 403:
                refused.append(name)
    # Every API attempt that would have changed the option was refused.
    assert len(refused) >= 4
    if hr_on:
        # Non-vacuity: with the option on, the flip does reach what the solver maximises.
        a = observe(world, field_name, values[0], ATTEMPTS[0][1])
        b = observe(world, field_name, values[1], ATTEMPTS[0][1])
        assert a.objective_row != b.objective_row


def test_harness_detects_a_per_pair_number_that_includes_the_term() -> None:
    """Positive control: a per-pair number built as fit plus inclusion term (how the pair
    preview, the proposals and self-match scored pairs before issue 10) differs between the
    two worlds, so the comparison above would catch it."""
    world = build_world(3)
    hr_enable_inclusion(world, "gender:woman")
    seen = {}
    for value in ("woman", "man"):
        with world_with(world, "gender", value):
            row = objective_row(world)
            assert row is not None
            seen[value] = np.round(np.array(row), 4).tolist()
    assert seen["woman"] != seen["man"]
