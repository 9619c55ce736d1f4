"""Circle reads: one circle, meeting or goal by id if the actor may see it (404 otherwise),
the actor's circles, a program's circles with health, and the reads with a rule of their
own (check-in comments, private notes)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.circles.health import RECENT_MEETINGS, CircleHealth, circle_health
from mentorwise.circles.models import (
    Attendance,
    Circle,
    CircleCheckIn,
    CircleGoal,
    CircleMeeting,
    CircleMeetingStatus,
    CircleMembership,
    CirclePrivateNote,
    CircleRole,
    CircleStatus,
)
from mentorwise.circles.permissions import (
    circles_in,
    my_membership,
    overseen_circles,
    visible_circles,
)
from mentorwise.core.errors import NotFound
from mentorwise.core.queries import one_or_none
from mentorwise.programs.models import Program

M = TypeVar("M", bound=Model)


def access_circle(*, actor: Actor, circle_id: int) -> Circle:
    """The circle if the actor takes part in it or oversees it; NotFound otherwise."""
    circle = one_or_none(visible_circles(actor).select_related("program").filter(pk=circle_id))
    if circle is None:
        raise NotFound(_("No such circle."))
    return circle


def _child(actor: Actor, model: type[M], pk: int, message: str) -> M:
    obj = one_or_none(
        model._default_manager.select_related("circle__program").filter(
            pk=pk, circle__in=visible_circles(actor)
        )
    )
    if obj is None:
        raise NotFound(message)
    return obj


def access_meeting(*, actor: Actor, meeting_id: int) -> CircleMeeting:
    return _child(actor, CircleMeeting, meeting_id, _("No such meeting."))


def access_goal(*, actor: Actor, goal_id: int) -> CircleGoal:
    return _child(actor, CircleGoal, goal_id, _("No such goal."))


def current_memberships(circle: Circle) -> QuerySet[CircleMembership]:
    """The circle's people now: facilitators first, then members by name."""
    return (
        CircleMembership.objects.filter(circle=circle, left_at__isnull=True)
        .select_related("enrollment__person")
        .order_by("role", "enrollment__person__last_name", "enrollment__person__first_name")
    )


def circles_mine(*, actor: Actor) -> QuerySet[Circle]:
    """The circles the actor takes part in, open ones first."""
    return circles_in(actor).select_related("program").order_by("status", "-started_at")


def check_ins_visible(*, actor: Actor, circle: Circle) -> QuerySet[CircleCheckIn]:
    """Check-ins with their comments: every one for the circle's facilitators, the actor's
    own for a member, none for anyone else (overseers read pulses through health only)."""
    mine = my_membership(actor, circle)
    rows = CircleCheckIn.objects.filter(circle=circle).select_related(
        "membership__enrollment__person"
    )
    if mine is None:
        return rows.none()
    if mine.role == CircleRole.FACILITATOR:
        return rows
    return rows.filter(membership__enrollment__person_id=mine.enrollment.person_id)


def private_note_get(*, actor: Actor, meeting: CircleMeeting) -> CirclePrivateNote | None:
    """The actor's own private note on a meeting: the only way any note is ever read."""
    if not isinstance(actor, User):
        return None
    return CirclePrivateNote.objects.filter(author=actor, meeting=meeting).first()


def private_notes_mine(*, actor: Actor, circle: Circle) -> dict[int, str]:
    if not isinstance(actor, User):
        return {}
    return dict(
        CirclePrivateNote.objects.filter(author=actor, meeting__circle=circle).values_list(
            "meeting_id", "text"
        )
    )


def health_of(circle: Circle, *, now: dt.datetime | None = None) -> CircleHealth | None:
    """The circle's health (None once closed)."""
    if circle.status != CircleStatus.ACTIVE:
        return None
    return circle_inputs([circle], now=now)[circle.pk].health


@dataclass(frozen=True)
class CircleInputs:
    """What lists show of a circle beside itself: its people now and its health."""

    people: list[CircleMembership]
    meetings_held: int
    health: CircleHealth | None


def circle_inputs(
    circles: Sequence[Circle], *, now: dt.datetime | None = None
) -> dict[int, CircleInputs]:
    """People, held meetings and health of many circles, by circle id, in four queries
    whatever their number (a list of circles must not query per circle)."""
    now = now or timezone.now()
    ids = [c.pk for c in circles]
    people: dict[int, list[CircleMembership]] = defaultdict(list)
    for place in (
        CircleMembership.objects.filter(circle_id__in=ids, left_at__isnull=True)
        .select_related("enrollment__person")
        .order_by("role", "enrollment__person__last_name", "enrollment__person__first_name")
    ):
        people[place.circle_id].append(place)
    held: dict[int, list[int]] = defaultdict(list)  # newest first
    for circle_id, meeting_id in (
        CircleMeeting.objects.filter(circle_id__in=ids, status=CircleMeetingStatus.HELD)
        .order_by("circle_id", "-starts_at", "-id")
        .values_list("circle_id", "pk")
    ):
        held[circle_id].append(meeting_id)
    recent = [m for meetings in held.values() for m in meetings[:RECENT_MEETINGS]]
    counts = {
        row["meeting_id"]: (row["present"], row["recorded"])
        for row in Attendance.objects.filter(meeting_id__in=recent)
        .values("meeting_id")
        .annotate(present=Count("id", filter=Q(present=True)), recorded=Count("id"))
    }
    # Each member's latest pulse within twice the circle's cadence: read from the widest
    # window, then each circle keeps its own.
    since = {c.pk: now - dt.timedelta(days=2 * max(1, c.meeting_cadence_days)) for c in circles}
    latest: dict[int, dict[int, int]] = defaultdict(dict)
    for circle_id, membership_id, pulse, created_at in (
        CircleCheckIn.objects.filter(
            circle_id__in=ids,
            created_at__gte=min(since.values(), default=now),
            membership__left_at__isnull=True,
        )
        .order_by("created_at", "id")
        .values_list("circle_id", "membership_id", "pulse", "created_at")
    ):
        if created_at >= since[circle_id]:
            latest[circle_id][membership_id] = pulse  # the newest wins
    out = {}
    for circle in circles:
        health = None
        if circle.status == CircleStatus.ACTIVE:
            health = circle_health(
                now=now,
                started_at=circle.started_at,
                last_meeting_at=circle.last_meeting_at,
                cadence_days=circle.meeting_cadence_days,
                recent_attendance=[
                    counts.get(m, (0, 0)) for m in held[circle.pk][:RECENT_MEETINGS]
                ],
                latest_pulses=list(latest[circle.pk].values()),
            )
        out[circle.pk] = CircleInputs(
            people=people[circle.pk], meetings_held=len(held[circle.pk]), health=health
        )
    return out


@dataclass(frozen=True)
class CircleRow:
    circle: Circle
    facilitators: list[str]
    members: int
    meetings_held: int
    health: CircleHealth | None
    people: list[CircleMembership]


def program_circles(*, actor: Actor, program: Program, status: str = "") -> list[CircleRow]:
    """A program's circles for its overseers (the actor's own circles left out), with health;
    a fixed number of queries however many circles (circles/tests/test_selectors.py)."""
    circles = overseen_circles(actor).filter(program=program).order_by("status", "name", "pk")
    if status in CircleStatus.values:
        circles = circles.filter(status=status)
    listed = list(circles.select_related("program"))
    inputs = circle_inputs(listed)
    rows = []
    for circle in listed:
        got = inputs[circle.pk]
        rows.append(
            CircleRow(
                circle=circle,
                facilitators=[
                    m.enrollment.person.full_name
                    for m in got.people
                    if m.role == CircleRole.FACILITATOR
                ],
                members=sum(1 for m in got.people if m.role == CircleRole.MEMBER),
                meetings_held=got.meetings_held,
                health=got.health,
                people=got.people,
            )
        )
    return rows


def attendance_of(meeting: CircleMeeting) -> dict[int, bool]:
    """Present or not, by membership id, of a held meeting."""
    return dict(meeting.attendance.values_list("membership_id", "present"))
