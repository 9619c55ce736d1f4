"""Template filters of the audit pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from mentorwise.audit.describe import action_text, describe

register = template.Library()


@register.filter
def audit_details(data: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """An entry's data as (label, text) pairs (see audit.describe)."""
    return describe(data)


@register.filter
def audit_action(action: str) -> str:
    """'people.imported' -> 'People imported'."""
    return action_text(action)
