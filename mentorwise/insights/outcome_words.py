"""The outcome analysis in the reader's words: its reasons (`outcome_reasons.Reason`) and the
names of the covariates its balance tables list ("function=Sales × high_potential" reads
"Function: Sales × high potential"). The estimates keep the stable names (CSV, API)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.core.clock import format_day
from mentorwise.insights.outcome_reasons import Reason
from mentorwise.matches.scores import PAGE_WORDS

_DIMENSIONS = {
    "job_level": gettext_lazy("Job level"),
    "tenure": gettext_lazy("Years of tenure"),
    "function": gettext_lazy("Function"),
    "location": gettext_lazy("Location"),
    "trial": gettext_lazy("Comparison round"),
}
_NAMES = {
    "is_manager": gettext_lazy("manager"),
    "high_potential": gettext_lazy("high potential"),
    "tenure_years": gettext_lazy("Years of tenure"),
}


def covariate_label(name: str) -> str:
    """A covariate's name as people read it, in the active language."""
    return " × ".join(_part(part) for part in name.split(" × "))


def _part(part: str) -> str:
    if "=" in part:
        dimension, value = part.split("=", 1)
        label = _DIMENSIONS.get(dimension)
        if label is None:
            return part
        return _("%(dimension)s: %(value)s") % {"dimension": label, "value": value}
    known = _NAMES.get(part) or _DIMENSIONS.get(part)
    return str(known) if known is not None else part


def reason_words(reason: Any) -> str:
    """A reason in the active language (a plain string, from before reasons had keys, as
    it is)."""
    if isinstance(reason, Reason):
        return reason.in_words(PAGE_WORDS, {"covariate": covariate_label, "start": format_day})
    return "" if reason is None else str(reason)
