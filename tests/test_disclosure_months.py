"""Two consecutive monthly releases, attacked together.

The attacker of `tests.attacker_releases` reads last month's release and this month's, and
knows that one person changed in between (every count moved by at most 1). It must not prove
that any count moved (which would say where the changed person belongs), recover a hidden
count, or narrow or prove non-empty a small count hidden in both months.

1. Random tables (hypothesis): a table and the same table after one person is added,
   removed or moved, protected in sequence (`protect_release` with the first's record).
2. A seeded organisation with rare groups (`tests.test_disclosure_org._seed`): the equity
   release of month m, then one enrollment, one withdrawal or one HRIS change (a move to
   another location), then the release of month m + 1, both read as the HR admin's CSV.
   Without the joint protection (month m + 1 protected on its own, as before) the attacker
   finds the changed person's groups; with it, nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any
from unittest import mock

import numpy as np
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorwise.disclosure import ReleaseRecord, carried_levels, protect_release
from mentorwise.disclosure.protect import table_system
from mentorwise.insights.equity import ProgramEquity, program_equity
from mentorwise.insights.equity_display import equity_csv
from mentorwise.insights.equity_groups import SIDES
from mentorwise.insights.equity_release import released_equity
from mentorwise.programs.models import Enrollment, EnrollmentStatus
from tests.attacker import equity_attack_model, table_sums, table_truth
from tests.attacker_releases import judge_pair
from tests.test_disclosure_org import _seed, _truth

K = 5

counts = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40))
tables = st.integers(2, 4).flatmap(
    lambda rows: st.integers(2, 4).flatmap(
        lambda columns: st.lists(
            st.lists(counts, min_size=columns, max_size=columns), min_size=rows, max_size=rows
        )
    )
)
changes = st.tuples(
    st.sampled_from(("add", "remove", "move")), st.integers(0, 15), st.integers(0, 15)
)


def _changed(table: list[list[int]], change: tuple[str, int, int]) -> list[list[int]]:
    """``table`` after one person was added, removed or moved between two cells."""
    kind, first, second = change
    after = np.asarray(table, dtype=np.int64).copy()
    cells = [(i, j) for i in range(after.shape[0]) for j in range(after.shape[1])]
    source, target = cells[first % len(cells)], cells[second % len(cells)]
    if kind == "add":
        after[target] += 1
    elif after[source] > 0:
        after[source] -= 1
        if kind == "move":
            after[target] += 1
    return after.tolist()


def _published(truth: dict[str, int], hidden: frozenset[str]) -> dict[str, int | None]:
    return {name: None if name in hidden else value for name, value in truth.items()}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, changes)
def test_two_releases_of_a_table_give_nothing_away(
    table: list[list[int]], change: tuple[str, int, int]
) -> None:
    after = _changed(table, change)
    first_system, rows, columns = table_system(table)
    first = protect_release(first_system, k=K)
    second = protect_release(table_system(after)[0], k=K, previous=first)
    truths = (table_truth(table), table_truth(after))
    sums = table_sums(rows, columns)
    findings, changed = judge_pair(
        _published(truths[0], first.hidden),
        sums,
        _published(truths[1], second.hidden),
        sums,
        truths,
        K,
    )
    assert changed == [], (table, after, sorted(first.hidden), sorted(second.hidden))
    assert findings.total == 0, (table, after, findings)


def test_a_count_that_moved_by_one_gets_levels_around_both_values() -> None:
    previous = ReleaseRecord(
        values={"a": 12, "b": 3, "c": 40, "d": 7},
        hidden=frozenset({"b"}),
        sensitive=frozenset({"b"}),
    )
    levels = carried_levels({"a": 13, "b": 3, "c": 45, "d": 7, "new": 2}, previous, K)
    # a moved by 1: hidden, its interval must hold 12 and 13 and be k wide; b was protected
    # and has not moved by k: still (0, k); c moved by k and d not at all: nothing owed.
    assert levels == {"a": (12, 17), "b": (0, 5)}


def test_a_release_record_survives_json() -> None:
    record = ReleaseRecord(values={"a": 1}, hidden=frozenset({"a"}), sensitive=frozenset({"a"}))
    assert ReleaseRecord.from_json(record.as_json()) == record


# The seeded organisation ------------------------------------------------------------------


def _enroll_one(seeded: dict[str, Any]) -> None:
    """One of the men at level 5 in Sales (25, of whom 12 enrolled) enrolls."""
    program = seeded["program"]
    enrolled = Enrollment.objects.filter(program=program).values_list("person_id", flat=True)
    from mentorwise.people.models import Person

    person = Person.objects.filter(job_level=5, function="Sales").exclude(pk__in=enrolled)[0]
    Enrollment.objects.create(
        program=program, person=person, role="mentee", status=EnrollmentStatus.ACTIVE
    )


def _withdraw_one(seeded: dict[str, Any]) -> None:
    """The only person at level 9 withdraws."""
    Enrollment.objects.filter(program=seeded["program"], person=seeded["senior"]).update(
        status=EnrollmentStatus.WITHDRAWN
    )


def _move_one(seeded: dict[str, Any]) -> None:
    """One of the five enrolled people in Oslo moves to Berlin (an HRIS change)."""
    person = seeded["oslo"][-1]
    person.location = "Berlin"
    person.save(update_fields=["location"])


def _rows(results: list[ProgramEquity], side: str) -> list[dict[str, str]]:
    rows = csv.DictReader(io.StringIO(equity_csv(results)))
    return [row for row in rows if row["side"] == side]


def _attack(
    seeded: dict[str, Any], change: Callable[[dict[str, Any]], None], joint: bool
) -> tuple[int, list[str]]:
    """Release month m, change one person, release month m + 1 (jointly with month m, or on
    its own as before); attack both months together. Returns the findings and the counts
    proved to have moved."""
    program = seeded["program"]
    now = timezone.now()
    later = now + dt.timedelta(days=32)
    first = [released_equity(program=program, side=side) for side in SIDES]
    truths = {side: _truth(program, side) for side in SIDES}
    change(seeded)
    with mock.patch("mentorwise.insights.equity_release.timezone.now", return_value=later):
        if joint:
            second = [released_equity(program=program, side=side) for side in SIDES]
        else:
            second = [program_equity(program=program, side=side, as_of=later) for side in SIDES]
    total, moved = 0, []
    for side in SIDES:
        before = equity_attack_model(_rows(first, side))
        after = equity_attack_model(_rows(second, side))
        truth = (truths[side], _truth(program, side))
        findings, changed = judge_pair(*before, *after, truth, K)
        total += findings.total
        moved += [f"{side}:{name}" for name in changed]
    return total, moved


CHANGES = {"one enrollment": _enroll_one, "one withdrawal": _withdraw_one, "one move": _move_one}


@pytest.mark.django_db
@pytest.mark.parametrize("name", CHANGES)
def test_two_monthly_equity_releases_do_not_tell_who_changed(name: str) -> None:
    findings, moved = _attack(_seed(slug=name.replace(" ", "-")), CHANGES[name], joint=True)
    assert (findings, moved) == (0, []), moved


@pytest.mark.django_db
def test_without_the_joint_protection_the_attacker_finds_the_enrollment() -> None:
    """The attacker is not toothless: month m + 1 protected on its own (as before) gives the
    new mentee's groups away."""
    _, moved = _attack(_seed(slug="alone"), _enroll_one, joint=False)
    # e.g. Berlin's enrolled mentees went up by one: the new mentee works in Berlin.
    assert "mentee:location:Berlin:enrolled" in moved, moved
