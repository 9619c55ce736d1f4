"""HR connectors: where the workforce comes from on a schedule, and what each run did.

A connector only fetches the source and turns it into the importer's canonical rows; the
people import (`people.services.people_import`) checks and writes them, all or nothing, and
keeps its own history (`people.ImportRun`), which each `ConnectorRun` links to.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConnectorKind(models.TextChoices):
    WORKDAY = "workday", "Workday"
    SUCCESSFACTORS = "successfactors", "SAP SuccessFactors"
    BAMBOOHR = "bamboohr", "BambooHR"
    SFTP = "sftp", _("SFTP drop (CSV)")


class SyncMode(models.TextChoices):
    # Every run reads the whole workforce; people missing from it are terminated (the
    # importer's full mode, under its termination limit).
    FULL = "full", _("Whole workforce (people missing are terminated)")
    # Runs read only what changed since the last successful run, where the source can tell.
    DELTA = "delta", _("Changes since the last run")


class ScheduleKind(models.TextChoices):
    MANUAL = "manual", _("Only when run by hand")
    HOURLY = "hourly", _("Every few hours")
    DAILY = "daily", _("Daily at a time")


class Connector(models.Model):
    """One HR source. The secret (password, API key or private key) is sealed with
    core.sealed and never shown, logged, audited or exported; everything else is plain."""

    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=ConnectorKind.choices)
    # Workday, SuccessFactors, BambooHR: the API's base URL; SFTP: the host name.
    base_url = models.CharField(max_length=300)
    port = models.PositiveIntegerField(null=True, blank=True, help_text="SFTP only (22).")
    # Workday's integration user, SuccessFactors' user (without @company), SFTP's user.
    username = models.CharField(max_length=150, blank=True)
    # Workday tenant, SuccessFactors company id, BambooHR company subdomain.
    tenant = models.CharField(max_length=150, blank=True)
    # Workday: owner/report name of the RaaS report; SFTP: the directory.
    path = models.CharField(max_length=300, blank=True)
    # Workday: json or csv.
    report_format = models.CharField(max_length=4, default="json", blank=True)
    # Workday: the report prompt that takes the "changed since" time in delta runs.
    delta_parameter = models.CharField(max_length=80, blank=True, default="Updated_From")
    # SFTP: the server's key, pinned as OpenSSH prints it ("SHA256:...").
    host_key = models.CharField(max_length=120, blank=True)
    # Overrides of the vendor field read for a canonical column: {"title": "Job_Title"}.
    field_map = models.JSONField(default=dict, blank=True)
    secret_sealed = models.TextField(blank=True, editable=False)
    mode = models.CharField(max_length=5, choices=SyncMode.choices, default=SyncMode.FULL)
    schedule = models.CharField(
        max_length=6, choices=ScheduleKind.choices, default=ScheduleKind.DAILY
    )
    every_hours = models.PositiveSmallIntegerField(default=24)
    daily_at = models.TimeField(default=dt.time(2, 0))
    enabled = models.BooleanField(default=True)
    # When the last successful run started: a delta run asks for changes since then. Only
    # a run that imported advances it.
    cursor_at = models.DateTimeField(null=True, blank=True)
    # SFTP: the last file imported, {"name", "size", "mtime"}.
    last_file = models.JSONField(default=dict, blank=True)
    # When a scheduled run last started (success or not): the schedule counts from it.
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_sealed)

    def next_due(self) -> dt.datetime | None:
        """When the schedule next wants a run (None: manual or switched off)."""
        if not self.enabled or self.schedule == ScheduleKind.MANUAL:
            return None
        if self.schedule == ScheduleKind.HOURLY:
            if self.last_attempt_at is None:
                return self.created_at
            return self.last_attempt_at + dt.timedelta(hours=max(self.every_hours, 1))
        # Daily at a local time: today's slot unless a run already started at or after it.
        zone = timezone.get_current_timezone()
        # Counted from the last run, or from the connector's creation: never a slot before it.
        since = self.last_attempt_at or self.created_at
        day = timezone.localtime(since, zone).date()
        slot = dt.datetime.combine(day, self.daily_at, tzinfo=zone)
        if since >= slot:
            slot = dt.datetime.combine(day + dt.timedelta(days=1), self.daily_at, tzinfo=zone)
        return slot

    def is_due(self, now: dt.datetime) -> bool:
        due = self.next_due()
        # A minute of slack so that a cron every 15 minutes keeps an hourly rhythm.
        return due is not None and due <= now + dt.timedelta(minutes=1)


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    PAGE = "page", _("Run now")
    COMMAND = "command", _("Command line")
    API = "api", _("API")
    CONFIRM = "confirm", _("Confirmation of a held run")


class RunOutcome(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    PREVIEWED = "previewed", _("Preview")
    NOTHING_NEW = "nothing", _("Nothing new")
    HELD = "held", _("Held: too many terminations")
    REFUSED = "refused", _("Refused by the import checks")
    FAILED = "failed", _("Fetch failed")
    RUNNING = "running", _("Running")


class ConnectorRun(models.Model):
    """One run of a connector: what was fetched, and the import run it handed the rows to
    (or why nothing reached the importer)."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices)
    mode = models.CharField(max_length=5, choices=SyncMode.choices)
    dry_run = models.BooleanField(default=False)
    # Delta runs: the changes asked for were those since this time.
    since = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=RunOutcome.choices)
    records = models.PositiveIntegerField(default=0, help_text="Records fetched.")
    pages = models.PositiveIntegerField(default=0, help_text="Requests (pages) read.")
    source_file = models.CharField(max_length=300, blank=True, help_text="SFTP: the file read.")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    terminated = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    # Why nothing reached the importer (HTTP error after retries, bad payload), or the
    # importer's first problem; never a secret.
    error = models.TextField(blank=True)
    # A held run: how many terminations an HR admin must confirm; then the run that did.
    held_terminations = models.PositiveIntegerField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_run = models.ForeignKey(
        "people.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.connector.name} #{self.pk} ({self.get_outcome_display()})"

    @property
    def file_name(self) -> str:
        """The name the people import history shows for this run's rows."""
        return f"{self.connector.name} (connector run {self.pk})"

    @property
    def awaits_confirmation(self) -> bool:
        return self.outcome == RunOutcome.HELD and self.confirmed_by_id is None
