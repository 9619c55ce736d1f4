"""The circles of the permissions matrix world (tests/permissions_world.py).

A group program `circles-matrix` managed by `pm` (not by `pm2`):

- circle A ("Matrix Circle A"): facilitated by Marta (`mentor`); members Ana (`mentee`),
  Mikel (`mentor2`) and one more; an agreement, a scheduled meeting with Ana's private note,
  Ana's check-in with a comment;
- circle B ("Matrix Circle B"): facilitated by Mikel (`mentor2`); members Omar (`mentee2`) and
  two more.

So `mentor2` is a member of one circle and the facilitator of another: the rows check that
facilitating B gives him nothing of A beyond what a member of A has (no check-in comments,
no agreement writing). `mentee2` is in B only: A does not exist for him.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from conftest import make_person
from mentorwise.accounts.models import User
from mentorwise.circles import inputs, services
from mentorwise.circles.models import CircleRun, CircleRunStatus
from mentorwise.circles.oversight import circle_create
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus

CIRCLE_MARK = {
    "circle": "Matrix Circle A",
    "circle_agreement": "CIRCLE-AGREEMENT-MARK",
    "circle_check_in": "CIRCLE-CHECK-IN-MARK",
    "circle_private": "CIRCLE-PRIVATE-NOTE-MARK",
}


def build_circles(hr: User, pm: User, users: dict[str, User]) -> dict[str, Any]:
    from mentorwise.programs.services import program_create_from_template

    program = program_create_from_template(
        actor=hr, template_key="group_circle", name="Circles Matrix", slug="circles-matrix"
    )
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    program.refresh_from_db()
    program.managers.add(pm)

    def enroll(person: Any, role: str) -> Enrollment:
        return Enrollment.objects.create(
            program=program, person=person, role=role, status=EnrollmentStatus.ACTIVE, capacity=6
        )

    def person(role: str) -> Any:
        return users[role].person

    marta, mikel_lead = enroll(person("mentor"), "mentor"), enroll(person("mentor2"), "mentor")
    ana, mikel, omar = (enroll(person(r), "mentee") for r in ("mentee", "mentor2", "mentee2"))
    extra = [enroll(make_person(first_name=f"Circle{n}"), "mentee") for n in range(3)]
    circle = circle_create(
        actor=hr,
        program=program,
        name=CIRCLE_MARK["circle"],
        facilitator_ids=[marta.pk],
        member_ids=[ana.pk, mikel.pk, extra[0].pk],
    )
    circle_create(
        actor=hr,
        program=program,
        name="Matrix Circle B",
        facilitator_ids=[mikel_lead.pk],
        member_ids=[omar.pk, extra[1].pk, extra[2].pk],
    )
    services.agreement_update(
        actor=users["mentor"],
        circle=circle,
        data=inputs.AgreementText(text=CIRCLE_MARK["circle_agreement"]),
    )
    meeting = services.meeting_schedule(
        actor=users["mentor"],
        circle=circle,
        data=inputs.MeetingPlan(starts_at=timezone.now() + dt.timedelta(days=5)),
    )
    services.private_note_write(
        actor=users["mentee"], meeting=meeting, text=CIRCLE_MARK["circle_private"]
    )
    services.check_in_create(
        actor=users["mentee"],
        circle=circle,
        data=inputs.CheckInNew(pulse=3, comment=CIRCLE_MARK["circle_check_in"]),
    )
    run = CircleRun.objects.create(
        program=program,
        created_by=hr,
        status=CircleRunStatus.DONE,
        objective="diversity",
        attribute="function",
        min_size=3,
        max_size=6,
    )
    return {
        "circle_slug": program.slug,
        "circle": circle.pk,
        "circle_meeting": meeting.pk,
        "circle_lead": marta.pk,
        "circle_run": run.pk,
    }
