"""The last surfaces that publish group figures, attacked on the organisation of
`tests.test_disclosure_surfaces`:

* survey NPS: promoters minus detractors among the `recommend` answers (0–10), published on
  program health (page and API) beside the average answer of the survey results (API). The
  unknowns are the answers; each answer's category is a pair of 0/1 indicators (promoter,
  detractor) tied to it by linear constraints, and each NPS ties the indicators of the
  answers it rests on;
* a mentor's contribution record (page, CSV, API) read by an HR admin beside the program's
  survey results and health: its feedback average rests on whole blocks of k of the mentees'
  answers about that mentor, counted from the first;
* the leadership PDF: every group figure it prints is one the equity and health APIs already
  publish to the same reader, so it adds nothing to attack.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.insights.access import access_insights_program
from mentorwise.insights.health import NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN
from mentorwise.insights.report import program_report_context
from mentorwise.relationships.models import Relationship, Side, SurveyResponse
from tests.attacker import Range, Sum, intervals
from tests.test_disclosure_org import K, _api, _api_rows, _page, _survey
from tests.test_disclosure_surfaces import (
    SCALE,
    SURVEY_READERS,
    _answers_seen,
    _explain_averages,
    _published_averages,
    _sets,
    world,  # noqa: F401  (the fixture)
)

pytestmark = pytest.mark.django_db

#: Likelihood to recommend (0–10) given with each satisfaction answer of the harness, in the
#: same order (`tests.test_disclosure_surfaces.ANSWERS`): promoters, passives and detractors.
RECOMMEND = (6, 9, 5, 8, 10, 3, 7, 8, 9, 4, 7, 6, 8)
RECOMMEND_SCALE = (0.0, 10.0)


@pytest.fixture
def answered(world: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """The harness's organisation with varied `recommend` answers."""
    responses = SurveyResponse.objects.filter(survey__program=world["program"]).order_by(
        "submitted_at", "pk"
    )
    for response, value in zip(responses, RECOMMEND, strict=True):
        response.answers = {**response.answers, "recommend": value}
        response.save(update_fields=["answers"])
    return world


def _own(reader: Any) -> Any:
    return Relationship.objects.filter(
        Q(mentee__person=reader.person) | Q(mentor__person=reader.person)
    )


def _names(seen: list[tuple[str, str, int]]) -> list[str]:
    """``kind:side:i`` of each answer seen, as `_sets` names them."""
    counters: dict[tuple[str, str], int] = {}
    names = []
    for kind, side, _ in seen:
        i = counters.get((kind, side), 0)
        counters[(kind, side)] = i + 1
        names.append(f"{kind}:{side}:{i}")
    return names


# Survey NPS ---------------------------------------------------------------------------------


def _recommend_seen(program: Any, reader: Any) -> list[int]:
    """The `recommend` answers behind the reader's figures, in the order of `_answers_seen`."""
    return [
        int(answers["recommend"])
        for answers in SurveyResponse.objects.filter(survey__program=program)
        .exclude(relationship__in=_own(reader))
        .order_by("submitted_at", "pk")
        .values_list("answers", flat=True)
    ]


def _published_nps(client: Any, api: Any, slug: str) -> list[tuple[str, str, float, float]]:
    """(statistic, figure, value, precision): every NPS (points of 100) on program health
    (page, CSV, API) and every average `recommend` answer of the survey results (API) the
    reader can read."""
    found: list[tuple[str, str, float, float]] = []
    health = api.get(f"/api/insights/programs/{slug}/health").json()
    page = client.get(f"/insights/programs/{slug}/").content.decode()
    for figure in health["figures"]:
        if not figure["key"].endswith("_nps") or figure["value"] is None:
            continue
        kind = figure["key"].removesuffix("_nps")
        found.append(("nps", f"{kind}:all", figure["value"], 1e-9))
        label = rf"{kind.capitalize()} survey: likelihood to recommend \(NPS\)"
        shown = re.search(rf"{label}</td><td>(-?[\d.]+)</td>", page)
        assert shown, f"{kind} NPS is not on the health page"
        found.append(("nps", f"{kind}:all", float(shown.group(1)), 0.005))
    exported = client.get(f"/insights/programs/{slug}/health.csv")
    assert exported.status_code == 200
    for row in csv.DictReader(io.StringIO(exported.content.decode())):
        if "(NPS)" in row["figure"] and row["value"]:
            kind = row["figure"].split()[0].lower()
            found.append(("nps", f"{kind}:all", float(row["value"]), 1e-9))
    if api.get(f"/api/programs/{slug}/surveys/midpoint/summary").status_code == 200:
        for kind in ("midpoint", "closing"):
            for side in ("", "mentee", "mentor"):
                body = api.get(f"/api/programs/{slug}/surveys/{kind}/summary?side={side}").json()
                for question in body["questions"]:
                    if question["key"] == "recommend" and question["mean"] is not None:
                        found.append(("mean", f"{kind}:{side or 'all'}", question["mean"], 0.005))
    return found


def _category_program(
    names: list[str], figures: list[tuple[str, list[str], float, float]]
) -> tuple[dict[str, int | None], list[Sum], list[Range], dict[str, tuple[float, float]]]:
    """The attacker's integer program: per answer ``r`` (0–10) and indicators ``p`` (a
    promoter, r >= 9), ``d`` (a detractor, r <= 6) with their complements; a coefficient is
    a name repeated. Figures: (statistic, answers it rests on, value, precision)."""
    published: dict[str, int | None] = {"one": 1}
    sums: list[Sum] = []
    ranges: list[Range] = []
    limits: dict[str, tuple[float, float]] = {}
    high, low_p, high_d = RECOMMEND_SCALE[1], NPS_PROMOTER_MIN, NPS_DETRACTOR_MAX
    for n in names:
        r, p, q, d, e = (f"{x}|{n}" for x in ("r", "p", "not_p", "d", "not_d"))
        published.update(dict.fromkeys((r, p, q, d, e)))
        limits[r] = RECOMMEND_SCALE
        limits.update(dict.fromkeys((p, q, d, e), (0.0, 1.0)))
        sums += [([p, q], "one"), ([d, e], "one")]
        ranges += [
            ([r, *[q] * low_p], low_p, high + low_p),  # r >= 9 p
            ([r, *[q] * int(high - low_p + 1)], 0, high),  # r <= 8 + 2 p
            ([r, *[d] * int(high - high_d)], 0, high),  # d = 1: r <= 6
            ([r, *[d] * (high_d + 1)], high_d + 1, high + high_d + 1),  # d = 0: r >= 7
        ]
    for statistic, chosen, value, precision in figures:
        size = len(chosen)
        if statistic == "mean":
            ranges.append(
                ([f"r|{n}" for n in chosen], (value - precision) * size, (value + precision) * size)
            )
        else:  # promoters - detractors = nps n / 100, so promoters + not detractors:
            share = value * size / 100 + size
            ranges.append(
                (
                    [*(f"p|{n}" for n in chosen), *(f"not_d|{n}" for n in chosen)],
                    share - precision * size / 100,
                    share + precision * size / 100,
                )
            )
    return published, sums, ranges, limits


def _category(value: int) -> tuple[int, int]:
    return int(value >= NPS_PROMOTER_MIN), int(value <= NPS_DETRACTOR_MAX)


def test_nps_rests_on_the_averages_blocks_and_reveals_no_answer_or_category(answered) -> None:
    program = answered["program"]
    leaks: dict[str, list[str]] = {}
    narrowed: dict[str, list[str]] = {}
    unexplained: list[str] = []
    for role in SURVEY_READERS:
        reader = answered["readers"][role]
        seen = _answers_seen(program, reader)
        names, values = _names(seen), _recommend_seen(program, reader)
        truth = dict(zip(names, values, strict=True))
        sets = _sets(seen)
        figures = []
        read = _published_nps(_page(reader), _api(reader), program.slug)
        # The midpoint NPS from page, CSV and API; the closing survey has no whole block.
        assert sum(s == "nps" for s, *_ in read) == 3, (role, read)
        for statistic, figure, value, precision in read:
            # The same whole blocks as the satisfaction average of that figure, no others.
            for chosen in sets.get(figure, []):
                if statistic == "mean":
                    result = sum(truth[n] for n in chosen) / max(len(chosen), 1)
                else:
                    promoters = sum(_category(truth[n])[0] for n in chosen)
                    detractors = sum(_category(truth[n])[1] for n in chosen)
                    result = 100 * (promoters - detractors) / max(len(chosen), 1)
                if chosen and abs(result - value) <= precision + 1e-9:
                    figures.append((statistic, chosen, value, precision))
                    break
            else:
                unexplained.append(f"{role}: {statistic} {figure} = {value}")
        published, sums, ranges, limits = _category_program(names, figures)
        found = intervals(published, sums, ranges, limits)
        leaks[role], narrowed[role] = [], []
        for n, value in truth.items():
            low, high = found[f"r|{n}"]
            assert low <= value <= high
            promoter, detractor = _category(value)
            if low == high:
                leaks[role].append(f"recovered {n} = {value}")
            elif found[f"p|{n}"] == (promoter, promoter) and found[f"d|{n}"] == (
                detractor,
                detractor,
            ):
                leaks[role].append(f"category of {n} ({value})")
            elif (low, high) != RECOMMEND_SCALE:
                narrowed[role].append(f"{n} in [{low}, {high}]")
    assert unexplained == []
    assert leaks == {role: [] for role in leaks}, (leaks, narrowed)
    assert narrowed == {role: [] for role in narrowed}, narrowed


def test_the_nps_attacker_finds_a_category_an_nps_gives_away() -> None:
    """The attacker's model has teeth: an NPS of 100 says every answer is a promoter."""
    names = [f"a{i}" for i in range(K)]
    published, sums, ranges, limits = _category_program(names, [("nps", names, 100.0, 1e-9)])
    found = intervals(published, sums, ranges, limits)
    assert all(found[f"p|{n}"] == (1, 1) and found[f"r|{n}"] == (9, 10) for n in names)
    published, sums, ranges, limits = _category_program(
        names, [("nps", names, 0.0, 1e-9), ("mean", names, 10.0, 0.005)]
    )
    with pytest.raises(AssertionError):  # every answer 10 would be 100: no such answers
        intervals(published, sums, ranges, limits)


# A mentor's contribution record beside the survey results ----------------------------------

#: Mentee answers about the second mentor added after the harness's (relationship, kind,
#: satisfaction): with the harness's three, six answers about them, one whole block of k.
MORE_ABOUT_MENTOR = ((7, "closing", 2), (13, "midpoint", 5), (13, "closing", 3))


@pytest.fixture
def recorded(world: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    relationships = world["relationships"]
    last = SurveyResponse.objects.filter(survey__program=world["program"]).latest("submitted_at")
    for n, (index, kind, value) in enumerate(MORE_ABOUT_MENTOR, start=1):
        SurveyResponse.objects.create(
            survey=_survey(world["program"], kind),
            relationship=relationships[index],
            side=Side.MENTEE,
            answers={"satisfaction": value, "recommend": 7},
            submitted_at=last.submitted_at + dt.timedelta(hours=n),
        )
    world["mentor"] = relationships[1].mentor.person
    return world


def _record_averages(client: Any, api: Any, person_id: int) -> list[tuple[dt.date, dt.date, float]]:
    """(start, end, satisfaction) of every reading of the record: the default year, each
    quarter of it and a half year, page, CSV and API."""
    today = timezone.localdate()
    windows = [("", "")]
    for back in range(0, 400, 91):
        day = today - dt.timedelta(days=back)
        windows.append((day.isoformat(), day.isoformat()))
    windows.append(((today - dt.timedelta(days=180)).isoformat(), today.isoformat()))
    found = []
    for start, end in windows:
        query = f"start={start}&end={end}" if start else ""
        body = api.get(f"/api/contributions/{person_id}?{query}")
        assert body.status_code == 200, body.content
        record = body.json()
        period = dt.date.fromisoformat(record["start"]), dt.date.fromisoformat(record["end"])
        if record["satisfaction"] is not None:
            found.append((*period, float(record["satisfaction"])))
        answer = client.get(f"/relationships/recognition/{person_id}/contribution.csv?{query}")
        assert answer.status_code == 200
        for section, item, value in csv.reader(io.StringIO(answer.content.decode())):
            if (section, item) == ("feedback", "satisfaction (1-5)") and "not shown" not in value:
                found.append((*period, float(value)))
        page = client.get(f"/relationships/recognition/{person_id}/?{query}")
        assert page.status_code == 200
    return found


def test_contribution_record_beside_survey_results_reveals_no_answer(recorded) -> None:
    program, person = recorded["program"], recorded["mentor"]
    reader = recorded["readers"]["hr admin"]
    client, api = _page(reader), _api(reader)
    seen = _answers_seen(program, reader)
    names = _names(seen)
    truth = {n: value for n, (_, _, value) in zip(names, seen, strict=True)}
    responses = list(
        SurveyResponse.objects.filter(survey__program=program)
        .exclude(relationship__in=_own(reader))
        .order_by("submitted_at", "pk")
        .values_list("pk", "submitted_at", "relationship__mentor__person", "side")
    )
    # The mentees' answers about the mentor, oldest first, with the day each was given.
    history = [
        (timezone.localdate(at), name)
        for (_, at, mentor, side), name in zip(responses, names, strict=True)
        if mentor == person.pk and side == Side.MENTEE
    ]
    assert len(history) >= K
    sets = _sets(seen)
    averages = _published_averages(client, api, program.slug)
    ranges, unexplained = _explain_averages(averages, sets, truth)
    records = _record_averages(client, api, person.pk)
    assert records, "the record shows no feedback average"
    for start, end, mean in records:
        # Whole blocks of k counted from the mentor's first answer, inside the window.
        chosen = [
            name
            for first in range(0, len(history) // K * K, K)
            if all(start <= day <= end for day, _ in history[first : first + K])
            for _, name in history[first : first + K]
        ]
        if not chosen or abs(sum(truth[n] for n in chosen) / len(chosen) - mean) > 0.05:
            unexplained.append(f"record {start}..{end}")
            continue
        size = len(chosen)
        ranges.append((chosen, (mean - 0.05) * size, (mean + 0.05) * size))
    assert unexplained == []
    assert _narrowed(truth, ranges) == []
    # The attacker has teeth: a record over any answers (a window ending one answer later)
    # would give that answer away.
    block, more = [n for _, n in history[:K]], [n for _, n in history[: K + 1]]
    averages = [
        (block, sum(truth[n] for n in block) / K),
        (more, sum(truth[n] for n in more) / (K + 1)),
    ]
    odd = [(c, (m - 0.05) * len(c), (m + 0.05) * len(c)) for c, m in averages]
    assert _narrowed(truth, [*ranges, *odd]) != []


def _narrowed(truth: dict[str, int], ranges: list[Range]) -> list[str]:
    """The answers of which the attacker rules out a value of the scale."""
    published: dict[str, int | None] = dict.fromkeys(truth)
    found = intervals(published, [], ranges, dict.fromkeys(truth, SCALE))
    return [
        f"{n} = {truth[n]} within [{low}, {high}]"
        for n, (low, high) in found.items()
        if (low, high) != SCALE
    ]


# The leadership PDF ---------------------------------------------------------------------------

#: Figures of an equity group the report prints (through `equity_table`).
REPORT_EQUITY = (
    "population",
    "enrolled",
    "participation",
    "matched",
    "match_rate",
    "median_days_to_match",
    "seniority",
    "sponsorship_rate",
    "promotion_rate",
    "retention_rate",
)


def _same(printed: Any, published: Any) -> bool:
    if printed is None or published is None:
        return printed is None and published is None
    return math.isclose(float(printed), float(published), abs_tol=1e-9)


def test_leadership_report_prints_only_figures_the_apis_publish(world) -> None:  # noqa: F811
    program = world["program"]
    checked = 0
    for role, reader in world["readers"].items():
        # Every reader of the organisation may read this program's report.
        access_insights_program(actor=reader, slug=program.slug)
        api = _api(reader)
        context = program_report_context(program=program, actor=reader)
        extra: list[str] = []
        health = {
            f["key"]: f["value"]
            for f in api.get(f"/api/insights/programs/{program.slug}/health").json()["figures"]
        }
        for figures in context["sections"].values():
            for figure in figures:
                if figure.key not in health or not _same(figure.value, health[figure.key]):
                    extra.append(f"health {figure.key} = {figure.value}")
                checked += 1
        for side, section in zip(("mentee", "mentor"), context["equity_sections"], strict=True):
            rows = {(r["dimension"], r["group"]): r for r in _api_rows(api, program.slug, side)}
            for table in section["tables"]:
                breakdown = table["breakdown"]
                for group in [*breakdown.groups, breakdown.total]:
                    label = "All" if group is breakdown.total else group.label
                    row = rows.get((breakdown.dimension, label))
                    for column in REPORT_EQUITY:
                        value = getattr(group, column)
                        if row is None or not _same(value, row.get(column)):
                            extra.append(f"{side} {breakdown.dimension}:{label}:{column} = {value}")
                        checked += 1
        assert extra == [], (role, extra)
    assert checked
    outsider = make_user(make_person())
    assert _page(outsider).get(f"/insights/programs/{program.slug}/report.pdf").status_code == 404
