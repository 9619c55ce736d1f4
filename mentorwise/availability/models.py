"""Availability: a person's working hours, their calendar connections, the organisation's
consent for Microsoft 365 and Google, and what was written back to calendars.

Only busy intervals are ever read from a calendar, and they are not stored: the slot finder
asks the provider each time. Secrets (CalDAV passwords, OAuth tokens, the organisation's
app credentials) are sealed with `core.sealed` and never shown, logged, audited or exported.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorwise.people.models import Person


class Provider(models.TextChoices):
    CALDAV = "caldav", "CalDAV"
    MICROSOFT = "microsoft", "Microsoft 365"
    GOOGLE = "google", "Google Calendar"


def default_days() -> dict[str, list[str]]:
    return {str(day): ["09:00", "17:00"] for day in range(5)}


class WorkingHours(models.Model):
    """A person's working time per weekday ("0" = Monday: ["09:00", "17:00"]) in their
    local zone; a weekday missing from `days` is not worked. Edited by the person only."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="working_hours")
    # Empty: the person's time zone from the HRIS (or the site's).
    time_zone = models.CharField(max_length=64, blank=True)
    days = models.JSONField(default=default_days)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Working hours of person #{self.person_id}"

    def windows(self) -> dict[int, tuple[dt.time, dt.time]]:
        return {
            int(day): (dt.time.fromisoformat(start), dt.time.fromisoformat(end))
            for day, (start, end) in self.days.items()
        }


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", _("Connected")
    FAILING = "failing", _("Connected, last check failed")
    REVOKED = "revoked", _("Disconnected")


class CalendarConnection(models.Model):
    """One person's calendar. `secret_sealed` holds the CalDAV password or the OAuth tokens
    (JSON), sealed. A connection `via_organisation` holds no secret: it reads through the
    organisation's consent; a revoked one of that kind is the person's opt-out."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendars")
    provider = models.CharField(max_length=10, choices=Provider.choices)
    # The account: CalDAV user name, or the e-mail of the Microsoft/Google account.
    account = models.CharField(max_length=254, blank=True)
    # CalDAV: the calendar's URL (or the server's, whose first calendar is used).
    url = models.CharField(max_length=500, blank=True)
    secret_sealed = models.TextField(blank=True, editable=False)
    via_organisation = models.BooleanField(default=False)
    status = models.CharField(
        max_length=8, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE
    )
    last_error = models.CharField(max_length=500, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} calendar #{self.pk}"

    @property
    def is_live(self) -> bool:
        return self.status != ConnectionStatus.REVOKED


class OrganisationConsent(models.Model):
    """Tenant-wide consent for one provider, set by an HR admin: Microsoft 365 app
    credentials (tenant, client id, sealed client secret; application permission
    Calendars.ReadWrite) or a Google service account with domain-wide delegation (client
    e-mail, sealed private key). With it, nobody consents one by one."""

    provider = models.CharField(max_length=10, choices=Provider.choices, unique=True)
    tenant = models.CharField(max_length=200, blank=True)
    client_id = models.CharField(max_length=254)
    secret_sealed = models.TextField(blank=True, editable=False)
    enabled = models.BooleanField(default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider"]

    def __str__(self) -> str:
        return f"Organisation consent for {self.get_provider_display()}"


class EventState(models.TextChoices):
    CREATED = "created", _("In the calendar")
    UPDATED = "updated", _("Updated in the calendar")
    CANCELLED = "cancelled", _("Removed from the calendar")
    FAILED = "failed", _("Calendar update failed")


class CalendarEvent(models.Model):
    """What was written to an organizer's calendar for one meeting, keyed by the meeting's
    iCalendar UID: the provider's own event id (Graph and Google choose it), the
    online-meeting link, and the last failure (shown to the organizer)."""

    uid = models.CharField(max_length=80, unique=True)
    organizer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_events")
    connection = models.ForeignKey(
        CalendarConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.CharField(max_length=10, choices=Provider.choices)
    provider_event_id = models.CharField(max_length=500, blank=True)
    join_url = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=9, choices=EventState.choices)
    error = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"Calendar event {self.uid}"
