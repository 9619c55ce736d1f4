"""Recognition: a mentor's or sponsor's contribution record for a review cycle (CSV, PDF)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import actor_person_id, is_hr_admin
from mentorwise.core.audit import audit_record
from mentorwise.core.csv import csv_safe
from mentorwise.core.errors import FieldError, InvalidInput, NotFound
from mentorwise.core.pdf import html_to_pdf
from mentorwise.disclosure import min_group_size, whole_blocks_within, whole_quarters
from mentorwise.people.models import Person
from mentorwise.programs.models import GIVING_ROLES, Enrollment
from mentorwise.relationships.models import (
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Relationship,
    Side,
    SponsorshipAction,
    SponsorshipOutcome,
    SurveyResponse,
)


@dataclass
class ProgramContribution:
    program: str
    role: str
    relationships: int
    meetings_held: int
    meeting_hours: float
    goals_reached: int


@dataclass
class Contribution:
    """What a person gave as mentor, coach or sponsor between `start` and `end`."""

    person: Person
    start: dt.date
    end: dt.date
    programs: list[ProgramContribution]
    relationships: int
    meetings_held: int
    meeting_hours: float
    goals_reached: int
    feedback_n: int
    feedback_suppressed: bool
    satisfaction: float | None
    recommend: float | None
    sponsorship: dict[str, int] = field(default_factory=dict)
    sponsorship_succeeded: int = 0
    generated_at: dt.datetime = field(default_factory=timezone.now)


def has_contribution_record(*, actor: Actor) -> bool:
    """Does the actor give guidance somewhere (mentor, sponsor, coach), so has a record?"""
    person_id = actor_person_id(actor)
    if person_id is None:
        return False
    return Enrollment.objects.filter(person_id=person_id, role__in=GIVING_ROLES).exists()


def access_contributor(*, actor: Actor, person_id: int) -> Person:
    """The person themself and HR admins; NotFound for everyone else."""
    if not (is_hr_admin(actor) or actor_person_id(actor) == person_id):
        raise NotFound(_("No such person."))
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No such person."))
    return person


def review_period(start: str | None, end: str | None) -> tuple[dt.date, dt.date]:
    """Parse a review cycle (ISO dates), widened to whole calendar quarters; the default is
    the last twelve months (so the last four or five quarters)."""
    today = timezone.localdate()
    errors = []
    try:
        end_date = dt.date.fromisoformat(end) if end else today
    except ValueError:
        errors.append(FieldError("end", _("must be a date (YYYY-MM-DD)"), value=end))
        end_date = today
    try:
        start_date = dt.date.fromisoformat(start) if start else end_date - dt.timedelta(days=365)
    except ValueError:
        errors.append(FieldError("start", _("must be a date (YYYY-MM-DD)"), value=start))
        start_date = end_date
    if not errors and start_date > end_date:
        errors.append(FieldError("start", _("must not be after the end"), value=start))
    if errors:
        raise InvalidInput(errors)
    # Whole calendar quarters: two windows never differ by a chosen day (disclosure).
    return whole_quarters(start_date, end_date)


def contribution_record(*, person: Person, start: dt.date, end: dt.date) -> Contribution:
    """Relationships, meetings, goals reached, feedback (aggregate) and sponsorship actions.

    Feedback is the mentees' survey answers about this person, shown only as averages over
    whole blocks of k answers inside the window and suppressed under the minimum group size.
    The window is widened to whole calendar quarters, whoever calls.
    """
    start, end = whole_quarters(start, end)
    relationships = list(
        Relationship.objects.filter(
            mentor__person=person,
            mentor__role__in=GIVING_ROLES,
            started_at__date__lte=end,
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=start))
        .select_related("program", "mentor")
    )
    ids = [r.pk for r in relationships]
    meetings = list(
        Meeting.objects.filter(
            relationship_id__in=ids,
            status=MeetingStatus.HELD,
            starts_at__date__gte=start,
            starts_at__date__lte=end,
        ).values("relationship_id", "duration_minutes")
    )
    goals = list(
        Goal.objects.filter(
            relationship_id__in=ids,
            status=GoalStatus.ACHIEVED,
            achieved_at__date__gte=start,
            achieved_at__date__lte=end,
        ).values_list("relationship_id", flat=True)
    )
    per_program: dict[tuple[str, str], ProgramContribution] = {}
    by_rel = {r.pk: r for r in relationships}
    for r in relationships:
        key = (r.program.title, r.mentor.get_role_display())
        per_program.setdefault(key, ProgramContribution(key[0], key[1], 0, 0, 0.0, 0))
        per_program[key].relationships += 1
    for m in meetings:
        r = by_rel[m["relationship_id"]]
        row = per_program[(r.program.title, r.mentor.get_role_display())]
        row.meetings_held += 1
        row.meeting_hours += m["duration_minutes"] / 60
    for rel_id in goals:
        r = by_rel[rel_id]
        per_program[(r.program.title, r.mentor.get_role_display())].goals_reached += 1
    # Feedback in whole blocks of k answers, counted from the person's first answer ever:
    # two windows differ by whole blocks, never by one mentee's answer (disclosure).
    k = min_group_size()
    history = list(
        SurveyResponse.objects.filter(
            relationship__mentor__person=person,
            relationship__mentor__role__in=GIVING_ROLES,
            side=Side.MENTEE,
        )
        .order_by("submitted_at", "pk")
        .values_list("submitted_at", "answers")
    )
    in_window = [a for at, a in history if start <= timezone.localdate(at) <= end]
    suppressed = len(in_window) < k

    def average(key: str) -> float | None:
        dated = [
            (timezone.localdate(at), a[key])
            for at, a in history
            if isinstance(a.get(key), int) and not isinstance(a.get(key), bool)
        ]
        values = whole_blocks_within(dated, start, end, k)
        if suppressed or not values:
            return None
        return round(float(mean(values)), 1)

    actions = list(
        SponsorshipAction.objects.filter(
            relationship_id__in=ids, created_at__date__gte=start, created_at__date__lte=end
        )
    )
    kinds: dict[str, int] = {}
    for action in actions:
        kinds[action.get_kind_display()] = kinds.get(action.get_kind_display(), 0) + 1
    return Contribution(
        person=person,
        start=start,
        end=end,
        programs=sorted(per_program.values(), key=lambda p: p.program),
        relationships=len(relationships),
        meetings_held=len(meetings),
        meeting_hours=round(sum(m["duration_minutes"] for m in meetings) / 60, 1),
        goals_reached=len(goals),
        feedback_n=len(in_window),
        feedback_suppressed=suppressed,
        satisfaction=average("satisfaction"),
        recommend=average("recommend"),
        sponsorship=kinds,
        sponsorship_succeeded=sum(a.outcome == SponsorshipOutcome.SUCCEEDED for a in actions),
    )


def contribution_read_record(
    *, actor: Actor, person: Person, start: dt.date, end: dt.date, fmt: str = ""
) -> None:
    """Audit a contribution record read: every export (csv, pdf), and any on-screen or API
    read of someone else's record (an HR admin's)."""
    if fmt or actor_person_id(actor) != person.pk:
        audit_record(
            actor=actor,
            action="contribution.exported" if fmt else "contribution.viewed",
            target=person,
            data={"format": fmt or "page", "start": start.isoformat(), "end": end.isoformat()},
        )


def contribution_csv(record: Contribution) -> str:
    """The record as CSV rows (section, item, value); every cell is formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    # The column names (section, item, value) and the section keys stay English; the items
    # are read by people, in the reader's language.
    suppressed = _("fewer than %(n)s answers: not shown") % {"n": min_group_size()}
    rows: list[tuple[Any, ...]] = [
        ("section", "item", "value"),
        ("person", _("name"), record.person.full_name),
        ("person", _("employee id"), record.person.employee_id),
        ("period", _("start"), record.start.isoformat()),
        ("period", _("end"), record.end.isoformat()),
        ("total", _("relationships"), record.relationships),
        ("total", _("meetings held"), record.meetings_held),
        ("total", _("meeting hours"), record.meeting_hours),
        ("total", _("goals reached by mentees"), record.goals_reached),
        ("feedback", _("answers"), record.feedback_n),
        (
            "feedback",
            _("satisfaction (1-5)"),
            suppressed if record.satisfaction is None else record.satisfaction,
        ),
        (
            "feedback",
            _("likelihood to recommend (0-10)"),
            suppressed if record.recommend is None else record.recommend,
        ),
    ]
    for kind, n in sorted(record.sponsorship.items()):
        rows.append(("sponsorship", kind, n))
    rows.append(("sponsorship", _("succeeded"), record.sponsorship_succeeded))
    for p in record.programs:
        names = {"program": p.program, "role": p.role}
        rows.append(
            ("program", _("%(program)s (%(role)s): relationships") % names, p.relationships)
        )
        rows.append(
            ("program", _("%(program)s (%(role)s): meetings held") % names, p.meetings_held)
        )
        rows.append(
            ("program", _("%(program)s (%(role)s): goals reached") % names, p.goals_reached)
        )
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue()


def contribution_pdf(record: Contribution) -> bytes:
    """A one-page PDF of the record for a performance review."""
    html = render_to_string(
        "relationships/recognition_pdf.html",
        {"record": record, "min_group_size": min_group_size()},
    )
    return html_to_pdf(html)
