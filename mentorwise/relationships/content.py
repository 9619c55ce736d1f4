"""A program survey's texts that may be written in several languages (core/content.py).

Paths: "questions.<key>.label". Answers are stored by key, so answers given in every
language count together.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorwise.core.content import TextUnit
from mentorwise.relationships.models import Survey


def survey_units(survey: Survey) -> list[TextUnit]:
    """Every question of `survey`, in order (an unsaved survey: the default questions)."""
    return [
        TextUnit(f"questions.{q['key']}.label", _("Question %(n)s") % {"n": n}, q["label"])
        for n, q in enumerate(survey.questions, start=1)
        if str(q.get("label", "")).strip()
    ]
