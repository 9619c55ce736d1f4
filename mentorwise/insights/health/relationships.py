"""Relationships once started: agreements, meeting cadence, health shares, goals."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.insights.expressions import DaysBetween
from mentorwise.insights.health._common import (
    _cadences,
    _latest_versions,
    _now,
    _share,
)
from mentorwise.programs.models import (
    Program,
)
from mentorwise.relationships.health import Health, relationship_health
from mentorwise.relationships.models import (
    CheckIn,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Relationship,
    RelationshipStatus,
    SafetyReport,
    SafetyStatus,
)
from mentorwise.relationships.permissions import relationships_in

# Agreement confirmation -------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementConfirmation:
    confirmed: int
    n: int
    share: float | None


def agreement_confirmation(*, program: Program) -> AgreementConfirmation:
    """Relationships whose latest agreement version both people confirmed.

    n: all the program's relationships, active and closed; one without an agreement (or
    whose latest version lacks either confirmation) counts as not confirmed. A new version
    needs both confirmations again, so an older confirmed version does not count.
    """
    relationships = Relationship.objects.filter(program=program)
    n = relationships.count()
    confirmed = (
        _latest_versions(relationships)
        .filter(mentee_confirmed_at__isnull=False, mentor_confirmed_at__isnull=False)
        .count()
    )
    counts = {"n": n, "confirmed": confirmed}
    return AgreementConfirmation(**counts, share=_share(counts["confirmed"], counts["n"]))


# Meeting cadence --------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingCadence:
    n: int
    held: int
    expected: float
    mean_held: float | None
    mean_expected: float | None
    mean_ratio: float | None


def active_cadences(*, program: Program, as_of: dt.datetime | None = None) -> dict[int, int]:
    """Cadence in days of each of the program's relationships active on `as_of` (the latest
    agreement version's, else the program's): computed once for the dashboard and handed to
    `meeting_cadence` and `relationship_health_shares`, which both need it."""
    active = Relationship.objects.filter(
        program=program, status=RelationshipStatus.ACTIVE, started_at__lte=_now(as_of)
    )
    return _cadences(
        active, dict.fromkeys(active.values_list("pk", flat=True), program.meeting_cadence_days)
    )


def meeting_cadence(
    *, program: Program, as_of: dt.datetime | None = None, cadences: dict[int, int] | None = None
) -> MeetingCadence:
    """Meetings held per active relationship against the agreed cadence.

    For each relationship active now and started at least one full cadence before `as_of`
    (younger ones are not yet expected to have met): held = its meetings with status held
    that started at or before `as_of`; expected = whole days since the start / cadence
    days (the latest agreement version's cadence, else the program's), i.e. months active
    × 30 / cadence; ratio = held / expected. mean_ratio is the mean of the ratios (each
    relationship weighs the same); held and expected are totals.
    """
    now = _now(as_of)
    active = Relationship.objects.filter(
        program=program, status=RelationshipStatus.ACTIVE, started_at__lte=now
    )
    rows = list(
        active.annotate(days=DaysBetween(Value(now), F("started_at"))).values_list(
            "pk", "days", "program__meeting_cadence_days"
        )
    )
    if cadences is None:
        cadences = _cadences(active, {pk: days for pk, _, days in rows})
    cadence = cadences
    held = dict(
        Meeting.objects.filter(
            relationship__in=active.values("pk"), status=MeetingStatus.HELD, starts_at__lte=now
        )
        .order_by()
        .values("relationship_id")
        .annotate(n=Count("pk"))
        .values_list("relationship_id", "n")
    )
    # Whole days, as (now - started).days would give; the rounding absorbs the float error
    # of julianday() differences.
    whole = [(math.floor(round(days, 6)), held.get(pk, 0), cadence[pk]) for pk, days, _ in rows]
    pairs = [(n_held, days / every) for days, n_held, every in whole if days >= every]
    if not pairs:
        return MeetingCadence(
            n=0, held=0, expected=0.0, mean_held=None, mean_expected=None, mean_ratio=None
        )
    n = len(pairs)
    return MeetingCadence(
        n=n,
        held=sum(h for h, _ in pairs),
        expected=sum(e for _, e in pairs),
        mean_held=sum(h for h, _ in pairs) / n,
        mean_expected=sum(e for _, e in pairs) / n,
        mean_ratio=statistics.fmean(h / e for h, e in pairs),
    )


# Relationship health ----------------------------------------------------------------------


@dataclass(frozen=True)
class HealthShares:
    on_track: int
    stalled: int
    at_risk: int
    n: int
    on_track_share: float | None
    stalled_share: float | None
    at_risk_share: float | None


def _health_counts(
    where: Q, now: dt.datetime, cadences: dict[int, int] | None = None, actor: Actor = None
) -> Counter[tuple[int, str]]:
    """(program id, health) → count of the active relationships matching `where`.

    Each is classified by `relationships.health.relationship_health` with the inputs that
    `relationships.selectors.health_by_relationship` gives it (cadence of the latest
    agreement version, else the program's; each side's latest pulse within twice the
    cadence; unresolved safety reports), read here as plain columns in 4 queries: loading
    20,000 model instances and filtering check-ins by a list of 20,000 ids took ~1 s.
    Relationships started and check-ins made after `now` are left out, so that a past
    `as_of` sees what was known then (statuses and safety reports are today's). Safety
    reports about relationships the `actor` (who reads the counts) is in are not counted, as
    in `health_for_actor`: nobody learns of a report about them from an "at risk" count.
    """
    active = Relationship.objects.filter(
        where, status=RelationshipStatus.ACTIVE, started_at__lte=now
    )
    rows = list(
        active.annotate(
            days=DaysBetween(Value(now), Coalesce(F("last_meeting_at"), F("started_at"))),
            met=ExpressionWrapper(Q(last_meeting_at__isnull=False), output_field=BooleanField()),
        ).values_list("pk", "program_id", "days", "met", "program__meeting_cadence_days")
    )
    if not rows:
        return Counter()
    cadence = (
        cadences if cadences is not None else _cadences(active, {row[0]: row[4] for row in rows})
    )
    reports = dict(
        SafetyReport.objects.filter(relationship__in=active.values("pk"))
        .exclude(status=SafetyStatus.RESOLVED)
        .exclude(relationship__in=relationships_in(actor))
        .order_by()
        .values("relationship_id")
        .annotate(n=Count("pk"))
        .values_list("relationship_id", "n")
    )
    longest = max(cadence.values())
    pulses: dict[int, dict[str, int]] = defaultdict(dict)
    recent = CheckIn.objects.filter(
        relationship__in=active.values("pk"),
        created_at__gte=now - dt.timedelta(days=2 * longest),
        created_at__lte=now,
    ).order_by("created_at", "id")
    for rel_id, side, pulse, age in recent.annotate(
        age=DaysBetween(Value(now), F("created_at"))
    ).values_list("relationship_id", "side", "pulse", "age"):
        if round(age, 6) <= 2 * cadence[rel_id]:
            pulses[rel_id][side] = pulse  # oldest first: the latest one wins
    counts: Counter[tuple[int, str]] = Counter()
    for pk, program_id, days, met, _reports in rows:
        # The rule only reads whole days since the last meeting (or the start); passing
        # that moment rebuilt from the database's difference spares parsing two datetimes.
        since = now - dt.timedelta(days=round(days, 6))
        result = relationship_health(
            now=now,
            started_at=since,
            last_meeting_at=since if met else None,
            cadence_days=cadence[pk],
            latest_pulses=list(pulses[pk].values()),
            open_safety_reports=reports.get(pk, 0),
        )
        counts[(program_id, result.health)] += 1
    return counts


def _shares(counts: Counter[tuple[int, str]], key: int) -> HealthShares:
    on_track = counts[(key, Health.ON_TRACK)]
    stalled = counts[(key, Health.STALLED)]
    at_risk = counts[(key, Health.AT_RISK)]
    n = on_track + stalled + at_risk
    return HealthShares(
        on_track=on_track,
        stalled=stalled,
        at_risk=at_risk,
        n=n,
        on_track_share=_share(on_track, n),
        stalled_share=_share(stalled, n),
        at_risk_share=_share(at_risk, n),
    )


# A program is below the health thresholds (its home alert and dashboard say so) when fewer
# than this share of its active relationships are on track, or more than this share at risk:
# a third of pairs drifting is when program managers in our pilots stepped in.
ON_TRACK_MIN_SHARE = 0.6
AT_RISK_MAX_SHARE = 0.2


def health_shortfall(shares: HealthShares) -> str | None:
    """Why these health shares are below the thresholds, as a short phrase; None when they
    are not (or there is no active relationship to judge)."""
    if not shares.n:
        return None
    if shares.on_track_share is not None and shares.on_track_share < ON_TRACK_MIN_SHARE:
        return _("%(share)s on track (threshold %(threshold)s)") % {
            "share": f"{shares.on_track_share:.0%}",
            "threshold": f"{ON_TRACK_MIN_SHARE:.0%}",
        }
    if shares.at_risk_share is not None and shares.at_risk_share > AT_RISK_MAX_SHARE:
        return _("%(share)s at risk (threshold %(threshold)s)") % {
            "share": f"{shares.at_risk_share:.0%}",
            "threshold": f"{AT_RISK_MAX_SHARE:.0%}",
        }
    return None


def health_counts_by_program(
    *, where: Q, actor: Actor, as_of: dt.datetime | None = None
) -> dict[int, HealthShares]:
    """Program id -> health shares of the active relationships matching `where`, classified as
    the relationship health dashboard does (4 queries for any number of programs)."""
    counts = _health_counts(where, _now(as_of), actor=actor)
    return {program_id: _shares(counts, program_id) for program_id in {k for k, _ in counts}}


def relationship_health_shares(
    *,
    program: Program,
    as_of: dt.datetime | None = None,
    cadences: dict[int, int] | None = None,
    actor: Actor = None,
) -> HealthShares:
    """Active relationships on track, stalled and at risk on `as_of`, with shares of n.

    Each relationship is classified by `relationships.health.relationship_health`, with
    the inputs `health_by_relationship` would give it (read in bulk: last meeting, each
    side's latest pulse within twice the cadence, unresolved safety reports, except those
    about relationships the `actor` is in); n is all active relationships.
    """
    counts = _health_counts(Q(program=program), _now(as_of), cadences, actor)
    return _shares(counts, program.pk)


# Goals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    goals: int
    dropped: int
    achieved: int
    mean_progress: float | None
    attainment_share: float | None


def goal_progress(*, program: Program) -> GoalProgress:
    """Goals of all the program's relationships (active and closed).

    goals: goals not dropped; mean_progress: their mean progress (0–100); achieved: those
    with status achieved; attainment_share = achieved / goals. Dropped goals are counted
    apart and left out of the rest.
    """
    counts = Goal.objects.filter(relationship__program=program).aggregate(
        goals=Count("pk", filter=~Q(status=GoalStatus.DROPPED)),
        dropped=Count("pk", filter=Q(status=GoalStatus.DROPPED)),
        achieved=Count("pk", filter=Q(status=GoalStatus.ACHIEVED)),
        mean_progress=Avg("progress", filter=~Q(status=GoalStatus.DROPPED)),
    )
    mean = counts.pop("mean_progress")
    return GoalProgress(
        **counts,
        mean_progress=None if mean is None else float(mean),
        attainment_share=_share(counts["achieved"], counts["goals"]),
    )
