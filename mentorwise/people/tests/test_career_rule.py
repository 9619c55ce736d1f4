"""The one career rule (people.career.career_steps) against a plain statement of it, for any
pair of before/after values (hypothesis), and its writes (corrections, cancellations)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_person
from mentorwise.people.career import Action, Career, career_record, career_steps
from mentorwise.people.models import CareerEvent

DAY = dt.date(2026, 6, 15)
levels = st.one_of(st.none(), st.integers(1, 10))
functions = st.sampled_from(["", "Finance", "Sales", "Engineering"])
kinds = st.sampled_from(["", "voluntary", "involuntary", "other", "unknown"])
dates = st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)))


@st.composite
def careers(draw: st.DrawFn) -> Career:
    day = draw(dates)
    return Career(draw(levels), draw(functions), day, draw(kinds) if day else "")


@given(before=careers(), after=careers())
def test_the_rule_says_what_changed(before: Career, after: Career) -> None:
    steps = career_steps(before, after, day=DAY)
    kinds_of = Counter((s.kind, s.action) for s in steps)
    record = Action.RECORD

    # Levels: up is exactly one promotion, down exactly one demotion, nothing else is either.
    both = before.job_level is not None and after.job_level is not None
    up = both and after.job_level > before.job_level  # type: ignore[operator]
    down = both and after.job_level < before.job_level  # type: ignore[operator]
    assert kinds_of[("promotion", record)] == (1 if up else 0)
    assert kinds_of[("demotion", record)] == (1 if down else 0)
    if up or down:
        (step,) = [s for s in steps if s.kind in ("promotion", "demotion")]
        assert (step.from_level, step.to_level, step.date) == (
            before.job_level,
            after.job_level,
            DAY,
        )

    # A move is between two named functions.
    moved = bool(before.function) and bool(after.function) and before.function != after.function
    assert kinds_of[("internal_move", record)] == (1 if moved else 0)

    # Terminations: appearing records one, on its own day, with its kind (unknown if none).
    appears = before.termination_date is None and after.termination_date is not None
    assert kinds_of[("termination", record)] == (1 if appears else 0)
    for step in steps:
        if step.kind == "termination" and step.action is not Action.CANCEL:
            assert step.date == after.termination_date
            assert step.termination_kind == (after.termination_kind or "unknown")
    changed = before.termination_date is not None and after.termination_date is not None
    different = changed and (
        before.termination_date != after.termination_date
        or (before.termination_kind or "unknown") != (after.termination_kind or "unknown")
    )
    assert kinds_of[("termination", Action.CORRECT)] == (1 if different else 0)

    # Cleared: a rehire if they had left by the day of the change, otherwise it never happened.
    cleared = before.termination_date is not None and after.termination_date is None
    had_left = cleared and before.termination_date < DAY  # type: ignore[operator]
    assert kinds_of[("rehire", record)] == (1 if had_left else 0)
    assert kinds_of[("termination", Action.CANCEL)] == (1 if cleared and not had_left else 0)

    assert len(steps) <= 3


@given(after=careers())
def test_no_change_records_nothing_and_a_new_person_only_a_termination(after: Career) -> None:
    assert career_steps(after, after, day=DAY) == []
    steps = career_steps(None, after, day=DAY)
    assert [s.kind for s in steps] == (["termination"] if after.termination_date else [])


@pytest.mark.django_db
def test_corrections_and_cancellations_touch_the_latest_termination() -> None:
    person = make_person()
    active = Career.of(person)
    left = Career(4, "Finance", dt.date(2026, 6, 30), "")
    career_record(person.pk, active, left, day=DAY, source="test")
    corrected = Career(4, "Finance", dt.date(2026, 6, 20), "voluntary")
    career_record(person.pk, left, corrected, day=DAY, source="test")
    events = list(
        CareerEvent.objects.filter(person=person).values_list("kind", "date", "termination_kind")
    )
    assert events == [("termination", dt.date(2026, 6, 20), "voluntary")]
    # Called off before its day: it never happened.
    career_record(person.pk, corrected, active, day=DAY, source="test")
    assert not CareerEvent.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_a_correction_without_an_event_records_the_termination() -> None:
    # Someone terminated before events were kept (no backfill row): the correction records it.
    person = make_person()
    before = Career(4, "Finance", dt.date(2025, 1, 31), "unknown")
    after = Career(4, "Finance", dt.date(2025, 1, 31), "voluntary")
    career_record(person.pk, before, after, day=DAY, source="test")
    assert list(CareerEvent.objects.values_list("kind", "termination_kind")) == [
        ("termination", "voluntary")
    ]


@pytest.mark.django_db
def test_the_migration_gives_each_terminated_person_their_termination() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "mentorwise.people.migrations.0012_career_event_termination"
    )
    left = make_person(termination_date=dt.date(2024, 5, 31), termination_kind="voluntary")
    unknown = make_person(termination_date=dt.date(2025, 1, 15), termination_kind="")
    make_person()  # employed: nothing
    migration.backfill_terminations(apps, None)
    rows = set(CareerEvent.objects.values_list("person_id", "kind", "date", "termination_kind"))
    assert rows == {
        (left.pk, "termination", dt.date(2024, 5, 31), "voluntary"),
        (unknown.pk, "termination", dt.date(2025, 1, 15), "unknown"),
    }
    assert set(CareerEvent.objects.values_list("source", flat=True)) == {"migration"}
