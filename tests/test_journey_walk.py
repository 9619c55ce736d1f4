"""A six-month journey walked day by day with a time machine.

A first-time-manager program (six months, its template's journey) and a relationship that
starts on day 0. Every day the reminders' job runs (`nudges_run`, as cron does) and the
pair marks steps done on a plan drawn from a seeded generator: some on time, some late,
some never, one before it is even due. Checked against an independent reckoning written
here from the rules in docs/journeys.md (due dates with dateutil's calendar months):

- each step falls due on its date and each person is reminded of it exactly once, on that
  day (never for the step done early, never again after it was done or changed);
- the pair's journey (due now, next, done) and program health's journey figure follow;
- a manager edits the journey mid-way (adds a step whose offset has passed and one whose
  offset has not, moves an offset, removes a step) without breaking the relationship in
  flight, and a relationship that starts later gets the steps added before its dates.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core import mail

from conftest import make_person, make_user, page_client
from mentorwise.insights.health import program_health
from mentorwise.journeys import selectors, services
from mentorwise.journeys.inputs import StepInput
from mentorwise.journeys.models import JourneyStep
from mentorwise.notifications.models import Nudge, NudgeKind
from mentorwise.notifications.services import nudges_run
from mentorwise.programs.models import Enrollment, Program, ProgramStatus
from mentorwise.programs.services import program_create_from_template
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.tests.factories import started_relationship

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)  # a Monday
DAYS = 200  # past the six months and the last step's grace
GRACE = 7


def _due(start: dt.date, step: JourneyStep) -> dt.date:
    """The oracle's due date: dateutil's calendar arithmetic, not the code under test."""
    unit = {"days": "days", "weeks": "weeks", "months": "months"}[step.offset_unit]
    return start + relativedelta(**{unit: step.offset_value})


def _pair(program: Program, n: int) -> tuple[Any, Any]:
    people = []
    for role, level in (("mentee", 5), ("mentor", 8)):
        person = make_person(first_name=f"{role.title()}{n}", job_level=level)
        Enrollment.objects.create(program=program, person=person, role=role)
        people.append(make_user(person))
    return people[0], people[1]


def _plan(steps: list[JourneyStep], seed: int) -> dict[int, int | None]:
    """Step id -> days after its due date the pair marks it done (None: never)."""
    rng = random.Random(seed)
    plan: dict[int, int | None] = {}
    for step in steps:
        plan[step.pk] = rng.choice([0, 2, 6, 7, 8, 15, None])
    plan[steps[3].pk] = -3  # done three days before it falls due: never reminded
    return plan


def _oracle(
    start: dt.date, steps: list[JourneyStep], done: dict[int, dt.date], today: dt.date
) -> tuple[int, int, bool]:
    """(counted, on time, behind) by the rule as docs/journeys.md states it."""
    counted = on_time = 0
    behind = False
    for step in steps:
        due = _due(start, step)
        if step.pk in done:
            counted += 1
            on_time += done[step.pk] <= due + dt.timedelta(days=GRACE)
        elif today > due + dt.timedelta(days=GRACE):
            counted += 1
            behind = True
    return counted, on_time, behind


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_a_six_month_journey(
    db: None, hr_admin: Any, seed: int, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        program = program_create_from_template(
            actor=hr_admin, template_key="first_time_manager", name=f"New managers {seed}"
        )
        Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
        manager = make_user(make_person(first_name="Pia", last_name="Manager"))
        program.managers.add(manager)
        mentee, mentor = _pair(program, 1)
        rel = started_relationship(mentee, mentor, days_ago=0)
        start = START.date()
        steps = list(services.program_journey(program).steps.order_by("position"))
        assert len(steps) >= 8
        # The template's journey covers the program: its last step is in month six.
        assert max(_due(start, s) for s in steps) == start + relativedelta(months=6)
        plan = _plan(steps, seed)
        done: dict[int, dt.date] = {}
        reminded: dict[tuple[int, int], dt.date] = {}
        shares: list[float | None] = []
        later_rel: Relationship | None = None
        late_added = early_added = None

        for day in range(DAYS):
            today = start + dt.timedelta(days=day)
            clock.move_to(START + dt.timedelta(days=day))
            live = [s for s in steps if s.removed_at is None]

            # The job runs at nine (cron); the pair marks steps later in the day.
            with django_capture_on_commit_callbacks(execute=True):  # the e-mails go out
                nudges_run(send=True)
            for nudge in Nudge.objects.filter(
                kind=NudgeKind.JOURNEY_STEP_DUE, created_at__date=today, relationship=rel
            ):
                step_id = int(nudge.cause.rsplit(":", 1)[1])
                key = (nudge.person_id, step_id)
                assert key not in reminded, f"reminded twice of step {step_id}"
                reminded[key] = today

            # The pair marks what the plan says (alternating who does it).
            for i, step in enumerate(live):
                after = plan.get(step.pk)
                if (
                    after is not None
                    and step.pk not in done
                    and today == _due(start, step) + (dt.timedelta(days=after))
                ):
                    who = mentee if i % 2 else mentor
                    services.journey_step_mark(actor=who, relationship=rel, step=step, done=True)
                    done[step.pk] = today

            if day == 70:
                # Mid-way edits by the program's manager.
                early_added = services.journey_step_add(
                    actor=manager,
                    program=program,
                    data=StepInput(
                        kind="tip", offset_value=2, offset_unit="weeks", title="Early tip"
                    ),
                )
                late_added = services.journey_step_add(
                    actor=manager,
                    program=program,
                    data=StepInput(
                        kind="task",
                        offset_value=4,
                        offset_unit="months",
                        title="Ask your team for feedback on you",
                        body="Three questions, anonymous if they prefer.",
                    ),
                )
                moved = next(s for s in live if _due(start, s) > today + dt.timedelta(days=30))
                services.journey_step_update(
                    actor=manager,
                    step=moved,
                    data=StepInput(
                        kind=moved.kind,
                        offset_value=moved.offset_value + 1
                        if moved.offset_unit == "months"
                        else moved.offset_value + 4,
                        offset_unit=moved.offset_unit,
                        title=moved.title,
                        body=moved.body,
                        guide_type=moved.guide_type,
                        questions=tuple(moved.questions),
                        url=moved.url,
                    ),
                )
                gone = next(s for s in live if s.pk in done)
                services.journey_step_remove(actor=manager, step=gone)
                steps = list(JourneyStep.objects.filter(journey__program=program))
                # The early tip's offset passed for `rel`: it does not apply there.
                plan[late_added.pk] = 1
                later_mentee, later_mentor = _pair(program, 2)
            if day == 80:
                later_rel = started_relationship(later_mentee, later_mentor, days_ago=0)

            # What applies to `rel`: the steps it started with and those added before their
            # due dates, minus the removed one.
            applying = [
                s
                for s in steps
                if s.removed_at is None
                and (s.added_at is None or _due(start, s) >= s.added_at.date())
            ]
            journey = selectors.relationship_journey(relationship=rel)
            assert [i.step.pk for i in journey.items] == [
                s.pk for s in sorted(applying, key=lambda s: (_due(start, s), s.position, s.pk))
            ]
            assert {i.step.pk for i in journey.done} == {s.pk for s in applying if s.pk in done}
            assert {i.step.pk for i in journey.now} == {
                s.pk for s in applying if s.pk not in done and _due(start, s) <= today
            }
            counted, on_time, behind = _oracle(start, applying, done, today)
            assert (journey.tally.counted, journey.tally.on_time) == (counted, on_time)

            if day % 15 == 0 or day == DAYS - 1:
                figure = program_health(program=program).journey
                others = later_rel is not None
                if not others:
                    assert (figure.counted, figure.on_time) == (counted, on_time)
                    assert figure.behind == int(behind)
                shares.append(figure.share)

        # Every step that applied was reminded to both, on its due day, unless done before.
        for step in applying:
            due = _due(start, step)
            for person in (mentee.person, mentor.person):
                if step.pk in done and done[step.pk] < due:
                    assert (person.pk, step.pk) not in reminded
                else:
                    assert reminded[(person.pk, step.pk)] == due, step.title
        assert early_added is not None and late_added is not None
        assert all(step_id != early_added.pk for _, step_id in reminded)
        assert (mentee.person.pk, late_added.pk) in reminded
        # Each reminder (of both relationships) was e-mailed once; nobody muted reminders.
        subjects = [m.subject for m in mail.outbox if m.subject.startswith("Journey: ")]
        sent = Nudge.objects.filter(kind=NudgeKind.JOURNEY_STEP_DUE)
        assert len(subjects) == sent.count() > len(reminded)
        assert sent.filter(relationship=rel).count() == len(reminded)
        # Progress moved as steps fell due and were done or missed.
        assert len({s for s in shares if s is not None}) > 1

        # The later relationship has the early tip (added before its due date there).
        assert later_rel is not None
        later = selectors.relationship_journey(relationship=later_rel)
        assert early_added.pk in {i.step.pk for i in later.items}
        # Its page still answers for the pair in flight.
        assert page_client(mentee).get(f"/relationships/{rel.pk}/journey/").status_code == 200
