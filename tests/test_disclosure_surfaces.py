"""Every surface that publishes figures about a group of people, attacked by every reader.

On the organisation of `tests.test_disclosure_org` (deliberately rare groups), with pipeline
people and survey answers added, each role that may read a surface — HR admin, the program's
manager, an executive, and a person holding two roles (an executive who manages the program
and mentors in it) — collects everything that surface publishes about one population, page,
CSV and API together, and `tests.attacker` solves for every hidden figure:

* equity of access: the page's tables (every side and breakdown the reader may open), the CSV
  and the API; rates on the page are rounded, so they are ranges;
* pipeline: the page's tables, the CSV and the API; a ratio per senior leader bounds the
  hidden number of leaders who give;
* survey results and program health: the survey results page and API (each side, all
  sides), the program health page and API, the programs overview page and API. The unknowns
  are the answers themselves (1–5, in the order they were given, which this attacker knows),
  and every published average ties the answers it rests on.

Rates and statistics are checked too (requirement 4): no rate beside a hidden count, no
median or mean about a hidden group. Readers a surface refuses get 404.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from html import unescape
from typing import Any

import pytest
from django.db.models import Exists, OuterRef, Q
from django.test import Client
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.people.models import CareerEvent, CareerEventKind, Person
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, Role
from mentorwise.relationships.models import Relationship, RelationshipStatus, SurveyResponse
from tests.attacker import (
    EQUITY_RATES,
    Findings,
    Range,
    Sum,
    equity_attack_model,
    exposed_by_rates,
    intervals,
    judge,
    pipeline_attack_model,
)
from tests.test_disclosure_org import (
    K,
    _api,
    _api_rows,
    _csv_rows,
    _page,
    _relate,
    _seed,
    _survey,
    _truth,
)

pytestmark = pytest.mark.django_db

DASH = "—"


def _found(findings: Findings, exposed: list[str]) -> list[str]:
    """Every finding, named by what it is about."""
    return [
        *(f"recovered {n}" for n in findings.recovered),
        *(f"narrowed {n}" for n in findings.narrowed),
        *(f"proved non-empty {n}" for n in findings.proved_non_empty),
        *(f"published beside a hidden count: {n}" for n in exposed),
    ]


# The organisation ---------------------------------------------------------------------------


def _pipeline_people(seeded: dict[str, Any]) -> None:
    """High-potentials and first-time managers in common and rare groups, some with an active
    mentor; senior leaders of a function where one leader gives (the only giver of a group
    of six: a ratio per leader above 0 would say who)."""
    program, mentors = seeded["program"], seeded["mentors"]
    today = timezone.localdate()
    at = timezone.now() - dt.timedelta(days=60)

    def mentee_of(person: Person, mentor: Enrollment) -> None:
        enrollment = Enrollment.objects.create(
            program=program, person=person, role=Role.MENTEE, status=EnrollmentStatus.ACTIVE
        )
        _relate(program, enrollment, mentor, at)

    # (count, level, function, covered)
    for count, level, function, covered in ((12, 5, "Engineering", 7), (2, 6, "Legal", 1)):
        for i in range(count):
            person = make_person(job_level=level, function=function, is_high_potential=True)
            CareerEvent.objects.create(
                person=person, kind=CareerEventKind.PROMOTION, date=today - dt.timedelta(days=90)
            )
            if i < covered:
                mentee_of(person, mentors[i % len(mentors)])
    for count, level, function, covered in ((8, 5, "Sales", 5), (3, 6, "Legal", 2)):
        for i in range(count):
            person = make_person(
                job_level=level, function=function, manager_since=today - dt.timedelta(days=100)
            )
            if i < covered:
                mentee_of(person, mentors[(i + 1) % len(mentors)])
    # Finance leaders: the executive (level 10) and five more; one of them mentors.
    finance = [make_person(job_level=9, function="Finance") for _ in range(5)]
    giver = Enrollment.objects.create(
        program=program, person=finance[0], role=Role.MENTOR, status=EnrollmentStatus.ACTIVE
    )
    mentee_of(make_person(job_level=3, function="Finance"), giver)


#: Satisfaction answers (1–5) in the order given: (kind, side, relationship index, value).
#: Mentee midpoint answers and mentee closing answers interleave in time.
ANSWERS = (
    ("midpoint", "mentee", 1, 3),
    ("midpoint", "mentee", 2, 4),
    ("midpoint", "mentee", 3, 3),
    ("midpoint", "mentee", 4, 3),
    ("closing", "mentee", 1, 4),
    ("midpoint", "mentee", 5, 2),
    ("midpoint", "mentee", 7, 4),
    ("closing", "mentee", 2, 3),
    ("midpoint", "mentor", 1, 3),
    ("midpoint", "mentor", 2, 2),
    ("midpoint", "mentor", 3, 4),
    ("midpoint", "mentor", 4, 3),
    ("midpoint", "mentor", 5, 3),
)


def _survey_answers(program: Program, relationships: list[Relationship]) -> None:
    start = timezone.now() - dt.timedelta(days=40)
    for n, (kind, side, index, value) in enumerate(ANSWERS):
        SurveyResponse.objects.create(
            survey=_survey(program, kind),
            relationship=relationships[index],
            side=side,
            answers={"satisfaction": value, "recommend": 7},
            submitted_at=start + dt.timedelta(hours=n),
        )


@pytest.fixture
def world(hr_admin: Any, executive: Any) -> dict[str, Any]:
    seeded = _seed()
    _pipeline_people(seeded)
    _survey_answers(seeded["program"], seeded["relationships"])
    # Two roles: an executive who manages the program and mentors in it.
    both = make_user(seeded["mentors"][0].person, is_executive=True)
    seeded["program"].managers.add(both)
    seeded["readers"] = {
        "hr admin": hr_admin,
        "program manager": seeded["manager"],
        "executive": executive,
        "executive, manager and mentor": both,
    }
    return seeded


# Reading pages ------------------------------------------------------------------------------


def _tables(html: str) -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
    """(heading before it, column headers, [(row label, cells)]) of every table on a page."""
    found = []
    for match in re.finditer(r"<h2[^>]*>([^<]*)</h2>((?:(?!<h2).)*?)</table>", html, re.S):
        heading, body = match.groups()
        headers = [_text(h) for h in re.findall(r"<th scope=\"col\">(.*?)</th>", body, re.S)]
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            label = re.search(r"<th scope=\"row\">(.*?)</th>", row, re.S)
            if label:
                cells = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                rows.append((_text(label.group(1)).rstrip("*"), cells))
        found.append((_text(heading), headers, rows))
    return found


def _text(fragment: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _number(text: str) -> float | None:
    text = text.replace(",", "").strip()
    if text in ("", DASH):
        return None
    return float(text.rstrip("%")) / 100 if text.endswith("%") else float(text)


# Equity of access ---------------------------------------------------------------------------

EQUITY_PAGE = {
    "Population": "population",
    "Enrolled": "enrolled",
    "Participation": "participation",
    "Matched": "matched",
    "Match rate": "match_rate",
    "Median days to match": "median_days_to_match",
}
#: The page's shares without their count beside them: (header, count, whole).
EQUITY_PAGE_SHARES = {
    "Promoted since start": ("promoted", "enrolled"),
    "Still employed": ("still_employed", "enrolled"),
}


def _equity_page(
    client: Client, slug: str, side: str
) -> tuple[list[dict[str, Any]], list[tuple[str, str, float, str]]]:
    """The rows of every breakdown page the reader may open for one side, as counts, and the
    page's rounded shares as (dimension, group, share, count column)."""
    first = client.get(f"/insights/programs/{slug}/equity/?side={side}&by=level")
    assert first.status_code == 200
    dimensions = [*re.findall(r"by=(\w+)\"", first.content.decode()), "level"]
    rows, shares = [], []
    for dimension in dict.fromkeys(dimensions):
        page = client.get(f"/insights/programs/{slug}/equity/?side={side}&by={dimension}")
        assert page.status_code == 200
        (_, headers, table), *_ = _tables(page.content.decode())
        for label, cells in table:
            values = dict(zip(headers[1:], cells, strict=False))
            row: dict[str, Any] = {"dimension": dimension, "group": label}
            for header, column in EQUITY_PAGE.items():
                row[column] = _number(values[header])
            # Rates on the page are rounded to a whole percent: not an exact count.
            for rate, _, _ in EQUITY_RATES:
                if rate in row:
                    shares.append((dimension, label, row.pop(rate), rate))
            rows.append(row)
            for header, (count, _) in EQUITY_PAGE_SHARES.items():
                shares.append((dimension, label, _number(values[header]), count))
    return rows, [s for s in shares if s[2] is not None]  # type: ignore[misc]


def _share_ranges(
    shares: Sequence[tuple[str, str, float, str]], published: Mapping[str, int | None]
) -> list[Range]:
    """part within whole x (share ± half a percent) for every rounded share whose whole is
    published (a share is only shown with both its counts: `exposed_by_rates` checks that)."""
    parts = {rate: (part, whole) for rate, part, whole in EQUITY_RATES}
    parts.update({count: (count, whole) for count, whole in EQUITY_PAGE_SHARES.values()})
    found: list[Range] = []
    for dimension, group, share, column in shares:
        part, whole = parts[column]

        def name(c: str, dimension: str = dimension, group: str = group) -> str:
            return f"*:{c}" if group == "All" else f"{dimension}:{group}:{c}"

        total = published.get(name(whole))
        if total is None or name(part) not in published:
            continue
        found.append(([name(part)], (share - 0.005) * total, (share + 0.005) * total))
    return found


def test_equity_page_csv_and_api_together_reveal_nothing_to_any_reader(world) -> None:
    program = world["program"]
    leaks: dict[str, list[str]] = {}
    attacked: dict[str, Findings] = {}
    truths = {side: _truth(program, side) for side in ("mentee", "mentor")}
    for role, reader in world["readers"].items():
        findings, exposed = Findings(), []
        page, api = _page(reader), _api(reader)
        csv_rows = _csv_rows(page, program.slug)
        for side in ("mentee", "mentor"):
            page_rows, shares = _equity_page(page, program.slug, side)
            rows = [r for r in csv_rows if r["side"] == side] + _api_rows(api, program.slug, side)
            exposed += exposed_by_rates(
                rows,
                EQUITY_RATES,
                [("median_days_to_match", "matched"), ("seniority", "matched")],
            )
            published, sums = equity_attack_model([*rows, *page_rows])
            ranges = _share_ranges(shares, published)
            seen = repr((sorted(published.items()), ranges))
            if seen not in attacked:  # another reader read exactly the same: same answer
                attacked[seen] = judge(intervals(published, sums, ranges), truths[side], K, sums)
            findings.add(attacked[seen])
        leaks[role] = _found(findings, exposed)
    assert leaks == {role: [] for role in leaks}, leaks


# Pipeline -----------------------------------------------------------------------------------


def _pipeline_truth() -> dict[str, int]:
    """The true counts behind the pipeline, computed here from the definitions."""
    today = timezone.localdate()
    active = Q(termination_date__isnull=True) | Q(termination_date__gt=today)
    as_mentee = Relationship.objects.filter(
        mentee__person=OuterRef("pk"), status=RelationshipStatus.ACTIVE
    )
    as_giver = Relationship.objects.filter(
        mentor__person=OuterRef("pk"), status=RelationshipStatus.ACTIVE
    )
    year_ago = today - dt.timedelta(days=330)
    populations = {
        "high_potential": Person.objects.filter(active, is_high_potential=True),
        "first_time_manager": Person.objects.filter(
            active, manager_since__gt=year_ago, manager_since__lte=today
        ),
        "senior_leaders": Person.objects.filter(active, job_level__gte=8),
    }
    truth: dict[str, int] = {}
    for section, people in populations.items():
        leaders = section == "senior_leaders"
        part = "giving" if leaders else "covered"
        rest = "not_giving" if leaders else "not_covered"
        rows = people.annotate(yes=Exists(as_giver if leaders else as_mentee)).values_list(
            "job_level", "function", "yes"
        )
        for dimension, index in (("level", 0), ("function", 1)):
            for row in [*rows, None]:
                if row is None:
                    continue
                value = row[index]
                group = f"Level {value}" if dimension == "level" else str(value)
                for key in (f"{section}:{dimension}:{group}", f"{section}:*"):
                    for column, add in (("people", 1), (part, row[2]), (rest, not row[2])):
                        name = f"{key}:{column}"
                        truth[name] = truth.get(name, 0) + int(add)
        for column in ("people", part, rest):  # the total row was counted per dimension
            truth[f"{section}:*:{column}"] //= 2
    return truth


def _pipeline_csv(client: Client) -> list[dict[str, Any]]:
    answer = client.get("/insights/pipeline.csv")
    assert answer.status_code == 200
    rows = []
    for r in csv.DictReader(io.StringIO(answer.content.decode())):
        if r["section"] == "givers_per_senior_leader":
            continue
        rows.append(
            {
                "section": r["section"],
                "dimension": r["dimension"],
                "group": r["group"],
                "people": r["people"],
                "part": r["covered_or_giving"],
                "share": r["share"],
                "median": r["median_days_to_match"],
                "mentees_per_leader": r["mentees_per_leader"],
                "proteges_per_leader": r["proteges_per_leader"],
            }
        )
    return rows


def _pipeline_api(client: Client) -> list[dict[str, Any]]:
    answer = client.get("/api/insights/pipeline")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    rows = []
    for b in body["coverage"]:
        for g in [*b["groups"], {**b["total"], "label": "All"}]:
            rows.append(
                {
                    "section": b["population"],
                    "dimension": b["dimension"],
                    "group": g["label"],
                    "people": g["people"],
                    "part": g["covered"],
                    "share": g["coverage"],
                    "median": g["median_days_to_match"],
                }
            )
    for b in body["senior_leaders"]:
        for g in [*b["groups"], {**b["total"], "label": "All"}]:
            rows.append(
                {
                    "section": "senior_leaders",
                    "dimension": b["dimension"],
                    "group": g["label"],
                    "people": g["leaders"],
                    "part": g["giving"],
                    "share": g["giving_share"],
                    "mentees_per_leader": g["mentees_per_leader"],
                    "proteges_per_leader": g["proteges_per_leader"],
                }
            )
    return rows


PIPELINE_HEADINGS = {
    "High-potentials by job level": ("high_potential", "level"),
    "High-potentials by function": ("high_potential", "function"),
    "First-time managers by job level": ("first_time_manager", "level"),
    "First-time managers by function": ("first_time_manager", "function"),
    "Senior leaders by job level": ("senior_leaders", "level"),
    "Senior leaders by function": ("senior_leaders", "function"),
}


def _pipeline_page(client: Client) -> list[dict[str, Any]]:
    answer = client.get("/insights/pipeline/")
    assert answer.status_code == 200
    rows = []
    for heading, _, table in _tables(answer.content.decode()):
        section, dimension = PIPELINE_HEADINGS[heading]
        for label, cells in table:
            row = {
                "section": section,
                "dimension": dimension,
                "group": label,
                "people": _number(cells[0]),
                "part": _number(cells[1]),
                "share": _number(cells[2]),
            }
            if section == "senior_leaders":
                row["mentees_per_leader"] = _number(cells[3])
                row["proteges_per_leader"] = _number(cells[4])
            else:
                row["median"] = _number(cells[3])
            rows.append(row)
    return rows


PIPELINE_READERS = ("hr admin", "executive", "executive, manager and mentor")


def test_pipeline_page_csv_and_api_together_reveal_nothing_to_any_reader(world) -> None:
    truth = _pipeline_truth()
    leaks: dict[str, list[str]] = {}
    for role in PIPELINE_READERS:
        findings, exposed, reader = Findings(), [], world["readers"][role]
        page_rows = _pipeline_page(_page(reader))
        csv_rows, api_rows = _pipeline_csv(_page(reader)), _pipeline_api(_api(reader))
        exposed += exposed_by_rates(
            [*page_rows, *csv_rows, *api_rows],
            [("share", "part", "people")],
            [("median", "part"), ("mentees_per_leader", "part"), ("proteges_per_leader", "part")],
        )
        # The page's ratios are rounded to 2 places, the CSV's to 3, the API's exact: the
        # attacker takes each for what it is worth.
        published, sums, limits = pipeline_attack_model(page_rows, ratio_digits=2)
        for rows, digits in (
            (_pipeline_csv(_page(reader)), 3),
            (_pipeline_api(_api(reader)), None),
        ):
            more, _, bounds = pipeline_attack_model(rows, ratio_digits=digits)
            for name, value in more.items():
                if value is not None:
                    published[name] = value
            for name, (low, high) in bounds.items():
                old = limits.get(name, (0.0, 1e7))
                limits[name] = (max(old[0], low), min(old[1], high))
        found = intervals(published, sums, limits=limits)
        findings.add(judge(found, truth, K, sums))
        leaks[role] = _found(findings, exposed)
    assert leaks == {role: [] for role in leaks}, leaks


def test_pipeline_is_refused_to_a_program_manager(world) -> None:
    manager = world["readers"]["program manager"]
    assert _page(manager).get("/insights/pipeline/").status_code == 404
    assert _page(manager).get("/insights/pipeline.csv").status_code == 404
    assert _api(manager).get("/api/insights/pipeline").status_code == 404


# Survey results and program health ----------------------------------------------------------

SCALE = (1.0, 5.0)


def _answers_seen(program: Program, reader: Any) -> list[tuple[str, str, int]]:
    """(kind, side, value) of the satisfaction answers the reader's figures rest on, oldest
    first (answers about the reader's own relationships are left out everywhere)."""
    mine = Relationship.objects.filter(
        Q(mentee__person=reader.person) | Q(mentor__person=reader.person)
    )
    return [
        (kind, side, int(answers["satisfaction"]))
        for kind, side, answers in SurveyResponse.objects.filter(survey__program=program)
        .exclude(relationship__in=mine)
        .order_by("submitted_at", "pk")
        .values_list("survey__kind", "side", "answers")
    ]


def _blocks(names: list[str]) -> list[str]:
    return names[: len(names) // K * K]


def _explain_averages(
    averages: list[tuple[str, float, float]],
    sets: dict[str, list[list[str]]],
    truth: dict[str, int],
) -> tuple[list[Range], list[str]]:
    """Each published average as a range on the sum of the answers it rests on (the first of
    its candidate sets that reproduces it), and the averages no documented set explains."""
    ranges: list[Range] = []
    unexplained = []
    for figure, mean, precision in averages:
        for chosen in sets.get(figure, []):
            if chosen and abs(sum(truth[n] for n in chosen) / len(chosen) - mean) <= precision:
                size = len(chosen)
                ranges.append((chosen, (mean - precision) * size, (mean + precision) * size))
                break
        else:
            unexplained.append(figure)
    return ranges, unexplained


def _sets(seen: list[tuple[str, str, int]]) -> dict[str, list[list[str]]]:
    """For each published average, the sets of answers it may rest on under the documented
    rules (whole blocks of k, oldest first): the attacker tries each and keeps the one that
    matches. Names: ``kind:side:i``, the i-th answer of that kind and side."""
    ranks: dict[tuple[str, str], list[str]] = {}
    order: list[str] = []
    for kind, side, _ in seen:
        names = ranks.setdefault((kind, side), [])
        names.append(f"{kind}:{side}:{len(names)}")
        order.append(names[-1])
    sets: dict[str, list[list[str]]] = {}
    for kind in ("midpoint", "closing"):
        sides = {s: ranks.get((kind, s), []) for s in ("mentee", "mentor")}
        for side, names in sides.items():
            sets[f"{kind}:{side}"] = [_blocks(names)]
        if all(_blocks(n) or not n for n in sides.values()):
            sets[f"{kind}:all"] = [[n for names in sides.values() for n in _blocks(names)]]
    per_side = [_blocks([n for n in order if f":{side}:" in n]) for side in ("mentee", "mentor")]
    per_kind_and_side = [n for names in ranks.values() for n in _blocks(names)]
    sets["overview"] = [[n for names in per_side for n in names], per_kind_and_side]
    return sets


def _published_averages(client: Client, api: Client, slug: str) -> list[tuple[str, float, float]]:
    """(figure, average, precision) of every satisfaction average the reader can read."""
    found: list[tuple[str, float, float]] = []
    surveys = api.get(f"/api/programs/{slug}/surveys/midpoint/summary")
    if surveys.status_code == 200:
        for kind in ("midpoint", "closing"):
            for side in ("", "mentee", "mentor"):
                body = api.get(f"/api/programs/{slug}/surveys/{kind}/summary?side={side}").json()
                mean = body["questions"][0]["mean"]
                if mean is not None:
                    found.append((f"{kind}:{side or 'all'}", mean, 0.005))
        page = client.get(f"/relationships/program/{slug}/surveys/")
        assert page.status_code == 200
        labels = ["midpoint:mentee", "closing:mentee", "midpoint:mentor", "closing:mentor"]
        sections = re.findall(
            r"<section class=\"card\">(.*?)</section>", page.content.decode(), re.S
        )
        for label, section in zip(labels, sections, strict=True):
            cells = re.search(r"How satisfied.*?</td><td>.*?</td><td>(.*?)</td>", section, re.S)
            assert cells is not None
            mean = _number(_text(cells.group(1))) if "fewer" not in cells.group(1) else None
            if mean is not None:
                found.append((label, mean, 0.005))
    health = api.get(f"/api/insights/programs/{slug}/health").json()
    health_page = client.get(f"/insights/programs/{slug}/").content.decode()
    for figure in health["figures"]:
        kind = figure["key"].removesuffix("_satisfaction")
        if figure["key"].endswith("_satisfaction") and figure["value"] is not None:
            found.append((f"{kind}:all", figure["value"], 1e-9))
        label = rf"{kind.capitalize()} survey: satisfaction \(1–5\)"
        shown = re.search(rf"{label}</td><td>([\d.]+)</td>", health_page)
        if figure["key"].endswith("_satisfaction") and shown:
            found.append((f"{kind}:all", float(shown.group(1)), 0.005))
    for row in api.get("/api/insights/programs").json():
        if row["program"] == slug and row["satisfaction"] is not None:
            found.append(("overview", row["satisfaction"], 1e-9))
    overview = client.get("/insights/").content.decode()
    shown = re.search(rf"{slug}/\">.*?</tr>", overview, re.S)
    if shown:
        mean = re.search(r"<td>([\d.]+) <span class=\"muted\">\(\d+\)", shown.group(0))
        if mean:
            found.append(("overview", float(mean.group(1)), 0.005))
    return found


def _survey_attack(
    seen: list[tuple[str, str, int]], averages: list[tuple[str, float, float]]
) -> tuple[Findings, list[str]]:
    """Every answer and every answer left out of the whole blocks, attacked from the
    published averages; an answer is narrowed when the attacker rules out a value of the
    scale, and so is the sum of the left-out answers of a kind and side."""
    sets = _sets(seen)
    truth: dict[str, int] = {}
    counters: dict[tuple[str, str], int] = {}
    for kind, side, value in seen:
        i = counters.get((kind, side), 0)
        counters[(kind, side)] = i + 1
        truth[f"{kind}:{side}:{i}"] = value
    published: dict[str, int | None] = dict.fromkeys(truth)
    limits = dict.fromkeys(truth, SCALE)
    sums: list[Sum] = []
    rests: dict[str, int] = {}
    for (kind, side), n in counters.items():
        names = [f"{kind}:{side}:{i}" for i in range(n)]
        rest = names[len(_blocks(names)) :]
        if rest:
            key = f"rest:{kind}:{side}"
            published[key] = None
            truth[key] = sum(truth[r] for r in rest)
            sums.append((rest, key))
            rests[key] = len(rest)
    ranges, unexplained = _explain_averages(averages, sets, truth)
    found = intervals(published, sums, ranges, limits)
    findings = Findings()
    for name, (low, high) in found.items():
        assert low <= truth[name] <= high, (name, low, truth[name], high)
        prior = (rests[name] * SCALE[0], rests[name] * SCALE[1]) if name in rests else SCALE
        if low == high:
            findings.recovered.append(name)
        elif (low, high) != prior:
            findings.narrowed.append(name)
    return findings, unexplained


SURVEY_READERS = ("hr admin", "program manager", "executive", "executive, manager and mentor")


def test_survey_and_health_averages_together_reveal_no_answer(world) -> None:
    program = world["program"]
    leaks: dict[str, list[str]] = {}
    unexplained: list[str] = []
    for role in SURVEY_READERS:
        reader = world["readers"][role]
        averages = _published_averages(_page(reader), _api(reader), program.slug)
        read = Counter(figure for figure, _, _ in averages)
        # Each published average was read from every surface showing it: page and API of
        # program health and the overview, and of the survey results for those who manage.
        manages = role != "executive"
        assert read == {
            "overview": 2,
            "midpoint:all": 2 + manages,
            **({"midpoint:mentee": 2, "midpoint:mentor": 2} if manages else {}),
        }, read
        found, odd = _survey_attack(_answers_seen(program, reader), averages)
        leaks[role] = _found(found, [])
        unexplained += [f"{role}: {figure}" for figure in odd]
    assert unexplained == []
    assert leaks == {role: [] for role in leaks}, leaks


def test_survey_results_are_refused_to_an_executive(world) -> None:
    executive, slug = world["readers"]["executive"], world["program"].slug
    assert _page(executive).get(f"/relationships/program/{slug}/surveys/").status_code == 404
    answer = _api(executive).get(f"/api/programs/{slug}/surveys/midpoint/summary")
    assert answer.status_code == 404
