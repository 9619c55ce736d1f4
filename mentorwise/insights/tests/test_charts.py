"""Charts with nothing to draw say so without axes or grid lines running through the text."""

from __future__ import annotations

from mentorwise.insights.charts_equity import coverage_chart
from mentorwise.insights.pipeline import POPULATION_LABELS, CoverageBreakdown, CoverageGroup

NO_FIGURE_TEXT = "No figure to draw"


def _group(key: str, coverage: float | None) -> CoverageGroup:
    people = None if coverage is None else 40
    covered = None if coverage is None else round(40 * coverage)
    return CoverageGroup(
        key=key,
        label=key.title(),
        people=people,
        covered=covered,
        coverage=coverage,
        median_days_to_match=None,
        suppressed=coverage is None,
    )


def _breakdown(*coverages: float | None) -> CoverageBreakdown:
    groups = [_group(f"group {i}", c) for i, c in enumerate(coverages)]
    return CoverageBreakdown(
        population=next(iter(POPULATION_LABELS)),
        dimension="function",
        groups=groups,
        total=_group("total", None),
    )


def test_a_chart_with_every_group_hidden_has_only_its_title_and_the_no_data_text() -> None:
    svg = coverage_chart(_breakdown(None, None, None))
    assert NO_FIGURE_TEXT in svg
    assert "guide line" not in svg
    assert 'class="axis' not in svg
    assert 'class="legends"' not in svg


def test_a_chart_with_a_figure_keeps_its_grid_and_draws_no_no_data_text() -> None:
    svg = coverage_chart(_breakdown(0.5, None, 0.25))
    assert NO_FIGURE_TEXT not in svg
    assert "guide line" in svg
    assert 'class="axis x' in svg
