"""The inclusion option of a program's matching: what it holds, how it is read and checked.

The option lets matching favour senior mentors for mentees who self-identified as members of
under-represented groups and consented to that use. Its settings (on/off, groups, which level
counts as senior, weight, recorded justification) are HR-admin configuration: whoever may
choose the groups and then read anything that moves with them learns who is in them. The
option is stored under ``matching.options.inclusion``; this module is the one place that
reads, validates and compares it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from mentorwise.core.errors import FieldError, InvalidInput
from mentorwise.people.models import Ethnicity, Gender

SENIOR_LEVEL_DEFAULT = 7
WEIGHT_DEFAULT = 1
WEIGHT_RANGE = (1, 10)
LEVEL_RANGE = (1, 10)
MIN_JUSTIFICATION = 20
WHERE = "matching.options.inclusion"

# "Prefer not to say" is an answer, not a group anyone is favoured for.
GROUP_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (f"{dimension}:{value}", f"{title}: {label}")
    for dimension, title, choices in (
        ("gender", "Gender", Gender.choices),
        ("ethnicity", "Ethnicity", Ethnicity.choices),
    )
    for value, label in choices
    if value != "prefer_not_to_say"
)
GROUPS = frozenset(value for value, _label in GROUP_CHOICES)


def group_choices() -> list[tuple[str, str]]:
    """`GROUP_CHOICES` as people read them, in the active language ("Gender: Woman")."""
    titles = {"gender": _("Gender"), "ethnicity": _("Ethnicity")}
    labels = {
        "gender": dict(Gender.choices),
        "ethnicity": dict(Ethnicity.choices),
    }
    choices = []
    for value, _english in GROUP_CHOICES:
        dimension, answer = value.split(":", 1)
        choices.append(
            (
                value,
                _("%(dimension)s: %(answer)s")
                % {"dimension": titles[dimension], "answer": _(labels[dimension][answer])},
            )
        )
    return choices


@dataclass(frozen=True)
class InclusionOption:
    """A program's inclusion option; the defaults are the option switched off."""

    enabled: bool = False
    justification: str = ""
    groups: tuple[str, ...] = ()
    senior_level: int = SENIOR_LEVEL_DEFAULT
    weight: int = WEIGHT_DEFAULT

    def as_config(self) -> dict[str, Any]:
        """The stored form (`matching.options.inclusion`)."""
        return {
            "enabled": self.enabled,
            "justification": self.justification,
            "groups": list(self.groups),
            "senior_level": self.senior_level,
            "weight": self.weight,
        }


def _int_or(value: Any, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value


def inclusion_of(matching: dict[str, Any] | None) -> InclusionOption:
    """The program's inclusion option as stored (lenient: missing or odd values read as the
    defaults, so a program saved before a setting existed keeps working)."""
    options = (matching or {}).get("options") or {}
    raw = options.get("inclusion") if isinstance(options, dict) else None
    if not isinstance(raw, dict):
        return InclusionOption()
    groups = raw.get("groups") or []
    return InclusionOption(
        enabled=bool(raw.get("enabled")),
        justification=str(raw.get("justification") or "").strip(),
        groups=tuple(sorted({str(g) for g in groups})) if isinstance(groups, list) else (),
        senior_level=_int_or(raw.get("senior_level"), SENIOR_LEVEL_DEFAULT),
        weight=_int_or(raw.get("weight"), WEIGHT_DEFAULT),
    )


def inclusion_validate(raw: Any) -> InclusionOption:
    """Check a submitted inclusion option; raise InvalidInput naming every bad setting."""
    if not isinstance(raw, dict):
        raise InvalidInput([FieldError(WHERE, _("must be an object"))])
    errors: list[FieldError] = []
    known = {"enabled", "justification", "groups", "senior_level", "weight"}
    errors += [
        FieldError(f"{WHERE}.{name}", _("unknown setting")) for name in raw if name not in known
    ]
    enabled = raw.get("enabled", False)
    if not isinstance(enabled, bool):
        errors.append(
            FieldError(f"{WHERE}.enabled", _("must be true or false"), value=str(enabled))
        )
    justification = raw.get("justification", "")
    if not isinstance(justification, str):
        errors.append(FieldError(f"{WHERE}.justification", _("must be text")))
        justification = ""
    groups = raw.get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        errors.append(FieldError(f"{WHERE}.groups", _("must be a list of groups")))
        groups = []
    for group in groups:
        if group not in GROUPS:
            errors.append(
                FieldError(
                    f"{WHERE}.groups",
                    _("unknown group; use gender:<answer> or ethnicity:<answer> (%(groups)s)")
                    % {"groups": ", ".join(sorted(GROUPS))},
                    value=group,
                )
            )
    for name, (low, high), default in (
        ("senior_level", LEVEL_RANGE, SENIOR_LEVEL_DEFAULT),
        ("weight", WEIGHT_RANGE, WEIGHT_DEFAULT),
    ):
        value = raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors.append(
                FieldError(
                    f"{WHERE}.{name}",
                    _("must be a whole number from %(low)s to %(high)s")
                    % {"low": low, "high": high},
                    value=str(value),
                )
            )
    if enabled is True:
        if len(justification.strip()) < MIN_JUSTIFICATION:
            errors.append(
                FieldError(
                    f"{WHERE}.justification",
                    _(
                        "Enabling the inclusion option needs a recorded justification "
                        "(at least %(n)s characters)."
                    )
                    % {"n": MIN_JUSTIFICATION},
                )
            )
        if not groups:
            errors.append(
                FieldError(f"{WHERE}.groups", _("name at least one group the option favours"))
            )
    if errors:
        raise InvalidInput(errors)
    return inclusion_of({"options": {"inclusion": raw}})
