"""What the home page tells those who oversee programs and those who read the organisation's
figures: alerts with next steps, and headline figures in aggregate.

- `oversight_alerts`: for HR admins (every program) and program managers (theirs): pairs at
  risk and stalled, mentees waiting for a match, proposals to approve, programs below the
  health thresholds and draft programs, each counted per program with a link to the page
  that acts on it. Nobody oversees a relationship they are in (`overseen_relationships`):
  their own pair, their own enrollment and their own proposal are never an alert of theirs.
- `headline_figures`: for HR admins and executives: participation, match rate, relationship
  health, outcome verdicts and pipeline coverage, over the programs whose insights the actor
  may read. Counts and rates go through `mentorwise.disclosure` (its primary rule and
  minimum group size); nothing returned names a person.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id, is_hr_admin
from mentorwise.core.aggregates import cached_aggregate
from mentorwise.disclosure import min_group_size, protect_table
from mentorwise.insights.access import insights_programs, may_read_organisation_insights
from mentorwise.insights.health import HealthShares, health_counts_by_program, health_shortfall
from mentorwise.insights.health.matching import mentee_matched
from mentorwise.insights.pipeline import FIRST_TIME_MANAGER, HIGH_POTENTIAL, pipeline
from mentorwise.insights.program_outcomes import organisation_version, program_outcomes_ready
from mentorwise.insights.scopes import reader_relationships
from mentorwise.matches.models import TAKES_MENTEE, Match, MatchStatus
from mentorwise.programs.eligibility import eligible_people
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus, Role
from mentorwise.programs.roles import manages_any_program
from mentorwise.programs.selectors import person_enrollments
from mentorwise.relationships.permissions import overseen_relationships

# Alerts ---------------------------------------------------------------------------------

# Kinds of alert, most urgent first: (key, badge class). What they say is `alert_label`.
ALERT_KINDS: tuple[tuple[str, str], ...] = (
    ("at_risk", "bad"),
    ("stalled", "warn"),
    ("below_health", "warn"),
    ("proposals", "warn"),
    ("waiting", "warn"),
    ("drafts", ""),
)


def alert_label(kind: str, count: int) -> str:
    """What `count` alerts of this kind are, in the active language ("3 pairs at risk").

    The alerts are cached (`core.aggregates`) for readers of every language, so they hold
    no text: it is made here, when a page shows them."""
    if kind == "at_risk":
        return ngettext("pair at risk", "pairs at risk", count)
    if kind == "stalled":
        return ngettext("stalled pair", "stalled pairs", count)
    if kind == "below_health":
        return ngettext(
            "program below the health thresholds", "programs below the health thresholds", count
        )
    if kind == "proposals":
        return ngettext("proposed match to approve", "proposed matches to approve", count)
    if kind == "waiting":
        return ngettext("mentee waiting for a match", "mentees waiting for a match", count)
    return ngettext("draft program to finish", "draft programs to finish", count)


_RUNNING = (ProgramStatus.ENROLLING, ProgramStatus.ACTIVE)


@dataclass(frozen=True)
class Alert:
    """One next step in one program: how many, what, and the page that acts on it."""

    kind: str
    program: Program
    count: int
    url: str
    level: str
    shares: HealthShares | None = None  # those of the program, for "below_health"

    @property
    def text(self) -> str:
        """What the alert says, in the active language."""
        if self.kind == "below_health" and self.shares is not None:
            return _("program below the health thresholds: %(reason)s") % {
                "reason": health_shortfall(self.shares)
            }
        if self.kind == "drafts":
            return _("draft program: finish it and open enrollment")
        return alert_label(self.kind, self.count)


@dataclass(frozen=True)
class AlertTotal:
    """All alerts of one kind; `url` is the page that acts on them when one program has them
    all, else the list of alerts on the home page."""

    kind: str
    count: int
    programs: int
    level: str
    url: str

    @property
    def label(self) -> str:
        return alert_label(self.kind, self.count)


@dataclass(frozen=True)
class OversightAlerts:
    totals: list[AlertTotal]
    alerts: list[Alert]
    programs: int  # how many programs the actor oversees

    @property
    def any(self) -> bool:
        return bool(self.alerts)


def overseen_programs(actor: Actor) -> QuerySet[Program]:
    """The programs the actor oversees: all for HR admins, their own for program managers."""
    if is_hr_admin(actor):
        return Program.objects.all()
    if not isinstance(actor, User) or not manages_any_program(actor):
        return Program.objects.none()  # (asked once per request: no query on most homes)
    return Program.objects.filter(managers=actor)


def _waiting_counts(programs: list[Program], person_id: int | None) -> dict[int, int]:
    """Program id -> active mentee enrollments in the matching pool (no approved, published
    or accepted match: the pool `matches.problem.program_pool` draws from)."""
    running = [p.pk for p in programs if p.status in _RUNNING]
    rows = (
        Enrollment.objects.filter(
            program_id__in=running, role=Role.MENTEE, status=EnrollmentStatus.ACTIVE
        )
        .exclude(matches_as_mentee__status__in=TAKES_MENTEE)
        .exclude(person_id=person_id or 0)
        .order_by()
        .values("program_id")
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["program_id"]: row["n"] for row in rows}


def _proposal_counts(programs: list[Program], person_id: int | None) -> dict[int, int]:
    """Program id -> proposed matches awaiting approval, except those about the actor."""
    rows = (
        Match.objects.filter(program_id__in=[p.pk for p in programs], status=MatchStatus.PROPOSED)
        .exclude(Q(mentee__person_id=person_id or 0) | Q(mentor__person_id=person_id or 0))
        .order_by()
        .values("program_id")
        .annotate(n=Count("pk"))
    )
    return {row["program_id"]: row["n"] for row in rows}


def oversight_alerts(*, actor: Actor, as_of: dt.datetime | None = None) -> OversightAlerts:
    """Every alert of the programs the actor oversees, most urgent kind first (a fixed number
    of queries whatever the number of programs and relationships). Cached until the next
    write (`core.aggregates`) per scope: the programs overseen and the actor's own
    enrollments, which are all that the actor changes in the counts."""
    programs = list(overseen_programs(actor).order_by("name", "pk"))
    if not programs:
        return OversightAlerts(totals=[], alerts=[], programs=0)
    if as_of is not None:
        return _oversight_alerts(actor, programs, as_of)

    def scope() -> tuple[tuple[int, ...], tuple[int, ...]]:
        person_id = actor_person_id(actor)
        own = person_enrollments(person_id).values_list("pk", flat=True) if person_id else []
        return tuple(p.pk for p in programs), tuple(sorted(own))

    return cached_aggregate(
        "oversight_alerts", scope, lambda: _oversight_alerts(actor, programs, None)
    )


def _oversight_alerts(
    actor: Actor, programs: list[Program], as_of: dt.datetime | None
) -> OversightAlerts:
    ids = [p.pk for p in programs]
    person_id = actor_person_id(actor)
    health = health_counts_by_program(
        where=Q(pk__in=overseen_relationships(actor).filter(program_id__in=ids).values("pk")),
        actor=actor,
        as_of=as_of,
    )
    waiting = _waiting_counts(programs, person_id)
    proposals = _proposal_counts(programs, person_id)
    levels = dict(ALERT_KINDS)
    alerts: list[Alert] = []

    def add(
        kind: str, program: Program, count: int, url: str, shares: HealthShares | None = None
    ) -> None:
        if count:
            alerts.append(Alert(kind, program, count, url, levels[kind], shares))

    for p in programs:
        relationships = reverse("relationships:program", args=[p.slug])
        shares = health.get(p.pk)
        if shares is not None:
            add(
                "at_risk",
                p,
                shares.at_risk,
                f"{relationships}?health=at_risk&status=active",
            )
            add(
                "stalled",
                p,
                shares.stalled,
                f"{relationships}?health=stalled&status=active",
            )
            if health_shortfall(shares):
                add("below_health", p, 1, reverse("insights:program", args=[p.slug]), shares)
        n = proposals.get(p.pk, 0)
        add(
            "proposals",
            p,
            n,
            reverse("matches:program", args=[p.slug]) + "?show=open",
        )
        n = waiting.get(p.pk, 0)
        add(
            "waiting",
            p,
            n,
            reverse("matches:program", args=[p.slug]),
        )
        if p.status == ProgramStatus.DRAFT:
            add("drafts", p, 1, reverse("programs:detail", args=[p.slug]))
    order = {key: i for i, (key, _level) in enumerate(ALERT_KINDS)}
    # By the program's own name: cached alerts are read in every language.
    alerts.sort(key=lambda a: (order[a.kind], -a.count, a.program.name, a.program.pk))
    totals = []
    for key, level in ALERT_KINDS:
        mine = [a for a in alerts if a.kind == key]
        where = {a.program.pk for a in mine}
        url = mine[0].url if len(where) == 1 else "#alerts"
        totals.append(AlertTotal(key, sum(a.count for a in mine), len(where), level, url))
    return OversightAlerts(totals=totals, alerts=alerts, programs=len(programs))


# Headline figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """One figure of the executive summary. `rate` and `count` are None when the small-cell
    rule hides them (`hidden` says so), `detail` says what they count. The figures are
    cached for readers of every language: `label` and `detail` are made when shown."""

    key: str
    rate: float | None
    count: int | None
    of: int | None
    url: str
    hidden: bool = False

    @property
    def label(self) -> str:
        if self.key == "participation":
            return _("Participation")
        if self.key == "match_rate":
            return _("Match rate")
        if self.key == "health":
            return _("Relationship health")
        return _("Pipeline coverage")

    @property
    def detail(self) -> str:
        if self.key == "participation":
            return _("active people take part in a running program")
        if self.key == "match_rate":
            return _("enrolled mentees have a match")
        if self.key == "health":
            return _("active relationships are on track")
        if self.key == HIGH_POTENTIAL:
            return _("high-potentials have a mentor, sponsor or coach")
        return _("first-time managers have a mentor, sponsor or coach")

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)


@dataclass(frozen=True)
class VerdictSummary:
    """How many outcome estimates (program x outcome) came out which way."""

    better: int
    unclear: int
    worse: int
    none: int
    pending: int  # programs whose estimates a worker is still computing
    programs: list[tuple[Program, Counter[str]]]

    @property
    def total(self) -> int:
        return self.better + self.unclear + self.worse + self.none


@dataclass(frozen=True)
class HeadlineFigures:
    k: int
    figures: list[Headline]
    verdicts: VerdictSummary


def _rate(key: str, numerator: int, denominator: int, k: int, url: str) -> Headline:
    """A rate published under the small-cell rule: hidden when the group, the numerator or
    its complement is a group of 1..k-1 people."""
    hidden = denominator == 0 or bool(
        protect_table([[numerator, denominator - numerator]], k=k).any()
    )
    rate = None if hidden else numerator / denominator
    count, of = numerator, denominator
    return Headline(key, rate, None if hidden else count, None if hidden else of, url, hidden)


def _verdicts(programs: list[Program]) -> VerdictSummary:
    today = timezone.localdate()
    tally: Counter[str] = Counter()
    pending = 0
    rows = []
    started = [p for p in programs if p.start_date is not None and p.start_date <= today]
    organisation = organisation_version() if started else None
    for program in started:
        result = program_outcomes_ready(program=program, organisation=organisation)
        if result is None:
            pending += 1
            continue
        mine = Counter(result.verdict_kind(name) for name in result.outcomes)
        tally.update(mine)
        if mine:
            rows.append((program, mine))
    return VerdictSummary(
        better=tally["better"],
        unclear=tally["unclear"],
        worse=tally["worse"],
        none=tally["none"],
        pending=pending,
        programs=rows,
    )


def headline_figures(*, actor: Actor, as_of: dt.datetime | None = None) -> HeadlineFigures | None:
    """The organisation's headline figures for HR admins and executives (None for anyone
    else), over the programs whose insights the actor may read, drafts left out:

    - participation: active people with an active enrollment (any role) in a program that is
      enrolling or active, over all active people;
    - match rate: active mentee enrollments of those programs past the "matched" stage (the
      funnel's rule), over all of them;
    - relationship health: active relationships on track, over all active relationships of
      the readable programs (closed programs have none);
    - outcome verdicts: outcome estimates better / unclear / worse than comparable colleagues;
    - pipeline coverage: high-potentials and first-time managers with an active mentor,
      sponsor or coach (`insights.pipeline`).

    All but the verdicts are cached until the next write (`core.aggregates`), per scope: the
    programs read and the relationships the reader is in (whose safety reports do not count).
    """
    if not may_read_organisation_insights(actor):
        return None
    programs = list(
        insights_programs(actor).exclude(status=ProgramStatus.DRAFT).order_by("name", "pk")
    )
    if as_of is None:
        # The figures, not the verdicts: those come from the outcome cache, which says when
        # a program's estimates are still being computed.
        figures = cached_aggregate(
            "headline_figures",
            lambda: (tuple(p.pk for p in programs), reader_relationships(actor)),
            lambda: _figures(actor, programs, None),
        )
    else:
        figures = _figures(actor, programs, as_of)
    return HeadlineFigures(k=min_group_size(), figures=figures, verdicts=_verdicts(programs))


def _figures(actor: Actor, programs: list[Program], as_of: dt.datetime | None) -> list[Headline]:
    """The headline figures but the verdicts (see `headline_figures`)."""
    now = as_of or timezone.now()
    k = min_group_size()
    running = [p.pk for p in programs if p.status in _RUNNING]
    people = eligible_people({}, today=timezone.localdate(now))
    participants = people.filter(
        enrollments__program_id__in=running, enrollments__status=EnrollmentStatus.ACTIVE
    ).distinct()
    mentees = (
        Enrollment.objects.filter(
            program_id__in=running, role=Role.MENTEE, status=EnrollmentStatus.ACTIVE
        )
        .annotate(is_matched=mentee_matched())
        .aggregate(n=Count("pk"), matched=Count("pk", filter=Q(is_matched=True)))
    )
    health = health_counts_by_program(
        where=Q(program_id__in=[p.pk for p in programs]), actor=actor, as_of=now
    )
    on_track = sum(s.on_track for s in health.values())
    active = sum(s.n for s in health.values())
    overview = reverse("insights:overview")
    figures = [
        _rate("participation", participants.count(), people.count(), k, overview),
        _rate("match_rate", mentees["matched"] or 0, mentees["n"] or 0, k, overview),
        _rate("health", on_track, active, k, overview),
    ]
    result = pipeline(as_of=as_of)  # now: the pipeline page's cached figures
    for population in (HIGH_POTENTIAL, FIRST_TIME_MANAGER):
        total = result.coverage[population]["level"].total
        figures.append(
            Headline(
                population,
                total.coverage,
                total.covered,
                total.people,
                reverse("insights:pipeline"),
                hidden=total.coverage is None,
            )
        )
    return figures


# Organisation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationCounts:
    """The HR admin's counters: the workforce, programs by status, active enrollments."""

    active: int
    high_potential: int
    enrollments: int
    programs_by_status: list[tuple[str, int]]


def organisation_counts(*, actor: Actor) -> OrganisationCounts | None:
    """For HR admins (None for anyone else): active and high-potential people,
    active enrollments, and programs per status (labels, in the status order); cached until
    the next write (`core.aggregates`), the same for every HR admin."""
    if not is_hr_admin(actor):
        return None
    return cached_aggregate("organisation_counts", lambda: (), _organisation_counts)


def _organisation_counts() -> OrganisationCounts:
    today = timezone.localdate()
    active = eligible_people({}, today=today)
    by_status = dict(
        Program.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return OrganisationCounts(
        active=active.count(),
        high_potential=active.filter(is_high_potential=True).count(),
        enrollments=Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE).count(),
        programs_by_status=[
            (label, by_status[value])
            for value, label in ProgramStatus.choices
            if value in by_status
        ],
    )
