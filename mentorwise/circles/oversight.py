"""What a group program's managers (and HR admins) do to circles: form one, change its
facilitators, move a member to another circle, close it. Facilitators may close theirs too.

Each is one transaction with its audit row. The size rules hold after every change: one or
two facilitators, MIN_MEMBERS to MAX_MEMBERS members, nobody in two open circles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.circles.inputs import Closure
from mentorwise.circles.models import (
    MAX_FACILITATORS,
    MAX_MEMBERS,
    MIN_MEMBERS,
    Circle,
    CircleMembership,
    CircleRole,
    CircleRun,
    CircleStatus,
)
from mentorwise.circles.permissions import circle_role, require_active, require_overseer
from mentorwise.circles.services import circle_url
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict, FieldError, InvalidInput, NotFound
from mentorwise.core.languages import speaking_to
from mentorwise.matches.permissions import require_manager
from mentorwise.messaging.contract import Kind
from mentorwise.messaging.services import notify
from mentorwise.programs.models import (
    GIVING_ROLES,
    Enrollment,
    EnrollmentStatus,
    Program,
    ProgramKind,
    Role,
)


def require_group_program(program: Program) -> None:
    if program.kind != ProgramKind.GROUP:
        raise Conflict(
            _("Circles belong to group programs; this program pairs people."),
            code="not_group_program",
        )


def require_program_manager(actor: Actor, program: Program) -> User | None:
    """The program's managers and HR admins (None: the system, an operator's command), as for
    pair runs."""
    return require_manager(actor, program)


def _enrollments(
    program: Program, ids: Sequence[int], roles: Sequence[str], field: str
) -> list[Enrollment]:
    found = {
        e.pk: e
        for e in Enrollment.objects.select_for_update()
        .filter(pk__in=ids, program=program, role__in=roles, status=EnrollmentStatus.ACTIVE)
        .select_related("person")
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(
            [
                FieldError(field, _("no such active participant in this program"), value=str(pk))
                for pk in missing
            ]
        )
    return [found[pk] for pk in ids]


def _size_problems(n_facilitators: int, n_members: int) -> list[FieldError]:
    errors = []
    if not 1 <= n_facilitators <= MAX_FACILITATORS:
        errors.append(
            FieldError(
                "facilitators",
                _("a circle has one or two facilitators"),
                value=str(n_facilitators),
            )
        )
    if not MIN_MEMBERS <= n_members <= MAX_MEMBERS:
        errors.append(
            FieldError(
                "members",
                _("a circle has %(low)d to %(high)d members")
                % {"low": MIN_MEMBERS, "high": MAX_MEMBERS},
                value=str(n_members),
            )
        )
    return errors


def _already_in_circle(enrollments: Sequence[Enrollment]) -> None:
    taken = set(
        CircleMembership.objects.filter(
            enrollment__in=enrollments, role=CircleRole.MEMBER, current=True
        ).values_list("enrollment_id", flat=True)
    )
    if taken:
        raise Conflict(
            _("%(names)s already belong to an open circle of this program.")
            % {"names": ", ".join(str(e.person) for e in enrollments if e.pk in taken)},
            code="member_taken",
        )


@transaction.atomic
def circle_create(
    *,
    actor: Actor,
    program: Program,
    name: str,
    facilitator_ids: Sequence[int],
    member_ids: Sequence[int],
    run: CircleRun | None = None,
    audit: bool = True,
) -> Circle:
    """Form a circle of a group program from its enrollments (facilitators on the giving
    side, members mentees), with the program's terms as the first agreement draft."""
    require_program_manager(actor, program)
    require_group_program(program)
    name = name.strip()
    errors = _size_problems(len(set(facilitator_ids)), len(set(member_ids)))
    if not name or len(name) > 120:
        errors.append(FieldError("name", _("must be 1 to 120 characters"), value=name[:40]))
    if set(facilitator_ids) & set(member_ids):
        errors.append(FieldError("members", _("a facilitator cannot also be a member")))
    if errors:
        raise InvalidInput(errors)
    facilitators = _enrollments(
        program, list(dict.fromkeys(facilitator_ids)), GIVING_ROLES, "facilitators"
    )
    members = _enrollments(program, list(dict.fromkeys(member_ids)), (Role.MENTEE,), "members")
    if len({e.person_id for e in facilitators} & {e.person_id for e in members}):
        raise InvalidInput([FieldError("members", _("a facilitator cannot also be a member"))])
    _already_in_circle(members)
    now = timezone.now()
    # The circle runs to the program's end, or six months when the program sets none.
    end = program.end_date
    if end is None or end <= now.date():
        end = (now + dt.timedelta(days=182)).date()
    circle = Circle.objects.create(
        program=program,
        name=name,
        started_at=now,
        planned_end_date=end,
        meeting_cadence_days=program.meeting_cadence_days,
        run=run,
    )
    CircleMembership.objects.bulk_create(
        [
            CircleMembership(circle=circle, enrollment=e, role=CircleRole.FACILITATOR)
            for e in facilitators
        ]
        + [CircleMembership(circle=circle, enrollment=e, role=CircleRole.MEMBER) for e in members]
    )
    for person in [e.person for e in facilitators + members]:
        with speaking_to(person):
            notify(
                person=person,
                kind=Kind.RELATIONSHIP,
                url=circle_url(circle),
                program=program,
                subject=_("%(program)s: you are in the circle %(circle)s")
                % {"program": program.title, "circle": name},
                body=_(
                    "Hello %(first_name)s,\n\nIn %(program)s you are now part of the circle "
                    "%(circle)s. Its facilitators will propose the circle's agreement and the "
                    "first meeting; you find everything under My circles in Mentorwise.\n"
                )
                % {"first_name": person.first_name, "program": program.title, "circle": name},
            )
    if audit:
        audit_record(
            actor=actor,
            action="circle.created",
            target=circle,
            data={"facilitators": len(facilitators), "members": len(members)},
        )
    return circle


def _locked(circle: Circle) -> Circle:
    return Circle.objects.select_for_update().select_related("program").get(pk=circle.pk)


@transaction.atomic
def facilitators_set(*, actor: Actor, circle: Circle, enrollment_ids: Sequence[int]) -> Circle:
    """Replace the circle's facilitators (one or two giving-side enrollments of the program);
    those replaced leave the circle, those kept keep their place."""
    require_overseer(actor, circle)
    circle = _locked(circle)
    require_active(circle)
    ids = list(dict.fromkeys(enrollment_ids))
    if not 1 <= len(ids) <= MAX_FACILITATORS:
        raise InvalidInput(
            [
                FieldError(
                    "facilitators", _("a circle has one or two facilitators"), value=str(len(ids))
                )
            ]
        )
    chosen = _enrollments(circle.program, ids, GIVING_ROLES, "facilitators")
    members = set(
        circle.memberships.filter(left_at__isnull=True, role=CircleRole.MEMBER).values_list(
            "enrollment__person_id", flat=True
        )
    )
    if any(e.person_id in members for e in chosen):
        raise InvalidInput([FieldError("facilitators", _("a member cannot also facilitate"))])
    now = timezone.now()
    current = circle.memberships.filter(left_at__isnull=True, role=CircleRole.FACILITATOR)
    before = set(current.values_list("enrollment_id", flat=True))
    current.exclude(enrollment_id__in=ids).update(left_at=now, current=False)
    CircleMembership.objects.bulk_create(
        [
            CircleMembership(circle=circle, enrollment=e, role=CircleRole.FACILITATOR)
            for e in chosen
            if e.pk not in before
        ]
    )
    audit_record(
        actor=actor,
        action="circle.facilitators_changed",
        target=circle,
        data={"added": len(set(ids) - before), "removed": len(before - set(ids))},
    )
    return circle


@transaction.atomic
def member_move(*, actor: Actor, circle: Circle, enrollment_id: int, to_circle_id: int) -> Circle:
    """Move a member to another open circle of the same program; both stay within sizes."""
    require_overseer(actor, circle)
    target = Circle.objects.filter(pk=to_circle_id, program=circle.program_id).first()
    if target is None or target.pk == circle.pk:
        raise NotFound(_("No such circle in this program."))
    require_overseer(actor, target)
    source, target = (_locked(c) for c in sorted((circle, target), key=lambda c: c.pk))
    if source.pk != circle.pk:
        source, target = target, source
    require_active(source)
    require_active(target)
    membership = source.memberships.filter(
        enrollment_id=enrollment_id, role=CircleRole.MEMBER, left_at__isnull=True
    ).first()
    if membership is None:
        raise NotFound(_("No such member in this circle."))
    left = source.memberships.filter(role=CircleRole.MEMBER, left_at__isnull=True).count() - 1
    joined = target.memberships.filter(role=CircleRole.MEMBER, left_at__isnull=True).count() + 1
    if left < MIN_MEMBERS:
        raise Conflict(
            _("The circle would keep fewer than %(n)d members.") % {"n": MIN_MEMBERS},
            code="circle_too_small",
        )
    if joined > MAX_MEMBERS:
        raise Conflict(
            _("The other circle already has %(n)d members.") % {"n": MAX_MEMBERS},
            code="circle_full",
        )
    membership.left_at, membership.current = timezone.now(), False
    membership.save(update_fields=["left_at", "current"])
    CircleMembership.objects.create(
        circle=target, enrollment_id=enrollment_id, role=CircleRole.MEMBER
    )
    audit_record(
        actor=actor,
        action="circle.member_moved",
        target=source,
        data={"to_circle": target.pk},
    )
    return target


@transaction.atomic
def circle_close(*, actor: Actor, circle: Circle, data: Closure) -> Circle:
    """Close a circle with its reason and outcomes (its facilitators or its overseers);
    members are then asked for the closing survey."""
    if circle_role(actor, circle) != CircleRole.FACILITATOR:
        require_overseer(actor, circle)
    circle = _locked(circle)
    require_active(circle)
    clean = data.validate()
    circle.status, circle.closed_at = CircleStatus.CLOSED, timezone.now()
    circle.closed_by = actor if isinstance(actor, User) else None
    circle.closure_reason, circle.outcomes = clean.reason, clean.outcomes
    circle.save(update_fields=["status", "closed_at", "closed_by", "closure_reason", "outcomes"])
    circle.memberships.update(current=False)
    for membership in circle.memberships.filter(
        role=CircleRole.MEMBER, left_at__isnull=True
    ).select_related("enrollment__person"):
        person = membership.enrollment.person
        with speaking_to(person):
            notify(
                person=person,
                kind=Kind.RELATIONSHIP,
                url=circle_url(circle),
                program=circle.program,
                subject=_("The circle %(circle)s has closed") % {"circle": circle.name},
                body=_(
                    "Hello %(first_name)s,\n\nThe circle %(circle)s has closed. Please tell "
                    "us in Mentorwise how useful it was for you (two questions).\n"
                )
                % {"first_name": person.first_name, "circle": circle.name},
            )
    audit_record(actor=actor, action="circle.closed", target=circle)
    return circle
