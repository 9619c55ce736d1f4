"""A program's circle list (page, API, selector) reads people and health in a fixed number of
queries: the count with 12 circles is the count with 3 (an N+1 grows with the circles).
Health computed in batch is the health of each circle computed alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import page_client
from mentorwise.circles import selectors
from mentorwise.circles.health import circle_health
from mentorwise.circles.models import (
    Attendance,
    Circle,
    CircleCheckIn,
    CircleMeeting,
    CircleMeetingStatus,
    CircleRole,
)
from mentorwise.circles.oversight import circle_create
from mentorwise.circles.tests.factories import enroll, group_program
from mentorwise.programs.models import Program

# Today's count for the selector is 5 (circles, people, held meetings, attendance,
# check-ins); the page and the API add their own fixed queries (session, login, program).
SELECTOR_QUERIES = 5
PAGE_QUERIES = 14
API_QUERIES = 12


def _circles(hr: Any, program: Program, n: int) -> list[Circle]:
    """`n` circles, each with a facilitator, three members, four held meetings with
    attendance and recent check-ins, so every health input has rows."""
    now = timezone.now()
    out = []
    for k in range(n):
        lead = enroll(program, "mentor", job_level=8)
        members = [enroll(program, "mentee") for _ in range(3)]
        circle = circle_create(
            actor=hr,
            program=program,
            name=f"Circle {k:02d}",
            facilitator_ids=[lead.pk],
            member_ids=[m.pk for m in members],
        )
        places = list(circle.memberships.all())
        for days in (50, 30, 20, 10):
            meeting = CircleMeeting.objects.create(
                circle=circle,
                status=CircleMeetingStatus.HELD,
                starts_at=now - dt.timedelta(days=days),
                held_at=now - dt.timedelta(days=days),
            )
            Attendance.objects.bulk_create(
                Attendance(meeting=meeting, membership=p, present=(i + k + days) % 3 != 0)
                for i, p in enumerate(places)
            )
        for i, place in enumerate(p for p in places if p.role == CircleRole.MEMBER):
            for pulse, days in ((5, 40), (1 + (i + k) % 5, 5)):
                CircleCheckIn.objects.create(
                    circle=circle,
                    membership=place,
                    pulse=pulse,
                    created_at=now - dt.timedelta(days=days),
                )
        Circle.objects.filter(pk=circle.pk).update(last_meeting_at=now - dt.timedelta(days=10))
        out.append(circle)
    return out


@pytest.fixture
def programs(hr_admin: Any, program_manager_user: Any) -> dict[int, Program]:
    out = {}
    for n in (3, 12):
        program = group_program(hr_admin, program_manager_user, slug=f"circles-{n}")
        _circles(hr_admin, program, n)
        out[n] = program
    return out


def _count(call: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries.captured_queries)


def test_the_circle_list_queries_do_not_grow_with_the_circles(
    programs: dict[int, Program],
    program_manager_user: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = page_client(program_manager_user)
    api = page_client(program_manager_user)  # the API takes the browser session too
    counts: dict[str, dict[int, int]] = {"selector": {}, "page": {}, "api": {}}
    client.get(f"/circles/program/{programs[3].slug}/")  # warm per-process caches
    api.get(f"/api/circles/programs/{programs[3].slug}")
    for n, program in programs.items():
        counts["selector"][n] = _count(
            lambda program=program: selectors.program_circles(
                actor=program_manager_user, program=program
            )
        )
        with django_assert_max_num_queries(PAGE_QUERIES):
            page = client.get(f"/circles/program/{program.slug}/")
        assert page.content.decode().count('href="/circles/') >= n
        counts["page"][n] = _count(
            lambda program=program: client.get(f"/circles/program/{program.slug}/")
        )
        with django_assert_max_num_queries(API_QUERIES):
            listed = api.get(f"/api/circles/programs/{program.slug}")
        assert len(listed.json()) == n and all(c["health"] for c in listed.json())
        counts["api"][n] = _count(
            lambda program=program: api.get(f"/api/circles/programs/{program.slug}")
        )
    assert counts["selector"][3] == counts["selector"][12] <= SELECTOR_QUERIES, counts
    assert counts["page"][3] == counts["page"][12], counts
    assert counts["api"][3] == counts["api"][12], counts


def test_health_in_batch_is_each_circles_health_read_alone(
    programs: dict[int, Program], program_manager_user: Any
) -> None:
    """Against an independent reading: each circle's rows read one by one, then the pure
    health function."""
    now = timezone.now()
    rows = selectors.program_circles(actor=program_manager_user, program=programs[12])
    states = set()
    for row in rows:
        circle = row.circle
        held = list(
            circle.meetings.filter(status=CircleMeetingStatus.HELD).order_by("-starts_at")[:3]
        )
        attendance = [
            (m.attendance.filter(present=True).count(), m.attendance.count()) for m in held
        ]
        since = now - dt.timedelta(days=2 * circle.meeting_cadence_days)
        pulses = [
            circle.check_ins.filter(membership=p, created_at__gte=since).first()
            for p in circle.memberships.filter(role=CircleRole.MEMBER)
        ]
        expected = circle_health(
            now=now,
            started_at=circle.started_at,
            last_meeting_at=circle.last_meeting_at,
            cadence_days=circle.meeting_cadence_days,
            recent_attendance=attendance,
            latest_pulses=[c.pulse for c in pulses if c is not None],
        )
        assert row.health is not None
        assert (row.health.health, row.health.attendance) == (expected.health, expected.attendance)
        assert row.meetings_held == 4 and row.members == 3 and len(row.facilitators) == 1
        states.add(row.health.health)
    assert len(states) > 1  # the data reaches more than one state
