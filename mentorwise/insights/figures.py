"""Program health as a flat list of figures: one source for the page table, CSV and API.

Every figure comes from `insights.health.program_health`; this module only names and
formats them, so the page, the export and the API can never disagree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.core.csv import csv_safe
from mentorwise.insights.health import ProgramHealth, SurveyScores

# The title of each section of figures, as people read it (the keys stay English).
SECTION_TITLES = {
    "funnel": gettext_lazy("Funnel"),
    "matching": gettext_lazy("Matching"),
    "relationships": gettext_lazy("Relationships"),
    "goals": gettext_lazy("Goals"),
    "surveys": gettext_lazy("Surveys"),
    "training": gettext_lazy("Training"),
    "journey": gettext_lazy("Journey"),
}


@dataclass(frozen=True)
class Figure:
    """One number on the dashboard: what it is, its value, and how many it rests on."""

    section: str
    key: str
    label: str
    value: float | int | None
    n: int | None = None
    unit: str = ""
    note: str = ""

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        if self.unit == "%":
            return f"{100 * float(self.value):.0f}%"
        if isinstance(self.value, float):
            return f"{self.value:.2f}{self.unit and ' ' + _unit(self.unit)}"
        return f"{self.value:,}{self.unit and ' ' + _unit(self.unit)}"


def _unit(unit: str) -> str:
    return _("days") if unit == "days" else unit


def _survey(kind: str, scores: SurveyScores) -> list[Figure]:
    note = _("fewer answers than the minimum group size") if scores.suppressed else ""
    if kind == "midpoint":
        satisfaction = _("Midpoint survey: satisfaction (1–5)")
        nps = _("Midpoint survey: likelihood to recommend (NPS)")
    else:
        satisfaction = _("Closing survey: satisfaction (1–5)")
        nps = _("Closing survey: likelihood to recommend (NPS)")
    return [
        Figure(
            "surveys",
            f"{kind}_satisfaction",
            satisfaction,
            scores.mean_satisfaction,
            scores.n_satisfaction,
            note=note,
        ),
        Figure(
            "surveys",
            f"{kind}_nps",
            nps,
            scores.nps,
            scores.n_recommend,
            note=note,
        ),
    ]


def health_figures(health: ProgramHealth) -> list[Figure]:
    """Every figure of the program health dashboard, in display order."""
    f, h = health.funnel, health.health
    figures = [
        Figure("funnel", "eligible", _("Eligible mentees"), f.eligible),
        Figure("funnel", "enrolled", _("Enrolled mentees"), f.enrolled),
        Figure("funnel", "matched", _("Matched"), f.matched),
        Figure("funnel", "active", _("In an active relationship"), f.active),
        Figure("funnel", "completed", _("Completed"), f.completed),
        Figure(
            "matching",
            "time_to_match_median",
            _("Time to match (median)"),
            health.time_to_match.median_days,
            health.time_to_match.n,
            unit="days",
        ),
        Figure(
            "matching",
            "acceptance",
            _("Matches accepted"),
            health.match_acceptance.accepted_share,
            health.match_acceptance.n,
            unit="%",
        ),
        Figure(
            "matching",
            "declined",
            _("Matches declined"),
            health.match_acceptance.declined_share,
            health.match_acceptance.n,
            unit="%",
        ),
        Figure(
            "relationships",
            "agreement_confirmed",
            _("Agreements confirmed by both"),
            health.agreement_confirmation.share,
            health.agreement_confirmation.n,
            unit="%",
        ),
        Figure(
            "relationships",
            "meetings_vs_cadence",
            _("Meetings held against the cadence"),
            health.meeting_cadence.mean_ratio,
            health.meeting_cadence.n,
            unit="%",
        ),
        Figure("relationships", "on_track", _("On track"), h.on_track_share, h.n, unit="%"),
        Figure("relationships", "stalled", _("Stalled"), h.stalled_share, h.n, unit="%"),
        Figure("relationships", "at_risk", _("At risk"), h.at_risk_share, h.n, unit="%"),
        Figure(
            "goals",
            "goal_progress",
            _("Goal progress (mean)"),
            None if health.goals.mean_progress is None else health.goals.mean_progress / 100,
            health.goals.goals - health.goals.dropped,
            unit="%",
        ),
        Figure(
            "goals",
            "goal_attainment",
            _("Goals achieved"),
            health.goals.attainment_share,
            health.goals.goals - health.goals.dropped,
            unit="%",
        ),
        *_survey("midpoint", health.midpoint_survey),
        *_survey("closing", health.closing_survey),
        Figure(
            "training",
            "training_completion",
            _("Mentors who completed the required training"),
            health.training.share,
            health.training.mentors,
            unit="%",
            note="" if health.training.required_modules else _("no training required"),
        ),
        *_journey(health),
    ]
    return figures


def _journey(health: ProgramHealth) -> list[Figure]:
    """Journey progress by its one rule (journeys/progress.py): a step counts once done or a
    week past its due date; on time is done within that week."""
    j = health.journey
    if not j.steps:
        return [
            Figure(
                "journey",
                "journey_on_time",
                _("Journey steps done on time"),
                None,
                0,
                unit="%",
                note=_("the program's journey has no steps"),
            )
        ]
    return [
        Figure(
            "journey",
            "journey_on_time",
            _("Journey steps done on time"),
            j.share,
            j.counted,
            unit="%",
            note=_("of the steps due so far in active relationships"),
        ),
        Figure(
            "journey",
            "journey_behind",
            _("Relationships with an overdue journey step"),
            j.behind / j.relationships if j.relationships else None,
            j.relationships,
            unit="%",
        ),
    ]


def health_sections(health: ProgramHealth) -> dict[str, list[Figure]]:
    """The dashboard's figures grouped by section (keyed by the section's title as people
    read it), sections and figures in display order."""
    sections: dict[str, list[Figure]] = {}
    for figure in health_figures(health):
        sections.setdefault(str(SECTION_TITLES[figure.section]), []).append(figure)
    return sections


def health_csv(health: ProgramHealth) -> str:
    """The figures as CSV (formula-safe), with the check-in trend after them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "figure", "value", "n", "note"])
    for fig in health_figures(health):
        writer.writerow(
            [
                fig.section,
                csv_safe(fig.label),
                "" if fig.value is None else fig.value,
                "" if fig.n is None else fig.n,
                csv_safe(fig.note),
            ]
        )
    for point in health.check_in_trend:
        writer.writerow(
            [
                "check_in_trend",
                point.period.isoformat(),
                "" if point.mean_pulse is None else round(point.mean_pulse, 3),
                point.n,
                _("mean pulse 1–5"),
            ]
        )
    return out.getvalue()
