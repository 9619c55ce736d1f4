"""`{{ reason|reason_words }}` and `{{ name|covariate_label }}`: see insights.outcome_words."""

from __future__ import annotations

import math

from django import template
from django.template.defaultfilters import floatformat

from mentorwise.insights import outcome_words

register = template.Library()
register.filter("reason_words", outcome_words.reason_words)
register.filter("covariate_label", outcome_words.covariate_label)


@register.filter
def figure(value: object, digits: int = 2) -> str:
    """A diagnostic figure with `digits` decimals in the active language, "—" when it could
    not be computed (NaN or infinite: no comparison group left, a group without spread)."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "—"
    return str(floatformat(value, digits))
