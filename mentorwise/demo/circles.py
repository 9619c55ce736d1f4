"""The demo's running circle program: circles formed by a circle matching run, with their
agreements, held meetings and attendance, check-ins, and circles in several states (on track,
at risk, closed with outcomes and closing answers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import numpy as np
from django.utils import timezone

from mentorwise.accounts.models import User
from mentorwise.circles.inputs import Closure
from mentorwise.circles.models import (
    Attendance,
    CircleCheckIn,
    CircleGoal,
    CircleMeeting,
    CircleMeetingStatus,
    CircleRole,
    ClosingAnswer,
)
from mentorwise.circles.oversight import circle_close
from mentorwise.circles.runs import circle_run_create, circle_run_publish
from mentorwise.core.mail import emails_suppressed
from mentorwise.people.models import Person
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus, Role
from mentorwise.programs.services.program_create import program_create_from_template

SLUG = "circles-2026"
NAME = "Leadership circles 2026"
AGREEMENT = (
    "We meet every four weeks for 90 minutes. What is said in the circle stays in the circle. "
    "Each meeting one member brings a current challenge; everyone asks questions before "
    "giving advice."
)


def demo_circles(
    *, admin: User, manager: User, seed: int, exclude: Collection[int | None], today: dt.date
) -> Program:
    """A group program that started 120 days ago with its circles under way."""
    rng = np.random.default_rng(seed + 18)
    program = program_create_from_template(
        actor=admin,
        template_key="group_circle",
        name=NAME,
        slug=SLUG,
        start_date=today - dt.timedelta(days=120),
    )
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    program.status = ProgramStatus.ACTIVE
    program.managers.add(manager)
    taken = {pk for pk in exclude if pk is not None} | set(
        Enrollment.objects.values_list("person_id", flat=True)
    )
    people = Person.objects.filter(termination_date__isnull=True).exclude(pk__in=taken)
    leads = list(people.filter(job_level__gte=7).order_by("?")[:4])
    members = list(
        people.filter(job_level__gte=2, job_level__lte=6)
        .exclude(pk__in=[p.pk for p in leads])
        .order_by("?")[:26]
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                program=program,
                person=p,
                role=Role.MENTOR,
                capacity=7,
                status=EnrollmentStatus.ACTIVE,
                expertise="Leading through change",
            )
            for p in leads
        ]
        + [
            Enrollment(
                program=program,
                person=p,
                role=Role.MENTEE,
                status=EnrollmentStatus.ACTIVE,
                development_goals="Lead my first team",
            )
            for p in members
        ]
    )
    with emails_suppressed():
        run = circle_run_create(actor=admin, program=program)
        circle_run_publish(actor=admin, run=run)
        circles = list(program.circles.order_by("pk"))
        now = timezone.now()
        for n, circle in enumerate(circles):
            start = now - dt.timedelta(days=110)
            circle.started_at, circle.agreement, circle.agreement_version = start, AGREEMENT, 1
            circle.meeting_cadence_days = 28
            circle.save(
                update_fields=[
                    "started_at",
                    "agreement",
                    "agreement_version",
                    "meeting_cadence_days",
                ]
            )
            places = list(circle.memberships.filter(left_at__isnull=True))
            circle.memberships.update(agreement_confirmed=1)
            CircleGoal.objects.create(
                circle=circle,
                title="Give and ask for feedback monthly",
                progress=int(rng.integers(20, 80)),
            )
            at_risk = n == 1
            held = 2 if at_risk else 4
            for k in range(held):
                starts = start + dt.timedelta(days=7 + 28 * k)
                meeting = CircleMeeting.objects.create(
                    circle=circle,
                    starts_at=starts,
                    status=CircleMeetingStatus.HELD,
                    held_at=starts,
                    duration_minutes=90,
                    topic="A current challenge",
                )
                share = 0.4 if at_risk else 0.9
                Attendance.objects.bulk_create(
                    [
                        Attendance(
                            meeting=meeting,
                            membership=p,
                            present=bool(rng.random() < share) or p.role == CircleRole.FACILITATOR,
                        )
                        for p in places
                    ]
                )
                circle.last_meeting_at = starts
            circle.save(update_fields=["last_meeting_at"])
            CircleMeeting.objects.create(
                circle=circle,
                starts_at=now + dt.timedelta(days=9),
                duration_minutes=90,
                topic="Career conversations",
            )
            for p in places:
                if p.role == CircleRole.MEMBER:
                    CircleCheckIn.objects.create(
                        circle=circle,
                        membership=p,
                        pulse=int(rng.integers(1, 3) if at_risk else rng.integers(3, 6)),
                        created_at=now - dt.timedelta(days=int(rng.integers(1, 20))),
                    )
        if len(circles) >= 3:
            closed = circle_close(
                actor=admin,
                circle=circles[2],
                data=Closure(
                    reason="The circle completed its six months early.",
                    outcomes="Two members lead teams now; all four keep meeting.",
                ),
            )
            for p in closed.memberships.filter(role=CircleRole.MEMBER)[:3]:
                ClosingAnswer.objects.create(
                    circle=closed, membership=p, usefulness=int(rng.integers(3, 6))
                )
    return program
