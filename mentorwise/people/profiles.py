"""Enrollment answers for synthetic people: a skills taxonomy and mentee/mentor profiles.

Framework-free (numpy only). `generate_profiles(org, indices, role, seed)` gives mentees
skills wanted and development goals, mentors, sponsors and coaches skills offered, an
expertise text and a capacity; skills are drawn from `SKILLS`, weighted by the person's
function, level and whether they manage people. Re-exported by `generator`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mentorwise.people.generator import SyntheticOrg

# --- skills ---------------------------------------------------------------------------------

SKILLS: dict[str, list[str]] = {
    "leadership": [
        "Leading teams",
        "Delegation",
        "Giving feedback",
        "Coaching others",
        "Decision making",
        "Change management",
        "Managing performance",
    ],
    "communication": [
        "Public speaking",
        "Executive presence",
        "Business writing",
        "Negotiation",
        "Influencing without authority",
        "Difficult conversations",
    ],
    "strategy": [
        "Strategic thinking",
        "Business acumen",
        "Financial literacy",
        "Product strategy",
        "Prioritization",
    ],
    "technical": [
        "Software architecture",
        "Data analysis",
        "Machine learning",
        "Cloud infrastructure",
        "Cybersecurity",
        "Digital tools",
    ],
    "management": [
        "First-time management",
        "Hiring",
        "Building teams",
        "Project management",
        "Stakeholder management",
    ],
    "career": [
        "Career planning",
        "Networking",
        "Personal branding",
        "Navigating the organization",
        "Promotion readiness",
        "Work-life balance",
    ],
    "inclusion": [
        "Inclusive leadership",
        "Allyship",
        "Cross-cultural collaboration",
        "Bias awareness",
        "Sponsorship",
    ],
}
ALL_SKILLS: tuple[str, ...] = tuple(s for skills in SKILLS.values() for s in skills)
_SKILL_INDEX = {s: i for i, s in enumerate(ALL_SKILLS)}
_SKILL_CATEGORY = np.array([c for c, skills in SKILLS.items() for _ in skills])

# Skills a function builds (offered by its mentors, wanted by its mentees more often).
_FUNCTION_SKILLS: dict[str, tuple[str, ...]] = {
    "Engineering": ("Software architecture", "Cloud infrastructure", "Cybersecurity",
                    "Data analysis", "Machine learning", "Project management"),
    "Product": ("Product strategy", "Prioritization", "Stakeholder management", "Data analysis",
                "Influencing without authority"),
    "Sales": ("Negotiation", "Public speaking", "Networking", "Business acumen",
              "Stakeholder management"),
    "Marketing": ("Business writing", "Personal branding", "Data analysis", "Digital tools",
                  "Public speaking"),
    "Customer Success": ("Difficult conversations", "Stakeholder management", "Negotiation",
                         "Project management"),
    "Finance": ("Financial literacy", "Business acumen", "Data analysis", "Strategic thinking"),
    "People": ("Hiring", "Inclusive leadership", "Coaching others", "Difficult conversations",
               "Bias awareness"),
    "Operations": ("Project management", "Prioritization", "Change management",
                   "Business acumen"),
    "Legal": ("Negotiation", "Business writing", "Difficult conversations", "Decision making"),
    "IT": ("Cloud infrastructure", "Cybersecurity", "Digital tools", "Project management"),
    "Executive": ("Strategic thinking", "Executive presence", "Change management",
                  "Decision making", "Sponsorship"),
}  # fmt: skip

_GOAL_TEMPLATES = (
    "Over the next six months I want to get better at {s}.",
    "I would like to build confidence in {s} so that I can take on a bigger role.",
    "My goal is to practise {s} with someone who has done it well.",
    "I want guidance on {s}, which my next step requires.",
    "I am working towards a promotion and need to strengthen {s}.",
    "I would like an outside view on how I approach {s}.",
)
_EXPERTISE_TEMPLATES = (
    "{y} years in {f}, currently {t}. Happy to help with {s}.",
    "I have led work in {f} for {y} years ({t}) and enjoy helping others with {s}.",
    "As {t} I deal with {s} every day; {y} years of experience in {f}.",
)


# --- enrollment profiles --------------------------------------------------------------------


@dataclass
class SyntheticProfiles:
    """Enrollment answers for `indices` (positions in the org) in one role, in columns.

    Mentees get `skills_wanted` and `development_goals`; mentors, sponsors and coaches get
    `skills_offered`, `expertise` and `capacity` (1-5). The other fields stay empty.
    """

    role: str
    indices: np.ndarray
    skills_wanted: list[list[str]]
    development_goals: list[str]
    skills_offered: list[list[str]]
    expertise: list[str]
    capacity: np.ndarray

    def __len__(self) -> int:
        return int(self.indices.size)


MENTEE_ROLES = ("mentee",)
GUIDE_ROLES = ("mentor", "sponsor", "coach")


def _skill_weights(org: SyntheticOrg, idx: np.ndarray, role: str) -> np.ndarray:
    """Relative chance of each skill per person: their function, level and manager status."""
    weights = np.ones((idx.size, len(ALL_SKILLS)))
    levels = org.job_level[idx]
    managers = org.direct_reports[idx] > 0
    by_category: dict[str, np.ndarray] = {c: np.equal(_SKILL_CATEGORY, c) for c in SKILLS}
    functions = [org.function[i] for i in idx.tolist()]
    for func, skills in _FUNCTION_SKILLS.items():
        rows = np.array([f == func for f in functions])
        if rows.any():
            cols = np.array([_SKILL_INDEX[s] for s in skills])
            weights[np.ix_(rows, cols)] *= 4.0 if role in GUIDE_ROLES else 2.5
    senior = levels >= 6
    if role in GUIDE_ROLES:
        weights[np.ix_(senior, by_category["leadership"] | by_category["strategy"])] *= 3.0
        weights[np.ix_(managers, by_category["management"])] *= 2.5
        if role == "sponsor":
            weights[:, _SKILL_INDEX["Sponsorship"]] *= 6.0
            weights[:, by_category["career"]] *= 2.0
    else:
        junior = levels <= 4
        weights[np.ix_(junior, by_category["career"])] *= 2.5
        weights[np.ix_(managers, by_category["leadership"] | by_category["management"])] *= 2.5
        weights[np.ix_(~managers & (levels >= 4), by_category["leadership"])] *= 1.8
        weights[np.ix_(senior, by_category["strategy"])] *= 2.0
    return weights


def _sample_skills(rng: np.random.Generator, weights: np.ndarray, k: np.ndarray) -> list[list[str]]:
    # Weighted sampling without replacement for all rows at once (Gumbel top-k).
    keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-keys, axis=1)
    return [[ALL_SKILLS[j] for j in order[r, : k[r]]] for r in range(order.shape[0])]


def _join(items: Sequence[str]) -> str:
    items = [s.lower() for s in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def generate_profiles(
    org: SyntheticOrg, indices: Sequence[int] | np.ndarray, role: str, seed: int
) -> SyntheticProfiles:
    """Enrollment answers for the people at `indices` in `role`, reproducible per seed."""
    if role not in MENTEE_ROLES + GUIDE_ROLES:
        raise ValueError(f"role = {role!r}: must be one of {', '.join(MENTEE_ROLES + GUIDE_ROLES)}")
    idx = np.asarray(indices, dtype=np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= org.n):
        raise ValueError(f"indices must be within 0..{org.n - 1}")
    rng = np.random.default_rng(seed)
    m = idx.size
    weights = _skill_weights(org, idx, role)
    empty: list[list[str]] = [[] for _ in range(m)]
    if role in MENTEE_ROLES:
        wanted = _sample_skills(rng, weights, rng.integers(2, 5, size=m))
        templates = rng.integers(0, len(_GOAL_TEMPLATES), size=(m, 2)).tolist()
        goals = []
        for r in range(m):
            a, b = templates[r]
            text = _GOAL_TEMPLATES[a].format(s=wanted[r][0].lower())
            if b != a:
                text += " " + _GOAL_TEMPLATES[b].format(s=_join(wanted[r][1:]))
            goals.append(text)
        return SyntheticProfiles(
            role=role,
            indices=idx,
            skills_wanted=wanted,
            development_goals=goals,
            skills_offered=empty,
            expertise=[""] * m,
            capacity=np.zeros(m, dtype=np.int64),
        )
    offered = _sample_skills(rng, weights, rng.integers(3, 7, size=m))
    capacity = rng.choice([1, 2, 3, 4, 5], size=m, p=[0.15, 0.3, 0.3, 0.15, 0.1])
    years = (
        (
            np.datetime64(org.today.isoformat(), "D")
            - np.array([org.hire_date[i] for i in idx.tolist()], dtype="datetime64[D]")
        ).astype(np.int64)
        // 365
        + rng.integers(2, 10, size=m)
    ).tolist()
    templates = rng.integers(0, len(_EXPERTISE_TEMPLATES), size=m).tolist()
    expertise = [
        _EXPERTISE_TEMPLATES[templates[r]].format(
            y=years[r], f=org.function[i], t=org.title[i], s=_join(offered[r][:3])
        )
        for r, i in enumerate(idx.tolist())
    ]
    return SyntheticProfiles(
        role=role,
        indices=idx,
        skills_wanted=empty,
        development_goals=[""] * m,
        skills_offered=offered,
        expertise=expertise,
        capacity=capacity.astype(np.int64),
    )
