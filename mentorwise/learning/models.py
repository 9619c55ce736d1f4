"""Training modules for mentors and sponsors, who completed them, and what programs require."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from mentorwise.core.content import LocalizedText, Translatable
from mentorwise.programs.models import Role, content_language_choices, default_content_language

if TYPE_CHECKING:
    from mentorwise.learning.questions import Question


class TrainingModule(Translatable, models.Model):
    """One module: Markdown text and a knowledge check; built-ins are synced from files.

    `questions` is a list of {"id", "text", "choices": [{"key", "text"}], "answer",
    "explanation"}; see `learning/questions.py`, which validates it.
    """

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    body_markdown = models.TextField()
    # Roles the module is written for: any of mentor, sponsor, coach, mentee.
    audience = models.JSONField(default=list, blank=True)
    minutes = models.PositiveSmallIntegerField(default=10)
    # Built-ins come first, in the order of their file names (a reading path); then the rest.
    position = models.PositiveSmallIntegerField(default=100)
    questions = models.JSONField(default=list, blank=True)
    is_builtin = models.BooleanField(
        default=False, help_text="Shipped with Mentorwise; its content comes from the files."
    )
    is_active = models.BooleanField(default=True)
    # The language its texts are written in; translations into other languages fall back to it.
    language = models.CharField(
        max_length=10, choices=content_language_choices, default=default_content_language
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Raised on every content change, so that a completion says which text it was for.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> LocalizedText:
        return self.text("title", self.title)

    @property
    def display_summary(self) -> LocalizedText:
        return self.text("summary", self.summary)

    @property
    def display_body(self) -> LocalizedText:
        return self.text("body", self.body_markdown)

    @property
    def reader_questions(self) -> list[Question]:
        """Its knowledge check with every text in the reader's language where translated
        (ids, keys and answers as stored)."""
        result: list[Question] = []
        for q in self.questions:
            base = f"questions.{q['id']}"
            result.append(
                {  # type: ignore[typeddict-item]  # texts are LocalizedText, a str
                    **q,
                    "text": self.text(f"{base}.text", q["text"]),
                    "choices": [
                        {**c, "text": self.text(f"{base}.choices.{c['key']}", c["text"])}
                        for c in q["choices"]
                    ],
                    "explanation": self.text(f"{base}.explanation", q.get("explanation", "")),
                }
            )
        return result

    @property
    def audience_labels(self) -> list[str]:
        """The roles it is written for, as people read them in the active language."""
        return [str(Role(r).label) if r in Role.values else r for r in self.audience]


class ModuleCompletion(models.Model):
    """A person passed a module's knowledge check (failed attempts leave no completion)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="training_completions"
    )
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    passed_at = models.DateTimeField(default=timezone.now)
    score = models.PositiveSmallIntegerField(help_text="Percent of questions answered correctly.")
    answers = models.JSONField(default=dict, blank=True)
    module_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-passed_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "module"], name="one_completion_per_module")
        ]

    def __str__(self) -> str:
        return f"{self.person} passed {self.module}"


class ProgramTrainingRequirement(models.Model):
    """A program requires this module before its mentors (and sponsors, coaches) are matched.

    It lives in `learning` rather than `programs` because learning sits above programs.
    """

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="training_requirements"
    )
    module = models.ForeignKey(
        TrainingModule, on_delete=models.CASCADE, related_name="program_requirements"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["program", "module__title"]
        constraints = [
            models.UniqueConstraint(fields=["program", "module"], name="one_requirement_per_module")
        ]

    def __str__(self) -> str:
        return f"{self.program} requires {self.module}"
