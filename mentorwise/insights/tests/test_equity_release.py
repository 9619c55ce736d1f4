"""Equity releases: one per program, side and month; drafts publish nothing."""

from __future__ import annotations

import datetime as dt
import io

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


def test_the_page_never_computes_a_release(equity_program, hr_admin, settings) -> None:  # noqa: F811
    """With no release for the month the page asks a worker once and says the figures are
    being prepared, with a link to check again and no reload of its own; nothing is shown,
    so nothing is audited. Once the worker has run, the page shows the release."""
    from django.core.cache import cache
    from django_tasks import default_task_backend

    from conftest import page_client
    from mentorwise.core.models import AuditEntry
    from mentorwise.insights.equity_release import equity_release_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    cache.clear()
    client = page_client(hr_admin)
    url = f"/insights/programs/{equity_program.slug}/equity/"
    for _ in range(2):
        response = client.get(url, {"side": "mentee", "by": "gender"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "are being prepared" in body and "Check again" in body
        assert 'href="?side=mentee&amp;by=gender"' in body
        assert 'http-equiv="refresh"' not in body and "hx-trigger" not in body
    assert not AuditEntry.objects.filter(action="insights.demographics_viewed").exists()
    queued = default_task_backend.results
    assert [r.task.name for r in queued] == [equity_release_task.name]  # asked once
    equity_release_task.call(*queued[0].args)  # what the worker does
    ready = client.get(url, {"side": "mentee", "by": "gender"}).content.decode()
    assert "are being prepared" not in ready and "Non-binary" in ready
    assert AuditEntry.objects.filter(action="insights.demographics_viewed").count() == 1


def test_cron_prepares_every_release_once(equity_program) -> None:  # noqa: F811
    from django.core.management import call_command

    out = io.StringIO()
    call_command("insights", "equity-releases", stdout=out)
    assert "2 equity releases prepared" in out.getvalue()
    assert EquityRelease.objects.filter(program=equity_program).count() == 2
    again = io.StringIO()
    call_command("insights", "equity-releases", stdout=again)
    assert "0 equity releases prepared" in again.getvalue()


def test_a_draft_gets_no_release_from_cron(equity_program) -> None:  # noqa: F811
    from mentorwise.insights.equity_release import equity_releases_prepare

    equity_program.status = ProgramStatus.DRAFT
    equity_program.save(update_fields=["status"])
    assert equity_releases_prepare() == 0
    assert not EquityRelease.objects.exists()


def test_next_month_is_protected_with_this_month(equity_program) -> None:  # noqa: F811
    """One enrollment at level 4 between two months: its count moved by one, so next month
    it is hidden (rule 1 of `mentorwise.disclosure.releases`); the release keeps its record."""
    first = released_equity(program=equity_program, side="mentee")
    assert _level(first, "Level 4").enrolled == 12
    (person,) = _people(1, function="Engineering", job_level=4)
    Enrollment.objects.create(
        program=equity_program, person=person, role=Role.MENTEE, status=EnrollmentStatus.ACTIVE
    )
    later = timezone.now() + dt.timedelta(days=32)
    from unittest import mock

    with mock.patch("mentorwise.insights.equity_release.timezone.now", return_value=later):
        second = released_equity(program=equity_program, side="mentee")
    assert _level(second, "Level 4").enrolled is None
    record = EquityRelease.objects.filter(program=equity_program, side="mentee").latest("period")
    assert record.record["values"]["level:E:4"] == 13
    assert "level:E:4" in record.record["sensitive"]
