"""Parsing of the relationship pages' form fields into service arguments."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from mentorwise.core.clock import zone_of
from mentorwise.core.errors import FieldError, InvalidInput


def actor_zone(actor: Any) -> zoneinfo.ZoneInfo:
    """The time zone a person enters times in: their own, else the site's."""
    return zone_of(actor)


def local_datetime(data: QueryDict, name: str, actor: Any) -> dt.datetime:
    """A `datetime-local` field read in the actor's time zone."""
    raw = data.get(name, "").strip()
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput([FieldError(name, "enter a date and time", value=raw)]) from None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=actor_zone(actor))
    return value


def optional_date(data: QueryDict, name: str) -> dt.date | None:
    raw = data.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput([FieldError(name, "enter a date (YYYY-MM-DD)", value=raw)]) from None


def integer(data: QueryDict, name: str, default: int | None = None) -> int:
    raw = data.get(name, "").strip()
    if not raw and default is not None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput([FieldError(name, "enter a whole number", value=raw)]) from None


def id_list(data: QueryDict, name: str) -> list[int]:
    return [int(v) for v in data.getlist(name) if v.isdigit()]


def survey_questions_to_text(questions: list[dict[str, Any]]) -> str:
    """One question per line: `key | label | 1-5` for a scale, `key | label | text`."""
    lines = []
    for q in questions:
        kind = f"{q['min']}-{q['max']}" if q["type"] == "scale" else "text"
        lines.append(f"{q['key']} | {q['label']} | {kind}")
    return "\n".join(lines)


def survey_questions_from_text(text: str) -> list[dict[str, Any]]:
    """Parse the line format; malformed lines become questions the service refuses by name."""
    questions: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, rest = (part.strip() for part in line.partition("|"))
        label, _, kind = (
            (part.strip() for part in rest.rpartition("|")) if "|" in rest else (rest, "", "")
        )
        low, dash, high = kind.partition("-")
        if dash and low.isdigit() and high.isdigit():
            questions.append(
                {"key": key, "label": label, "type": "scale", "min": int(low), "max": int(high)}
            )
        else:
            questions.append({"key": key, "label": label, "type": kind or "missing"})
    return questions
