"""Timeline entries in each reader's language.

An entry is stored as a message key and its values (names, numbers, codes), and written when
it is read, in the reader's language; its English text is kept beside them (for entries from
before, and for what reads the text as it is: the erasure's name replacement, data exports).
A moment in an entry is `{when}`, filled in the reader's time zone (core.clock.fill_when).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorwise.core.clock import WHEN
from mentorwise.core.templatetags.languages import in_sentence
from mentorwise.relationships.models import (
    ClosureKind,
    ConversationType,
    GoalStatus,
    SponsorshipKind,
    SponsorshipOutcome,
    SurveyKind,
)


def _label(choices: Any, code: str) -> str:
    return in_sentence(str(choices(code).label)) if code in choices.values else code


def _closed(v: Mapping[str, Any]) -> str:
    parts = [
        _("%(name)s closed the relationship (%(kind)s).")
        % {"name": v["name"], "kind": _label(ClosureKind, v["kind"])}
    ]
    if v.get("rematch"):
        parts.append(_("A re-match was requested."))
    if v.get("cancelled"):
        parts.append(
            ngettext(
                "%(count)s planned meeting was cancelled.",
                "%(count)s planned meetings were cancelled.",
                v["cancelled"],
            )
            % {"count": v["cancelled"]}
        )
    return " ".join(parts)


def _confirmed(v: Mapping[str, Any]) -> str:
    text = _("%(name)s confirmed the agreement (version %(number)s).") % v
    if v.get("both"):
        text += " " + _("Both have confirmed it.")
    return text


def _logged(v: Mapping[str, Any]) -> str:
    return ngettext(
        "%(name)s logged a %(type)s meeting of %(minutes)s minute on %(when)s.",
        "%(name)s logged a %(type)s meeting of %(minutes)s minutes on %(when)s.",
        v["minutes"],
    ) % {
        "name": v["name"],
        "type": _label(ConversationType, v["type"]),
        "minutes": v["minutes"],
        "when": WHEN,
    }


def _write(message: str, v: Mapping[str, Any]) -> str:
    name = {"name": v.get("name", ""), "when": WHEN}
    if message == "started":
        return _("%(mentee)s and %(mentor)s accepted the match; the relationship started.") % v
    if message == "reminded":
        return _("%(name)s sent the pair a reminder.") % name
    if message == "checked_in":
        return _("%(name)s checked in.") % name
    if message == "survey_answered":
        return _("%(name)s answered the %(survey)s.") % {
            **name,
            "survey": _label(SurveyKind, v["survey"]),
        }
    if message == "sponsorship_recorded":
        return _("%(name)s recorded a sponsorship action: %(kind)s.") % {
            **name,
            "kind": str(SponsorshipKind(v["kind"]).label)
            if v["kind"] in SponsorshipKind.values
            else v["kind"],
        }
    if message == "sponsorship_outcome":
        return _("%(name)s set the outcome of a sponsorship action: %(outcome)s.") % {
            **name,
            "outcome": _label(SponsorshipOutcome, v["outcome"]),
        }
    if message == "meeting_scheduled":
        return _("%(name)s scheduled a meeting for %(when)s.") % name
    if message == "meeting_moved":
        return _("%(name)s moved a meeting to %(when)s.") % name
    if message == "meeting_cancelled":
        return _("%(name)s cancelled the meeting of %(when)s.") % name
    if message == "meeting_logged":
        return _logged(v)
    if message == "agreement_changed":
        return _("%(name)s changed the agreement (version %(number)s).") % v
    if message == "agreement_confirmed":
        return _confirmed(v)
    if message == "goal_added":
        return _("%(name)s added a goal.") % name
    if message == "goal_described":
        return _("%(name)s changed a goal's description.") % name
    if message == "goal_progress":
        return _("%(name)s set a goal to %(progress)s %% (%(status)s).") % {
            **name,
            "progress": v["progress"],
            "status": _label(GoalStatus, v["status"]),
        }
    if message == "milestone_added":
        return _("%(name)s added a milestone to a goal.") % name
    if message == "milestone_done":
        return _("%(name)s marked a milestone done.") % name
    if message == "milestone_undone":
        return _("%(name)s marked a milestone not done.") % name
    if message == "closed":
        return _closed(v)
    raise KeyError(message)


def entry_text(message: str, values: Mapping[str, Any], english: str = "") -> str:
    """The entry in the active language (its `{when}` still to fill); `english`, the stored
    text, when the message or its values cannot be read (an entry of a later version)."""
    try:
        return _write(message, values)
    except (KeyError, ValueError, TypeError):
        return english


def english_text(message: str, values: Mapping[str, Any]) -> str:
    """The entry in English, as stored beside its key and values."""
    with translation.override("en"):
        return _write(message, values)
