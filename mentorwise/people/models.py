"""The workforce as the HRIS knows it: people, reporting lines, optional demographics."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

# Management-chain paths are the ancestors' ids (and the person's own) in fixed-width
# hexadecimal, each followed by "/": "0000000001/000000002a/". Fixed width keeps sibling
# order irrelevant and lets "all descendants of X" be one index range scan
# [path, path[:-1] + "0"), since "0" is the character right after "/".
PATH_WIDTH = 10
PATH_MAX_LENGTH = 400
# The deepest anyone can sit below the top of the organization: one path token per level.
MAX_DEPTH = PATH_MAX_LENGTH // (PATH_WIDTH + 1) - 1


def path_token(pk: int) -> str:
    return f"{pk:0{PATH_WIDTH}x}/"


def ancestor_ids(path: str) -> list[int]:
    """Ids of the managers above the person with this materialized path, top first."""
    tokens = [t for t in path.split("/") if t]
    return [int(t, 16) for t in tokens[:-1]]


def employed_on(day: dt.date, via: str = "") -> models.Q:
    """The one definition of "in the organization on ``day``": not yet terminated then.

    ``via`` is the path to the person from the filtered model (``"person__"``,
    ``"mentor__person__"``); the same rule as :meth:`Person.is_active_on`.
    """
    return models.Q(**{f"{via}termination_date__isnull": True}) | models.Q(
        **{f"{via}termination_date__gt": day}
    )


class TerminationKind(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary")
    INVOLUNTARY = "involuntary", _("Involuntary")
    OTHER = "other", pgettext_lazy("termination kind", "Other")
    # The person left but the source did not say why (missing from a full import, SCIM
    # deprovisioning, a blank kind): outcome insights never count it as staying or as voluntary.
    UNKNOWN = "unknown", pgettext_lazy("termination kind", "Unknown")


class Person(models.Model):
    """An employee record from the HRIS; never hard-deleted (only erasure removes data)."""

    employee_id = models.CharField(max_length=64, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254, unique=True)
    title = models.CharField(max_length=200, blank=True)
    job_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 (entry) to 10 (chief executive)."
    )
    department = models.CharField(max_length=120, blank=True, db_index=True)
    function = models.CharField(max_length=120, blank=True, db_index=True)
    location = models.CharField(max_length=120, blank=True, db_index=True)
    time_zone = models.CharField(max_length=64, blank=True)
    languages = models.JSONField(default=list, blank=True)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    hire_date = models.DateField(null=True, blank=True)
    manager_since = models.DateField(
        null=True, blank=True, help_text="When the person first became a people manager."
    )
    is_high_potential = models.BooleanField(default=False)
    bio = models.TextField(
        max_length=600,
        blank=True,
        help_text="A short introduction the person writes about themselves; match offers and "
        "mentor cards show it. Never imported: only the person edits it.",
    )
    termination_date = models.DateField(null=True, blank=True, db_index=True)
    termination_kind = models.CharField(max_length=12, choices=TerminationKind.choices, blank=True)
    path = models.CharField(max_length=PATH_MAX_LENGTH, blank=True, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when the person's personal data was erased (pseudonymised); irreversible.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["job_level"]),
            models.Index(fields=["manager_since"]),
            # The directory is ordered by name: without this, page 1,000 of 100,000 people
            # sorts the whole table (seconds); with it, an index walk (milliseconds).
            models.Index(fields=["last_name", "first_name", "id"], name="person_name_order_idx"),
            # Emails and employee ids are looked up whatever their case (sign-in, SCIM, search)
            # with core.lookups.lower_equals, which these serve on both engines. The name
            # search has indexes of its own (people.search).
            models.Index(Lower("email"), name="person_email_lower_idx"),
            models.Index(Lower("employee_id"), name="person_employee_id_lower_idx"),
            # The outcome estimates' cache key reads the latest change on every page view:
            # an index walk instead of a scan of every person (measured at 100,000 people on
            # SQLite: 0.1 ms instead of 60 ms).
            models.Index(fields=["updated_at"], name="person_updated_at_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def is_active_on(self, day: dt.date) -> bool:
        """In the organization on ``day`` (the rule of :func:`employed_on`)."""
        return self.termination_date is None or self.termination_date > day

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids of the managers above this person, top first (from the materialized path)."""
        return ancestor_ids(self.path)


class CareerEventKind(models.TextChoices):
    PROMOTION = "promotion", pgettext_lazy("career event", "Promotion")
    INTERNAL_MOVE = "internal_move", pgettext_lazy("career event", "Internal move")
    BECAME_MANAGER = "became_manager", pgettext_lazy("career event", "Became a manager")
    DEMOTION = "demotion", pgettext_lazy("career event", "Demotion")
    # Leaving (dated on the termination's own day, with its kind) and coming back after it.
    TERMINATION = "termination", pgettext_lazy("career event", "Termination")
    REHIRE = "rehire", pgettext_lazy("career event", "Rehire")


class CareerEvent(models.Model):
    """A dated step in a person's career (from HRIS history, imports or provisioning).

    Outcome insights read promotions and internal moves from here. Every writer (the HRIS
    import and the connectors that feed it, SCIM) records them by one rule, `people.career`: a
    job level raised is a promotion, a lowered one a demotion, a changed function an internal
    move (on the day it was seen), a termination date a termination with its kind (on its own
    day), a cleared one a rehire. The latest termination event agrees with the person's
    termination date and kind.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="career_events")
    kind = models.CharField(max_length=20, choices=CareerEventKind.choices)
    date = models.DateField(db_index=True)
    from_level = models.PositiveSmallIntegerField(null=True, blank=True)
    to_level = models.PositiveSmallIntegerField(null=True, blank=True)
    from_function = models.CharField(max_length=120, blank=True)
    to_function = models.CharField(max_length=120, blank=True)
    termination_kind = models.CharField(
        max_length=12,
        choices=TerminationKind.choices,
        blank=True,
        help_text="For a termination: voluntary, involuntary, other or unknown.",
    )
    source = models.CharField(
        max_length=20,
        blank=True,
        help_text="Where it came from: import, scim, simulation, demo, migration.",
    )

    class Meta:
        ordering = ["person_id", "date", "id"]
        indexes = [
            models.Index(fields=["kind", "date"]),
            # A person's latest event of a kind (the pipeline's last promotion, per person):
            # without it the planner walks every promotion for each of 100,000 people.
            models.Index(fields=["person", "kind", "date"], name="people_care_person_kind_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%Y-%m-%d}"


class Gender(models.TextChoices):
    # English labels, stored with figures and accepted on import; marked for the catalogs
    # and translated where shown (insights.equity_groups, programs.inclusion).
    WOMAN = "woman", gettext_noop("Woman")
    MAN = "man", gettext_noop("Man")
    NON_BINARY = "non_binary", gettext_noop("Non-binary")
    SELF_DESCRIBED = "self_described", gettext_noop("Self-described")
    PREFER_NOT = "prefer_not_to_say", gettext_noop("Prefer not to say")


class Ethnicity(models.TextChoices):
    ASIAN = "asian", gettext_noop("Asian")
    BLACK = "black", gettext_noop("Black")
    HISPANIC_LATINO = "hispanic_latino", gettext_noop("Hispanic or Latino")
    MIDDLE_EASTERN = "middle_eastern", gettext_noop("Middle Eastern or North African")
    INDIGENOUS = "indigenous", gettext_noop("Indigenous")
    WHITE = "white", gettext_noop("White")
    MULTIPLE = "multiple", gettext_noop("Multiple")
    SELF_DESCRIBED = "self_described", gettext_noop("Self-described")
    PREFER_NOT = "prefer_not_to_say", gettext_noop("Prefer not to say")


class Demographics(models.Model):
    """Self-identified demographics, kept apart from Person and read only in aggregates."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="demographics")
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=20, choices=Ethnicity.choices, blank=True)
    consent_matching_use = models.BooleanField(
        default=False,
        help_text="The person agreed that programs with a recorded inclusion purpose "
        "may use these answers in matching.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "demographics"

    def __str__(self) -> str:
        return f"Demographics #{self.pk}"


class ImportSource(models.TextChoices):
    PAGE = "page", _("Import page")
    COMMAND = "command", _("Command line")
    # A scheduled or on-demand run of an HR connector (Workday, SuccessFactors, BambooHR, SFTP).
    CONNECTOR = "connector", _("HR connector")


class ImportOutcome(models.TextChoices):
    IMPORTED = "imported", "Imported"
    REFUSED = "refused", "Refused"
    # A full import over the termination limit, not confirmed: nothing was written.
    HELD = "held", "Waiting for confirmation"


class ImportRun(models.Model):
    """One HRIS file imported, or refused for its problems: who, when, which file, what changed.

    An import's run is written in the import's own transaction, so the history never lists
    an import that did not happen; a refused file wrote nothing else. Previews that found no
    problem are not runs (nothing happened yet).
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=ImportSource.choices)
    file_name = models.CharField(max_length=200)
    full = models.BooleanField(default=False, help_text="People missing from the file terminated.")
    dry_run = models.BooleanField(
        default=False, help_text="A check only: nothing was to be written."
    )
    outcome = models.CharField(max_length=10, choices=ImportOutcome.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    terminated = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0, help_text="Problems found in the file.")
    record = models.BinaryField(
        default=b"",
        editable=False,
        help_text="What the run did, zlib-compressed JSON (people.run_record): each change as "
        "[person id, kind, fields], each problem as [row, column, message]. People by id "
        "only, so that an erasure leaves no name or employee id here.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_outcome_display()})"
