"""Why an outcome cannot be estimated, kept as a key and its values so that every reader
gets it in their own language.

A `Reason` is the English sentence (a `str`: the JSON, the CSV and the tests read it as
before) that also remembers its key and values; `in_words(words)` writes it again with the
reader's translations (the insights pages pass Django's, `insights.outcome_words`). The
sentences are `words.gettext(...)` calls, so that the catalogs extract them; no Django here
(import contracts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from mentorwise.matching.words import ENGLISH, Words


def _sentence(key: str, words: Words) -> str:

    if key == "too_few":
        return words.gettext(
            "Too few people to compare: %(participants)s participants and %(others)s "
            "non-participants; at least %(needed)s of each are needed."
        )
    if key == "too_few_applies":
        return words.gettext(
            "Too few people to compare: %(participants)s participants and %(others)s "
            "non-participants to whom this applies; at least %(needed)s of each are needed."
        )
    if key == "no_overlap":
        return words.gettext(
            "Participants and non-participants differ too much to compare: %(share)s of "
            "participants have no comparable non-participant (more than %(limit)s)."
        )
    if key == "thin_levels":
        return words.gettext(
            "Participants and non-participants differ too much to compare: %(share)s of "
            "participants are at job level %(levels)s, where fewer than %(minimum)s "
            "non-participants (or fewer than one for every %(per)s participants) stayed out "
            "of the program for a year; nobody there can stand in for them (more than "
            "%(limit)s of participants)."
        )
    if key == "low_effective_n":
        return words.gettext(
            "The comparison rests on too few non-participants: after weighting they count as "
            "%(effective)s people; at least %(needed)s are needed."
        )
    if key == "imbalance":
        return words.gettext(
            "The comparison group could not be made similar enough: after weighting, "
            "%(covariate)s still differs by %(smd)s standard deviations (at most %(limit)s is "
            "acceptable)."
        )
    if key == "variance_ratio":
        return words.gettext(
            "The comparison group's spread of %(covariate)s does not match the participants' "
            "after weighting (variance ratio %(ratio)s; between %(low)s and %(high)s is "
            "acceptable)."
        )
    if key == "distribution":
        return words.gettext(
            "The distribution of %(covariate)s still differs after weighting "
            "(Kolmogorov–Smirnov distance %(distance)s; at most %(limit)s is acceptable)."
        )
    if key == "follow_up":
        return words.gettext(
            "The cohort has been followed for %(months)s months; %(needed)s are needed."
        )
    if key == "no_interval":
        return words.gettext(
            "The interval could not be computed: the data cannot support a conclusion."
        )
    if key == "zero_width":
        return words.gettext(
            "The 95%% interval has no width (%(low)s to %(high)s points): every resample gave "
            "the same figure, which means the outcome hardly varies in the data (for example, "
            "nobody's exit was recorded as voluntary). This is not a finding."
        )
    if key == "unknown_not_assessed":
        return words.gettext("The exits of unknown kind could not be assessed.")
    if key == "unknown_inconclusive":
        return words.gettext(
            "Inconclusive: %(count)s people left for a reason the records do not give: "
            "counted as staying the effect is %(staying)s points (%(staying_low)s to "
            "%(staying_high)s), counted as voluntary exits %(voluntary)s points "
            "(%(voluntary_low)s to %(voluntary_high)s), and the two lead to different "
            "conclusions."
        )
    if key == "no_start":
        return words.gettext("The program has no start date, so there is no cohort to follow.")
    if key == "not_started":
        return words.gettext("The program starts on %(start)s: nothing to follow up yet.")
    if key == "nobody_eligible":
        return words.gettext("Nobody was eligible on the start date.")
    if key == "no_participants":
        return words.gettext("Nobody in this program had a relationship as mentee yet.")
    if key == "no_comparison":
        return words.gettext("Nobody eligible stayed out of the program: no comparison.")
    raise KeyError(key)


def _plain(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value)


class Reason(str):
    """A reason in English that can be written again in another language."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Reason:
        text = _sentence(key, ENGLISH) % {k: _plain(v) for k, v in values.items()}
        reason = super().__new__(cls, text)
        reason.key = key
        reason.values = values
        return reason

    def __reduce__(self) -> tuple[Any, ...]:  # kept in caches
        return (_rebuild, (self.key, self.values))

    def in_words(
        self, words: Words, shown: Mapping[str, Callable[[Any], str]] | None = None
    ) -> str:
        """The sentence in `words`' language; `shown` writes a value per placeholder (the
        covariate's name, a date) as the reader reads it."""
        writers = shown or {}
        return _sentence(self.key, words) % {
            k: writers.get(k, _plain)(v) for k, v in self.values.items()
        }


def _rebuild(key: str, values: dict[str, Any]) -> Reason:
    return Reason(key, **values)


def percent(share: float) -> str:
    """A share as the sentences write it ("12%")."""
    return f"{share:.0%}"


def points(value: float) -> str:
    """A difference in percentage points with its sign ("+3.2")."""
    return f"{value * 100:+.1f}"
