"""How a step's timing reads: "1 week after the start", "due 3 March"."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext

from mentorwise.journeys.models import OffsetUnit


def offset_label(value: int, unit: str) -> str:
    """The offset as people read it, in the active language."""
    if value == 0:
        return {
            OffsetUnit.DAYS: gettext("on the first day"),
            OffsetUnit.WEEKS: gettext("in the first week"),
            OffsetUnit.MONTHS: gettext("in the first month"),
        }[OffsetUnit(unit)]
    if unit == OffsetUnit.DAYS:
        text = ngettext("%(n)s day after the start", "%(n)s days after the start", value)
    elif unit == OffsetUnit.WEEKS:
        text = ngettext("%(n)s week after the start", "%(n)s weeks after the start", value)
    else:
        text = ngettext("%(n)s month after the start", "%(n)s months after the start", value)
    return text % {"n": value}
