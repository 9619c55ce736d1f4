"""`{{ enrollment.role|role_noun }}`: a role as a word inside a sentence, in the reader's
language ("mentor"; "Mentor" in German, which capitalises nouns: never `label|lower`)."""

from __future__ import annotations

from django import template

from mentorwise.programs.models import role_noun as _role_noun

register = template.Library()


@register.filter
def role_noun(role: str) -> str:
    return _role_noun(role)
