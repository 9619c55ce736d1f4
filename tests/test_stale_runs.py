"""A matching or circle run whose worker stopped never blocks its program: still queued or
running an hour after it was queued or started, it is marked failed with the reason (and
audited) when the next run is started. A recent run in progress still blocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mentorwise.circles import runs as circle_runs
from mentorwise.circles.models import CircleRun, CircleRunStatus
from mentorwise.circles.tests.factories import enroll, group_program
from mentorwise.core.errors import Conflict
from mentorwise.core.models import AuditEntry
from mentorwise.matches import services as match_services
from mentorwise.matches.models import MatchingRun, RunStatus
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db
LONG_AGO = dt.timedelta(minutes=61)


@pytest.fixture
def circle_program(hr_admin: Any, program_manager_user: Any) -> Program:
    program = group_program(hr_admin, program_manager_user)
    enroll(program, "mentor", job_level=8)
    for function in ("Sales", "IT", "Finance"):
        enroll(program, "mentee", function=function)
    return program


def test_a_lost_pair_run_is_given_up_and_a_recent_one_still_blocks(
    program: Program, program_manager: Any
) -> None:
    lost = MatchingRun.objects.create(
        program=program, status=RunStatus.RUNNING, started_at=timezone.now() - LONG_AGO
    )
    queued = MatchingRun.objects.create(
        program=program, status=RunStatus.QUEUED, created_at=timezone.now() - LONG_AGO
    )
    fresh = match_services.run_create(actor=program_manager, program=program)
    for run in (lost, queued):
        run.refresh_from_db()
        assert run.status == RunStatus.FAILED and run.finished_at is not None
        assert "background worker" in run.error
    assert fresh.status == RunStatus.QUEUED
    assert AuditEntry.objects.filter(action="matching_run.abandoned").count() == 2
    with pytest.raises(Conflict) as refused:  # the new one is not lost: it blocks
        match_services.run_create(actor=program_manager, program=program)
    assert refused.value.code == "run_in_progress"


def test_a_lost_circle_run_is_given_up(circle_program: Program, program_manager_user: Any) -> None:
    lost = CircleRun.objects.create(
        program=circle_program,
        status=CircleRunStatus.RUNNING,
        started_at=timezone.now() - LONG_AGO,
        objective="diversity",
        attribute="function",
        min_size=3,
        max_size=8,
    )
    run = circle_runs.circle_run_create(actor=program_manager_user, program=circle_program)
    lost.refresh_from_db()
    assert lost.status == "failed" and "still running after 60 minutes" in lost.error
    assert run.status == CircleRunStatus.DONE  # small: computed in the request
    entry = AuditEntry.objects.get(action="circle_run.abandoned")
    assert entry.data == {"status": "running"}


def test_a_run_in_progress_for_less_than_the_limit_still_blocks(
    circle_program: Program, program_manager_user: Any, settings: Any
) -> None:
    settings.MENTORWISE_RUN_STALE_MINUTES = 120
    CircleRun.objects.create(
        program=circle_program,
        status=CircleRunStatus.QUEUED,
        created_at=timezone.now() - LONG_AGO,
        objective="diversity",
        attribute="function",
        min_size=3,
        max_size=8,
    )
    with pytest.raises(Conflict):
        circle_runs.circle_run_create(actor=program_manager_user, program=circle_program)
    assert not AuditEntry.objects.filter(action="circle_run.abandoned").exists()
