"""The journey's date rules against dateutil, over many random starts and offsets."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from dateutil.relativedelta import relativedelta

from mentorwise.journeys.progress import (
    ON_TIME_GRACE_DAYS,
    State,
    Tally,
    add_offset,
    done_on_time,
    step_applies,
    step_state,
)

UTC = dt.UTC


@pytest.mark.parametrize("seed", range(5))
def test_offsets_agree_with_dateutil(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(2000):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        unit = rng.choice(["days", "weeks", "months"])
        value = rng.randrange(0, 40)
        assert add_offset(start, value, unit) == start + relativedelta(**{unit: value})


def test_month_ends_are_clamped() -> None:
    assert add_offset(dt.date(2027, 1, 31), 1, "months") == dt.date(2027, 2, 28)
    assert add_offset(dt.date(2028, 1, 31), 1, "months") == dt.date(2028, 2, 29)
    assert add_offset(dt.date(2027, 11, 30), 3, "months") == dt.date(2028, 2, 29)


def test_a_step_added_later_applies_only_where_its_date_is_ahead() -> None:
    added = dt.datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
    assert step_applies(due=dt.date(2027, 3, 10), added_at=added)
    assert step_applies(due=dt.date(2027, 4, 1), added_at=added)
    assert not step_applies(due=dt.date(2027, 3, 9), added_at=added)
    assert step_applies(due=dt.date(2000, 1, 1), added_at=None)  # copied with the journey


def test_states_and_on_time_around_the_grace_period() -> None:
    due = dt.date(2027, 5, 3)
    last = due + dt.timedelta(days=ON_TIME_GRACE_DAYS)
    assert step_state(due=due, done_at=None, today=due - dt.timedelta(days=1)) == State.UPCOMING
    assert step_state(due=due, done_at=None, today=due) == State.DUE
    assert step_state(due=due, done_at=None, today=last) == State.DUE
    assert step_state(due=due, done_at=None, today=last + dt.timedelta(days=1)) == State.OVERDUE
    at = dt.datetime.combine(last, dt.time(23, 0), tzinfo=UTC)
    assert done_on_time(due=due, done_at=at)
    assert not done_on_time(due=due, done_at=at + dt.timedelta(hours=2))
    assert step_state(due=due, done_at=at, today=last) == State.DONE


@pytest.mark.parametrize("seed", range(5))
def test_the_tally_counts_what_the_rule_says(seed: int) -> None:
    rng = random.Random(seed)
    today = dt.date(2027, 6, 1)
    tally, counted, on_time = Tally(), 0, 0
    for _ in range(500):
        due = today + dt.timedelta(days=rng.randrange(-60, 60))
        lag = rng.choice([None, -5, 0, 3, 7, 8, 30])
        done_at = None
        if lag is not None and due + dt.timedelta(days=lag) <= today:
            done_at = dt.datetime.combine(due + dt.timedelta(days=lag), dt.time(12), tzinfo=UTC)
        tally = tally.add(due=due, done_at=done_at, today=today)
        # The rule restated: counted once done or past its grace; on time within 7 days.
        if done_at is not None:
            counted += 1
            on_time += lag is not None and lag <= 7
        elif (today - due).days > 7:
            counted += 1
    assert (tally.counted, tally.on_time) == (counted, on_time)
    assert tally.share == (on_time / counted if counted else None)
