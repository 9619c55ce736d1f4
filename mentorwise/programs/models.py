"""Programs (built from templates), the skills taxonomy, and enrollments."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from mentorwise.core.content import LocalizedText, Translatable
from mentorwise.core.languages import SHIPPED, supported


class ProgramKind(models.TextChoices):
    MENTORING = "mentoring", gettext_lazy("Mentoring")
    REVERSE_MENTORING = "reverse_mentoring", gettext_lazy("Reverse mentoring")
    SPONSORSHIP = "sponsorship", gettext_lazy("Sponsorship")
    FIRST_TIME_MANAGER = "first_time_manager", gettext_lazy("First-time manager")
    ONBOARDING = "onboarding", gettext_lazy("Onboarding")
    GROUP = "group", gettext_lazy("Group mentoring")
    FLASH = "flash", gettext_lazy("Flash mentoring")
    # Anyone eligible may be paired with anyone: one role (peer), non-bipartite matching.
    PEER = "peer", gettext_lazy("Peer mentoring")


class ProgramStatus(models.TextChoices):
    # Typed as str for callers that keep labels in (str, int) pairs; at runtime a lazy label
    # acts as one and takes the active language when it is shown.
    DRAFT = "draft", cast(str, gettext_lazy("Draft"))
    ENROLLING = "enrolling", cast(str, gettext_lazy("Enrolling"))
    ACTIVE = "active", cast(str, gettext_lazy("Active"))
    CLOSED = "closed", cast(str, gettext_lazy("Closed"))


class Role(models.TextChoices):
    MENTEE = "mentee", gettext_lazy("Mentee")
    MENTOR = "mentor", gettext_lazy("Mentor")
    SPONSOR = "sponsor", gettext_lazy("Sponsor")
    COACH = "coach", gettext_lazy("Coach")
    # The one role of a peer program: each peer both brings goals and helps the other.
    PEER = "peer", gettext_lazy("Peer")


# The language the shipped program templates and training modules are written in. A program
# or module has its own default language (`language`, the site's by default) and may carry
# its texts in the other shipped languages (core/content.py, programs/content.py).
CONTENT_LANGUAGE = "en"


def default_content_language() -> str:
    """The language new programs and modules are written in: the site's default."""
    return supported(settings.LANGUAGE_CODE) or CONTENT_LANGUAGE


def content_language_choices() -> list[tuple[str, str]]:
    return [(language.code, language.name) for language in SHIPPED]


# The side that receives guidance, and the sides that give it.
RECEIVING_ROLES = (Role.MENTEE,)
GIVING_ROLES = (Role.MENTOR, Role.SPONSOR, Role.COACH)

# Each role as a word inside a sentence ("Join as mentee"), and its plural ("mentees
# enrolled"): their own texts, since lower-casing a label is wrong in languages (German) that
# capitalise nouns.
ROLE_NOUNS = {
    Role.MENTEE: pgettext_lazy("role, inside a sentence", "mentee"),
    Role.MENTOR: pgettext_lazy("role, inside a sentence", "mentor"),
    Role.SPONSOR: pgettext_lazy("role, inside a sentence", "sponsor"),
    Role.COACH: pgettext_lazy("role, inside a sentence", "coach"),
    Role.PEER: pgettext_lazy("role, inside a sentence", "peer"),
}
ROLE_PLURALS = {
    Role.MENTEE: pgettext_lazy("roles, inside a sentence", "mentees"),
    Role.MENTOR: pgettext_lazy("roles, inside a sentence", "mentors"),
    Role.SPONSOR: pgettext_lazy("roles, inside a sentence", "sponsors"),
    Role.COACH: pgettext_lazy("roles, inside a sentence", "coaches"),
    Role.PEER: pgettext_lazy("roles, inside a sentence", "peers"),
}


def role_noun(role: str) -> str:
    """The role as a word inside a sentence, in the active language ("mentee")."""
    return str(ROLE_NOUNS[Role(role)])


def role_plural(role: str) -> str:
    """The role's plural inside a sentence, in the active language ("mentors")."""
    return str(ROLE_PLURALS[Role(role)])


def pair_side_role(program: Program, side: str, enrolled_as: str = "") -> Role:
    """The role that names one side of a pair in `program` for everyone who reads about it:
    pages, lists, exports, the API and messages. `side` is "mentee" or "mentor", the side the
    data keeps; `enrolled_as` the role that side's person enrolled in, when a pair is known.

    In a peer program both sides are peers: nobody there is a mentor or a mentee, whichever
    side of the pair the data put them on. Otherwise the mentee side is the mentee, and the
    other side the role its person enrolled in (mentor, sponsor or coach) or, for the program
    as a whole (a list's heading), the program's first giving role.
    """
    if program.is_peer:
        return Role.PEER
    if side == "mentee":
        return Role.MENTEE
    if enrolled_as in GIVING_ROLES:
        return Role(enrolled_as)
    return next((Role(r) for r in program.roles if r in GIVING_ROLES), Role.MENTOR)


def objective_lines(text: str) -> list[str]:
    """A program's objectives, one per line, without list markers."""
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip()]


class Program(Translatable, models.Model):
    """A mentoring or sponsorship program: objectives, roles, eligibility and matching setup."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=ProgramKind.choices)
    template_key = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    description = models.TextField(blank=True)
    objectives = models.TextField(help_text="What the program is for, one objective per line.")
    # The language its texts are written in; translations into other languages fall back to it.
    language = models.CharField(
        max_length=10, choices=content_language_choices, default=default_content_language
    )
    # {"mentee": "...", "mentor": "...", "sponsor": "...", "program_manager": "..."}
    responsibilities = models.JSONField(default=dict, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    meeting_cadence_days = models.PositiveSmallIntegerField(
        default=30, help_text="Expected days between meetings."
    )
    # {"mentee": {rule: value, ...}, "mentor": {...}}; see programs/eligibility.py.
    eligibility = models.JSONField(default=dict, blank=True)
    # [{"key": "why", "label": "...", "required": true}]
    enrollment_questions = models.JSONField(default=list, blank=True)
    # {"criteria": {"skills": 3, ...}, "options": {...}}; see programs/catalog.py.
    matching = models.JSONField(default=dict, blank=True)
    mentor_training_required = models.BooleanField(default=False)
    self_match = models.BooleanField(
        default=False, help_text="Mentees pick a mentor from recommendations."
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days a mentor has to answer a mentee's request before it expires."
    )
    surveys_confidential = models.BooleanField(
        default=True, help_text="Program managers see survey answers only in aggregate."
    )
    auto_close_stalled = models.BooleanField(
        default=False,
        help_text="Close relationships that stay stalled after warnings, offering a re-match.",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_programs"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            # Two programs with one name cannot be told apart in menus, reports and e-mails.
            # Services check first (programs.inputs.program_name_problem) to say so clearly.
            models.UniqueConstraint(Lower("name"), name="program_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> LocalizedText:
        """Its name as the reader gets it (`name` is the default-language name)."""
        return self.text("name", self.name)

    @property
    def about(self) -> LocalizedText:
        return self.text("description", self.description)

    @property
    def objectives_text(self) -> LocalizedText:
        return self.text("objectives", self.objectives)

    @property
    def objective_list(self) -> list[str]:
        """Its objectives in the reader's language (`objectives_text.lang` says which)."""
        return objective_lines(self.objectives_text)

    def responsibilities_of(self, role: str, language: str | None = None) -> LocalizedText:
        """What `role` is responsible for, in the reader's language (or `language`)."""
        return self.text(f"responsibilities.{role}", self.responsibilities.get(role, ""), language)

    @property
    def roles(self) -> list[str]:
        """The roles people enroll in for this program, in display order."""
        return [r for r in Role.values if r in self.eligibility] or [Role.MENTEE, Role.MENTOR]

    @property
    def is_peer(self) -> bool:
        """Anyone eligible may be paired with anyone: one role (peer), non-bipartite matching."""
        return self.kind == ProgramKind.PEER or self.roles == [Role.PEER]

    @property
    def is_open_for_enrollment(self) -> bool:
        return self.status in (ProgramStatus.ENROLLING, ProgramStatus.ACTIVE)

    @property
    def has_ended(self) -> bool:
        """Closed, or past its end date (in the installation's time zone) and not closed yet."""
        if self.status == ProgramStatus.CLOSED:
            return True
        return self.end_date is not None and self.end_date < timezone.localdate()

    @property
    def display_status(self) -> str:
        """The status as every page shows it: a program past its end date is not "Active"."""
        if self.status != ProgramStatus.CLOSED and self.has_ended:
            return _("Ended, to be closed")
        return str(self.get_status_display())

    @property
    def status_tone(self) -> str:
        """The badge colour of `display_status`: ok, warn or "" (neutral)."""
        if self.has_ended:
            return "warn" if self.status != ProgramStatus.CLOSED else ""
        if self.status == ProgramStatus.DRAFT:
            return "warn"
        return "ok"


class Skill(models.Model):
    """One entry of the skills taxonomy that enrollment profiles pick from."""

    name = models.CharField(max_length=80, unique=True)
    category = models.CharField(max_length=60)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class EnrollmentStatus(models.TextChoices):
    INVITED = "invited", gettext_lazy("Invited")
    ACTIVE = "active", gettext_lazy("Enrolled")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


class FunctionPreference(models.TextChoices):
    ANY = "any", gettext_lazy("No preference")
    SAME = "same", gettext_lazy("Same function")
    DIFFERENT = "different", gettext_lazy("Different function")


class Enrollment(models.Model):
    """A person's participation in a program in one role, with their profile answers."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="enrollments"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    status = models.CharField(
        max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    development_goals = models.TextField(blank=True)
    expertise = models.TextField(blank=True, help_text="What a mentor or sponsor brings.")
    skills_wanted = models.ManyToManyField(Skill, blank=True, related_name="+")
    skills_offered = models.ManyToManyField(Skill, blank=True, related_name="+")
    function_preference = models.CharField(
        max_length=10, choices=FunctionPreference.choices, default=FunctionPreference.ANY
    )
    prefers_same_location = models.BooleanField(default=False)
    languages = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=1, help_text="How many mentees a mentor takes at once."
    )
    availability = models.CharField(max_length=200, blank=True)
    is_paused = models.BooleanField(default=False)
    answers = models.JSONField(default=dict, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["program", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person", "role"], name="one_enrollment_per_role"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__lte=50), name="enrollment_capacity_at_most_50"
            ),
        ]
        indexes = [models.Index(fields=["program", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} in {self.program}"

    @property
    def role_noun(self) -> str:
        """The role as a word inside a sentence ("mentee")."""
        return role_noun(self.role)

    @property
    def is_completed(self) -> bool:
        """Enrolled in a program that has ended: a past participation, not a current one."""
        return self.status == EnrollmentStatus.ACTIVE and self.program.has_ended

    @property
    def display_status(self) -> str:
        """The status as pages show it: "Completed" once the program has ended."""
        return _("Completed") if self.is_completed else str(self.get_status_display())

    @property
    def status_tone(self) -> str:
        """The badge colour of `display_status`: ok, warn, bad or "" (neutral)."""
        if self.is_completed:
            return ""
        return {EnrollmentStatus.ACTIVE: "ok", EnrollmentStatus.INVITED: "warn"}.get(
            EnrollmentStatus(self.status), "bad"
        )
