"""Equity releases: one per program, side and month; drafts publish nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mentorwise.insights.equity_release import released_equity
from mentorwise.insights.models import EquityRelease
from mentorwise.insights.tests.test_equity import _people, equity_program  # noqa: F401
from mentorwise.programs.models import Enrollment, EnrollmentStatus, ProgramStatus, Role

pytestmark = pytest.mark.django_db


def _level(equity, label: str):
    return next(g for g in equity.breakdowns["level"].groups if g.label == label)


def test_a_month_reads_one_release_whatever_changes(equity_program) -> None:  # noqa: F811
    first = released_equity(program=equity_program, side="mentee")
    assert _level(first, "Level 4").enrolled == 12
    # Widen the rules and enroll five more people: the month's figures do not move, so the
    # two readings cannot be differenced.
    equity_program.eligibility = {"mentee": {}}
    equity_program.save(update_fields=["eligibility"])
    for person in _people(5, function="Engineering", job_level=4):
        Enrollment.objects.create(
            program=equity_program, person=person, role=Role.MENTEE, status=EnrollmentStatus.ACTIVE
        )
    again = released_equity(program=equity_program, side="mentee")
    assert _level(again, "Level 4").enrolled == 12
    assert again.as_of == first.as_of
    assert EquityRelease.objects.filter(program=equity_program, side="mentee").count() == 1
    # Next month, a new release with the new figures.
    later = timezone.now() + dt.timedelta(days=32)
    from unittest import mock

    with mock.patch("mentorwise.insights.equity_release.timezone.now", return_value=later):
        next_month = released_equity(program=equity_program, side="mentee")
    assert _level(next_month, "Level 4").population == 17
    assert EquityRelease.objects.filter(program=equity_program, side="mentee").count() == 2


def test_a_draft_program_publishes_no_figure(equity_program) -> None:  # noqa: F811
    equity_program.status = ProgramStatus.DRAFT
    equity_program.save(update_fields=["status"])
    equity = released_equity(program=equity_program, side="mentee")
    for breakdown in equity.breakdowns.values():
        for group in [*breakdown.groups, breakdown.total]:
            assert group.suppressed and group.population is None and group.enrolled is None
    assert not EquityRelease.objects.filter(program=equity_program).exists()
