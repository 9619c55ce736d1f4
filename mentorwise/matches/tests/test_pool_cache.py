"""The pool a participant reads (find a mentor, the mentee list) comes from a cache shared by
every reader of the program: read without anyone's marks, each reader's own added to a copy.

These tests commit (transaction=True), so that the cache is live (inside an uncommitted
transaction it is read past); the marks-privacy cases run again here against it.
"""

from __future__ import annotations

from typing import Any

import pytest

from mentorwise.core import aggregates
from mentorwise.matches import problem
from mentorwise.matches.tests.test_marks_privacy import (  # noqa: F401 - the cases, run again
    mark,
    mentee_view,
    mentor_view,
    setup,
    test_a_mentees_preference_does_not_change_what_the_mentor_reads,
    test_a_mentees_veto_leaves_no_trace_for_the_vetoed_mentor,
    test_a_mentors_preference_does_not_change_what_the_mentee_reads,
    test_a_mentors_veto_leaves_no_trace_for_the_vetoed_mentee,
    test_after_vetoing_each_other_each_still_sees_and_can_clear_their_own,
    test_the_mentee_who_vetoed_sees_their_own_veto,
    test_the_mentor_who_vetoed_sees_their_own_veto,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    aggregates.clear_local()
    aggregates.invalidate_aggregates()


def test_the_pool_is_read_once_for_every_reader_and_again_after_a_write(
    setup: Any,  # noqa: F811 - the imported fixture
    mentee: Any,
    other_mentee: Any,
    mentor: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads: list[bool] = []
    original = problem._pool_read

    def counted(program: Any, marks: Any) -> Any:
        reads.append(marks is None)
        return original(program, marks)

    monkeypatch.setattr(problem, "_pool_read", counted)
    ana, omar = mentor_view(mentee, setup), mentor_view(other_mentee, setup)
    assert reads == [True]  # one read, without marks, for both mentees
    mentee_view(mentor, setup)
    assert reads == [True]  # and for the mentor's list of mentees
    mark(mentee, mentor, "veto")  # a committed write: the next reader reads again
    assert mentor_view(mentee, setup)["Marta"][4] == ["vetoed"]
    assert reads == [True, True]
    # Ana's veto is hers alone: Omar's cards are what they were, from the shared pool.
    assert mentor_view(other_mentee, setup) == omar
    assert ana["Marta"][4] == []
    # The shared pool itself never holds a mark.
    pool = problem.program_pool(setup, marks_of=None)
    unmarked = aggregates.cached_in_process(
        "matches.pool_unmarked", lambda: (setup.pk,), lambda: pytest.fail("not cached")
    )
    assert pool.mentees is not None and unmarked.mentees is not None
    assert any(pool.mentees.vetoed or [])
    assert not any(unmarked.mentees.vetoed or []) and not any(unmarked.mentees.preferred or [])


def test_the_shared_pool_cannot_be_changed_by_a_reader(
    setup: Any,  # noqa: F811 - the imported fixture
    mentee: Any,
) -> None:
    mentor_view(mentee, setup)
    (pool,) = [value for _key, _expires, value in aggregates._process.values()]
    with pytest.raises(ValueError, match="read-only"):
        pool.capacities[0] = 99
