"""Nudge rules: what is due or stalled right now, as drafts keyed by their cause.

Each rule reads the database in a few bulk queries and returns `NudgeDraft`s. The cause
key names the exact situation (which agreement version, which stall since which last
meeting, which survey), so re-running the rules never creates a second nudge for the same
cause, and a new situation (a new stall after a later meeting) gets a new one.

Stalled relationships escalate: a reminder to the pair when no meeting happened for the
cadence plus the grace period; a flag to the program managers at twice the cadence; and,
where the program says so, a warning at three times the cadence followed a week later by
an automatic closure that offers the mentee a new match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.core.clock import format_day, zone_of
from mentorwise.core.languages import language_from, speaking_to
from mentorwise.journeys.selectors import due_steps
from mentorwise.journeys.services import journeys_copy_missing
from mentorwise.learning.selectors import people_trained_for
from mentorwise.matches.models import Match, MatchStatus, Response
from mentorwise.messaging.texts import program_text, programs_with_text
from mentorwise.notifications.models import NudgeKind
from mentorwise.people.models import Person
from mentorwise.programs.models import GIVING_ROLES, Enrollment, EnrollmentStatus, Program
from mentorwise.relationships.health import STALL_GRACE_DAYS
from mentorwise.relationships.models import (
    AgreementVersion,
    CheckIn,
    Relationship,
    RelationshipStatus,
    Side,
    SurveyKind,
    SurveyResponse,
)

AGREEMENT_GRACE_DAYS = 7
ANSWER_REMINDER_DAYS = 2
CLOSURE_NOTICE_DAYS = 7
CLOSING_SURVEY_WINDOW_DAYS = 30
CHECKIN_DAYS = 30


@dataclass(frozen=True)
class NudgeDraft:
    """A nudge to create unless one with the same (person, cause) exists."""

    person_id: int
    kind: str
    cause: str
    subject: str
    body: str
    url: str = ""
    essential: bool = False
    program_id: int | None = None
    relationship_id: int | None = None


def site_url(name: str, *args: object) -> str:
    base: str = settings.MENTORWISE_BASE_URL
    return base.rstrip("/") + reverse(name, args=args)


def _days(n: int) -> str:
    """ "3 days", in the active language."""
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def _recipients(person_ids: set[int]) -> dict[int, Person]:
    """The people by id, with their login (which holds their language), in one query."""
    return {p.pk: p for p in Person.objects.filter(pk__in=person_ids).select_related("user")}


# The pair's people with their logins: each nudge is written in its recipient's language.
_PAIR = ("program", "mentee__person__user", "mentor__person__user")


@dataclass(frozen=True)
class Recipient:
    """One side of a pair as the rules write to them: no model instance, just what a nudge
    needs (the language by `core.languages.language_from`, the rule of `speaking_to`)."""

    pk: int
    first_name: str
    last_name: str
    language: str

    @property
    def full_name(self) -> str:  # Person.full_name
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Pair:
    """A relationship as the rules read it: its columns, its program, its two people."""

    pk: int
    program: Program
    status: str
    started_at: dt.datetime
    last_meeting_at: dt.datetime | None
    planned_end_date: dt.date | None
    closed_at: dt.datetime | None
    mentee: Recipient
    mentor: Recipient

    @property
    def program_id(self) -> int:
        return self.program.pk


_PAIR_COLUMNS = (
    "pk",
    "program_id",
    "status",
    "started_at",
    "last_meeting_at",
    "planned_end_date",
    "closed_at",
)
_SIDE_COLUMNS = ("person_id", "person__first_name", "person__last_name", "person__languages")


class _PairReader:
    """Reads relationships as `Pair`s in one query (plus one for their programs), whatever
    their number: the columns through `prefix` (the path from the queried model to the
    relationship), never a model instance per relationship or person."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.programs: dict[int, Program] = {}
        self.languages: dict[tuple[str | None, tuple[str, ...]], str] = {}

    def columns(self) -> list[str]:
        p = self.prefix
        sides = [
            f"{p}{side}__{column}"
            for side in ("mentee", "mentor")
            for column in (*_SIDE_COLUMNS, "person__user__language")
        ]
        return [f"{p}{column}" for column in _PAIR_COLUMNS] + sides

    def _language(self, chosen: str | None, record: list[str] | None) -> str:
        key = (chosen, tuple(record or ()))
        if key not in self.languages:
            self.languages[key] = language_from(chosen=chosen, record=record)
        return self.languages[key]

    def _side(self, values: Sequence[Any]) -> Recipient:
        person_id, first_name, last_name, record, chosen = values
        return Recipient(person_id, first_name, last_name, self._language(chosen, record))

    def pair(self, row: Sequence[Any]) -> Pair:
        """The `Pair` of one row of `columns()`."""
        pk, program_id, status, started_at, last_meeting_at, planned_end, closed_at = row[:7]
        if program_id not in self.programs:  # a program created since `read` looked
            self.programs.update(Program.objects.in_bulk([program_id]))
        return Pair(
            pk,
            self.programs[program_id],
            status,
            started_at,
            last_meeting_at,
            planned_end,
            closed_at,
            self._side(row[7:12]),
            self._side(row[12:17]),
        )

    def read(self, queryset: QuerySet[Any], *own: str) -> Iterator[tuple[Any, ...]]:
        """Each row of `queryset` as its `own` columns followed by its `Pair`: one query for
        the rows, one for their programs."""
        programs = queryset.order_by().values(f"{self.prefix}program_id")
        self.programs.update({p.pk: p for p in Program.objects.filter(pk__in=programs)})
        n = len(own)
        for row in queryset.values_list(*own, *self.columns()).iterator(chunk_size=2000):
            yield (*row[:n], self.pair(row[n:]))


def _active_pairs() -> Iterator[Pair]:
    """Every active relationship, as a `Pair`."""
    rows = _PairReader().read(Relationship.objects.filter(status=RelationshipStatus.ACTIVE))
    return (row[0] for row in rows)


def _url_of(name: str) -> Callable[[int], str]:
    """`site_url(name, pk)` for many ids: reversed once for a URL with one integer argument."""
    marker = 987_654_321_012_345
    head, found, tail = site_url(name, marker).partition(str(marker))
    if not found or str(marker) in tail:
        return lambda pk: site_url(name, pk)
    return lambda pk: f"{head}{pk}{tail}"


def agreement_unconfirmed(now: dt.datetime) -> list[NudgeDraft]:
    """The latest agreement version, unconfirmed by one side a week after it was written."""
    latest = AgreementVersion.objects.filter(agreement=OuterRef("agreement")).order_by("-number")
    versions = AgreementVersion.objects.filter(
        pk=Subquery(latest.values("pk")[:1]),
        agreement__relationship__status=RelationshipStatus.ACTIVE,
        created_at__lt=now - dt.timedelta(days=AGREEMENT_GRACE_DAYS),
    ).filter(Q(mentee_confirmed_at__isnull=True) | Q(mentor_confirmed_at__isnull=True))
    detail = _url_of("relationships:detail")
    drafts = []
    for version_id, number, mentee_confirmed, mentor_confirmed, rel in _PairReader(
        "agreement__relationship__"
    ).read(versions, "pk", "number", "mentee_confirmed_at", "mentor_confirmed_at"):
        for person, other, confirmed in (
            (rel.mentee, rel.mentor, mentee_confirmed),
            (rel.mentor, rel.mentee, mentor_confirmed),
        ):
            if confirmed is not None:
                continue
            with translation.override(person.language):
                subject = _("Please confirm your agreement with %(name)s") % {
                    "name": other.full_name
                }
                body = _(
                    "Version %(number)s of your %(program)s agreement with %(name)s has waited "
                    "for your confirmation for more than %(days)s. Read it and confirm it, or "
                    "propose changes."
                ) % {
                    "number": number,
                    "program": rel.program.title,
                    "name": other.full_name,
                    "days": _days(AGREEMENT_GRACE_DAYS),
                }
            drafts.append(
                NudgeDraft(
                    person_id=person.pk,
                    kind=NudgeKind.AGREEMENT_UNCONFIRMED,
                    cause=f"agreement:{version_id}",
                    subject=subject,
                    body=body,
                    url=detail(rel.pk),
                    essential=True,
                    program_id=rel.program_id,
                    relationship_id=rel.pk,
                )
            )
    return drafts


def stalled(now: dt.datetime) -> tuple[list[NudgeDraft], list[Relationship]]:
    """Escalating nudges for relationships without meetings, and those now due for closure.

    Returns the drafts and the relationships whose closure warning is older than
    CLOSURE_NOTICE_DAYS (the caller closes them, offering a re-match).
    """
    drafts: list[NudgeDraft] = []
    close_ids: list[int] = []
    managers = _program_manager_people()
    overseers = _recipients({pid for ids in managers.values() for pid in ids})
    warned = _warned_relationships()
    detail = _url_of("relationships:detail")
    for rel in _active_pairs():
        anchor = rel.last_meeting_at or rel.started_at
        days = (now - anchor).days
        cadence = max(1, rel.program.meeting_cadence_days)
        key = f"{rel.pk}:{anchor:%Y%m%d%H%M}"
        mentee, mentor = rel.mentee, rel.mentor
        url = detail(rel.pk)
        if days > cadence + STALL_GRACE_DAYS:
            for person, other in ((mentee, mentor), (mentor, mentee)):
                with translation.override(person.language):
                    subject = _("Time to meet %(name)s again") % {"name": other.full_name}
                    body = _(
                        "You and %(name)s last met %(days)s ago; %(program)s suggests meeting "
                        "every %(cadence)s. Schedule your next conversation, or tell your "
                        "program manager if something is in the way."
                    ) % {
                        "name": other.full_name,
                        "days": _days(days),
                        "program": rel.program.title,
                        "cadence": _days(cadence),
                    }
                drafts.append(
                    NudgeDraft(
                        person_id=person.pk,
                        kind=NudgeKind.NO_RECENT_MEETING,
                        cause=f"stall:{key}",
                        subject=subject,
                        body=body,
                        url=url,
                        program_id=rel.program_id,
                        relationship_id=rel.pk,
                    )
                )
        if days > 2 * cadence + STALL_GRACE_DAYS:
            # A manager in the pair is reminded as a member of it, not flagged as overseer.
            for person_id in managers.get(rel.program_id, ()):
                if person_id in (mentee.pk, mentor.pk):
                    continue
                names = {"mentee": mentee.full_name, "mentor": mentor.full_name}
                with speaking_to(overseers.get(person_id)):
                    subject = _("Stalled: %(mentee)s and %(mentor)s") % names
                    body = _(
                        "In %(program)s, %(mentee)s and %(mentor)s have not met for %(days)s "
                        "(cadence %(cadence)s). They were reminded; consider reaching out or "
                        "offering a new match."
                    ) % {
                        **names,
                        "program": rel.program.title,
                        "days": _days(days),
                        "cadence": _days(cadence),
                    }
                drafts.append(
                    NudgeDraft(
                        person_id=person_id,
                        kind=NudgeKind.STALLED_FLAG,
                        cause=f"flag:{key}",
                        subject=subject,
                        body=body,
                        url=site_url("relationships:program", rel.program.slug),
                        essential=True,
                        program_id=rel.program_id,
                        relationship_id=rel.pk,
                    )
                )
        if rel.program.auto_close_stalled and days > 3 * cadence + STALL_GRACE_DAYS:
            warning_at = warned.get((rel.pk, f"closewarn:{key}"))
            if warning_at is None:
                for person in (mentee, mentor):
                    with translation.override(person.language):
                        subject = _("Your %(program)s relationship will be closed") % {
                            "program": rel.program.title
                        }
                        body = (
                            _(
                                "There has been no meeting for %(days)s. Unless a meeting is "
                                "logged within %(notice)s, the relationship will be closed and "
                                "each of you offered a new peer."
                            )
                            if rel.program.is_peer
                            else _(
                                "There has been no meeting for %(days)s. Unless a meeting is "
                                "logged within %(notice)s, the relationship will be closed and "
                                "the mentee offered a new match."
                            )
                        ) % {"days": _days(days), "notice": _days(CLOSURE_NOTICE_DAYS)}
                    drafts.append(
                        NudgeDraft(
                            person_id=person.pk,
                            kind=NudgeKind.CLOSURE_WARNING,
                            cause=f"closewarn:{key}",
                            subject=subject,
                            body=body,
                            url=url,
                            essential=True,
                            program_id=rel.program_id,
                            relationship_id=rel.pk,
                        )
                    )
            elif now - warning_at >= dt.timedelta(days=CLOSURE_NOTICE_DAYS):
                close_ids.append(rel.pk)
    # The few to close as model instances, for the closure service.
    by_pk = Relationship.objects.select_related(*_PAIR).in_bulk(close_ids) if close_ids else {}
    return drafts, [by_pk[pk] for pk in close_ids]


def _program_manager_people() -> dict[int, list[int]]:
    """Program id -> person ids of its managers (those whose login has a person)."""
    out: dict[int, list[int]] = {}
    rows = Program.managers.through.objects.filter(user__person__isnull=False).values_list(
        "program_id", "user__person_id"
    )
    for program_id, person_id in rows:
        out.setdefault(program_id, []).append(person_id)
    return out


def _warned_relationships() -> dict[tuple[int, str], dt.datetime]:
    from mentorwise.notifications.models import Nudge

    rows = (
        Nudge.objects.filter(
            kind=NudgeKind.CLOSURE_WARNING, relationship__status=RelationshipStatus.ACTIVE
        )
        .values("relationship_id", "cause")
        .annotate(first=Max("created_at"))
    )
    return {(r["relationship_id"], r["cause"]): r["first"] for r in rows}


def _pair_values(rel: Pair) -> dict[str, str]:
    """The values of a program message about one relationship (communications.catalog.PAIR)."""
    return {
        "mentor_first_name": rel.mentor.first_name,
        "mentor_name": rel.mentor.full_name,
        "mentee_first_name": rel.mentee.first_name,
        "mentee_name": rel.mentee.full_name,
        "relationship_url": site_url("relationships:detail", rel.pk),
    }


def survey_due(now: dt.datetime) -> list[NudgeDraft]:
    """Midpoint surveys after the midpoint; closing surveys in the month after closure."""
    answered = set(SurveyResponse.objects.values_list("relationship_id", "survey__kind", "side"))
    drafts = []
    today = now.date()
    recent = now - dt.timedelta(days=CLOSING_SURVEY_WINDOW_DAYS)
    own = {key: programs_with_text(key) for key in ("midpoint", "closing")}
    detail = _url_of("relationships:detail")
    rels = Relationship.objects.filter(
        Q(status=RelationshipStatus.ACTIVE, planned_end_date__isnull=False)
        | Q(status=RelationshipStatus.CLOSED, closed_at__gte=recent)
    )
    for (rel,) in _PairReader().read(rels):
        if rel.status == RelationshipStatus.CLOSED:
            kind = SurveyKind.CLOSING
        elif rel.planned_end_date is not None:
            start = rel.started_at.date()
            midpoint = start + (rel.planned_end_date - start) / 2
            if today < midpoint:
                continue
            kind = SurveyKind.MIDPOINT
        for side, person in ((Side.MENTEE, rel.mentee), (Side.MENTOR, rel.mentor)):
            if (rel.pk, kind, side) in answered:
                continue
            with translation.override(person.language):
                subject = (
                    _("Your closing survey for %(program)s")
                    if kind == SurveyKind.CLOSING
                    else _("Your midpoint survey for %(program)s")
                ) % {"program": rel.program.title}
                body = _(
                    "Two minutes of feedback on your %(program)s relationship help the program "
                    "improve. Your answers are confidential."
                ) % {"program": rel.program.title}
                key = "closing" if kind == SurveyKind.CLOSING else "midpoint"
                if rel.program_id in own[key]:  # the program's own wording (communications)
                    subject, body = program_text(
                        program_id=rel.program_id,
                        key=key,
                        person_id=person.pk,
                        language=translation.get_language() or settings.LANGUAGE_CODE,
                        values=_pair_values(rel),
                    ) or (subject, body)
            drafts.append(
                NudgeDraft(
                    person_id=person.pk,
                    kind=NudgeKind.SURVEY_DUE,
                    cause=f"survey:{kind}:{rel.pk}",
                    subject=subject,
                    body=body,
                    url=detail(rel.pk),
                    program_id=rel.program_id,
                    relationship_id=rel.pk,
                )
            )
    return drafts


def answer_waiting(now: dt.datetime) -> list[NudgeDraft]:
    """A published match or a mentee's request unanswered for a couple of days."""
    before = now - dt.timedelta(days=ANSWER_REMINDER_DAYS)
    drafts = []
    matches = Match.objects.filter(
        status__in=(MatchStatus.PUBLISHED, MatchStatus.REQUESTED),
        published_at__lt=before,
    ).select_related(*_PAIR)
    for match in matches:
        waiting = []
        if match.mentee_response == Response.PENDING:
            waiting.append((match.mentee.person, match.mentor.person))
        if match.mentor_response == Response.PENDING:
            waiting.append((match.mentor.person, match.mentee.person))
        for person, other in waiting:
            request = match.status == MatchStatus.REQUESTED
            with speaking_to(person):
                values = {
                    "name": other.full_name,
                    "program": match.program.title,
                    "day": format_day(match.expires_at.astimezone(zone_of(person)).date())
                    if match.expires_at
                    else "",
                }
                if request:
                    subject = _("%(name)s is waiting for your answer") % values
                    body = (
                        _(
                            "Please answer in %(program)s before %(day)s — after that the "
                            "request expires."
                        )
                        % values
                    )
                else:
                    subject = _("Accept or decline your match with %(name)s") % values
                    body = (
                        _(
                            "Please answer in %(program)s before %(day)s — after that the "
                            "match expires."
                        )
                        % values
                    )
            drafts.append(
                NudgeDraft(
                    person_id=person.pk,
                    kind=NudgeKind.ANSWER_WAITING,
                    cause=f"answer:{match.pk}",
                    subject=subject,
                    body=body,
                    url=site_url("relationships:mine"),
                    essential=True,
                    program_id=match.program_id,
                )
            )
    return drafts


def training_incomplete(now: dt.datetime) -> list[NudgeDraft]:
    """Mentors of programs that require training, who have not completed it yet."""
    drafts = []
    programs = Program.objects.filter(
        mentor_training_required=True, status__in=("enrolling", "active")
    )
    for program in programs:
        mentors = list(
            Enrollment.objects.filter(
                program=program, role__in=GIVING_ROLES, status=EnrollmentStatus.ACTIVE
            ).values_list("pk", "person_id")
        )
        trained = people_trained_for(program, [person_id for _pk, person_id in mentors])
        untrained = [(pk, person_id) for pk, person_id in mentors if person_id not in trained]
        people = _recipients({person_id for _pk, person_id in untrained})
        for enrollment_id, person_id in untrained:
            with speaking_to(people.get(person_id)):
                subject = _("Complete your mentor training for %(program)s") % {
                    "program": program.title
                }
                body = _(
                    "%(program)s matches mentors only after they complete its training "
                    "modules. They take about half an hour."
                ) % {"program": program.title}
            drafts.append(
                NudgeDraft(
                    person_id=person_id,
                    kind=NudgeKind.TRAINING_INCOMPLETE,
                    cause=f"training:{enrollment_id}",
                    subject=subject,
                    body=body,
                    url=site_url("learning:catalogue"),
                    essential=True,
                    program_id=program.pk,
                )
            )
    return drafts


def checkin_due(now: dt.datetime) -> list[NudgeDraft]:
    """A prompt to rate the relationship 1-5, to each side that has not checked in for
    CHECKIN_DAYS (counted from the start, then from their last check-in)."""
    last = {
        (row["relationship_id"], row["side"]): row["last"]
        for row in CheckIn.objects.filter(relationship__status=RelationshipStatus.ACTIVE)
        .values("relationship_id", "side")
        .annotate(last=Max("created_at"))
    }
    check_in = _url_of("relationships:check_in")
    drafts = []
    for rel in _active_pairs():
        for side, person, other in (
            (Side.MENTEE, rel.mentee, rel.mentor),
            (Side.MENTOR, rel.mentor, rel.mentee),
        ):
            anchor = last.get((rel.pk, side)) or rel.started_at
            if now - anchor < dt.timedelta(days=CHECKIN_DAYS):
                continue
            with translation.override(person.language):
                subject = _("How is it going with %(name)s?") % {"name": other.full_name}
                body = _(
                    "Rate your %(program)s relationship with %(name)s from 1 (struggling) to 5 "
                    "(going very well). It takes a few seconds and helps your program manager "
                    "support you."
                ) % {"program": rel.program.title, "name": other.full_name}
            drafts.append(
                NudgeDraft(
                    person_id=person.pk,
                    kind=NudgeKind.CHECKIN_DUE,
                    cause=f"checkin:{rel.pk}:{side}:{anchor:%Y%m%d%H%M}",
                    subject=subject,
                    body=body,
                    url=check_in(rel.pk),
                    program_id=rel.program_id,
                    relationship_id=rel.pk,
                )
            )
    return drafts


def journey_step_due(now: dt.datetime) -> list[NudgeDraft]:
    """Both people of an active relationship, when a step of their journey falls due.

    Sent while the step is due and not done (from its due date to the end of its grace,
    journeys.progress), once per relationship and step: the cause is the step's id, so a
    later change of the step's text or offset does not remind again. A step marked done
    before its due date is not reminded at all.
    """
    journeys_copy_missing()
    journey = _url_of("journeys:relationship")
    drafts = []
    for rel, steps in due_steps(now=now, relationships=_active_pairs()):
        mentee, mentor = rel.mentee, rel.mentor
        url = journey(rel.pk)
        for step in steps:
            for person, other in ((mentee, mentor), (mentor, mentee)):
                with translation.override(person.language):
                    subject = _("Journey: %(title)s") % {"title": step.title}
                    body = _(
                        "A step of your %(program)s journey with %(name)s is due now: "
                        "“%(title)s”. Open it for what to do and, for a conversation guide, "
                        "the questions to ask; mark it done when it is."
                    ) % {"program": rel.program.title, "name": other.full_name, "title": step.title}
                drafts.append(
                    NudgeDraft(
                        person_id=person.pk,
                        kind=NudgeKind.JOURNEY_STEP_DUE,
                        cause=f"journey:{rel.pk}:{step.pk}",
                        subject=subject,
                        body=body,
                        url=url,
                        program_id=rel.program_id,
                        relationship_id=rel.pk,
                    )
                )
    return drafts
