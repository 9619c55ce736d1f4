"""Charts drawn once per set of figures (insights.charts.DRAWN): reused only for exactly the
figures, labels and language they were drawn from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils.translation import override

from mentorwise.insights import charts
from mentorwise.insights.health.matching import Funnel
from mentorwise.insights.trends import ActivityMonth


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every chart actually drawn (pygal rendering), in order; the memory starts empty."""
    drawn: list[str] = []
    original = charts._render

    def counting(chart: Any) -> str:
        svg = original(chart)
        drawn.append(svg)
        return svg

    charts.DRAWN.clear()
    monkeypatch.setattr(charts, "_render", counting)
    yield drawn
    charts.DRAWN.clear()


def test_the_same_figures_are_drawn_once(draws: list[str]) -> None:
    funnel = Funnel(eligible=50, enrolled=40, matched=30, active=20, completed=10)
    first = charts.funnel_chart(funnel)
    again = charts.funnel_chart(
        Funnel(eligible=50, enrolled=40, matched=30, active=20, completed=10)
    )
    assert again == first and len(draws) == 1


def test_other_figures_are_drawn_anew(draws: list[str]) -> None:
    first = charts.funnel_chart(
        Funnel(eligible=50, enrolled=40, matched=30, active=20, completed=10)
    )
    other = charts.funnel_chart(
        Funnel(eligible=50, enrolled=40, matched=31, active=20, completed=10)
    )
    assert other != first and len(draws) == 2
    assert ">31<" in other and ">31<" not in first


def test_each_language_has_its_own_chart(draws: list[str]) -> None:
    funnel = Funnel(eligible=5, enrolled=4, matched=3, active=2, completed=1)
    english = charts.funnel_chart(funnel)
    with override("fr"):
        french = charts.funnel_chart(funnel)
    assert english != french and len(draws) == 2
    assert "Mentee funnel" in english and "Mentee funnel" not in french
    assert charts.funnel_chart(funnel) == english and len(draws) == 2


def test_month_labels_and_series_are_part_of_the_key(draws: list[str]) -> None:
    months = [
        ActivityMonth(
            dt.date(2026, m, 1), enrolled=1, matched=2, closed=0, meetings=3, active_at_end=4
        )
        for m in (1, 2, 3)
    ]
    charts.activity_chart(months)
    changed = [*months[:2], ActivityMonth(dt.date(2026, 3, 1), 1, 2, 0, 9, 4)]
    charts.activity_chart(changed)
    charts.activity_chart(list(months))
    assert len(draws) == 2


def test_a_renamed_program_is_drawn_with_its_new_name(draws: list[str]) -> None:
    def rows(title: str) -> list[Any]:
        program = SimpleNamespace(title=title, pk=1)
        return [SimpleNamespace(program=program, enrolled=12, active=7)]

    before = charts.programs_chart(rows("Leadership"))
    after = charts.programs_chart(rows("Leadership & growth"))
    assert "Leadership &amp; growth" in after and "growth" not in before
    assert len(draws) == 2


def test_the_memory_keeps_only_the_newest_charts() -> None:
    memory = charts.DrawnCharts(size=2)
    calls: list[int] = []

    def draw(n: int) -> str:
        calls.append(n)
        return f"<svg>{n}</svg>"

    for n in (1, 2, 3):
        memory.get(n, lambda n=n: draw(n))
    memory.get(3, lambda: draw(3))  # kept
    memory.get(1, lambda: draw(1))  # the oldest, dropped: drawn again
    assert calls == [1, 2, 3, 1]
