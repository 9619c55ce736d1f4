"""Training use cases: sync the built-in modules, author modules, take a knowledge check,
and choose the modules a program requires. Each is one transaction with its audit rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.roles import actor_person_id
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, Forbidden, InvalidInput, NotFound
from mentorwise.learning import permissions
from mentorwise.learning.builtin import AUDIENCE_ROLES, MODULES_DIR, builtin_modules_read
from mentorwise.learning.content import TRANSLATIONS_DIR, shipped_module_translations
from mentorwise.learning.models import ModuleCompletion, ProgramTrainingRequirement, TrainingModule
from mentorwise.learning.questions import Question, questions_validate
from mentorwise.programs.models import CONTENT_LANGUAGE, Program

# Pass at 80%: with 3 or 4 questions that means all correct, with 5 one mistake is allowed.
PASS_PERCENT = 80
CONTENT_FIELDS = ("title", "summary", "body_markdown", "audience", "minutes", "questions")


# Built-in modules ---------------------------------------------------------------------------


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # slug taken by an admin's module
    translations: int = 0  # shipped translations stored where none was current


@transaction.atomic
def modules_sync_builtin(*, actor: Actor = None, directory: Path = MODULES_DIR) -> SyncResult:
    """Make the built-in modules match the files: create, update changed content, retire
    built-ins whose file is gone. Idempotent; never touches modules that admins wrote.

    Whether a module is active stays as an admin set it, except that a retired built-in
    whose file comes back is active again.
    """
    result = SyncResult()
    files = builtin_modules_read(directory)
    existing = {m.slug: m for m in TrainingModule.objects.select_for_update()}
    now = timezone.now()
    for item in files:
        content = {f: getattr(item, f) for f in CONTENT_FIELDS}
        module = existing.get(item.slug)
        if module is None:
            module = TrainingModule.objects.create(
                slug=item.slug,
                is_builtin=True,
                language=CONTENT_LANGUAGE,
                position=item.position,
                created_at=now,
                updated_at=now,
                **content,
            )
            audit_record(actor=actor, action="training_module.synced_created", target=module)
            result.created.append(item.slug)
            continue
        if not module.is_builtin:
            result.skipped.append(item.slug)
            continue
        if module.position != item.position:
            # A renamed file only moves the module in the catalogue: not a new version.
            module.position = item.position
            module.save(update_fields=["position"])
        changed = [f for f, value in content.items() if getattr(module, f) != value]
        if not changed:
            result.unchanged.append(item.slug)
            continue
        for name in changed:
            setattr(module, name, content[name])
        module.version += 1
        module.updated_at = now
        module.save(update_fields=[*changed, "version", "updated_at"])
        audit_record(
            actor=actor,
            action="training_module.synced_updated",
            target=module,
            data={"fields": changed, "version": module.version},
        )
        result.updated.append(item.slug)
    in_files = {item.slug for item in files}
    for module in TrainingModule.objects.filter(slug__in=in_files, is_builtin=True):
        result.translations += shipped_module_translations(
            module, directory / TRANSLATIONS_DIR.name
        )
    for slug, module in existing.items():
        if module.is_builtin and module.is_active and slug not in in_files:
            # Completions point at it, so it is retired rather than deleted.
            module.is_active = False
            module.save(update_fields=["is_active"])
            audit_record(actor=actor, action="training_module.synced_retired", target=module)
            result.retired.append(slug)
    return result


# Modules written by HR admins ----------------------------------------------------------------


@dataclass
class ModuleContent:
    """What an HR admin writes: the module's text and its knowledge check."""

    title: str
    summary: str
    body_markdown: str
    audience: list[str]
    minutes: int
    questions: Sequence[Mapping[str, object]]  # as written; checked by questions_validate
    is_active: bool = True


def _content_validate(content: ModuleContent) -> dict[str, Any]:
    errors: list[FieldError] = []
    title = content.title.strip()
    if not title:
        errors.append(FieldError("title", _("is required")))
    elif len(title) > 200:
        errors.append(FieldError("title", _("at most 200 characters")))
    if not content.body_markdown.strip():
        errors.append(FieldError("body_markdown", _("is required")))
    audience = [a for a in AUDIENCE_ROLES if a in content.audience]
    unknown = [a for a in content.audience if a not in AUDIENCE_ROLES]
    if unknown:
        errors.append(FieldError("audience", _("unknown role"), value=", ".join(unknown)))
    elif not audience:
        errors.append(FieldError("audience", _("choose at least one role")))
    if not 1 <= content.minutes <= 240:
        errors.append(FieldError("minutes", _("must be from 1 to 240"), value=str(content.minutes)))
    questions: list[Question] = []
    try:
        questions = questions_validate(content.questions)
    except InvalidInput as error:
        errors += error.errors
    if errors:
        raise InvalidInput(errors)
    return {
        "title": title,
        "summary": content.summary.strip(),
        "body_markdown": content.body_markdown.strip() + "\n",
        "audience": audience,
        "minutes": content.minutes,
        "questions": questions,
        "is_active": content.is_active,
    }


# Path segments of the training pages that a module slug must not take.
RESERVED_SLUGS = {"new", "programs", "completions"}


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "module"
    candidate, n = base, 2
    while candidate in RESERVED_SLUGS or TrainingModule.objects.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


@transaction.atomic
def module_create(*, actor: Actor, content: ModuleContent) -> TrainingModule:
    """An HR admin adds one of the organization's own modules."""
    if not isinstance(actor, User) or not permissions.can_author_modules(actor):
        raise Forbidden(_("Only HR admins may add training modules."))
    values = _content_validate(content)
    module = TrainingModule.objects.create(
        slug=_unique_slug(values["title"]), is_builtin=False, created_by=actor, **values
    )
    audit_record(actor=actor, action="training_module.created", target=module)
    return module


@transaction.atomic
def module_update(
    *, actor: Actor, module: TrainingModule, content: ModuleContent
) -> TrainingModule:
    """An HR admin changes an organization module; a content change raises its version."""
    if not permissions.can_edit_module(actor, module):
        raise Forbidden(
            _("Built-in modules change only with Mentorwise itself; HR admins edit their own.")
            if module.is_builtin
            else _("Only HR admins may edit training modules.")
        )
    values = _content_validate(content)
    changed = [name for name, value in values.items() if getattr(module, name) != value]
    if not changed:
        return module
    for name in changed:
        setattr(module, name, values[name])
    update_fields = [*changed, "updated_at"]
    if set(changed) & set(CONTENT_FIELDS):
        module.version += 1
        update_fields.append("version")
    module.updated_at = timezone.now()
    module.save(update_fields=update_fields)
    audit_record(
        actor=actor, action="training_module.updated", target=module, data={"fields": changed}
    )
    return module


# Knowledge check -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    id: str
    text: str
    given: str | None
    given_text: str | None
    correct: bool
    explanation: str


@dataclass(frozen=True)
class AttemptResult:
    """The graded attempt: score, pass or fail, and each question with its explanation."""

    module: TrainingModule
    score: int
    n_correct: int
    n_questions: int
    passed: bool
    results: list[QuestionResult]
    completion: ModuleCompletion | None

    @property
    def wrong(self) -> list[QuestionResult]:
        return [r for r in self.results if not r.correct]


@transaction.atomic
def module_attempt(
    *, actor: Actor, module: TrainingModule, answers: dict[str, str]
) -> AttemptResult:
    """Grade the knowledge check; a pass records (or refreshes) the person's completion.

    A failed attempt records nothing but its audit row; people may retry as often as they
    like. Answers to unknown questions are ignored; unanswered questions count as wrong.
    """
    person_id = actor_person_id(actor)
    if person_id is None:
        raise Forbidden(_("Your login has no employee record, so training cannot be recorded."))
    if not permissions.visible_modules(actor).filter(pk=module.pk, is_active=True).exists():
        raise NotFound(_("No such training module."))
    results = []
    for q in module.reader_questions:  # graded on ids and keys; texts in the reader's language
        given = answers.get(q["id"])
        choices = {c["key"]: c["text"] for c in q["choices"]}
        results.append(
            QuestionResult(
                id=q["id"],
                text=q["text"],
                given=given,
                given_text=choices.get(given) if given is not None else None,
                correct=given == q["answer"],
                explanation=q["explanation"],
            )
        )
    n_correct = sum(r.correct for r in results)
    score = (100 * n_correct) // len(results) if results else 0
    passed = bool(results) and score >= PASS_PERCENT
    given_answers = {r.id: r.given for r in results if r.given is not None}
    completion = None
    if passed:
        completion, _created = ModuleCompletion.objects.update_or_create(
            person_id=person_id,
            module=module,
            defaults={
                "passed_at": timezone.now(),
                "score": score,
                "answers": given_answers,
                "module_version": module.version,
            },
        )
    audit_record(
        actor=actor,
        action="training_module.passed" if passed else "training_module.failed",
        target=module,
        data={"score": score, "version": module.version},
    )
    return AttemptResult(
        module=module,
        score=score,
        n_correct=n_correct,
        n_questions=len(results),
        passed=passed,
        results=results,
        completion=completion,
    )


# Program requirements ------------------------------------------------------------------------


@transaction.atomic
def program_requirements_set(
    *, actor: Actor, program: Program, module_ids: Iterable[int]
) -> list[TrainingModule]:
    """Replace the modules `program` requires; HR admins and the program's managers only."""
    if not permissions.can_set_requirements(actor, program):
        raise Forbidden(_("Only this program's managers and HR admins may choose its training."))
    wanted = set(module_ids)
    found = set(
        TrainingModule.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True)
    )
    if missing := sorted(wanted - found):
        raise InvalidInput(
            [FieldError("module_ids", _("no such active module"), value=str(pk)) for pk in missing]
        )
    current = set(
        ProgramTrainingRequirement.objects.select_for_update()
        .filter(program=program)
        .values_list("module_id", flat=True)
    )
    added, removed = wanted - current, current - wanted
    if added or removed:
        ProgramTrainingRequirement.objects.filter(program=program, module_id__in=removed).delete()
        ProgramTrainingRequirement.objects.bulk_create(
            [ProgramTrainingRequirement(program=program, module_id=pk) for pk in sorted(added)]
        )
        audit_record(
            actor=actor,
            action="program.training_requirements_set",
            target=program,
            data={"added": sorted(added), "removed": sorted(removed)},
        )
    return list(TrainingModule.objects.filter(pk__in=wanted).order_by("position", "title"))
