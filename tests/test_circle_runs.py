"""Circle matching runs end to end (pool -> problem -> solver -> review -> publish -> circles)
and hypothesis invariants on the integration: every formed circle within the program's sizes,
nobody in two circles, never two members of one management chain together, never a member
with a facilitator the pair rules forbid (chain, veto, forbidden pair)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_person, make_user
from mentorwise.circles.models import CircleMembership, CircleRole, CircleRun, CircleRunStatus
from mentorwise.circles.runs import circle_run_create, circle_run_publish
from mentorwise.circles.tests.factories import enroll, group_program
from mentorwise.core.errors import Conflict, Forbidden
from mentorwise.matches.models import ForbiddenPair, Preference, PreferenceKind
from mentorwise.programs.models import Program

_EXAMPLE = 0


def _configure(program: Program, low: int, high: int, objective: str) -> None:
    options = {
        **program.matching.get("options", {}),
        "circle_min_size": low,
        "circle_max_size": high,
        "circle_objective": objective,
        "circle_attribute": "function",
        "chain_exclusion_depth": None,
    }
    Program.objects.filter(pk=program.pk).update(matching={**program.matching, "options": options})
    program.refresh_from_db()


def _check_invariants(program: Program, low: int, high: int) -> None:
    places = list(
        CircleMembership.objects.filter(circle__program=program, left_at__isnull=True)
        .select_related("enrollment__person")
        .order_by("pk")
    )
    members = [p for p in places if p.role == CircleRole.MEMBER]
    ids = [p.enrollment_id for p in members]
    assert len(ids) == len(set(ids)), "someone is in two circles"
    by_circle: dict[int, list[Any]] = {}
    for p in places:
        by_circle.setdefault(p.circle_id, []).append(p)
    forbidden = set(ForbiddenPair.objects.values_list("mentee_id", "mentor_id"))
    vetoes = set(
        Preference.objects.filter(kind=PreferenceKind.VETO).values_list("enrollment_id", "other_id")
    )
    for circle_places in by_circle.values():
        inside = [p for p in circle_places if p.role == CircleRole.MEMBER]
        leads = [p for p in circle_places if p.role == CircleRole.FACILITATOR]
        assert low <= len(inside) <= high
        assert 1 <= len(leads) <= 2
        people = [p.enrollment.person for p in circle_places]
        for a, b in itertools.combinations(people, 2):  # no management chain inside a circle
            assert a.pk not in b.ancestor_ids and b.pk not in a.ancestor_ids
        for m, f in itertools.product(inside, leads):
            assert (m.enrollment_id, f.enrollment_id) not in forbidden
            assert (m.enrollment_id, f.enrollment_id) not in vetoes
            assert (f.enrollment_id, m.enrollment_id) not in vetoes


@pytest.mark.django_db
def test_a_run_proposes_circles_with_bound_gap_and_reasons_and_publishing_forms_them(
    hr_admin: Any, program_manager_user: Any, outsider: Any
) -> None:
    program = group_program(hr_admin, program_manager_user)
    _configure(program, 3, 5, "diversity")
    leads = [enroll(program, "mentor", job_level=8, function=f) for f in ("Sales", "IT")]
    functions = ["Sales", "IT", "Finance", "Legal"] * 3
    members = [enroll(program, "mentee", function=f) for f in functions[:9]]
    with pytest.raises(Forbidden):
        circle_run_create(actor=outsider, program=program)
    run = circle_run_create(actor=program_manager_user, program=program)
    assert run.status == CircleRunStatus.DONE, run.error
    assert run.n_members == 9 and run.n_assigned == 9
    assert run.bound is not None and run.objective_value is not None and run.gap is not None
    assert run.objective_value <= run.bound + 1e-6
    assert set(run.result["reasons"]) == {str(m.pk) for m in members}
    assert all(text.startswith("Joins the circle of") for text in run.result["reasons"].values())
    formed = circle_run_publish(actor=program_manager_user, run=run)
    assert formed == 2
    _check_invariants(program, 3, 5)
    with pytest.raises(Conflict):
        circle_run_publish(actor=program_manager_user, run=run)
    # Everyone is placed: the next run has nobody to place.
    again = circle_run_create(actor=program_manager_user, program=program)
    assert again.n_members == 0 and again.n_assigned == 0
    assert {r.status for r in CircleRun.objects.all()} == {"published", "done"}
    assert leads  # facilitators facilitate their circle
    assert CircleMembership.objects.filter(role=CircleRole.FACILITATOR).count() == 2


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    n_members=st.integers(3, 14),
    n_leads=st.integers(1, 4),
    low=st.integers(3, 4),
    extra=st.integers(0, 3),
    objective=st.sampled_from(["diversity", "similarity"]),
    chains=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=6),
    forbids=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 3)), max_size=4),
    seed=st.integers(0, 10_000),
)
@pytest.mark.django_db
def test_published_circles_keep_sizes_single_membership_and_the_hard_rules(
    hr_admin: Any,
    n_members: int,
    n_leads: int,
    low: int,
    extra: int,
    objective: str,
    chains: list[tuple[int, int]],
    forbids: list[tuple[int, int]],
    seed: int,
) -> None:
    global _EXAMPLE
    _EXAMPLE += 1
    program = group_program(hr_admin, slug=f"circles-h{_EXAMPLE}")
    _configure(program, low, low + extra, objective)
    leads = [enroll(program, "mentor", job_level=8) for _ in range(n_leads)]
    people = [make_person(function=["Sales", "IT", "HR"][i % 3]) for i in range(n_members)]
    for boss, report in chains:  # a management chain among members
        if boss < n_members and report < n_members and boss < report:
            above = people[boss]
            people[report].manager = above
            people[report].path = f"{above.path}{above.pk}/" if above.path else f"/{above.pk}/"
            people[report].save(update_fields=["manager", "path"])
    members = [enroll(program, "mentee", person=p) for p in people]
    for m, f in forbids:
        if m < n_members and f < n_leads:
            ForbiddenPair.objects.get_or_create(program=program, mentee=members[m], mentor=leads[f])
    manager = make_user(make_person())
    program.managers.add(manager)
    run = circle_run_create(actor=manager, program=program)
    assert run.status == CircleRunStatus.DONE, run.error
    assert len(run.result["reasons"]) == n_members
    circle_run_publish(actor=manager, run=run)
    _check_invariants(program, max(3, low), low + extra)


@pytest.mark.django_db
def test_the_command_runs_and_publishes_and_names_a_bad_slug(hr_admin: Any) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    program = group_program(hr_admin, slug="circles-cli")
    enroll(program, "mentor", job_level=8)
    for _ in range(4):
        enroll(program, "mentee")
    out = StringIO()
    call_command("circle_run", program.slug, "--publish", stdout=out)
    assert "4 of 4 members placed in 1 circles" in out.getvalue()
    assert "1 circles formed." in out.getvalue()
    assert program.circles.count() == 1
    with pytest.raises(CommandError, match="no-such-program"):
        call_command("circle_run", "no-such-program")


@pytest.mark.django_db
def test_a_group_program_forms_circles_not_pairs(hr_admin: Any) -> None:
    from mentorwise.matches.models import MatchingRun
    from mentorwise.matches.services import run_create

    program = group_program(hr_admin, slug="circles-no-pairs")
    with pytest.raises(Conflict) as refused:
        run_create(actor=hr_admin, program=program)
    assert refused.value.code == "group_program_forms_circles"
    assert not MatchingRun.objects.exists()
