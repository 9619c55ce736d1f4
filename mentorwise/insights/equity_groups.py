"""The vocabulary of the equity breakdowns: the two sides, the five dimensions, and how a
person's value becomes a group (its key, its label, the order of the groups).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.people.models import Ethnicity, Gender
from mentorwise.programs.models import GIVING_ROLES, Program, Role

MENTEE, MENTOR = "mentee", "mentor"
SIDES = (MENTEE, MENTOR)
# Labels people read, in the language active when shown (lazy; typed as str for callers).
SIDE_LABELS = {
    MENTEE: cast(str, gettext_lazy("Mentees")),
    MENTOR: cast(str, gettext_lazy("Mentors and sponsors")),
}
DIMENSIONS = ("gender", "ethnicity", "level", "function", "location")
DEMOGRAPHIC_DIMENSIONS = ("gender", "ethnicity")
DIMENSION_LABELS = {
    "gender": cast(str, gettext_lazy("Gender (self-identified)")),
    "ethnicity": cast(str, gettext_lazy("Ethnicity (self-identified)")),
    "level": cast(str, gettext_lazy("Job level")),
    "function": cast(str, gettext_lazy("Function")),
    "location": cast(str, gettext_lazy("Location")),
}
# The stored label of a group without a value (equity releases keep group labels in
# English); `shown_group_label` gives the label people read.
NOT_STATED = "Not stated"

# Person columns of each dimension, as seen from Person and from an Enrollment.
PERSON_COLUMN = {
    "gender": "demographics__gender",
    "ethnicity": "demographics__ethnicity",
    "level": "job_level",
    "function": "function",
    "location": "location",
}


def side_roles(program: Program, side: str) -> tuple[str, ...]:
    if side == MENTEE:
        return (Role.MENTEE,)
    if side == MENTOR:
        return tuple(GIVING_ROLES)
    raise ValueError(f"side = {side!r}: must be one of {', '.join(SIDES)}")


def group_key(dimension: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    return str(value)


def group_keys(dimension: str, values: Sequence[Any]) -> np.ndarray:
    """The group key of each value, computed once per distinct value."""
    keys = {v: group_key(dimension, v) for v in set(values)}
    return np.array([keys[v] for v in values], dtype=object)


def group_label(dimension: str, key: str) -> str:
    if key == "":
        return NOT_STATED
    if dimension == "gender":
        return str(Gender(key).label) if key in Gender.values else key
    if dimension == "ethnicity":
        return str(Ethnicity(key).label) if key in Ethnicity.values else key
    if dimension == "level":
        return f"Level {key}"
    return key


def shown_group_label(dimension: str, key: str) -> str:
    """The label of a group as people read it, in the active language (`group_label` is
    the one stored with the figures, which stays the same whoever computed them)."""
    if key in ("", "not_stated"):  # (the figures' key of the group without a value)
        return _("Not stated")
    if dimension == "level":
        return _("Level %(level)s") % {"level": key}
    if dimension in ("gender", "ethnicity"):
        return _(group_label(dimension, key))  # the English label, marked for the catalogs
    return group_label(dimension, key)


def group_order(dimension: str, keys: Iterable[str]) -> list[str]:
    keys = set(keys)
    stated = [k for k in keys if k != ""]
    if dimension in ("gender", "ethnicity"):
        choices = list(Gender.values if dimension == "gender" else Ethnicity.values)
        stated.sort(key=lambda k: (choices.index(k) if k in choices else len(choices), k))
    elif dimension == "level":
        stated.sort(key=lambda k: int(k))
    else:
        stated.sort(key=str.casefold)
    return stated + ([""] if "" in keys else [])
