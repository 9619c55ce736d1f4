"""An audit entry's details as people read them, not as a Python dict.

`{"fields": ["end_date", "name"], "full": False}` reads "Fields: end date, name · Full: no".
Only the display changes: the stored data and the CSV export keep the exact values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

# Lists longer than this are cut ("and 40 more"): a page of ids tells nobody anything.
LIST_SHOWN = 10
# Every key the code records in an audit entry's data, as the log names it (the CSV export
# keeps the keys). A key not listed reads as itself with spaces (old entries).
_LABELS: dict[str, Any] = {
    "added": gettext_lazy("Added"),
    "circles": gettext_lazy("Circles"),
    "facilitators": gettext_lazy("Facilitators"),
    "members": gettext_lazy("Members"),
    "participants": gettext_lazy("Participants"),
    "placed": gettext_lazy("Members placed"),
    "present": gettext_lazy("Present"),
    "to_circle": gettext_lazy("To circle"),
    "team": gettext_lazy("Slack workspace"),
    "scopes": gettext_lazy("Permissions granted"),
    "checked": gettext_lazy("People checked"),
    "found": gettext_lazy("People found"),
    "forgotten": gettext_lazy("People forgotten"),
    "after": gettext_lazy("After"),
    "before": gettext_lazy("Before"),
    "cancelled": gettext_lazy("Meetings cancelled"),
    "capacity": gettext_lazy("Capacity"),
    "changed": gettext_lazy("Settings changed"),
    "event": gettext_lazy("Event"),
    "kinds": gettext_lazy("Events"),
    "url": gettext_lazy("URL"),
    "closed_relationships": gettext_lazy("Relationships closed"),
    "count": gettext_lazy("Count"),
    "created": gettext_lazy("Created"),
    "essential": gettext_lazy("Essential (sent to the unsubscribed too)"),
    "demographics_deleted": gettext_lazy("Demographics deleted"),
    "dimensions": gettext_lazy("Breakdowns"),
    "done": gettext_lazy("Done"),
    "dry_run": gettext_lazy("Preview only"),
    "account": gettext_lazy("Account"),
    "emailed": gettext_lazy("E-mailed"),
    "enabled": gettext_lazy("Switched on"),
    "end": gettext_lazy("End"),
    "erased_skipped": gettext_lazy("Erased people left alone"),
    "expired_matches": gettext_lazy("Matches expired"),
    "fields": gettext_lazy("Fields"),
    "file": gettext_lazy("File"),
    "filters": gettext_lazy("Filters"),
    "format": gettext_lazy("Format"),
    "full": gettext_lazy("Whole workforce"),
    "groups": gettext_lazy("Groups"),
    "held_terminations": gettext_lazy("Terminations held for confirmation"),
    "id": gettext_lazy("Id"),
    "import_run": gettext_lazy("Import run"),
    "in_app_only": gettext_lazy("Shown in the app only"),
    "invited": gettext_lazy("Invited"),
    "ip": gettext_lazy("IP address"),
    "issuer": gettext_lazy("Identity provider"),
    "justification": gettext_lazy("Justification"),
    "kind": gettext_lazy("Kind"),
    "language": gettext_lazy("Language"),
    "provider": gettext_lazy("Provider"),
    "tenant": gettext_lazy("Tenant"),
    "linked_records_deleted": gettext_lazy("Linked records deleted"),
    "logins_deactivated": gettext_lazy("Logins deactivated"),
    "managers": gettext_lazy("Managers"),
    "marks": gettext_lazy("Marks"),
    "matched": gettext_lazy("Matched"),
    "method": gettext_lazy("Method"),
    "mode": gettext_lazy("Reads"),
    "name": gettext_lazy("Name"),
    "names_replaced": gettext_lazy("Names replaced"),
    "number": gettext_lazy("Number"),
    "nudges_deleted": gettext_lazy("Reminders deleted"),
    "one_time": gettext_lazy("One-time password"),
    "out": gettext_lazy("Output file"),
    "outbox_emails_deleted": gettext_lazy("Kept e-mails deleted"),
    "outcome": gettext_lazy("Outcome"),
    "oversees_program": gettext_lazy("Oversees the program"),
    "owner": gettext_lazy("Owner"),
    "pairs": gettext_lazy("Pairs"),
    "paused": gettext_lazy("Paused"),
    "people": gettext_lazy("People"),
    "person_id": gettext_lazy("Person id"),
    "position": gettext_lazy("Position"),
    "private_notes_days": gettext_lazy("Private notes kept (days)"),
    "private_notes_deleted": gettext_lazy("Private notes deleted"),
    "program": gettext_lazy("Program"),
    "progress": gettext_lazy("Progress"),
    "promotion_effect": gettext_lazy("Promotion effect"),
    "reason": gettext_lazy("Reason"),
    "channel": gettext_lazy("Channel"),
    "channels": gettext_lazy("Channels"),
    "chosen": gettext_lazy("Channels chosen"),
    "circuit_opened": gettext_lazy("Channel paused after repeated failures"),
    "error": gettext_lazy("Error"),
    "provider_id": gettext_lazy("Provider's id"),
    "quiet_hours": gettext_lazy("Quiet hours"),
    "until": gettext_lazy("Until"),
    "records": gettext_lazy("Records fetched"),
    "reference": gettext_lazy("Reference"),
    "rematch": gettext_lazy("New match asked for"),
    "removed": gettext_lazy("Removed"),
    "retention_effect": gettext_lazy("Retention effect"),
    "role": gettext_lazy("Role"),
    "routed_to": gettext_lazy("Routed to"),
    "rows": gettext_lazy("Rows"),
    "saved": gettext_lazy("Saved"),
    "schedule": gettext_lazy("Schedule"),
    "scope": gettext_lazy("Scope"),
    "score": gettext_lazy("Score"),
    "secret_replaced": gettext_lazy("Credential replaced"),
    "sections": gettext_lazy("Sections"),
    "seed": gettext_lazy("Seed"),
    "selection_bias": gettext_lazy("Selection bias"),
    "senior_level": gettext_lazy("Senior from level"),
    "side": gettext_lazy("Side"),
    "sides": gettext_lazy("Sides"),
    "recovery_codes_left": gettext_lazy("Recovery codes left"),
    "second_step": gettext_lazy("Second step"),
    "start": gettext_lazy("Start"),
    "status": gettext_lazy("Status"),
    "step": gettext_lazy("Journey step"),
    "subject": gettext_lazy("Subject"),
    "segment": gettext_lazy("Segment"),
    "unsubscribed": gettext_lazy("Unsubscribed, left out"),
    "survey_text_days": gettext_lazy("Survey comments kept (days)"),
    "taking_part": gettext_lazy("Taking part"),
    "task_results_deleted": gettext_lazy("Background results deleted"),
    "template": gettext_lazy("Template"),
    "terminated": gettext_lazy("Terminated"),
    "texts_cleared": gettext_lazy("Texts cleared"),
    "token": gettext_lazy("Token"),
    "title": gettext_lazy("Title"),
    "token_id": gettext_lazy("Token id"),
    "tokens_revoked": gettext_lazy("Tokens revoked"),
    "trigger": gettext_lazy("Started by"),
    "unmatched": gettext_lazy("Unmatched"),
    "updated": gettext_lazy("Updated"),
    "user_agent": gettext_lazy("Browser"),
    "username": gettext_lazy("Username"),
    "version": gettext_lazy("Version"),
    "via": gettext_lazy("Via"),
    "warnings": gettext_lazy("Warnings"),
    "weight": gettext_lazy("Weight"),
    "what": gettext_lazy("What"),
}

# What each recorded action reads as in the log, for the HR admin reading it (the raw action
# is shown beside it). Every action the code records has one: test_describe scans for them.
# Actions no longer recorded stay here while old entries may still carry them.
ACTION_LABELS: dict[str, Promise] = {
    # Sign-in, logins and tokens
    "user.signed_in": gettext_lazy("Signed in"),
    "user.signed_out": gettext_lazy("Signed out"),
    "user.sign_in_failed": gettext_lazy("Sign-in failed"),
    "user.break_glass_issued": gettext_lazy("Break-glass sign-in issued"),
    "user.break_glass_used": gettext_lazy("Break-glass sign-in used"),
    "user.sso_created": gettext_lazy("Login created by single sign-on"),
    "user.sso_linked": gettext_lazy("Login linked to single sign-on"),
    "user.sso_refused": gettext_lazy("Single sign-on refused"),
    "sso.saml_updated": gettext_lazy("SAML single sign-on settings changed"),
    "webhook.created": gettext_lazy("Webhook added"),
    "webhook.changed": gettext_lazy("Webhook changed"),
    "webhook.deleted": gettext_lazy("Webhook deleted"),
    "webhook.secret_rotated": gettext_lazy("Webhook signing secret renewed"),
    "webhook.replayed": gettext_lazy("Webhook delivery sent again"),
    "webhook.tested": gettext_lazy("Webhook test sent"),
    "message_template.saved": gettext_lazy("Program message template saved"),
    "message_template.deleted": gettext_lazy("Program message template removed"),
    "message_template.test_sent": gettext_lazy("Program message test sent"),
    "broadcast.sent": gettext_lazy("Message sent to program participants"),
    "broadcast.unsubscribed": gettext_lazy("Unsubscribed from a program's messages"),
    "sso.saml_metadata_refreshed": gettext_lazy("SAML identity provider metadata fetched again"),
    "user.password_changed": gettext_lazy("Password changed"),
    "user.password_reset": gettext_lazy("Password reset"),
    "user.password_reset_link_sent": gettext_lazy("Password reset link sent"),
    "user.sessions_ended": gettext_lazy("Signed out everywhere"),
    "user.roles_changed": gettext_lazy("Roles changed"),
    "user.language_set": gettext_lazy("Language changed"),
    "user.two_step_enabled": gettext_lazy("Two-step sign-in turned on"),
    "user.two_step_disabled": gettext_lazy("Two-step sign-in turned off"),
    "user.two_step_reset": gettext_lazy("Two-step sign-in reset"),
    "user.recovery_code_used": gettext_lazy("Recovery code used"),
    "user.recovery_codes_renewed": gettext_lazy("Recovery codes renewed"),
    "user.passkey_added": gettext_lazy("Passkey added"),
    "user.passkey_removed": gettext_lazy("Passkey removed"),
    "api_token.created": gettext_lazy("API token created"),
    "api_token.revoked": gettext_lazy("API token revoked"),
    # People and personal data
    "person.viewed": gettext_lazy("Person viewed"),
    "people.listed": gettext_lazy("People searched"),
    "person.bio_updated": gettext_lazy("Bio changed"),
    "people.imported": gettext_lazy("People imported"),
    "people.exported": gettext_lazy("People exported"),
    "connector.created": gettext_lazy("HR connector added"),
    "connector.updated": gettext_lazy("HR connector changed"),
    "connector.deleted": gettext_lazy("HR connector deleted"),
    "connector.tested": gettext_lazy("HR connector tested"),
    "connector.run": gettext_lazy("HR connector run"),
    "availability.hours_updated": gettext_lazy("Working hours changed"),
    "availability.connected": gettext_lazy("Calendar connected"),
    "availability.revoked": gettext_lazy("Calendar disconnected"),
    "availability.tested": gettext_lazy("Calendar tested"),
    "availability.consent_set": gettext_lazy("Organisation calendar consent given"),
    "availability.consent_withdrawn": gettext_lazy("Organisation calendar consent withdrawn"),
    "availability.event_failed": gettext_lazy("Meeting could not be written to a calendar"),
    "person.exported": gettext_lazy("Personal data exported"),
    "person.erased": gettext_lazy("Person erased"),
    "retention.purged": gettext_lazy("Old data deleted"),
    "scim.user_created": gettext_lazy("Person created by provisioning"),
    "scim.user_recreated": gettext_lazy("Person re-created by provisioning"),
    "scim.user_updated": gettext_lazy("Person changed by provisioning"),
    "scim.user_deprovisioned": gettext_lazy("Person deprovisioned"),
    "scim.user_reactivated": gettext_lazy("Person reactivated by provisioning"),
    "scim.user_deleted": gettext_lazy("Person deleted by provisioning"),
    # Programs and enrollment
    "program.created": gettext_lazy("Program created"),
    "program.updated": gettext_lazy("Program changed"),
    "program.inclusion_set": gettext_lazy("Inclusion settings changed"),
    "program.managers_set": gettext_lazy("Program managers changed"),
    "program.training_requirements_set": gettext_lazy("Required training changed"),
    "skill.created": gettext_lazy("Skill added"),
    "skill.activated": gettext_lazy("Skill reactivated"),
    "skill.retired": gettext_lazy("Skill retired"),
    "skill.defaults_loaded": gettext_lazy("Default skills loaded"),
    "enrollment.created": gettext_lazy("Enrolled"),
    "enrollment.accepted_invitation": gettext_lazy("Invitation accepted"),
    "enrollment.invited_bulk": gettext_lazy("People invited"),
    "enrollment.updated": gettext_lazy("Enrollment changed"),
    "enrollment.availability_set": gettext_lazy("Availability changed"),
    "enrollment.withdrawn": gettext_lazy("Enrollment withdrawn"),
    # Matching
    "matching_run.created": gettext_lazy("Matching run started"),
    "matching_run.finished": gettext_lazy("Matching run finished"),
    "matching_run.abandoned": gettext_lazy("Matching run given up (its worker stopped)"),
    "match.approved": gettext_lazy("Match approved"),
    "match.rejected": gettext_lazy("Match rejected"),
    "match.locked": gettext_lazy("Match locked"),
    "match.unlocked": gettext_lazy("Match unlocked"),
    "match.created_by_hand": gettext_lazy("Match made by hand"),
    "match.pair_forbidden": gettext_lazy("Pair ruled out"),
    "matches.published": gettext_lazy("Matches published"),
    "match.requested": gettext_lazy("Mentor requested"),
    "match.accepted": gettext_lazy("Match accepted"),
    "match.declined": gettext_lazy("Match declined"),
    "match.expired": gettext_lazy("Match expired"),
    "preference.prefer": gettext_lazy("Preference added"),
    "preference.veto": gettext_lazy("Veto added"),
    "preference.cleared": gettext_lazy("Preference removed"),
    # Mentoring relationships
    "relationship.started": gettext_lazy("Relationship started"),
    "relationship.closed": gettext_lazy("Relationship closed"),
    "relationships.reminded": gettext_lazy("Pairs reminded"),
    "agreement.changed": gettext_lazy("Agreement changed"),
    "agreement.confirmed": gettext_lazy("Agreement confirmed"),
    "goal.created": gettext_lazy("Goal added"),
    "goal.changed": gettext_lazy("Goal changed"),
    "goal.progress": gettext_lazy("Goal progress updated"),
    "milestone.created": gettext_lazy("Milestone added"),
    "milestone.done": gettext_lazy("Milestone ticked off or reopened"),
    "journey.step_added": gettext_lazy("Journey step added"),
    "journey.step_changed": gettext_lazy("Journey step changed"),
    "journey.step_moved": gettext_lazy("Journey step moved"),
    "journey.step_removed": gettext_lazy("Journey step removed"),
    "journey.step_done": gettext_lazy("Journey step marked done"),
    "journey.step_undone": gettext_lazy("Journey step marked not done"),
    "meeting.scheduled": gettext_lazy("Meeting scheduled"),
    "meeting.rescheduled": gettext_lazy("Meeting rescheduled"),
    "meeting.cancelled": gettext_lazy("Meeting cancelled"),
    "meeting.logged": gettext_lazy("Meeting logged"),
    "private_note.created": gettext_lazy("Private note added"),
    "private_note.changed": gettext_lazy("Private note changed"),
    "private_note.deleted": gettext_lazy("Private note deleted"),
    "check_in.created": gettext_lazy("Check-in added"),
    "survey.configured": gettext_lazy("Survey questions set"),
    "survey.answered": gettext_lazy("Survey answered"),
    "sponsorship.recorded": gettext_lazy("Sponsorship action recorded"),
    "sponsorship.outcome": gettext_lazy("Sponsorship outcome set"),
    "safety_report.created": gettext_lazy("Safety concern reported"),
    # Circles
    "circle.created": gettext_lazy("Circle formed"),
    "circle.agreement_changed": gettext_lazy("Circle agreement changed"),
    "circle.agreement_confirmed": gettext_lazy("Circle agreement confirmed"),
    "circle.goal_added": gettext_lazy("Circle goal added"),
    "circle.goal_changed": gettext_lazy("Circle goal changed"),
    "circle.meeting_scheduled": gettext_lazy("Circle meeting scheduled"),
    "circle.meeting_rescheduled": gettext_lazy("Circle meeting rescheduled"),
    "circle.meeting_cancelled": gettext_lazy("Circle meeting cancelled"),
    "circle.meeting_recorded": gettext_lazy("Circle attendance recorded"),
    "circle.private_note_created": gettext_lazy("Private note added"),
    "circle.private_note_changed": gettext_lazy("Private note changed"),
    "circle.private_note_deleted": gettext_lazy("Private note deleted"),
    "circle.check_in": gettext_lazy("Circle check-in added"),
    "circle.closing_survey": gettext_lazy("Circle closing survey answered"),
    "circle.facilitators_changed": gettext_lazy("Circle facilitators changed"),
    "circle.member_moved": gettext_lazy("Circle member moved"),
    "circle.closed": gettext_lazy("Circle closed"),
    "circle_run.created": gettext_lazy("Circle matching run started"),
    "circle_run.finished": gettext_lazy("Circle matching run finished"),
    "circle_run.abandoned": gettext_lazy("Circle matching run given up (its worker stopped)"),
    "circle_run.published": gettext_lazy("Circles formed from a run"),
    "safety_report.handled": gettext_lazy("Safety report handled"),
    "contribution.viewed": gettext_lazy("Contribution record viewed"),
    "contribution.exported": gettext_lazy("Contribution record exported"),
    # Learning
    "training_module.created": gettext_lazy("Training module created"),
    "training_module.updated": gettext_lazy("Training module changed"),
    "training_module.synced_created": gettext_lazy("Built-in training module added"),
    "training_module.synced_updated": gettext_lazy("Built-in training module updated"),
    "training_module.synced_retired": gettext_lazy("Built-in training module retired"),
    "training_module.passed": gettext_lazy("Training passed"),
    "training_module.failed": gettext_lazy("Training failed"),
    # Reminders (nudges)
    "nudges.run": gettext_lazy("Reminders processed"),
    "nudge.dismissed": gettext_lazy("Reminder dismissed"),
    "nudges.muted": gettext_lazy("Reminder emails muted"),
    "nudges.unmuted": gettext_lazy("Reminder emails unmuted"),
    # Notifications (the dispatcher)
    "notification.sent": gettext_lazy("Notification sent"),
    "notification.failed": gettext_lazy("Notification failed"),
    "notification.retrying": gettext_lazy("Notification to be retried"),
    "notification.held": gettext_lazy("Notification held for quiet hours"),
    "notification.skipped": gettext_lazy("Notification not sent"),
    "notification.fallback": gettext_lazy("Notification sent by e-mail instead"),
    "notification.snoozed": gettext_lazy("Notification snoozed"),
    "notification_preferences.changed": gettext_lazy("Notification preferences changed"),
    # Slack and Microsoft Teams
    "slack.installed": gettext_lazy("Slack app installed"),
    "slack.reinstalled": gettext_lazy("Slack app installed again"),
    "slack.uninstalled": gettext_lazy("Slack app removed"),
    "slack.members_refreshed": gettext_lazy("People looked up on Slack"),
    "slack.removed_in_slack": gettext_lazy("Slack app removed in Slack"),
    "teams.member_linked": gettext_lazy("Teams chat linked"),
    "teams.member_unlinked": gettext_lazy("Teams chat removed"),
    # Insights, exports and content
    "insights.exported": gettext_lazy("Insights exported"),
    "insights.outcomes_exported": gettext_lazy("Outcomes exported"),
    "insights.report_downloaded": gettext_lazy("Program report downloaded"),
    "insights.demographics_viewed": gettext_lazy("Demographics viewed"),
    "outcomes.simulated": gettext_lazy("Outcomes simulated"),
    "audit.exported": gettext_lazy("Audit log exported"),
    "content.translated": gettext_lazy("Translations saved"),
}


def action_text(action: str) -> str:
    """'matching_run.created' -> 'Matching run started'; an unknown action reads as its
    words ('old_thing.done' -> 'Old thing done')."""
    known = ACTION_LABELS.get(action)
    if known is not None:
        return str(known)
    return action.replace(".", " ").replace("_", " ").strip().capitalize()


def label(key: str) -> str:
    """'tokens_revoked' -> 'Tokens revoked'."""
    known = _LABELS.get(key)
    return str(known) if known is not None else key.replace("_", " ").strip().capitalize()


def value_text(value: Any) -> str:
    """One value in words: yes/no, numbers with thousands separators, lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return pgettext("answer", "yes") if value else pgettext("answer", "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}"
    if isinstance(value, str):
        return value  # a recorded code ("end_date", shown as code by `shown`) or free text
    if isinstance(value, Mapping):
        if not value:
            return pgettext("nothing", "none")
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        items = list(value)
        if not items:
            return pgettext("nothing", "none")
        shown = ", ".join(value_text(v) for v in items[:LIST_SHOWN])
        more = len(items) - LIST_SHOWN
        if more <= 0:
            return shown
        return ngettext("%(shown)s and %(more)s more", "%(shown)s and %(more)s more", more) % {
            "shown": shown,
            "more": f"{more:,}",
        }
    return str(value)


# A recorded code: one lower-case token ("not_succeeded", "mentorwise.person-export/1").
_CODE = re.compile(r"[a-z][a-z0-9_.\-/:]*")


def is_code(value: Any) -> bool:
    """Whether a value is what the code recorded rather than words: a code ("end_date",
    "mentorwise.person-export/1"), a list of them, or a mapping (of codes to values)."""
    if isinstance(value, str):
        return _CODE.fullmatch(value) is not None
    if isinstance(value, Mapping):
        return bool(value)
    if isinstance(value, list | tuple | set):
        items = list(value)
        return bool(items) and all(isinstance(v, str) and _CODE.fullmatch(v) for v in items)
    return False


def shown(value: Any) -> str:
    """A value for the page: recorded codes as code, left untranslated (`translate="no"`)."""
    text = value_text(value)
    return format_html('<code translate="no">{}</code>', text) if is_code(value) else text


def describe(data: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, text) for each detail; a before/after pair reads as one change."""
    if not data:
        return []
    changed_label = pgettext("audit", "Changed")
    lines: list[tuple[str, str]] = []
    if "before" in data and "after" in data:
        parts = {
            "before": conditional_escape(shown(data["before"])),
            "after": conditional_escape(shown(data["after"])),
        }
        # Safe: both parts are escaped (or built by format_html), the rest is our catalog's.
        changed = mark_safe(_("%(before)s → %(after)s") % parts)
        lines.append((changed_label, changed))
    for key, value in data.items():
        if key in ("before", "after") and lines and lines[0][0] == changed_label:
            continue
        lines.append((label(str(key)), shown(value)))
    return lines
