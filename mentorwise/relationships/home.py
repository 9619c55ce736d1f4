"""What the home page tells a participant (mentee, mentor, sponsor, coach): what is next, and
with whom, each with a link.

Builds on `selectors.home_panel` (relationships, next meeting, open goals, agreements to write
or confirm, meetings to plan, surveys to answer) and adds the match offers waiting for the
actor's answer with the other person's profile, the check-ins due, and the programs where
the actor, as a mentee, still waits for a match. Everything here is about the actor's own
relationships, enrollments and matches: nothing about anyone else's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import actor_person_id
from mentorwise.core.db.fixed import FixedQuery
from mentorwise.matches.models import TAKES_MENTEE, Match, MatchStatus
from mentorwise.matches.problem import giving_role
from mentorwise.matches.profiles import Profile, enrollment_profiles
from mentorwise.programs.models import Enrollment, EnrollmentStatus, ProgramStatus, Role, role_noun
from mentorwise.relationships.models import AgreementVersion, CheckIn, Relationship
from mentorwise.relationships.permissions import actor_side
from mentorwise.relationships.selectors import (
    home_panel,
    matches_awaiting_answer,
)


@dataclass(frozen=True)
class Offer:
    """A match waiting for the actor's answer, and who it is with."""

    match: Match
    other: Profile
    other_role: str  # the role's label ("Mentee")
    other_role_noun: str = ""  # the role as a word inside a sentence ("mentee"; "Mentee" in German)


@dataclass(frozen=True)
class Waiting:
    """A program where the actor, as a mentee, has no match yet; `url` is what to do."""

    enrollment: Enrollment
    text: str
    url: str


def check_in_due(
    *, now: dt.datetime, started_at: dt.datetime, last_check_in: dt.datetime | None, cadence: int
) -> bool:
    """A side's check-in is due once a relationship is one cadence old and that side has not
    checked in within the last cadence (the agreed meeting interval)."""
    every = dt.timedelta(days=max(1, cadence))
    if now - started_at < every:
        return False
    return last_check_in is None or now - last_check_in >= every


def _check_ins_due(
    actor: Actor,
    mine: list[Relationship],
    now: dt.datetime,
    agreements: dict[int, AgreementVersion],
) -> list[Relationship]:
    sides = {r.pk: actor_side(actor, r) for r in mine}
    latest: dict[tuple[int, str | None], dt.datetime] = {
        (row["relationship_id"], row["side"]): row["last"]
        for row in CheckIn.objects.filter(relationship__in=[r.pk for r in mine])
        .order_by()
        .values("relationship_id", "side")
        .annotate(last=Max("created_at"))
    }
    due = []
    for r in mine:
        current = agreements.get(r.pk)
        cadence = current.meeting_cadence_days if current else r.program.meeting_cadence_days
        if check_in_due(
            now=now,
            started_at=r.started_at,
            last_check_in=latest.get((r.pk, sides[r.pk])),
            cadence=cadence,
        ):
            due.append(r)
    return due


def match_offers(*, actor: Actor, matches: list[Match] | None = None) -> list[Offer]:
    """The matches waiting for the actor's answer, each with the other person's profile
    (`matches`: those matches, when the caller has read them already)."""
    person_id = actor_person_id(actor)
    if matches is None:
        matches = matches_awaiting_answer(actor=actor)
    others = [m.mentor if m.mentee.person_id == person_id else m.mentee for m in matches]
    profiles = enrollment_profiles(others)
    return [
        Offer(
            match=m,
            other=profiles[o.pk],
            other_role=o.get_role_display(),
            other_role_noun=role_noun(o.role),
        )
        for m, o in zip(matches, others, strict=True)
    ]


def _open_enrollments(person_id: int) -> QuerySet[Enrollment]:
    """A person's active enrollments in open programs, with whether each gives or receives
    in a match already."""
    return (
        Enrollment.objects.filter(
            person_id=person_id,
            status=EnrollmentStatus.ACTIVE,
            program__status__in=(ProgramStatus.ENROLLING, ProgramStatus.ACTIVE),
        )
        .annotate(
            giving=Exists(
                Match.objects.filter(mentor=OuterRef("pk"), status__in=TAKES_MENTEE).order_by()
            ),
            receiving=Exists(
                Match.objects.filter(
                    mentee=OuterRef("pk"), status__in=(*TAKES_MENTEE, MatchStatus.REQUESTED)
                ).order_by()
            ),
        )
        .select_related("program")
        .order_by("program__name")
    )


_OPEN_ENROLLMENTS = FixedQuery(_open_enrollments, int)


def _waiting(actor: Actor) -> list[Waiting]:
    """Programs where the actor waits for a match: as a mentor (sponsor, coach) with no one
    matched yet, then as a mentee with no mentor matched or requested (one query)."""
    person_id = actor_person_id(actor)
    if person_id is None:
        return []
    rows: list[Any] = _OPEN_ENROLLMENTS.all(person_id)  # annotated with giving, receiving
    givers = [
        e
        for e in rows
        if e.role not in (Role.MENTEE, Role.PEER)
        and not e.is_paused
        and not e.giving
        and e.role == giving_role(e.program)
    ]
    result = [_waiting_to_give(e) for e in givers]
    for e in rows:
        # A peer waits like a mentee, and is matched on either side of a pair.
        if e.role not in (Role.MENTEE, Role.PEER) or e.receiving:
            continue
        if e.role == Role.PEER and e.giving:
            continue
        label = Role(giving_role(e.program)).label.lower()
        if e.program.self_match:
            text = _("Find a %(role)s in %(program)s") % {"role": label, "program": e.program.title}
            url = reverse("matches:find", args=[e.program.slug])
        else:
            text = _("The program manager of %(program)s will match you with a %(role)s") % {
                "program": e.program.title,
                "role": label,
            }
            url = reverse("programs:detail", args=[e.program.slug])
        result.append(Waiting(e, text, url))
    return result


def _waiting_to_give(e: Enrollment) -> Waiting:
    """A mentor's (sponsor's, coach's) enrollment with no one matched yet."""
    if e.program.matching.get("options", {}).get("mentor_preferences"):
        text = _("No mentee matched with you yet in %(program)s: see who is waiting") % {
            "program": e.program.title
        }
        url = reverse("matches:mentees", args=[e.program.slug])
    else:
        text = _(
            "No mentee matched with you yet in %(program)s: the program manager will propose one"
        ) % {"program": e.program.title}
        url = reverse("programs:detail", args=[e.program.slug])
    return Waiting(e, text, url)


def participant_home(*, actor: Actor) -> dict[str, Any]:
    """The participant's home: `home_panel`'s figures, plus `offers` (matches awaiting the
    actor's answer, with the other person's profile), `waiting` (programs where the actor
    waits for a match) and check-ins due added to `due`."""
    awaiting = matches_awaiting_answer(actor=actor)
    panel = home_panel(actor=actor, awaiting=awaiting)
    now = timezone.now()
    mine = [row["relationship"] for row in panel["relationships"]]
    others = {row["relationship"].pk: row["other"] for row in panel["relationships"]}
    for r in _check_ins_due(actor, mine, now, panel["agreements"]):
        panel["due"].append(
            {
                "text": _("Check in on how it is going with %(name)s")
                % {"name": others[r.pk].full_name},
                "relationship": r,
                "anchor": "check-ins",
            }
        )
    # The offers are shown with the person's profile; the generic "answer your match" line
    # of home_panel would repeat them.
    panel["due"] = [item for item in panel["due"] if "match" not in item]
    panel["offers"] = match_offers(actor=actor, matches=awaiting)
    panel["waiting"] = _waiting(actor)
    return panel
