"""Who may translate what: a program's managers and HR admins translate the program and its
surveys; HR admins translate training modules (built-in ones too: the translation is the
organization's, the text stays the file's). Anyone else is told the object does not exist,
as on the other pages. `None` is the system (the command line)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import User
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.content.targets import MODULE, PROGRAM, Target, module_target, program_target
from mentorwise.core.errors import NotFound
from mentorwise.learning.models import TrainingModule
from mentorwise.programs.models import Program
from mentorwise.programs.permissions import managed_program_ids


def translatable_programs(actor: Actor) -> QuerySet[Program]:
    if actor is None or is_hr_admin(actor):
        return Program.objects.all()
    if not isinstance(actor, User):
        return Program.objects.none()
    return Program.objects.filter(pk__in=managed_program_ids(actor))


def translatable_modules(actor: Actor) -> QuerySet[TrainingModule]:
    if actor is None or is_hr_admin(actor):
        return TrainingModule.objects.all()
    return TrainingModule.objects.none()


def can_translate(actor: Actor) -> bool:
    """Whether the actor translates anything (the menu entry)."""
    return translatable_modules(actor).exists() or translatable_programs(actor).exists()


def access_target(*, actor: Actor, kind: str, slug: str) -> Target:
    """The program or module the actor may translate; NotFound otherwise."""
    if kind == PROGRAM:
        program = translatable_programs(actor).filter(slug=slug).first()
        if program is not None:
            return program_target(program)
    elif kind == MODULE:
        module = translatable_modules(actor).filter(slug=slug).first()
        if module is not None:
            return module_target(module)
    raise NotFound(_("Nothing to translate here."))
