"""Program health: the figures of the health dashboard, each computed by one selector.

Every selector reads one program (or, for `programs_overview`, the programs an actor may
manage) in a fixed number of queries, whatever its size: counts and averages are
aggregated in the database; what needs a median or a per-relationship rule (health) reads
a few columns per row and never queries per row. The dashboard page, the API and the CSV
exports all call these functions; tests pin their exact values.

Callers check that the actor may see the program (`can_manage_program`); the selectors
take a `Program` that was already checked, except `programs_overview`, which filters.

Modules: `matching` (funnel, time to match, acceptance), `relationships` (agreements,
cadence, health shares, goals), `feedback` (check-ins, surveys, training), `overview`
(everything for one program, and the cross-program overview). Import from this package.
"""

from mentorwise.insights.expressions import DaysBetween
from mentorwise.insights.health._common import (
    ANSWERED_STATUSES,
    MATCHED_STATUSES,
    NPS_DETRACTOR_MAX,
    NPS_PROMOTER_MIN,
    TREND_BUCKETS,
)
from mentorwise.insights.health.feedback import (
    SurveyScores,
    TrainingCompletion,
    TrendPoint,
    check_in_trend,
    survey_scores,
    training_completion,
)
from mentorwise.insights.health.matching import (
    Funnel,
    MatchAcceptance,
    TimeToMatch,
    match_acceptance,
    program_funnel,
    time_to_match,
)
from mentorwise.insights.health.overview import (
    ProgramHealth,
    ProgramOverviewRow,
    program_health,
    programs_overview,
)
from mentorwise.insights.health.relationships import (
    AgreementConfirmation,
    GoalProgress,
    HealthShares,
    MeetingCadence,
    agreement_confirmation,
    goal_progress,
    health_counts_by_program,
    health_shortfall,
    meeting_cadence,
    relationship_health_shares,
)

__all__ = [
    "ANSWERED_STATUSES",
    "MATCHED_STATUSES",
    "NPS_DETRACTOR_MAX",
    "NPS_PROMOTER_MIN",
    "TREND_BUCKETS",
    "AgreementConfirmation",
    "DaysBetween",
    "Funnel",
    "GoalProgress",
    "HealthShares",
    "MatchAcceptance",
    "MeetingCadence",
    "ProgramHealth",
    "ProgramOverviewRow",
    "SurveyScores",
    "TimeToMatch",
    "TrainingCompletion",
    "TrendPoint",
    "agreement_confirmation",
    "check_in_trend",
    "goal_progress",
    "health_counts_by_program",
    "health_shortfall",
    "match_acceptance",
    "meeting_cadence",
    "program_funnel",
    "program_health",
    "programs_overview",
    "relationship_health_shares",
    "survey_scores",
    "time_to_match",
    "training_completion",
]
