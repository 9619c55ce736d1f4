"""Forms that parse page input into the plain values the services take."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.core.content import LocalizedText
from mentorwise.core.errors import FieldError
from mentorwise.core.languages import spoken_languages
from mentorwise.programs.content import question_choices, question_label
from mentorwise.programs.eligibility import INT_RULES, LIST_RULES
from mentorwise.programs.enrollment_inputs import (
    AVAILABILITY_MAX,
    CAPACITY,
    TEXT_MAX,
    EnrollmentAnswers,
)
from mentorwise.programs.inclusion import (
    GROUP_CHOICES,
    LEVEL_RANGE,
    WEIGHT_RANGE,
    InclusionOption,
    group_choices,
    inclusion_of,
)
from mentorwise.programs.inputs import CADENCE_DAYS, NAME_MAX_LENGTH, ProgramChanges
from mentorwise.programs.matching_config import CRITERIA
from mentorwise.programs.models import (
    GIVING_ROLES,
    FunctionPreference,
    Program,
    ProgramStatus,
    Role,
    Skill,
    content_language_choices,
)

TRI_STATE = [
    ("", gettext_lazy("Any")),
    ("yes", gettext_lazy("Yes")),
    ("no", gettext_lazy("No")),
]

# The labels of the eligibility rules and matching criteria on the program form.
RULE_LABELS = {
    "level_min": gettext_lazy("Level min"),
    "level_max": gettext_lazy("Level max"),
    "min_tenure_months": gettext_lazy("Min tenure months"),
    "max_tenure_months": gettext_lazy("Max tenure months"),
    "first_time_manager_months": gettext_lazy("First time manager months"),
    "min_manager_years": gettext_lazy("Min manager years"),
    "functions": gettext_lazy("Functions"),
    "departments": gettext_lazy("Departments"),
    "locations": gettext_lazy("Locations"),
    "exclude_functions": gettext_lazy("Exclude functions"),
    "is_manager": gettext_lazy("Is manager"),
    "high_potential": gettext_lazy("High potential"),
}
CRITERION_LABELS = {
    "skills": gettext_lazy("Skills"),
    "goals_text": gettext_lazy("Goals text"),
    "seniority": gettext_lazy("Seniority"),
    "function": gettext_lazy("Function"),
    "location": gettext_lazy("Location"),
    "language": gettext_lazy("Language"),
    "preferences": gettext_lazy("Preferences"),
}


def _label(labels: dict[str, Any], key: str) -> str:
    """The label of `key`, or the key in words for one without a label yet."""
    return str(labels.get(key) or key.replace("_", " ").capitalize())


def add_service_errors(form: forms.Form, errors: list[FieldError]) -> None:
    """Show a service's field errors on the matching form fields (others on the form)."""
    for error in errors:
        name = (
            error.field.replace("answers.", "q_")
            .replace("matching.options.inclusion.", "inclusion_")
            .replace(".", "__")
        )
        text = error.message if error.row is None else str(error)
        if name in form.fields:
            form.add_error(name, text)
        elif error.field == "skills" and "skills_wanted" in form.fields:
            form.add_error("skills_wanted", text)
        else:
            form.add_error(None, f"{error.field}: {text}")


class SkillChoiceField(forms.ModelMultipleChoiceField[Skill]):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class EnrollmentForm(forms.Form):
    """Enrollment profile for one role; the program's own questions become `q_<key>` fields."""

    development_goals = forms.CharField(
        label=gettext_lazy("Development goals"),
        widget=forms.Textarea(attrs={"maxlength": TEXT_MAX}),
        required=False,
        help_text=gettext_lazy("What do you want to get better at? Your mentor reads this."),
    )
    expertise = forms.CharField(
        label=gettext_lazy("Expertise"),
        widget=forms.Textarea(attrs={"maxlength": TEXT_MAX}),
        required=False,
        help_text=gettext_lazy(
            "What experience can you share? Mentees see this on your mentor card."
        ),
    )
    skills_wanted = SkillChoiceField(queryset=Skill.objects.none(), required=False)
    skills_offered = SkillChoiceField(queryset=Skill.objects.none(), required=False)
    function_preference = forms.ChoiceField(
        choices=FunctionPreference.choices,
        initial=FunctionPreference.ANY,
        label=gettext_lazy("Match me with someone from"),
    )
    prefers_same_location = forms.BooleanField(
        required=False, label=gettext_lazy("Prefer the same location")
    )
    languages = forms.CharField(
        label=gettext_lazy("Languages"),
        required=False,
        help_text=gettext_lazy("Languages you can mentor in, separated by commas."),
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Capacity"),
        widget=forms.NumberInput(attrs={"min": CAPACITY[0], "max": CAPACITY[1]}),
        initial=2,
        required=False,
        help_text=gettext_lazy("How many mentees you can take at the same time."),
    )
    availability = forms.CharField(
        label=gettext_lazy("Availability"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": AVAILABILITY_MAX}),
        help_text=gettext_lazy("e.g. “Tuesday and Thursday afternoons”"),
    )
    acknowledged = forms.BooleanField(
        required=False,
        label=gettext_lazy("I have read my role's responsibilities and accept them."),
    )

    def __init__(
        self, *args: Any, program: Program, role: str, with_ack: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.program, self.role = program, role
        skills = Skill.objects.filter(is_active=True).order_by("category", "name")
        giving = role in GIVING_ROLES
        if giving:
            del self.fields["skills_wanted"], self.fields["development_goals"]
            self._skill_field("skills_offered").queryset = skills
            self.fields["skills_offered"].label = _("Skills you can help with")
        else:
            del self.fields["skills_offered"], self.fields["expertise"], self.fields["capacity"]
            self._skill_field("skills_wanted").queryset = skills
            self.fields["skills_wanted"].label = _("Skills you want to develop")
        if role == Role.MENTEE:
            self.fields["languages"].help_text = _(
                "Languages you can meet in, separated by commas."
            )
        ack = self.fields.pop("acknowledged")
        for question in program.enrollment_questions:
            name = f"q_{question['key']}"
            label = question_label(program, question)
            if question.get("choices"):
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", "—"), *question_choices(program, question)],
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            if question.get("required"):
                self.fields[name].label = LocalizedText(f"{label} *", label.lang)
        if with_ack:
            self.fields["acknowledged"] = ack  # last, right above the submit button

    def _skill_field(self, name: str) -> forms.ModelMultipleChoiceField[Skill]:
        field = self.fields[name]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        return field

    @property
    def skill_groups(self) -> list[tuple[str, list[Any]]]:
        """The skill checkboxes grouped by taxonomy category, for the template."""
        name = "skills_wanted" if "skills_wanted" in self.fields else "skills_offered"
        groups: dict[str, list[Any]] = {}
        for choice in self[name]:
            groups.setdefault(choice.data["value"].instance.category, []).append(choice)
        return list(groups.items())

    def answers(self) -> EnrollmentAnswers:
        data = self.cleaned_data
        return EnrollmentAnswers(
            development_goals=data.get("development_goals", "") or "",
            expertise=data.get("expertise", "") or "",
            skills_wanted=[s.pk for s in data.get("skills_wanted") or []],
            skills_offered=[s.pk for s in data.get("skills_offered") or []],
            function_preference=data.get("function_preference") or FunctionPreference.ANY,
            prefers_same_location=bool(data.get("prefers_same_location")),
            languages=[x.strip() for x in (data.get("languages") or "").split(",") if x.strip()],
            capacity=1 if data.get("capacity") is None else data["capacity"],
            availability=data.get("availability", "") or "",
            answers={
                q["key"]: data.get(f"q_{q['key']}", "") or ""
                for q in self.program.enrollment_questions
            },
        )


def questions_to_text(questions: list[dict[str, Any]]) -> str:
    lines = []
    for q in questions:
        line = ("* " if q.get("required") else "") + q["label"]
        if q.get("choices"):
            line += " :: " + " / ".join(q["choices"])
        lines.append(line)
    return "\n".join(lines)


def questions_from_text(text: str) -> list[dict[str, Any]]:
    questions = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        required = line.startswith("*")
        line = line.lstrip("* ").strip()
        label, _, choices = line.partition("::")
        item: dict[str, Any] = {"label": label.strip(), "required": required}
        if choices.strip():
            item["choices"] = [c.strip() for c in choices.split("/") if c.strip()]
        questions.append(item)
    return questions


# The fields holding a program's own texts (besides each role's responsibilities).
PROGRAM_TEXT_FIELDS = ("name", "description", "objectives", "questions")


class ProgramForm(forms.Form):
    """Every editable field of a program, with eligibility per role and weights per criterion.

    The form only turns posted text into typed values (`changes()`); the rules (required
    fields, ranges, a name no other program has, ...) are `inputs.program_changes_validate`,
    the same for the page, the API and the CLI, and its errors are shown on these fields.
    The browser hints (required, maxlength, min, max) mirror those rules.
    """

    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": NAME_MAX_LENGTH}),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ProgramStatus.choices)
    language = forms.ChoiceField(
        label=gettext_lazy("Written in"),
        choices=content_language_choices,
        required=False,
        help_text=gettext_lazy(
            "The language of the texts on this page. People who read another language get "
            "the translations written under Translations, and these texts where one is missing."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    objectives = forms.CharField(
        label=gettext_lazy("Objectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
        help_text=gettext_lazy("One objective per line."),
    )
    start_date = forms.DateField(
        label=gettext_lazy("Start date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end_date = forms.DateField(
        label=gettext_lazy("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    meeting_cadence_days = forms.IntegerField(
        widget=forms.NumberInput(attrs={"min": CADENCE_DAYS[0], "max": CADENCE_DAYS[1]}),
        label=gettext_lazy("Meet every (days)"),
    )
    mentor_training_required = forms.BooleanField(
        required=False, label=gettext_lazy("Mentors must complete training before matching")
    )
    self_match = forms.BooleanField(
        required=False, label=gettext_lazy("Self-match: mentees choose their mentor")
    )
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=gettext_lazy("Enrollment questions"),
        help_text=gettext_lazy(
            "One per line. Start with * if required; add choices after :: separated by /."
        ),
    )
    seniority_gap_low = forms.IntegerField(
        required=False, min_value=-9, max_value=9, label=gettext_lazy("Preferred level gap from")
    )
    seniority_gap_high = forms.IntegerField(
        required=False, min_value=-9, max_value=9, label=gettext_lazy("to")
    )
    function_preference = forms.ChoiceField(
        choices=FunctionPreference.choices, label=gettext_lazy("Mentor's function should be")
    )
    min_score = forms.FloatField(
        required=False, min_value=0, max_value=1, label=gettext_lazy("Minimum match score (0–1)")
    )
    chain_exclusion_depth = forms.IntegerField(
        required=False,
        min_value=0,
        label=gettext_lazy("Exclude managers up to N levels (empty: whole chain)"),
    )
    language_required = forms.BooleanField(
        required=False, label=gettext_lazy("A shared language is required")
    )
    mentor_preferences = forms.BooleanField(
        required=False, label=gettext_lazy("Mentors may also mark preferred mentees and vetoes")
    )
    inclusion_enabled = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Use consented, self-identified demographics to favour senior "
            "sponsors for under-represented mentees"
        ),
    )
    inclusion_justification = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Recorded justification for the inclusion option"),
    )
    inclusion_groups = forms.MultipleChoiceField(
        required=False,
        choices=GROUP_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Groups the inclusion option favours"),
        help_text=gettext_lazy(
            "Only people who self-identified so and consented to this use count."
        ),
    )
    inclusion_senior_level = forms.IntegerField(
        required=False,
        min_value=LEVEL_RANGE[0],
        max_value=LEVEL_RANGE[1],
        label=gettext_lazy("Senior mentors are at job level"),
        help_text=gettext_lazy("and above."),
    )
    inclusion_weight = forms.IntegerField(
        required=False,
        min_value=WEIGHT_RANGE[0],
        max_value=WEIGHT_RANGE[1],
        label=gettext_lazy("Inclusion weight"),
    )

    INCLUSION = (
        "inclusion_enabled",
        "inclusion_justification",
        "inclusion_groups",
        "inclusion_senior_level",
        "inclusion_weight",
    )

    def __init__(
        self, *args: Any, program: Program, may_set_inclusion: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        # The inclusion option is HR-admin configuration: for anyone else its fields do not
        # exist, so a posted value is ignored, and the page shows the option read-only.
        self.may_set_inclusion = may_set_inclusion
        if not may_set_inclusion:
            for name in self.INCLUSION:
                del self.fields[name]
        else:
            self._choice_field("inclusion_groups").choices = group_choices()
        self.role_names = [r for r in Role.values if r in program.eligibility] or [
            Role.MENTEE,
            Role.MENTOR,
        ]
        # Languages named in the reader's language ("Allemand" on a French page).
        self._choice_field("language").choices = [
            (code, capfirst(spoken_languages([code]))) for code, _name in content_language_choices()
        ]
        for role in self.role_names:
            self.fields[f"resp__{role}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=_("%(role)s responsibilities") % {"role": Role(role).label},
            )
            for rule in INT_RULES:
                self.fields[f"elig__{role}__{rule}"] = forms.IntegerField(
                    required=False, label=_label(RULE_LABELS, rule), min_value=0
                )
            for rule in LIST_RULES:
                self.fields[f"elig__{role}__{rule}"] = forms.CharField(
                    required=False,
                    label=_label(RULE_LABELS, rule),
                    help_text=gettext_lazy("Comma-separated names"),
                )
            for rule in ("is_manager", "high_potential"):
                self.fields[f"elig__{role}__{rule}"] = forms.ChoiceField(
                    required=False, choices=TRI_STATE, label=_label(RULE_LABELS, rule)
                )
        for criterion in CRITERIA:
            self.fields[f"weight__{criterion}"] = forms.IntegerField(
                min_value=0,
                max_value=10,
                required=False,
                label=_label(CRITERION_LABELS, criterion),
            )
        if not self.is_bound:
            self.initial.update(self._initial_from(program))
        # The program's own texts are written in its language: marked so on the page.
        for name in self.fields:
            if name in PROGRAM_TEXT_FIELDS or name.startswith("resp__"):
                self.fields[name].widget.attrs["lang"] = program.language

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        return field

    GENERAL = (
        "name",
        "status",
        "language",
        "description",
        "objectives",
        "start_date",
        "end_date",
        "meeting_cadence_days",
        "mentor_training_required",
        "self_match",
        "questions",
    )
    MATCHING = (
        "seniority_gap_low",
        "seniority_gap_high",
        "function_preference",
        "min_score",
        "chain_exclusion_depth",
        "language_required",
        "mentor_preferences",
    )

    @property
    def general_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.GENERAL]

    @property
    def matching_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MATCHING]

    @property
    def inclusion_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.INCLUSION if name in self.fields]

    @property
    def inclusion(self) -> InclusionOption:
        """The program's inclusion option as stored (shown read-only to program managers)."""
        return inclusion_of(self.program.matching)

    @property
    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight__{c}"] for c in CRITERIA]

    @property
    def role_sections(self) -> list[dict[str, Any]]:
        return [
            {
                "role": role,
                "label": Role(role).label,
                "responsibilities": self[f"resp__{role}"],
                "rules": [self[n] for n in self.fields if n.startswith(f"elig__{role}__")],
            }
            for role in self.role_names
        ]

    @staticmethod
    def _initial_from(program: Program) -> dict[str, Any]:
        options = program.matching.get("options", {})
        gap = options.get("seniority_gap") or [None, None]
        inclusion = inclusion_of(program.matching)
        initial: dict[str, Any] = {
            "name": program.name,
            "status": program.status,
            "language": program.language,
            "description": program.description,
            "objectives": program.objectives,
            "start_date": program.start_date,
            "end_date": program.end_date,
            "meeting_cadence_days": program.meeting_cadence_days,
            "mentor_training_required": program.mentor_training_required,
            "self_match": program.self_match,
            "questions": questions_to_text(program.enrollment_questions),
            "seniority_gap_low": gap[0],
            "seniority_gap_high": gap[1],
            "function_preference": options.get("function_preference", "any"),
            "min_score": options.get("min_score"),
            "chain_exclusion_depth": options.get("chain_exclusion_depth"),
            "language_required": options.get("language_required", False),
            "mentor_preferences": options.get("mentor_preferences", False),
            "inclusion_enabled": inclusion.enabled,
            "inclusion_justification": inclusion.justification,
            "inclusion_groups": list(inclusion.groups),
            "inclusion_senior_level": inclusion.senior_level,
            "inclusion_weight": inclusion.weight,
        }
        for role, text in program.responsibilities.items():
            initial[f"resp__{role}"] = text
        for role, rules in program.eligibility.items():
            for rule, value in rules.items():
                if isinstance(value, bool):
                    value = "yes" if value else "no"
                elif isinstance(value, list):
                    value = ", ".join(value)
                initial[f"elig__{role}__{rule}"] = value
        for criterion, weight in program.matching.get("criteria", {}).items():
            initial[f"weight__{criterion}"] = weight
        return initial

    def eligibility(self) -> dict[str, dict[str, Any]]:
        """The eligibility rules as entered (validated later by the service)."""
        data = self.cleaned_data
        result: dict[str, dict[str, Any]] = {}
        for role in self.role_names:
            rules: dict[str, Any] = {}
            for name, value in data.items():
                prefix = f"elig__{role}__"
                if not name.startswith(prefix) or value in (None, ""):
                    continue
                rule = name[len(prefix) :]
                if rule in ("is_manager", "high_potential"):
                    value = value == "yes"
                elif rule in LIST_RULES:
                    value = [v.strip() for v in value.split(",") if v.strip()]
                rules[rule] = value
            result[role] = rules
        return result

    def changes(self) -> ProgramChanges:
        data = self.cleaned_data
        options = dict(self.program.matching.get("options", {}))
        low, high = data.get("seniority_gap_low"), data.get("seniority_gap_high")
        if low is not None and high is not None:
            options["seniority_gap"] = [low, high]
        else:
            options.pop("seniority_gap", None)
        options["function_preference"] = data["function_preference"]
        for key in ("min_score", "chain_exclusion_depth"):
            if data.get(key) is None:
                options.pop(key, None)
            else:
                options[key] = data[key]
        options["language_required"] = bool(data.get("language_required"))
        options["mentor_preferences"] = bool(data.get("mentor_preferences"))
        # Left out, the inclusion option stays as it is (the service's rule for everyone).
        options.pop("inclusion", None)
        if self.may_set_inclusion:
            stored = inclusion_of(self.program.matching)
            options["inclusion"] = InclusionOption(
                enabled=bool(data.get("inclusion_enabled")),
                justification=(data.get("inclusion_justification") or "").strip(),
                groups=tuple(sorted(data.get("inclusion_groups") or [])),
                senior_level=data.get("inclusion_senior_level") or stored.senior_level,
                weight=data.get("inclusion_weight") or stored.weight,
            ).as_config()
        criteria = {
            c: data[f"weight__{c}"] for c in CRITERIA if data.get(f"weight__{c}") is not None
        }
        return ProgramChanges(
            name=data.get("name") or "",
            status=data["status"],
            language=data.get("language") or None,
            description=data.get("description", ""),
            objectives=data.get("objectives") or "",
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            meeting_cadence_days=data["meeting_cadence_days"],
            mentor_training_required=bool(data.get("mentor_training_required")),
            self_match=bool(data.get("self_match")),
            responsibilities={
                **self.program.responsibilities,
                **{r: data.get(f"resp__{r}", "") or "" for r in self.role_names},
            },
            eligibility=self.eligibility(),
            enrollment_questions=questions_from_text(data.get("questions", "") or ""),
            matching={"criteria": criteria, "options": options},
        )
