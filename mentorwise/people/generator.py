"""Synthetic organizations for the demo, tests and benchmarks.

Framework-free (numpy only, no Django import), so that the matching benchmark can use it.
`generate_org(people, seed)` builds a realistic, reproducible workforce in columns: one CEO,
a management hierarchy with spans of control of 3-10, functions and departments, job levels
1-10 that rise with responsibility (every manager above their reports), locations with time
zones and languages, hire dates, first-time managers, high potentials, terminations over the
last two years and optional self-identified demographics. Everything is vectorised per
hierarchy layer, so 100,000 people take about a second.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from mentorwise.people.columns import CANONICAL_COLUMNS, LANGUAGE_SEPARATOR

MAX_LEVEL = 10
MIN_SPAN, MAX_SPAN = 3, 10

# --- reference data -------------------------------------------------------------------------

# function -> (departments, individual-contributor role noun)
FUNCTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "Engineering": (
        ("Platform", "Mobile", "Data Engineering", "Infrastructure", "Security", "Quality"),
        "Software Engineer",
    ),
    "Product": (("Product Management", "Design", "User Research"), "Product Manager"),
    "Sales": (
        ("Enterprise Sales", "Mid-Market Sales", "Sales Operations", "Partnerships"),
        "Account Executive",
    ),
    "Marketing": (
        ("Brand", "Growth Marketing", "Product Marketing", "Communications"),
        "Marketing Specialist",
    ),
    "Customer Success": (
        ("Support", "Onboarding", "Account Management"),
        "Customer Success Specialist",
    ),
    "Finance": (("Accounting", "FP&A", "Procurement", "Tax"), "Financial Analyst"),
    "People": (
        ("Talent Acquisition", "HR Business Partners", "Learning & Development", "Total Rewards"),
        "People Partner",
    ),
    "Operations": (("Supply Chain", "Facilities", "Business Operations"), "Operations Analyst"),
    "Legal": (("Legal", "Compliance"), "Counsel"),
    "IT": (("IT Support", "Enterprise Systems"), "Systems Administrator"),
}
FUNCTION_NAMES: tuple[str, ...] = tuple(FUNCTIONS)
# Relative head count of each function (engineering and sales are the big ones).
FUNCTION_WEIGHTS = np.array([0.24, 0.07, 0.18, 0.08, 0.12, 0.06, 0.05, 0.10, 0.03, 0.07])
EXECUTIVE_FUNCTION, EXECUTIVE_DEPARTMENT = "Executive", "Office of the CEO"

# location -> (IANA time zone, local languages, relative head count)
LOCATIONS: dict[str, tuple[str, tuple[str, ...], float]] = {
    "New York": ("America/New_York", ("en",), 0.16),
    "San Francisco": ("America/Los_Angeles", ("en",), 0.10),
    "Chicago": ("America/Chicago", ("en",), 0.06),
    "Toronto": ("America/Toronto", ("en", "fr"), 0.05),
    "Mexico City": ("America/Mexico_City", ("es",), 0.04),
    "São Paulo": ("America/Sao_Paulo", ("pt",), 0.05),
    "London": ("Europe/London", ("en",), 0.12),
    "Dublin": ("Europe/Dublin", ("en",), 0.04),
    "Paris": ("Europe/Paris", ("fr",), 0.04),
    "Berlin": ("Europe/Berlin", ("de",), 0.06),
    "Madrid": ("Europe/Madrid", ("es",), 0.03),
    "Bangalore": ("Asia/Kolkata", ("en", "hi"), 0.10),
    "Singapore": ("Asia/Singapore", ("en", "zh"), 0.05),
    "Tokyo": ("Asia/Tokyo", ("ja",), 0.04),
    "Sydney": ("Australia/Sydney", ("en",), 0.06),
}
LOCATION_NAMES: tuple[str, ...] = tuple(LOCATIONS)
_LOCATION_WEIGHTS = np.array([v[2] for v in LOCATIONS.values()])
_LOCATION_WEIGHTS = _LOCATION_WEIGHTS / _LOCATION_WEIGHTS.sum()
EXTRA_LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "pt", "zh", "hi", "ar", "it", "ja")

FIRST_NAMES: tuple[str, ...] = (
    "Aisha", "Alejandro", "Amara", "Ana", "Andrei", "Anjali", "Arjun", "Astrid", "Ben", "Bianca",
    "Carlos", "Chen", "Chloé", "Chidi", "Daniel", "Divya", "Elena", "Emeka", "Emily", "Eun-ji",
    "Fatima", "Felix", "Gabriel", "Grace", "Hana", "Hassan", "Ibrahim", "Ines", "Isabel", "Jack",
    "James", "Jamal", "Javier", "Jin", "Joanna", "José", "Julia", "Kai", "Kavya", "Kenji",
    "Kofi", "Laila", "Lars", "Laura", "Leila", "Liam", "Lucas", "Maria", "Mariam", "Marco",
    "Maya", "Mei", "Michael", "Mohammed", "Nadia", "Naomi", "Nia", "Nikhil", "Noah", "Olivia",
    "Omar", "Pablo", "Priya", "Rafael", "Rahul", "Rania", "Ravi", "Rosa", "Ruth", "Sakura",
    "Samuel", "Sara", "Sebastian", "Sofia", "Søren", "Sun", "Tariq", "Thandiwe", "Thomas", "Tomás",
    "Valentina", "Victor", "Wei", "Yara", "Yuki", "Zainab", "Zoë", "Ahmed", "Alex", "Sam",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Adeyemi", "Ahmed", "Andersen", "Bauer", "Becker", "Brown", "Chen", "Costa", "da Silva",
    "Davies", "Dubois", "Eze", "Fernández", "Fischer", "García", "Gonzalez", "Gupta", "Haddad",
    "Hansen", "Hernández", "Hoang", "Ibrahim", "Iyer", "Jackson", "Johnson", "Kim", "Kowalski",
    "Kumar", "Laurent", "Lee", "Li", "Lopez", "Martin", "Martínez", "Mensah", "Meyer", "Miller",
    "Moreau", "Müller", "Nakamura", "Nguyen", "Novak", "Nowak", "O'Brien", "Okafor", "Olsen",
    "Park", "Patel", "Pereira", "Petrov", "Quinn", "Rahman", "Reddy", "Rodriguez", "Rossi",
    "Sato", "Schmidt", "Shah", "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Thomas",
    "Tran", "Wagner", "Walker", "Wang", "Williams", "Wilson", "Wong", "Yamamoto", "Yilmaz",
    "Zhang", "Zhou", "Osei", "Mbeki", "Castillo", "Romero",
)  # fmt: skip

GENDERS: tuple[str, ...] = ("woman", "man", "non_binary", "self_described", "prefer_not_to_say")
ETHNICITIES: tuple[str, ...] = (
    "asian", "black", "hispanic_latino", "middle_eastern", "indigenous", "white", "multiple",
    "self_described", "prefer_not_to_say",
)  # fmt: skip
_ETHNICITY_WEIGHTS = np.array([0.18, 0.12, 0.14, 0.04, 0.01, 0.40, 0.04, 0.01, 0.06])

# Titles of people managers by job level; "{d}" is the department.
_MANAGER_TITLES = {
    10: "Chief Executive Officer",
    9: "Executive Vice President, {f}",
    8: "Vice President, {d}",
    7: "Senior Director, {d}",
    6: "Director, {d}",
    5: "Senior Manager, {d}",
    4: "Manager, {d}",
    3: "Team Lead, {d}",
    2: "Team Lead, {d}",
    1: "Team Lead, {d}",
}
_IC_PREFIX = {
    1: "Associate ",
    2: "",
    3: "Senior ",
    4: "Senior ",
    5: "Staff ",
    6: "Principal ",
    7: "Distinguished ",
    8: "Fellow, ",
    9: "Fellow, ",
    10: "Fellow, ",
}

# --- the organization -----------------------------------------------------------------------


@dataclass
class SyntheticOrg:
    """A synthetic workforce in columns: attribute[i] describes person i (index 0 is the CEO)."""

    n: int
    today: dt.date
    employee_id: list[str]
    first_name: list[str]
    last_name: list[str]
    email: list[str]
    title: list[str]
    job_level: np.ndarray
    department: list[str]
    function: list[str]
    location: list[str]
    time_zone: list[str]
    languages: list[list[str]]
    manager_index: np.ndarray
    depth: np.ndarray
    hire_date: list[dt.date]
    manager_since: list[dt.date | None]
    termination_date: list[dt.date | None]
    termination_kind: list[str]
    is_high_potential: np.ndarray
    gender: list[str]
    ethnicity: list[str]
    direct_reports: np.ndarray = field(repr=False)

    @property
    def is_manager(self) -> np.ndarray:
        """True for people with at least one direct report."""
        return self.direct_reports > 0

    @property
    def is_active(self) -> np.ndarray:
        return np.array([d is None or d > self.today for d in self.termination_date])

    def rows(self) -> Iterator[dict[str, str]]:
        """One dict per person in the canonical CSV columns (all values as text)."""
        ids = self.employee_id
        managers = self.manager_index.tolist()
        levels = self.job_level.tolist()
        hipo = self.is_high_potential.tolist()
        for i in range(self.n):
            m = managers[i]
            since = self.manager_since[i]
            term = self.termination_date[i]
            yield {
                "employee_id": ids[i],
                "first_name": self.first_name[i],
                "last_name": self.last_name[i],
                "email": self.email[i],
                "title": self.title[i],
                "job_level": str(levels[i]),
                "department": self.department[i],
                "function": self.function[i],
                "location": self.location[i],
                "time_zone": self.time_zone[i],
                "languages": LANGUAGE_SEPARATOR.join(self.languages[i]),
                "manager_id": ids[m] if m >= 0 else "",
                "hire_date": self.hire_date[i].isoformat(),
                "manager_since": since.isoformat() if since else "",
                "high_potential": "true" if hipo[i] else "false",
                "termination_date": term.isoformat() if term else "",
                "termination_kind": self.termination_kind[i],
                "gender": self.gender[i],
                "ethnicity": self.ethnicity[i],
            }

    def write_csv(self, out: str | Path | IO[str]) -> None:
        """Write the organization as an HRIS CSV (canonical columns, UTF-8, comma-separated)."""
        if isinstance(out, str | Path):
            with open(out, "w", newline="", encoding="utf-8") as handle:
                self.write_csv(handle)
            return
        writer = csv.DictWriter(out, fieldnames=CANONICAL_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows())


# Share of each layer that manages others: all executives, most of their staff, fewer lower.
_MANAGER_SHARE = (1.0, 1.0, 0.85, 0.6, 0.45, 0.35)


def _hierarchy(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Parent index and depth per person, in breadth-first order (CEO first).

    Layer by layer: each manager gets 3-10 reports and a share of those reports become
    managers themselves. The share grows when the remaining head count would not fit into
    the layers left (at most MAX_LEVEL layers, so that job levels can rise strictly up the
    chain), so the tree never runs out of managers and never gets deeper than 10 layers.
    """
    parent = np.full(n, -1, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    count = 1
    frontier = np.array([0], dtype=np.int64)
    d = 0
    mean_span = (MIN_SPAN + MAX_SPAN) / 2
    # Aim for about log_5.5(n) layers (7 at 100,000 people), like real organizations.
    target_layers = min(MAX_LEVEL - 1, max(1, math.ceil(math.log(max(n, 2)) / math.log(5.5))))
    while count < n:
        if frontier.size == 0:
            # Cannot happen with the shares below, but never loop forever.
            frontier = np.arange(count - 1, count, dtype=np.int64)
        layers_left = MAX_LEVEL - 1 - d  # layers that may still be added below this one
        spans = rng.integers(MIN_SPAN, MAX_SPAN + 1, size=frontier.size)
        if layers_left <= 1:
            # Last possible layer: everyone remaining reports to this frontier.
            need = n - count
            spans = np.maximum(spans, -(-need // frontier.size))
        children_parent = np.repeat(frontier, spans)[: n - count]
        c = children_parent.size
        parent[count : count + c] = children_parent
        depth[count : count + c] = d + 1
        start = count
        count += c
        d += 1
        remaining = n - count
        if remaining == 0:
            break
        # Share of the new layer that manages: enough capacity for `remaining` in the layers
        # left, never below a realistic 35% (a quarter to a half of staff in real org layers
        # are managers of managers near the top, fewer near the bottom).
        below = max(1, target_layers - d)
        share = _MANAGER_SHARE[min(d, len(_MANAGER_SHARE) - 1)]
        while share < 1.0:
            g = mean_span * share
            capacity = c * share * mean_span * (g**below - 1) / (g - 1 if g != 1 else 1)
            if capacity >= 1.5 * remaining:
                break
            share = min(1.0, share + 0.05)
        managers = rng.random(c) < share
        if not managers.any():
            managers[rng.integers(c)] = True
        frontier = np.arange(start, start + c, dtype=np.int64)[managers]
    return parent, depth


def _subtree_height(parent: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Number of layers below each person (0 for individual contributors)."""
    height = np.zeros(parent.size, dtype=np.int64)
    for d in range(int(depth.max()), 0, -1):
        idx = np.nonzero(depth == d)[0]
        np.maximum.at(height, parent[idx], height[idx] + 1)
    return height


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _days_ago(today: dt.date, days: np.ndarray) -> list[dt.date]:
    base = np.datetime64(today.isoformat(), "D")
    dates: list[dt.date] = (base - days.astype("timedelta64[D]")).tolist()
    return dates


def generate_org(people: int, seed: int, today: dt.date | None = None) -> SyntheticOrg:
    """Build a reproducible synthetic organization of `people` people (same seed, same org)."""
    if people < 1:
        raise ValueError(f"people = {people}: must be >= 1")
    n = int(people)
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date, the caller may pass one
    rng = np.random.default_rng(seed)
    parent, depth = _hierarchy(n, rng)
    direct_reports = np.bincount(parent[parent >= 0], minlength=n)
    height = _subtree_height(parent, depth)

    # Job levels: the CEO is 10; each person sits 1-3 levels below their manager, but high
    # enough to stay above everyone in their own subtree.
    level = np.zeros(n, dtype=np.int64)
    level[0] = MAX_LEVEL
    # Managers mostly sit one level below theirs, individual contributors one to three.
    drop = np.where(
        direct_reports > 0,
        rng.choice([1, 2], size=n, p=[0.8, 0.2]),
        rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.2]),
    )
    for d in range(1, int(depth.max()) + 1):
        idx = np.nonzero(depth == d)[0]
        wanted = level[parent[idx]] - drop[idx]
        if d == 1:
            wanted = level[parent[idx]] - 1  # the CEO's staff are executives
        level[idx] = np.clip(wanted, height[idx] + 1, level[parent[idx]] - 1)

    # Functions and departments: each executive leads one function, their direct reports
    # lead departments of it; everyone below inherits both.
    func_idx = np.full(n, -1, dtype=np.int64)
    dept_name = np.empty(n, dtype=object)
    exec_idx = np.nonzero(depth == 1)[0]
    # Executives cover the big functions first, then random ones (small orgs lack some).
    order = np.argsort(-FUNCTION_WEIGHTS)
    func_idx[exec_idx] = order[np.arange(exec_idx.size) % len(FUNCTION_NAMES)]
    dept_counter: dict[int, int] = {}
    for d in range(2, int(depth.max()) + 1):
        idx = np.nonzero(depth == d)[0]
        func_idx[idx] = func_idx[parent[idx]]
        if d == 2:
            for i in idx.tolist():
                f = int(func_idx[i])
                departments = FUNCTIONS[FUNCTION_NAMES[f]][0]
                k = dept_counter.get(f, 0)
                dept_counter[f] = k + 1
                dept_name[i] = departments[k % len(departments)]
        else:
            dept_name[idx] = dept_name[parent[idx]]
    function = [FUNCTION_NAMES[f] if f >= 0 else EXECUTIVE_FUNCTION for f in func_idx.tolist()]
    department: list[str] = []
    for i, dep in enumerate(dept_name.tolist()):
        if dep is None:
            dep = EXECUTIVE_DEPARTMENT if i == 0 else function[i]
        department.append(dep)

    # Locations: most people sit with their manager, some elsewhere (distributed teams).
    loc = np.zeros(n, dtype=np.int64)
    loc[0] = 0
    random_loc = rng.choice(len(LOCATION_NAMES), size=n, p=_LOCATION_WEIGHTS)
    moves = rng.random(n) < 0.3
    for d in range(1, int(depth.max()) + 1):
        idx = np.nonzero(depth == d)[0]
        loc[idx] = np.where(moves[idx] | (d == 1), random_loc[idx], loc[parent[idx]])
    loc_list = loc.tolist()
    location = [LOCATION_NAMES[x] for x in loc_list]
    time_zone = [LOCATIONS[LOCATION_NAMES[x]][0] for x in loc_list]
    extra = rng.integers(0, len(EXTRA_LANGUAGES), size=n).tolist()
    has_extra = (rng.random(n) < 0.25).tolist()
    speaks_english = (rng.random(n) < 0.85).tolist()
    languages: list[list[str]] = []
    for i in range(n):
        spoken = list(LOCATIONS[location[i]][1])
        if speaks_english[i] and "en" not in spoken:
            spoken.append("en")
        if has_extra[i] and EXTRA_LANGUAGES[extra[i]] not in spoken:
            spoken.append(EXTRA_LANGUAGES[extra[i]])
        languages.append(spoken)

    # Names, ids, emails.
    first = rng.integers(0, len(FIRST_NAMES), size=n).tolist()
    last = rng.integers(0, len(LAST_NAMES), size=n).tolist()
    first_name = [FIRST_NAMES[k] for k in first]
    last_name = [LAST_NAMES[k] for k in last]
    id_numbers = (rng.permutation(n) + 100001).tolist()
    employee_id = [f"E{k:06d}" for k in id_numbers]
    first_slugs = [_slug(s) for s in FIRST_NAMES]
    last_slugs = [_slug(s) for s in LAST_NAMES]
    seen: dict[str, int] = {}
    email: list[str] = []
    for i in range(n):
        local = f"{first_slugs[first[i]]}.{last_slugs[last[i]]}"
        k = seen.get(local, 0)
        seen[local] = k + 1
        email.append(f"{local}{k + 1 if k else ''}@example.com")

    # Titles.
    levels = level.tolist()
    is_mgr = (direct_reports > 0).tolist()
    title: list[str] = []
    for i in range(n):
        lv = levels[i]
        if is_mgr[i] or i == 0:
            title.append(_MANAGER_TITLES[lv].format(d=department[i], f=function[i]))
        else:
            noun = FUNCTIONS[function[i]][1] if function[i] in FUNCTIONS else "Chief of Staff"
            title.append(f"{_IC_PREFIX[lv]}{noun}")

    # Tenure grows with level; hire dates up to 30 years back.
    tenure = rng.exponential(365 * (2.0 + 0.6 * level), size=n).astype(np.int64) + 30
    tenure = np.minimum(tenure, 365 * 30)

    # Terminations over the last two years, only for individual contributors (a leaver's
    # reports would have been moved to a new manager).
    terminated = (rng.random(n) < 0.12) & (direct_reports == 0)
    terminated[0] = False
    term_days = rng.integers(1, 731, size=n)
    tenure = np.where(terminated & (tenure <= term_days), term_days + 30 + tenure, tenure)
    hire_date = _days_ago(today, tenure)
    term_dates = _days_ago(today, term_days)
    term_list = terminated.tolist()
    termination_date = [term_dates[i] if term_list[i] else None for i in range(n)]
    involuntary = (rng.random(n) < 0.3).tolist()
    termination_kind = [
        ("involuntary" if involuntary[i] else "voluntary") if term_list[i] else "" for i in range(n)
    ]

    # Manager since: ~15% of managers became managers in the last 12 months (first-time
    # managers); the others earlier, at or before their hire (experienced hires).
    first_time = (rng.random(n) < 0.15) & (direct_reports > 0) & (level <= 6)
    since_recent = rng.integers(1, 365, size=n)
    since_recent = np.minimum(since_recent, tenure)  # not before they joined
    since_old = np.maximum(
        rng.integers(366, 366 + 365 * 8, size=n), (tenure * rng.uniform(0.2, 1.0, size=n))
    ).astype(np.int64)
    since_old = np.maximum(since_old, 366)
    since_days = np.where(first_time, since_recent, since_old)
    since_dates = _days_ago(today, since_days)
    manager_since = [since_dates[i] if is_mgr[i] else None for i in range(n)]

    hipo = rng.random(n) < 0.10
    hipo[0] = False

    # Self-identified demographics for about 60%; women less represented higher up.
    answered = rng.random(n) < 0.6
    u = rng.random(n)
    p_woman = 0.52 - 0.03 * level
    gender_idx = np.where(
        u < p_woman,
        0,
        np.where(u < 0.935, 1, np.where(u < 0.955, 2, np.where(u < 0.965, 3, 4))),
    )
    eth_idx = rng.choice(len(ETHNICITIES), size=n, p=_ETHNICITY_WEIGHTS / _ETHNICITY_WEIGHTS.sum())
    eth_answered = answered & (rng.random(n) < 0.9)
    ans = answered.tolist()
    eans = eth_answered.tolist()
    gender = [GENDERS[g] if ans[i] else "" for i, g in enumerate(gender_idx.tolist())]
    ethnicity = [ETHNICITIES[e] if eans[i] else "" for i, e in enumerate(eth_idx.tolist())]

    return SyntheticOrg(
        n=n,
        today=today,
        employee_id=employee_id,
        first_name=first_name,
        last_name=last_name,
        email=email,
        title=title,
        job_level=level,
        department=department,
        function=function,
        location=location,
        time_zone=time_zone,
        languages=languages,
        manager_index=parent,
        depth=depth,
        hire_date=hire_date,
        manager_since=manager_since,
        termination_date=termination_date,
        termination_kind=termination_kind,
        is_high_potential=hipo,
        gender=gender,
        ethnicity=ethnicity,
        direct_reports=direct_reports,
    )


# Profiles live in their own module; imported here so that callers find everything synthetic
# in one place (`from mentorwise.people.generator import generate_org, generate_profiles`).
from mentorwise.people.profiles import (  # noqa: E402
    ALL_SKILLS,
    SKILLS,
    SyntheticProfiles,
    generate_profiles,
)

__all__ = [
    "ALL_SKILLS",
    "ETHNICITIES",
    "GENDERS",
    "SKILLS",
    "SyntheticOrg",
    "SyntheticProfiles",
    "generate_org",
    "generate_profiles",
]
