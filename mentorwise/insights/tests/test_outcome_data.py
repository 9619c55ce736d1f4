"""The cohort read from the database, pinned on a hand-built data set, and the DB path end to end.

The hand-built program started on 1 Jan 2024 and is followed up to 1 Jan 2025 (366 days). Its
mentee rule admits job levels 3–5 outside Legal in the "Pin" department. Each person below
tests one rule of the cohort definition (see outcome_data's docstring).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import make_person
from mentorwise.insights.outcome_data import NoCohort, cohort_data
from mentorwise.insights.outcome_sim import SECOND_YEAR_RETENTION, simulate
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.people.models import CareerEvent, Person
from mentorwise.programs.models import Enrollment, Program, ProgramKind, ProgramStatus
from mentorwise.relationships.models import Relationship, RelationshipStatus

START = dt.date(2024, 1, 1)
_ROW_FIELDS = (
    "person_id", "treated", "trial", "time_zero", "job_level", "function", "location",
    "tenure_years", "is_manager", "high_potential", "exit_days", "exited", "exited_unknown",
    "censor_days", "promotion_12m", "promotion_day", "internal_move_12m", "move_day",
)  # fmt: skip
AS_OF = dt.date(2025, 1, 1)


def _program(slug: str = "pin-2024", kind: str = ProgramKind.MENTORING) -> Program:
    return Program.objects.create(
        slug=slug,
        name="Pin 2024",
        kind=kind,
        status=ProgramStatus.CLOSED,
        objectives="Test",
        start_date=START,
        end_date=dt.date(2024, 12, 31),
        eligibility={
            "mentee": {
                "level_min": 3,
                "level_max": 5,
                "exclude_functions": ["Legal"],
                "departments": ["Pin"],
            },
            "mentor": {},
        },
    )


def _pair(
    program: Program, person: Person, mentor: Enrollment, day: dt.date = START
) -> Relationship:
    mentee = Enrollment.objects.create(program=program, person=person, role="mentee")
    match = Match.objects.create(
        program=program, mentee=mentee, mentor=mentor, status=MatchStatus.ENDED
    )
    return Relationship.objects.create(
        match=match,
        program=program,
        mentee=mentee,
        mentor=mentor,
        status=RelationshipStatus.CLOSED,
        started_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
    )


def _event(person: Person, kind: str, day: dt.date, **fields: object) -> None:
    CareerEvent.objects.create(person=person, kind=kind, date=day, source="import", **fields)


@pytest.fixture
def pinned(db: None) -> dict[str, Person]:
    program = _program()
    pin = {"department": "Pin", "hire_date": dt.date(2020, 1, 1), "function": "Finance"}
    mentor_person = make_person(department="Mentors", job_level=8)
    mentor = Enrollment.objects.create(program=program, person=mentor_person, role="mentor")
    people = {
        # Participant, promoted 4 -> 5 in June, left voluntarily on 1 Sep.
        "p1": make_person(
            **pin,
            job_level=5,
            is_high_potential=True,
            termination_date=dt.date(2024, 9, 1),
            termination_kind="voluntary",
        ),
        # Participant, manager since before the start, moved from Sales to Marketing in March.
        "p2": make_person(
            **{**pin, "function": "Marketing"},
            job_level=3,
            manager_since=dt.date(2023, 6, 1),
            location="London",
        ),
        # Comparison: level 6 today but 5 on the start date; let go in December (censored).
        "c1": make_person(
            **pin,
            job_level=6,
            termination_date=dt.date(2024, 12, 1),
            termination_kind="involuntary",
        ),
        # Not comparable: Legal is excluded.
        "legal": make_person(**{**pin, "function": "Legal"}, job_level=3),
        # Not comparable: level 2 on the start date (promoted to 4 since).
        "junior": make_person(**pin, job_level=4),
        # Not comparable: hired after the start.
        "late": make_person(**{**pin, "hire_date": dt.date(2024, 3, 1)}, job_level=4),
        # Not comparable: gone before the start.
        "gone": make_person(
            **pin,
            job_level=4,
            termination_date=dt.date(2023, 12, 1),
            termination_kind="voluntary",
        ),
        # Neither: enrolled but never in a relationship.
        "unmatched": make_person(**pin, job_level=4),
        # Comparison: became a manager after the start (manager_since alone makes nobody a
        # manager); leaves voluntarily after follow-up.
        "c2": make_person(
            **pin,
            job_level=4,
            manager_since=dt.date(2024, 5, 1),
            termination_date=dt.date(2025, 3, 1),
            termination_kind="voluntary",
        ),
        # Left out: job level unknown.
        "unknown": make_person(**pin, job_level=None),
        # Not comparable: another department.
        "elsewhere": make_person(**{**pin, "department": "Sales"}, job_level=4),
    }
    _pair(program, people["p1"], mentor)
    _pair(program, people["p2"], mentor)
    # p2 manages someone (a manager is someone with active direct reports, as in eligibility).
    make_person(manager=people["p2"], department="Reports", hire_date=dt.date(2022, 1, 1))
    Enrollment.objects.create(program=program, person=people["unmatched"], role="mentee")
    _event(people["p1"], "promotion", dt.date(2024, 6, 1), from_level=4, to_level=5)
    _event(people["p2"], "internal_move", dt.date(2024, 3, 1), from_function="Sales",
           to_function="Marketing")  # fmt: skip
    _event(people["c1"], "promotion", dt.date(2024, 5, 1), from_level=5, to_level=6)
    _event(people["junior"], "promotion", dt.date(2024, 2, 1), from_level=2, to_level=3)
    _event(people["junior"], "promotion", dt.date(2024, 8, 1), from_level=3, to_level=4)
    # Before the start: does not change the start-date level, nor count as an outcome.
    _event(people["c2"], "promotion", dt.date(2023, 7, 1), from_level=3, to_level=4)
    return people


def test_cohort_has_exactly_the_participants_and_comparable_people(
    pinned: dict[str, Person],
) -> None:
    data = cohort_data(program=Program.objects.get(slug="pin-2024"), as_of=AS_OF)
    # Enrolled but not matched: on the start date they had not joined, so they are comparable.
    order = ["p1", "p2", "c1", "unmatched", "c2"]
    assert data.person_id.tolist() == [pinned[k].pk for k in order]
    assert data.treated.tolist() == [True, True, False, False, False]
    assert data.excluded_unknown == 1
    assert (data.n_participants, data.n_comparison) == (2, 3)
    assert [(t.month, t.start, t.participants, t.comparison) for t in data.trials] == [
        (0, START, 2, 3)
    ]


def test_covariates_are_those_of_the_start_date(pinned: dict[str, Person]) -> None:
    data = cohort_data(program=Program.objects.get(slug="pin-2024"), as_of=AS_OF)
    assert data.job_level.tolist() == [4, 3, 5, 4, 4]
    assert data.function.tolist() == ["Finance", "Sales", "Finance", "Finance", "Finance"]
    assert data.location.tolist() == ["Berlin", "London", "Berlin", "Berlin", "Berlin"]
    assert data.is_manager.tolist() == [False, True, False, False, False]
    assert data.high_potential.tolist() == [True, False, False, False, False]
    # 2020-01-01 to 2024-01-01 is 1461 days.
    assert data.tenure_years.tolist() == [4.0, 4.0, 4.0, 4.0, 4.0]


def test_outcomes_are_read_with_censoring(pinned: dict[str, Person]) -> None:
    data = cohort_data(program=Program.objects.get(slug="pin-2024"), as_of=AS_OF)
    assert data.follow_up_days == 366
    # p1 left voluntarily after 244 days; c1's involuntary exit censors at 335; the others are
    # censored at the end of follow-up (c2 leaves after it).
    assert data.exit_days.tolist() == [244.0, 366.0, 335.0, 366.0, 366.0]
    assert data.exited.tolist() == [True, False, False, False, False]
    assert data.exited_unknown.tolist() == [False] * 5
    assert data.promotion_12m.tolist() == [1, 0, 1, 0, 0]
    assert data.internal_move_12m.tolist() == [0, 1, 0, 0, 0]
    assert data.team_retention_12m is None


def test_first_time_manager_program_reads_team_retention(pinned: dict[str, Person]) -> None:
    program = Program.objects.get(slug="pin-2024")
    Program.objects.filter(pk=program.pk).update(kind=ProgramKind.FIRST_TIME_MANAGER)
    program.refresh_from_db()
    manager = pinned["p2"]
    for kind in ("voluntary", "involuntary", "", ""):
        make_person(
            manager=manager,
            hire_date=dt.date(2022, 1, 1),
            termination_date=dt.date(2024, 6, 1) if kind else None,
            termination_kind=kind,
        )
    make_person(manager=manager, hire_date=dt.date(2024, 2, 1))  # joined after the start
    data = cohort_data(program=program, as_of=AS_OF)
    assert data.team_retention_12m is not None
    team = data.team_retention_12m.tolist()
    assert team[1] == pytest.approx(0.8)  # one voluntary leaver of five reports
    assert np.isnan(team[0]) and np.isnan(team[2]) and np.isnan(team[3]) and np.isnan(team[4])


def test_no_start_date_or_future_start_is_said_in_words(db: None) -> None:
    program = _program()
    with pytest.raises(NoCohort, match="starts on 1 January 2024"):
        cohort_data(program=program, as_of=dt.date(2023, 12, 1))
    program.start_date = None
    with pytest.raises(NoCohort, match="no start date"):
        cohort_data(program=program, as_of=AS_OF)


def test_tiny_cohort_gets_naive_figures_and_a_reason_instead_of_an_adjusted_one(
    pinned: dict[str, Person],
) -> None:
    out = io.StringIO()
    call_command("insights", "outcomes", "pin-2024", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    retention = payload["retention_12m"]
    assert retention["adjusted"] is None
    assert "Too few people" in retention["reason"]
    assert payload["n_participants"] == 2 and payload["n_comparison"] == 3


# ------------------------------------------------------------------------------------------
# simulate-outcomes -> the database -> the estimates


def test_database_path_reproduces_the_simulation_and_recovers_planted_effects(
    db: None,
) -> None:
    args = {
        "people": 3000,
        "retention_effect": 0.05,
        "promotion_effect": 0.08,
        "selection_bias": 1.2,
        "seed": 5,
    }
    call_command("simulate_outcomes", program="sim-5", verbosity=0, **args)
    program = Program.objects.get(slug="sim-5")
    data = cohort_data(program=program)
    # One trial (every relationship started on the start date), one row per person.
    assert len(data.trials) == 1 and len(np.unique(data.person_id)) == len(data.person_id)
    order = np.argsort(data.person_id)
    data = replace(data, **{f: getattr(data, f)[order] for f in _ROW_FIELDS})
    sim = simulate(
        3000, retention_effect=0.05, promotion_effect=0.08, selection_bias=1.2, seed=5
    ).cohort
    # What was written and read back is the simulated cohort, person by person.
    assert np.array_equal(data.treated, np.asarray(sim.treated))
    assert np.array_equal(data.job_level, np.asarray(sim.job_level))
    assert np.array_equal(data.function, np.asarray(sim.function).astype(str))
    assert np.array_equal(data.is_manager, np.asarray(sim.is_manager))
    assert np.array_equal(data.exited, np.asarray(sim.exited))
    assert np.abs(data.exit_days - np.asarray(sim.exit_days)).max() <= 1
    assert np.array_equal(data.promotion_12m, np.asarray(sim.outcomes["promotion_12m"]))
    assert np.abs(data.tenure_years - np.asarray(sim.tenure_years)).max() < 0.01

    out = io.StringIO()
    call_command("insights", "outcomes", "sim-5", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    planted = {"retention_12m": 0.05, "promotion_12m": 0.08}
    planted["retention_24m"] = 0.05 * SECOND_YEAR_RETENTION
    for name, truth in planted.items():
        value = payload[name]
        assert set(value) >= {"naive", "adjusted", "n_participants", "n_comparison"}
        low, high = value["adjusted"]["ci95"]
        assert low <= truth <= high, (name, value["adjusted"])
        assert value["naive"]["estimate"] - truth > value["adjusted"]["estimate"] - truth
    assert payload["n_participants"] == int(np.asarray(sim.treated).sum())
    assert payload["n_participants"] + payload["n_comparison"] == 3000
    assert len(payload["retention_curve"]) == 25
    assert max(abs(b["smd_after"]) for b in payload["balance"]) <= 0.1


def test_simulate_outcomes_refuses_bad_values_and_writes_nothing(db: None) -> None:
    _program(slug="taken")
    before = (Program.objects.count(), Person.objects.count())
    with pytest.raises(CommandError) as refused:
        call_command(
            "simulate_outcomes",
            program="taken",
            people=10,
            retention_effect=0.5,
            promotion_effect=0.08,
            selection_bias=1,
            verbosity=0,
        )
    message = str(refused.value)
    assert "--program taken: A program with this slug exists" in message
    assert "--people 10: Must be between 100 and 500,000." in message
    assert "--retention-effect 0.5: Must be in [-0.55, 0.12]." in message
    with pytest.raises(CommandError, match="--start"):
        call_command(
            "simulate_outcomes",
            "--program=new",
            "--retention-effect=0",
            "--promotion-effect=0",
            "--start=2999-01-01",
            verbosity=0,
        )
    assert (Program.objects.count(), Person.objects.count()) == before


def test_insights_outcomes_names_an_unknown_program(db: None) -> None:
    with pytest.raises(CommandError, match="No program with slug 'nope'"):
        call_command("insights", "outcomes", "nope")


# ------------------------------------------------------------------------------------------
# Time zero: sequential monthly trials


@pytest.fixture
def staggered(db: None) -> dict[str, Person]:
    """Relationships that start in January and in March; see each person's comment."""
    program = _program(slug="stag-2024")
    pin = {"department": "Pin", "hire_date": dt.date(2020, 1, 1), "function": "Finance"}
    mentor = Enrollment.objects.create(
        program=program, person=make_person(department="Mentors", job_level=8), role="mentor"
    )
    people = {
        # Starts on 10 January: trial 0, followed from 10 January.
        "jan": make_person(**pin, job_level=4),
        # Starts on 15 March: a comparison row in January (censored on 15 March), a
        # participant of the March trial, followed from 15 March.
        "mar": make_person(**pin, job_level=4),
        # Never joins; left voluntarily on 20 February: comparison in January only.
        "left": make_person(
            **pin, job_level=4, termination_date=dt.date(2024, 2, 20), termination_kind="voluntary"
        ),
        # Never joins; left on 1 June with no kind given: an exit of unknown kind.
        "vague": make_person(
            **pin, job_level=4, termination_date=dt.date(2024, 6, 1), termination_kind="unknown"
        ),
        # Demoted from 5 to 4 in February (an import recorded it): level 5 in January, 4 in
        # March, though today's value is 4.
        "demoted": make_person(**pin, job_level=4),
    }
    _pair(program, people["jan"], mentor, dt.date(2024, 1, 10))
    _pair(program, people["mar"], mentor, dt.date(2024, 3, 15))
    _event(people["demoted"], "demotion", dt.date(2024, 2, 1), from_level=5, to_level=4)
    return people


def _rows_of(data: object, person: Person) -> dict[int, dict[str, object]]:
    out = {}
    for i in np.flatnonzero(data.person_id == person.pk):  # type: ignore[attr-defined]
        out[int(data.trial[i])] = {  # type: ignore[attr-defined]
            f: getattr(data, f)[i].item() if hasattr(getattr(data, f)[i], "item") else None
            for f in ("treated", "time_zero", "exit_days", "exited", "exited_unknown",
                      "censor_days", "job_level")
        }  # fmt: skip
    return out


def test_each_participant_is_followed_from_their_own_start(staggered: dict[str, Person]) -> None:
    data = cohort_data(program=Program.objects.get(slug="stag-2024"), as_of=AS_OF)
    assert [(t.month, t.start) for t in data.trials] == [
        (0, dt.date(2024, 1, 1)),
        (2, dt.date(2024, 3, 1)),
    ]
    jan = _rows_of(data, staggered["jan"])
    assert jan.keys() == {0}
    assert jan[0]["treated"] and jan[0]["time_zero"] == 9  # 10 January
    assert jan[0]["exit_days"] == 366 - 9  # followed from its start to the end
    mar = _rows_of(data, staggered["mar"])
    assert mar[2]["treated"] and mar[2]["time_zero"] == 74  # 15 March
    # In January, before joining, a comparison row, censored on the day it started.
    assert not mar[0]["treated"]
    assert mar[0]["time_zero"] == 9  # the January participants' start day
    assert mar[0]["censor_days"] == 74 - 9
    assert mar[0]["exit_days"] == 74 - 9 and not mar[0]["exited"]


def test_nobody_is_compared_after_they_left(staggered: dict[str, Person]) -> None:
    data = cohort_data(program=Program.objects.get(slug="stag-2024"), as_of=AS_OF)
    left = _rows_of(data, staggered["left"])
    assert left.keys() == {0}  # gone before the March trial
    assert left[0]["exited"] and left[0]["exit_days"] == 50 - 9  # 20 February from 10 January


def test_exits_of_unknown_kind_and_demotions_are_read(staggered: dict[str, Person]) -> None:
    data = cohort_data(program=Program.objects.get(slug="stag-2024"), as_of=AS_OF)
    vague = _rows_of(data, staggered["vague"])
    assert all(r["exited_unknown"] and not r["exited"] for r in vague.values())
    assert data.unknown_exits == 1
    demoted = _rows_of(data, staggered["demoted"])
    assert demoted[0]["job_level"] == 5 and demoted[2]["job_level"] == 4
