"""API: training modules, knowledge checks, completions, and programs' required training."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.learning import selectors, services
from mentorwise.learning.models import ModuleCompletion, TrainingModule
from mentorwise.learning.questions import questions_public
from mentorwise.learning.rendering import render_markdown
from mentorwise.programs.models import Program

router = Router()


class ModuleSummaryOut(Schema):
    slug: str = Field(description="Identifier used in the module's URLs.")
    title: str
    summary: str
    language: str = Field(
        description=(
            "The language its texts are written in; translations into other languages are "
            "at /api/translations/module/{slug}/{language}."
        )
    )
    audience: list[str] = Field(description="Roles the module is written for.")
    minutes: int = Field(description="Expected reading and check time.")
    is_builtin: bool = Field(description="Shipped with Mentorwise (false: your organization's).")
    is_active: bool
    version: int = Field(description="Raised on every change of text or questions.")
    completed_at: dt.datetime | None = Field(
        description="When the caller passed the knowledge check, or null."
    )

    @staticmethod
    def build(module: TrainingModule, completed_at: dt.datetime | None) -> ModuleSummaryOut:
        return ModuleSummaryOut(
            slug=module.slug,
            title=module.title,
            summary=module.summary,
            language=module.language,
            audience=module.audience,
            minutes=module.minutes,
            is_builtin=module.is_builtin,
            is_active=module.is_active,
            version=module.version,
            completed_at=completed_at,
        )


class ChoiceOut(Schema):
    key: str = Field(description="Send this key as the answer.")
    text: str


class QuestionOut(Schema):
    id: str = Field(description="Question id: the key in an attempt's `answers`.")
    text: str
    choices: list[ChoiceOut]


class ModuleOut(ModuleSummaryOut):
    html: str = Field(description="The module's text as sanitised HTML.")
    body_markdown: str = Field(description="The module's Markdown source.")
    questions: list[QuestionOut] = Field(description="The knowledge check, without answers.")


class AttemptIn(Schema):
    answers: dict[str, str] = Field(
        description="Chosen choice key per question id; unanswered questions count as wrong."
    )


class QuestionResultOut(Schema):
    id: str
    correct: bool
    given: str | None = Field(description="The choice key sent, or null.")
    explanation: str | None = Field(
        description="Why the right answer is right; given for wrong answers, and for all "
        "answers once the check is passed."
    )


class AttemptOut(Schema):
    passed: bool = Field(description="True at 80% or more; a pass records a completion.")
    score: int = Field(description="Percent of questions answered correctly.")
    correct: int
    total: int
    results: list[QuestionResultOut]
    completed_at: dt.datetime | None = Field(description="Set when this attempt passed.")


class ModuleIn(Schema):
    title: str = Field(max_length=200)
    summary: str = Field("", description="Shown in the catalogue.")
    body_markdown: str = Field(description="The text in Markdown; raw HTML is removed on display.")
    audience: list[str] = Field(description="Any of mentor, sponsor, coach, mentee.")
    minutes: int = Field(10, ge=1, le=240)
    questions: list[dict[str, Any]] = Field(
        description='Each {"text", "choices": ["...", "..."], "answer": "a", "explanation"}; '
        "choice keys are a, b, c... in order."
    )
    is_active: bool = True

    def content(self) -> services.ModuleContent:
        return services.ModuleContent(**self.model_dump())


class CompletionOut(Schema):
    module: str = Field(description="Module slug.")
    title: str
    passed_at: dt.datetime
    score: int
    module_version: int = Field(description="The module version that was passed.")

    @staticmethod
    def build(c: ModuleCompletion) -> CompletionOut:
        return CompletionOut(
            module=c.module.slug,
            title=c.module.title,
            passed_at=c.passed_at,
            score=c.score,
            module_version=c.module_version,
        )


class RequirementOut(Schema):
    module: str = Field(description="Module slug.")
    module_id: int = Field(description="Id to send when setting requirements.")
    title: str
    minutes: int
    completed_at: dt.datetime | None = Field(description="When the caller passed it, or null.")


class RequirementsOut(Schema):
    program: str = Field(description="Program slug.")
    mentor_training_required: bool = Field(
        description="Whether matching waits for mentors to complete the modules."
    )
    modules: list[RequirementOut]


class RequirementsIn(Schema):
    module_ids: list[int] = Field(description="Ids of active modules; replaces the current list.")


def _requirements(request: HttpRequest, program: Program) -> RequirementsOut:
    person = getattr(request.user, "person", None)
    if person is not None:
        status = selectors.training_status(person, program)
    else:
        status = [(m, None) for m in selectors.required_modules(program)]
    return RequirementsOut(
        program=program.slug,
        mentor_training_required=program.mentor_training_required,
        modules=[
            RequirementOut(
                module=m.slug, module_id=m.pk, title=m.title, minutes=m.minutes, completed_at=done
            )
            for m, done in status
        ],
    )


@router.get(
    "/modules", response={200: list[ModuleSummaryOut], **ERRORS}, summary="List training modules"
)
def module_list(request: HttpRequest) -> list[ModuleSummaryOut]:
    """Active modules (HR admins also see inactive ones), with the caller's completion."""
    passed = dict(
        selectors.completion_list(actor=request.user).values_list("module_id", "passed_at")
    )
    return [
        ModuleSummaryOut.build(m, passed.get(m.pk))
        for m in selectors.module_list(actor=request.user)
    ]


@router.post(
    "/modules", response={201: ModuleOut, **WRITE_ERRORS}, summary="Add an organization module"
)
def module_create(request: HttpRequest, data: ModuleIn) -> Status[ModuleOut]:
    """HR admins only."""
    module = services.module_create(actor=request.user, content=data.content())
    return Status(201, _module_out(request, module))


@router.get("/modules/{slug}", response={200: ModuleOut, **ERRORS}, summary="Read a module")
def module_get(request: HttpRequest, slug: str) -> ModuleOut:
    """The text as sanitised HTML and the knowledge check without its answers."""
    return _module_out(request, selectors.access_module(actor=request.user, slug=slug))


@router.put("/modules/{slug}", response={200: ModuleOut, **WRITE_ERRORS}, summary="Change a module")
def module_put(request: HttpRequest, slug: str, data: ModuleIn) -> ModuleOut:
    """HR admins, for the organization's own modules; built-in modules are read-only."""
    module = selectors.access_editable_module(actor=request.user, slug=slug)
    updated = services.module_update(actor=request.user, module=module, content=data.content())
    return _module_out(request, updated)


def _module_out(request: HttpRequest, module: TrainingModule) -> ModuleOut:
    completion = selectors.completion_get(actor=request.user, module=module)
    summary = ModuleSummaryOut.build(module, completion.passed_at if completion else None)
    return ModuleOut(
        **summary.model_dump(),
        html=str(render_markdown(module.body_markdown)),
        body_markdown=module.body_markdown,
        questions=[QuestionOut.model_validate(q) for q in questions_public(module.questions)],
    )


@router.post(
    "/modules/{slug}/attempts",
    response={200: AttemptOut, **WRITE_ERRORS},
    summary="Take the knowledge check",
)
def module_attempt(request: HttpRequest, slug: str, data: AttemptIn) -> AttemptOut:
    """Grades the answers; a pass (80% or more) records the caller's completion. Retries
    are allowed; a failed attempt records nothing."""
    module = selectors.access_module(actor=request.user, slug=slug)
    result = services.module_attempt(actor=request.user, module=module, answers=data.answers)
    return AttemptOut(
        passed=result.passed,
        score=result.score,
        correct=result.n_correct,
        total=result.n_questions,
        results=[
            QuestionResultOut(
                id=r.id,
                correct=r.correct,
                given=r.given,
                explanation=r.explanation if (result.passed or not r.correct) else None,
            )
            for r in result.results
        ],
        completed_at=result.completion.passed_at if result.completion else None,
    )


@router.get(
    "/completions", response={200: list[CompletionOut], **ERRORS}, summary="My completed modules"
)
def completion_list(request: HttpRequest) -> list[CompletionOut]:
    """The caller's own completions only."""
    return [CompletionOut.build(c) for c in selectors.completion_list(actor=request.user)]


@router.get(
    "/programs/{slug}/requirements",
    response={200: RequirementsOut, **ERRORS},
    summary="A program's required training",
)
def program_requirements_get(request: HttpRequest, slug: str) -> RequirementsOut:
    """For the program's participants and managers, with the caller's own progress."""
    program = selectors.access_program_requirements(actor=request.user, slug=slug)
    return _requirements(request, program)


@router.put(
    "/programs/{slug}/requirements",
    response={200: RequirementsOut, **WRITE_ERRORS},
    summary="Set a program's required training",
)
def program_requirements_put(
    request: HttpRequest, slug: str, data: RequirementsIn
) -> RequirementsOut:
    """The program's managers and HR admins; replaces the list of required modules."""
    program = selectors.access_requirements_program(actor=request.user, slug=slug)
    services.program_requirements_set(
        actor=request.user, program=program, module_ids=data.module_ids
    )
    return _requirements(request, program)
