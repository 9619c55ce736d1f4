"""Equity of access: who takes part in a program, gets matched and is sponsored, by group.

For one program and one side (mentees, or mentors and sponsors), `program_equity` breaks
the figures below down by self-identified gender and ethnicity, job level, function and
location. Definitions (docs/insights-equity.md says the same in words for readers):

- population: the people the side's eligibility rules admit today (active employees; for
  the mentor side the union of every giving role's rules) together with everyone who holds
  an active enrollment on that side, so that the enrolled are always a subset of it;
- enrolled: people with an active enrollment on that side (a person enrolled both as mentor
  and as sponsor counts once); participation = enrolled / population;
- matched: enrolled people with at least one relationship (active or closed) in the program,
  i.e. an accepted match; match rate = matched / enrolled;
- days to match: median days from the enrollment to the start of the person's first
  relationship, over the matched;
- seniority (mentee side): mean, over the matched, of the highest job level among the
  mentors and sponsors they were matched with; mentees per mentor (mentor side): mean number
  of relationships per matched mentor;
- sponsored (mentee side: received, mentor side: recorded): matched people with at least one
  sponsorship action in their relationships; sponsorship rate = sponsored / matched;
- outcomes: promoted = enrolled people with a promotion (CareerEvent) dated on or after the
  program's start date (its creation date when it has none); still employed = enrolled people
  without a termination date on or before today. Plain rates, not effects: the comparison
  with a like-for-like group lives in `insights.outcomes`.

Gaps: a published participation, match or sponsorship rate is flagged when it is below
four-fifths of the same rate among everyone else on that side (the adverse-impact
"four-fifths" convention, compared with the rest rather than with the best group, whose rate
is the noisiest), provided the rest has at least the minimum group size.

Suppression: every figure is a count of people or rests on one. The counts of a side are tied
by sums (population = enrolled + not enrolled, enrolled = matched + unmatched, ..., and each
column adds up to its total, which the five breakdowns share), so they are protected together
as one population by `mentorwise.disclosure` (primary rule, interval audit, complementary
suppression). A median or mean is published only with its group's published count of at
least k. Suppressed figures are None here and are shown as "—" everywhere.

Modules: `equity_groups` (sides, dimensions, group keys and labels), `equity_counts` (the
true counts, from the database), `equity_suppression` (the linked system and its protection),
this module (published figures and gaps), `equity_access` (who reads which breakdowns, the
audit of demographic reads), `equity_display` (table and CSV), `equity_release` (monthly
releases).

Counts come from three queries per side: one GROUP BY of the eligible people over the five
dimensions together, the side's enrollments (a few columns each) and their relationships
grouped by enrollment; the enrolled are grouped with numpy, never row by row in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.disclosure import ReleaseRecord, min_group_size, rate, statistic
from mentorwise.insights.equity_counts import (
    RawCounts,
    eligible_counts,
    eligible_q,
    enrolled_people,
    raw_counts,
)
from mentorwise.insights.equity_groups import DIMENSION_LABELS, DIMENSIONS, MENTEE, group_label

# Imported under this name so that program_equity looks it up here: bench/disclosure.py times
# the protection by wrapping `equity._protect_breakdowns`.
from mentorwise.insights.equity_suppression import QUANTITIES
from mentorwise.insights.equity_suppression import protect_breakdowns as _protect_breakdowns
from mentorwise.programs.models import Program

FOUR_FIFTHS = 0.8
GAP_METRICS = ("participation", "match", "sponsorship")


# Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFigures:
    """One group's figures; None means suppressed (or, for rates, nothing to divide by)."""

    key: str
    label: str
    population: int | None
    enrolled: int | None
    participation: float | None
    matched: int | None
    match_rate: float | None
    median_days_to_match: float | None
    seniority: float | None
    sponsored: int | None
    sponsorship_rate: float | None
    promoted: int | None
    promotion_rate: float | None
    still_employed: int | None
    retention_rate: float | None
    gaps: tuple[str, ...] = ()
    suppressed: bool = False


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    groups: list[GroupFigures]
    total: GroupFigures

    @property
    def has_suppressed(self) -> bool:
        return any(g.suppressed for g in [*self.groups, self.total])

    @property
    def gaps(self) -> list[tuple[GroupFigures, str]]:
        return [(g, metric) for g in self.groups for metric in g.gaps]


@dataclass(frozen=True)
class ProgramEquity:
    program: Program
    side: str
    k: int
    as_of: dt.datetime
    outcomes_since: dt.date
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)
    #: What the protection knew and hid, for the next release only (never published).
    record: ReleaseRecord | None = None

    @property
    def seniority_label(self) -> str:
        return (
            _("Mentor seniority (mean level)") if self.side == MENTEE else _("Mentees per mentor")
        )

    @property
    def sponsorship_label(self) -> str:
        return _("Sponsorship received") if self.side == MENTEE else _("Sponsorship recorded")


# The selector ---------------------------------------------------------------------------


def _published(
    dimension: str, raw: RawCounts, hidden: set[str], k: int
) -> tuple[list[GroupFigures], GroupFigures]:
    size = len(raw.keys)

    def value(q: str, g: int) -> int | None:
        return None if f"{q}{g}" in hidden else int(raw.counts[q][g])

    figures = []
    for g in range(size + 1):
        population, enrolled, matched = value("N", g), value("E", g), value("M", g)
        sponsored, promoted, employed = value("A", g), value("P", g), value("R", g)
        figures.append(
            GroupFigures(
                key="total" if g == size else raw.keys[g] or "not_stated",
                label="All" if g == size else group_label(dimension, raw.keys[g]),
                population=population,
                enrolled=enrolled,
                participation=rate(enrolled, population),
                matched=matched,
                match_rate=rate(matched, enrolled),
                median_days_to_match=statistic(raw.median_days[g], group=matched, k=k),
                seniority=statistic(
                    raw.seniority[g], group=matched, k=k, values=raw.seniority_n[g]
                ),
                sponsored=sponsored,
                sponsorship_rate=rate(sponsored, matched),
                promoted=promoted,
                promotion_rate=rate(promoted, enrolled),
                still_employed=employed,
                retention_rate=rate(employed, enrolled),
                suppressed=any(f"{q}{g}" in hidden for q in QUANTITIES),
            )
        )
    total = figures[-1]
    groups = [_with_gaps(g, total, k) for g in figures[:-1]]
    return groups, total


def _with_gaps(group: GroupFigures, total: GroupFigures, k: int) -> GroupFigures:
    """Flag each published rate under four-fifths of the same rate among everyone else."""
    pairs = {
        "participation": ("enrolled", "population"),
        "match": ("matched", "enrolled"),
        "sponsorship": ("sponsored", "matched"),
    }
    gaps = []
    for metric, (num, den) in pairs.items():
        values = [
            getattr(group, num),
            getattr(group, den),
            getattr(total, num),
            getattr(total, den),
        ]
        if any(v is None for v in values) or values[1] == 0:
            continue
        rest_num, rest_den = values[2] - values[0], values[3] - values[1]
        if rest_den < k or rest_num <= 0:
            continue
        if values[0] / values[1] < FOUR_FIFTHS * rest_num / rest_den:
            gaps.append(metric)
    return GroupFigures(**{**group.__dict__, "gaps": tuple(gaps)})


def program_equity(
    *,
    program: Program,
    side: str = MENTEE,
    dimensions: Sequence[str] = DIMENSIONS,
    as_of: dt.datetime | None = None,
    previous: ReleaseRecord | None = None,
) -> ProgramEquity:
    """Equity figures of one side of `program`, broken down by each of `dimensions`.

    Every breakdown of the side is computed and protected (the totals they share must be
    hidden consistently), and those in `dimensions` are returned, in that order; with
    `previous` (the record of the side's previous release), jointly with it, so that the two
    releases cannot be differenced (`mentorwise.disclosure.releases`). Callers check the
    actor first (`access_equity`); demographic breakdowns are for HR admins and every read
    of them is audited by the caller. Three queries.
    """
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"dimension = {unknown[0]!r}: must be one of {', '.join(DIMENSIONS)}")
    now = as_of or timezone.now()
    today = timezone.localdate(now)
    since = program.start_date or timezone.localdate(program.created_at)
    k = min_group_size()
    eligible = eligible_q(program, side, today)
    people = enrolled_people(program, side, eligible, since, today)
    counts = eligible_counts(eligible)
    raws = {d: raw_counts(d, counts[d], people, side) for d in DIMENSIONS}
    hidden, record = _protect_breakdowns(raws, k, previous)
    breakdowns = {}
    for dimension in dimensions:
        groups, total = _published(dimension, raws[dimension], hidden[dimension], k)
        breakdowns[dimension] = Breakdown(
            dimension=dimension, label=str(DIMENSION_LABELS[dimension]), groups=groups, total=total
        )
    return ProgramEquity(
        program=program,
        side=side,
        k=k,
        as_of=now,
        outcomes_since=since,
        breakdowns=breakdowns,
        record=record,
    )
