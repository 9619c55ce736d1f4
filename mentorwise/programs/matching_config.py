"""A program's matching configuration: criteria weights and options, checked before they
are stored; the inclusion option is HR admins' alone."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.errors import FieldError, Forbidden, InvalidInput
from mentorwise.programs.catalog import DEFAULT_CRITERIA
from mentorwise.programs.inclusion import inclusion_of, inclusion_validate
from mentorwise.programs.models import (
    FunctionPreference,
    Program,
)

CRITERIA = tuple(DEFAULT_CRITERIA)
OPTION_KEYS = {
    "seniority_gap",
    "reverse",
    "function_preference",
    "chain_exclusion_depth",
    "min_score",
    "min_level_gap",
    "language_required",
    "inclusion",
    "circle_size",
    "circle_min_size",
    "circle_max_size",
    "circle_objective",
    "circle_attribute",
    "circle_mix_weight",
    "mentor_preferences",
}


def matching_config_validate(config: dict[str, Any]) -> dict[str, Any]:
    """Check criteria weights (whole numbers 0–10) and options; raise InvalidInput otherwise."""
    errors: list[FieldError] = []
    if not isinstance(config, dict):
        raise InvalidInput([FieldError("matching", _("must be an object"))])
    criteria = config.get("criteria", {})
    options = config.get("options", {})
    clean_criteria: dict[str, int] = {}
    if not isinstance(criteria, dict):
        errors.append(FieldError("matching.criteria", _("must be an object of weights")))
        criteria = {}
    for name, weight in criteria.items():
        if name not in CRITERIA:
            errors.append(
                FieldError(
                    f"matching.criteria.{name}",
                    _("unknown criterion; use one of %(names)s") % {"names": ", ".join(CRITERIA)},
                )
            )
        elif isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 10:
            errors.append(
                FieldError(
                    f"matching.criteria.{name}",
                    _("weight must be a whole number from 0 to 10"),
                    value=str(weight),
                )
            )
        else:
            clean_criteria[name] = weight
    if not isinstance(options, dict):
        errors.append(FieldError("matching.options", _("must be an object")))
        options = {}
    for name in options:
        if name not in OPTION_KEYS:
            errors.append(FieldError(f"matching.options.{name}", _("unknown option")))
    gap = options.get("seniority_gap")
    if gap is not None and not (
        isinstance(gap, list)
        and len(gap) == 2
        and all(isinstance(g, int) and not isinstance(g, bool) for g in gap)
        and gap[0] <= gap[1]
    ):
        errors.append(
            FieldError(
                "matching.options.seniority_gap",
                _("must be [low, high] levels with low <= high"),
                value=str(gap),
            )
        )
    pref = options.get("function_preference", "any")
    if pref not in FunctionPreference.values:
        errors.append(
            FieldError(
                "matching.options.function_preference",
                _("must be one of %(choices)s") % {"choices": ", ".join(FunctionPreference.values)},
                value=str(pref),
            )
        )
    min_score = options.get("min_score")
    if min_score is not None and (
        isinstance(min_score, bool)
        or not isinstance(min_score, int | float)
        or not 0 <= min_score <= 1
    ):
        errors.append(
            FieldError(
                "matching.options.min_score",
                _("must be a number from 0 to 1"),
                value=str(min_score),
            )
        )
    depth = options.get("chain_exclusion_depth")
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 0):
        errors.append(
            FieldError(
                "matching.options.chain_exclusion_depth",
                _("must be empty (whole chain) or a whole number >= 0"),
                value=str(depth),
            )
        )
    for name in ("circle_size", "circle_min_size", "circle_max_size"):
        size = options.get(name)
        if size is not None and (
            isinstance(size, bool) or not isinstance(size, int) or not 3 <= size <= 20
        ):
            errors.append(
                FieldError(
                    f"matching.options.{name}",
                    _("must be a whole number from 3 to 20"),
                    value=str(size),
                )
            )
    low, high = options.get("circle_min_size"), options.get("circle_max_size")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        errors.append(
            FieldError(
                "matching.options.circle_min_size",
                _("must not exceed circle_max_size"),
                value=str(low),
            )
        )
    if options.get("circle_objective", "diversity") not in ("diversity", "similarity"):
        errors.append(
            FieldError(
                "matching.options.circle_objective",
                _("must be diversity or similarity"),
                value=str(options.get("circle_objective")),
            )
        )
    if options.get("circle_attribute", "function") not in ("function", "seniority"):
        errors.append(
            FieldError(
                "matching.options.circle_attribute",
                _("must be function or seniority"),
                value=str(options.get("circle_attribute")),
            )
        )
    weight = options.get("circle_mix_weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 10:
        errors.append(
            FieldError(
                "matching.options.circle_mix_weight",
                _("must be a number from 0 to 10"),
                value=str(weight),
            )
        )
    clean_options = dict(options)
    if "inclusion" in options:
        try:
            clean_options["inclusion"] = inclusion_validate(options["inclusion"]).as_config()
        except InvalidInput as error:
            errors.extend(error.errors)
    if errors:
        raise InvalidInput(errors)
    return {"criteria": clean_criteria, "options": clean_options}


def matching_with_inclusion(*, actor: Actor, program: Program, matching: dict[str, Any]) -> bool:
    """Carry the program's inclusion option into a validated `matching` that leaves it out, or
    check that the actor may change it (HR admins only); True when it changes."""
    stored = program.matching.get("options", {})
    if "inclusion" not in matching["options"]:
        if "inclusion" in stored:
            matching["options"]["inclusion"] = stored["inclusion"]
        return False
    if inclusion_of(matching) == inclusion_of(program.matching):
        return False
    if not is_hr_admin(actor):
        # A manager who could choose the groups could compare any outcome before and after
        # and learn who belongs to them: the option is HR-admin configuration.
        raise Forbidden(
            _("Only HR admins may change the inclusion option; leave it out to keep it as it is."),
            code="inclusion_hr_only",
        )
    return True
